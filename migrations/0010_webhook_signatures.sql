CREATE TABLE `webhook_signatures` (
	`workflow_id` text NOT NULL,
	`digest` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`workflow_id`, `digest`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_signatures_expires_idx` ON `webhook_signatures` (`expires_at`);