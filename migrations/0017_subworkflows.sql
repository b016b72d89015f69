ALTER TABLE `executions` ADD `parent_execution_id` text REFERENCES executions(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `executions` ADD `parent_node_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `parent_scope` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `parent_attempt` integer;--> statement-breakpoint
ALTER TABLE `executions` ADD `call_depth` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `executions_parent_step_idx` ON `executions` (`parent_execution_id`,`parent_node_id`,`parent_scope`,`parent_attempt`);