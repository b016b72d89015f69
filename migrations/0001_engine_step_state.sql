ALTER TABLE `step_runs` ADD `worker_id` text;--> statement-breakpoint
ALTER TABLE `step_runs` ADD `job_id` text;--> statement-breakpoint
ALTER TABLE `step_runs` ADD `retry_at` text;--> statement-breakpoint
ALTER TABLE `step_runs` ADD `continue_at` text;--> statement-breakpoint
ALTER TABLE `step_runs` ADD `reused` integer DEFAULT false NOT NULL;