ALTER TABLE `step_runs` ADD `output_full` text;--> statement-breakpoint
CREATE INDEX `step_runs_output_full_idx` ON `step_runs` (`execution_id`) WHERE "step_runs"."output_full" is not null;