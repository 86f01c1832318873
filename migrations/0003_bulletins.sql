CREATE TABLE `bulletin_publications` (
	`bulletin_id` integer PRIMARY KEY NOT NULL,
	`published_at` text NOT NULL,
	`published_by` integer NOT NULL,
	FOREIGN KEY (`bulletin_id`) REFERENCES `bulletins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `bulletins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`period` text NOT NULL,
	`as_of` text NOT NULL,
	`generated_at` text NOT NULL,
	`content_hash` text NOT NULL,
	`content` text NOT NULL,
	`issued_by` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bulletins_plan_period_uq` ON `bulletins` (`plan_id`,`period`);