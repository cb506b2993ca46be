CREATE TABLE `schedules` (
	`script_id` text NOT NULL,
	`cron` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_run_at` integer,
	`last_outcome` text,
	`last_duration_ms` integer,
	`last_deployment_id` text,
	PRIMARY KEY(`script_id`, `cron`),
	FOREIGN KEY (`script_id`) REFERENCES `scripts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `deployments` ADD `handlers` text;