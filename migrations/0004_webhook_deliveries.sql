CREATE TABLE `webhook_deliveries` (
	`workflow_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`execution_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`workflow_id`, `idempotency_key`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_created_idx` ON `webhook_deliveries` (`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_execution_idx` ON `webhook_deliveries` (`execution_id`);