CREATE TABLE `webhook_responses` (
	`execution_id` text PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`scope` text NOT NULL,
	`attempt` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
