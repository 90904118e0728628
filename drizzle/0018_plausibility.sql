CREATE TABLE `plausibility_dismissals` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`item_code` text NOT NULL,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	`dismissed_by` integer NOT NULL,
	`dismissed_at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dismissed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plausibility_dismissals_uq` ON `plausibility_dismissals` (`submission_id`,`version`,`item_code`,`kind`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `plausibility` text;