CREATE TABLE `item_assignees` (
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`assigned_by` integer NOT NULL,
	`assigned_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`city_id`, `item_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_assignees_user_idx` ON `item_assignees` (`user_id`,`round_id`);--> statement-breakpoint
-- Rebuilds users for its new checks; db/migrate.ts runs migrations with foreign keys off, so dropping the old
-- table neither cascades to sessions nor trips the tables that refer to users, and checks them all afterwards.
CREATE TABLE `__new_users` (
	`id` integer PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`city_id` integer,
	`department` text,
	`locale` text DEFAULT 'zh-CN' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`must_change_password` integer DEFAULT false NOT NULL,
	`synthetic` integer DEFAULT false NOT NULL,
	`last_sign_in_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "users_city_matches_role" CHECK(("role" in ('city_staff', 'department_staff')) = ("city_id" is not null)),
	CONSTRAINT "users_department_matches_role" CHECK(("role" = 'department_staff') = ("department" is not null))
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "email", "name", "password_hash", "role", "city_id", "department", "locale", "active", "must_change_password", "synthetic", "last_sign_in_at", "created_at") SELECT "id", "email", "name", "password_hash", "role", "city_id", NULL, "locale", "active", "must_change_password", "synthetic", "last_sign_in_at", "created_at" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_city_idx` ON `users` (`city_id`);--> statement-breakpoint
CREATE INDEX `users_role_idx` ON `users` (`role`);