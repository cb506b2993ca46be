CREATE TABLE `secrets` (
	`script_id` text NOT NULL,
	`name` text NOT NULL,
	`ciphertext` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`script_id`, `name`),
	FOREIGN KEY (`script_id`) REFERENCES `scripts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `deployments` ADD `secrets` text;--> statement-breakpoint
ALTER TABLE `scripts` ADD `secrets_version` integer DEFAULT 0 NOT NULL;