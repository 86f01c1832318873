CREATE TABLE `admin_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_account_id` integer,
	`actor_name` text NOT NULL,
	`actor_role` text NOT NULL,
	`actor_unit_id` integer,
	`action` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` integer,
	`summary` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `admin_events_at_idx` ON `admin_events` (`at`);--> statement-breakpoint
ALTER TABLE `units` ADD `merged_into_id` integer REFERENCES units(id);--> statement-breakpoint
ALTER TABLE `units` ADD `merged_at` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `token_revoked_at` text;