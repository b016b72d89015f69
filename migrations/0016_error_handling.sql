-- Deleting a failed run (retention) unlinks the error run that reported it, as retry_of does.
ALTER TABLE `executions` ADD `error_of` text REFERENCES executions(id) ON DELETE set null;--> statement-breakpoint
CREATE UNIQUE INDEX `executions_error_of_uq` ON `executions` (`error_of`);--> statement-breakpoint
ALTER TABLE `step_runs` ADD `handled` integer DEFAULT false NOT NULL;
