CREATE TABLE `webhook_tests` (
	`workflow_id` text PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`armed_by` text,
	`armed_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`captured_at` text,
	`payload` text,
	`refusal` text,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_tests_token_idx` ON `webhook_tests` (`token_hash`);