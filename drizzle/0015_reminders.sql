CREATE TABLE `reminders` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`deadline` integer NOT NULL,
	`kind` text NOT NULL,
	`sent_by` integer,
	`sent_at` integer NOT NULL,
	`module_codes` text NOT NULL,
	`recipients` text NOT NULL,
	`note` text,
	`email_status` text NOT NULL,
	`email_error` text,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sent_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_round_city_deadline_uq` ON `reminders` (`round_id`,`city_id`,`deadline`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `reminder_days_before` integer;