CREATE TABLE `loop_iterations` (
	`execution_id` text NOT NULL,
	`node_id` text NOT NULL,
	`scope` text DEFAULT '' NOT NULL,
	`idx` integer NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`finished_at` text NOT NULL,
	PRIMARY KEY(`execution_id`, `node_id`, `scope`, `idx`),
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `loop_progress` (
	`execution_id` text NOT NULL,
	`node_id` text NOT NULL,
	`scope` text DEFAULT '' NOT NULL,
	`attempt` integer NOT NULL,
	`progress` text NOT NULL,
	PRIMARY KEY(`execution_id`, `node_id`, `scope`, `attempt`),
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `step_runs_scope_idx` ON `step_runs` (`execution_id`,`scope`);