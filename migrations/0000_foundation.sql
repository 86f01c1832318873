CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_name_unique` ON `units` (`name`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` integer,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`disabled_at` text,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_token_hash_unique` ON `accounts` (`token_hash`);--> statement-breakpoint
CREATE INDEX `accounts_unit_idx` ON `accounts` (`unit_id`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`issued_by` text NOT NULL,
	`timezone` text DEFAULT 'Asia/Shanghai' NOT NULL,
	`categories` text NOT NULL,
	`notice_working_days` integer DEFAULT 5 NOT NULL,
	`joint_supervision_after_days` integer DEFAULT 15 NOT NULL,
	`created_at` text NOT NULL,
	`created_by` integer,
	FOREIGN KEY (`created_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `item_responsible_units` (
	`item_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	PRIMARY KEY(`item_id`, `unit_id`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_responsible_units_unit_idx` ON `item_responsible_units` (`unit_id`,`item_id`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`code` text NOT NULL,
	`category` text NOT NULL,
	`problem` text NOT NULL,
	`target` text NOT NULL,
	`measures` text NOT NULL,
	`lead_unit_id` integer NOT NULL,
	`deadline_kind` text NOT NULL,
	`deadline` text,
	`status` text DEFAULT 'assigned' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`notice_ends_at` text,
	`closed_at` text,
	`rebound` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_plan_code_uq` ON `items` (`plan_id`,`code`);--> statement-breakpoint
CREATE INDEX `items_lead_unit_idx` ON `items` (`lead_unit_id`,`id`);--> statement-breakpoint
CREATE INDEX `items_status_idx` ON `items` (`status`,`deadline`);--> statement-breakpoint
CREATE TABLE `item_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`at` text NOT NULL,
	`actor_account_id` integer,
	`actor_name` text NOT NULL,
	`actor_role` text NOT NULL,
	`actor_unit_id` integer,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`comment` text,
	`details` text,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_events_item_idx` ON `item_events` (`item_id`,`id`);--> statement-breakpoint
CREATE INDEX `item_events_at_idx` ON `item_events` (`at`);