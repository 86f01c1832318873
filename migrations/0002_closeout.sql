CREATE TABLE `calendar_overrides` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`note` text,
	`created_at` text NOT NULL,
	`created_by` integer,
	FOREIGN KEY (`created_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`sha256` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`file_type` text NOT NULL,
	`media_type` text NOT NULL,
	`file_name` text NOT NULL,
	`uploaded_at` text NOT NULL,
	`uploaded_by` integer NOT NULL,
	`uploader_unit_id` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploader_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_item_sha_uq` ON `evidence` (`item_id`,`sha256`);--> statement-breakpoint
CREATE INDEX `evidence_sha_idx` ON `evidence` (`sha256`);--> statement-breakpoint
CREATE TABLE `extensions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`status` text NOT NULL,
	`old_deadline` text NOT NULL,
	`new_deadline` text NOT NULL,
	`reason` text NOT NULL,
	`progress` text NOT NULL,
	`requested_at` text NOT NULL,
	`requested_by` integer NOT NULL,
	`decided_at` text,
	`decided_by` integer,
	`decision_comment` text,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `extensions_item_idx` ON `extensions` (`item_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `extensions_one_pending_uq` ON `extensions` (`item_id`) WHERE status = 'pending';--> statement-breakpoint
CREATE TABLE `objections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`contact` text NOT NULL,
	`content` text NOT NULL,
	`status` text NOT NULL,
	`filed_at` text NOT NULL,
	`decided_at` text,
	`decided_by` integer,
	`decision_comment` text,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `objections_item_idx` ON `objections` (`item_id`,`status`);--> statement-breakpoint
CREATE INDEX `objections_status_idx` ON `objections` (`status`);--> statement-breakpoint
CREATE TABLE `progress_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`period` text NOT NULL,
	`text` text NOT NULL,
	`percent` integer,
	`corrects_report_id` integer,
	`created_at` text NOT NULL,
	`created_by` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `progress_reports_item_idx` ON `progress_reports` (`item_id`,`period`);--> statement-breakpoint
CREATE INDEX `progress_reports_unit_idx` ON `progress_reports` (`unit_id`,`period`);--> statement-breakpoint
ALTER TABLE `items` ADD `notice_calendar_fallback` integer DEFAULT false NOT NULL;