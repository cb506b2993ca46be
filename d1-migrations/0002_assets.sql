CREATE TABLE `assets` (
	`tenant_id` text NOT NULL,
	`hash` text NOT NULL,
	`size` integer NOT NULL,
	`content_type` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `hash`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `deployments` ADD `asset_files` integer;--> statement-breakpoint
ALTER TABLE `deployments` ADD `asset_bytes` integer;