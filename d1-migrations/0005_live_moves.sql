CREATE TABLE `live_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`script_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`script_id`) REFERENCES `scripts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `live_moves_script` ON `live_moves` (`script_id`,`id`);