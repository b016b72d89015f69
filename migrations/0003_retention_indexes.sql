CREATE INDEX `executions_retry_of_idx` ON `executions` (`retry_of`);--> statement-breakpoint
CREATE INDEX `schedule_fires_execution_idx` ON `schedule_fires` (`execution_id`);