CREATE TABLE `egress_allow_list` (
	`tenant_id` text NOT NULL,
	`host` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `host`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `plans` (
	`name` text PRIMARY KEY NOT NULL,
	`cpu_ms` integer NOT NULL,
	`sub_requests` integer NOT NULL,
	`updated_at` integer NOT NULL
);
