CREATE TABLE `calibration_items` (
	`calibration_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`action` text NOT NULL,
	`adjusted_value` text,
	`comment` text,
	`decided_at` integer NOT NULL,
	PRIMARY KEY(`calibration_id`, `item_id`),
	FOREIGN KEY (`calibration_id`) REFERENCES `calibrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "calibration_items_reason" CHECK("calibration_items"."action" = 'accept' or length(trim(coalesce("calibration_items"."comment", ''))) > 0)
);
--> statement-breakpoint
CREATE TABLE `calibrations` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`stage_id` integer NOT NULL,
	`reviewer_id` integer NOT NULL,
	`drawn_by` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`stage_id`) REFERENCES `review_stages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`drawn_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calibrations_submission_version_stage_uq` ON `calibrations` (`submission_id`,`version`,`stage_id`);--> statement-breakpoint
CREATE INDEX `calibrations_round_idx` ON `calibrations` (`round_id`);--> statement-breakpoint
CREATE INDEX `calibrations_reviewer_idx` ON `calibrations` (`reviewer_id`);