ALTER TABLE `item_events` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `item_events` ADD `hash` text;