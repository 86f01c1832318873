CREATE TABLE `case_lead_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_lead_id` integer NOT NULL,
	`at` text NOT NULL,
	`actor_account_id` integer,
	`actor_name` text NOT NULL,
	`actor_role` text NOT NULL,
	`actor_unit_id` integer,
	`action` text NOT NULL,
	`from_stage` text,
	`to_stage` text,
	`comment` text,
	`details` text,
	FOREIGN KEY (`case_lead_id`) REFERENCES `case_leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_lead_events_lead_idx` ON `case_lead_events` (`case_lead_id`,`id`);--> statement-breakpoint
CREATE INDEX `case_lead_events_at_idx` ON `case_lead_events` (`at`);--> statement-breakpoint
CREATE TABLE `case_leads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`number` text NOT NULL,
	`summary` text NOT NULL,
	`handling_unit_id` integer NOT NULL,
	`received_on` text NOT NULL,
	`stage` text DEFAULT 'received' NOT NULL,
	`outcome` text,
	`handled_at` text,
	`disclosed_at` text,
	`created_at` text NOT NULL,
	`created_by` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handling_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_leads_plan_number_uq` ON `case_leads` (`plan_id`,`number`);--> statement-breakpoint
CREATE INDEX `case_leads_unit_idx` ON `case_leads` (`handling_unit_id`,`id`);--> statement-breakpoint
CREATE INDEX `case_leads_stage_idx` ON `case_leads` (`stage`,`id`);