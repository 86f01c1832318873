CREATE TABLE `supervisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`status` text NOT NULL,
	`rule` text NOT NULL,
	`trigger_key` text,
	`answers` text NOT NULL,
	`reason` text NOT NULL,
	`subject` text NOT NULL,
	`issued_on` text NOT NULL,
	`reply_due_on` text NOT NULL,
	`opened_at` text NOT NULL,
	`opened_by` integer,
	`acknowledged_at` text,
	`acknowledged_by` integer,
	`replied_at` text,
	`replied_by` integer,
	`reply_text` text,
	`reply_evidence_ids` text,
	`reply_overdue` integer DEFAULT false NOT NULL,
	`sent_back_count` integer DEFAULT 0 NOT NULL,
	`resolved_at` text,
	`resolved_by` integer,
	`resolution_comment` text,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`replied_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolved_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `supervisions_number_uq` ON `supervisions` (`year`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `supervisions_one_open_per_item_uq` ON `supervisions` (`item_id`) WHERE status != 'resolved';--> statement-breakpoint
CREATE UNIQUE INDEX `supervisions_item_trigger_uq` ON `supervisions` (`item_id`,`trigger_key`);--> statement-breakpoint
CREATE INDEX `supervisions_plan_status_idx` ON `supervisions` (`plan_id`,`status`);--> statement-breakpoint
CREATE TABLE `urges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`deadline` text NOT NULL,
	`days_overdue` integer NOT NULL,
	`urged_at` text NOT NULL,
	`urged_by` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`urged_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `urges_item_deadline_uq` ON `urges` (`item_id`,`deadline`);