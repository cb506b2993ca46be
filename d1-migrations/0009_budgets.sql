CREATE TABLE `budget_stops` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`month` text NOT NULL,
	`budget` text NOT NULL,
	`used` integer NOT NULL,
	`allowed` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `plans` ADD `requests_budget` integer;--> statement-breakpoint
ALTER TABLE `plans` ADD `cpu_ms_budget` integer;