ALTER TABLE `workflows` ADD `active_since` text;--> statement-breakpoint
ALTER TABLE `workflows` ADD `schedule_paused` integer DEFAULT false NOT NULL;