DROP INDEX `step_runs_attempt_uq`;--> statement-breakpoint
ALTER TABLE `step_runs` ADD `scope` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `step_runs_step_attempt_uq` ON `step_runs` (`execution_id`,`node_id`,`scope`,`attempt`);--> statement-breakpoint
ALTER TABLE `executions` ADD `retry_chain` text;