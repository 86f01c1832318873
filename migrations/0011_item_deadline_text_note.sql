ALTER TABLE `items` ADD `deadline_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `items` ADD `note` text DEFAULT '' NOT NULL;