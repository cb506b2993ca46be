CREATE TABLE `resources` (
	`tenant_id` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`production_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `type`, `name`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
