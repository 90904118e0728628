CREATE TABLE `answers` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`value` text,
	`not_applicable_reason` text,
	`revision` integer DEFAULT 1 NOT NULL,
	`updated_by` integer,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `answers_submission_item_uq` ON `answers` (`submission_id`,`item_id`);--> statement-breakpoint
CREATE INDEX `answers_item_idx` ON `answers` (`item_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`round_id` integer,
	`city_id` integer,
	`before` text,
	`after` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_hash_unique` ON `audit_log` (`hash`);--> statement-breakpoint
CREATE INDEX `audit_round_at_idx` ON `audit_log` (`round_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor_id`,`at`);--> statement-breakpoint
CREATE TABLE `cities` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`province_zh` text NOT NULL,
	`province_en` text NOT NULL,
	`region` text NOT NULL,
	`tier` text NOT NULL,
	`confirmed` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cities_code_unique` ON `cities` (`code`);--> statement-breakpoint
CREATE INDEX `cities_region_idx` ON `cities` (`region`);--> statement-breakpoint
CREATE INDEX `cities_tier_idx` ON `cities` (`tier`);--> statement-breakpoint
CREATE TABLE `evidence` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`kind` text NOT NULL,
	`url` text,
	`sha256` text,
	`size` integer,
	`mime` text,
	`original_name` text,
	`storage_key` text,
	`uploaded_by` integer NOT NULL,
	`uploaded_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`deleted_at` integer,
	`deleted_by` integer,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deleted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evidence_kind_payload" CHECK(("evidence"."kind" = 'url' and "evidence"."url" is not null) or ("evidence"."kind" = 'file' and "evidence"."sha256" is not null and "evidence"."storage_key" is not null))
);
--> statement-breakpoint
CREATE INDEX `evidence_submission_item_idx` ON `evidence` (`submission_id`,`item_id`);--> statement-breakpoint
CREATE INDEX `evidence_sha256_idx` ON `evidence` (`sha256`);--> statement-breakpoint
CREATE TABLE `indicators` (
	`id` integer PRIMARY KEY NOT NULL,
	`module_id` integer NOT NULL,
	`code` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`max_points` integer NOT NULL,
	`position` integer NOT NULL,
	`proposed` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicators_module_code_uq` ON `indicators` (`module_id`,`code`);--> statement-breakpoint
CREATE TABLE `item_reviews` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`version` integer NOT NULL,
	`stage_id` integer NOT NULL,
	`reviewer_id` integer NOT NULL,
	`action` text NOT NULL,
	`adjusted_value` text,
	`comment` text,
	`city_reply` text,
	`replied_by` integer,
	`replied_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`stage_id`) REFERENCES `review_stages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`replied_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "item_reviews_reason" CHECK("item_reviews"."action" = 'accept' or length(trim(coalesce("item_reviews"."comment", ''))) > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_reviews_uq` ON `item_reviews` (`submission_id`,`item_id`,`version`,`stage_id`);--> statement-breakpoint
CREATE INDEX `item_reviews_item_idx` ON `item_reviews` (`item_id`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY NOT NULL,
	`indicator_id` integer NOT NULL,
	`round_id` integer NOT NULL,
	`code` text NOT NULL,
	`kind` text DEFAULT 'regular' NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`answer_type` text NOT NULL,
	`unit_zh` text,
	`unit_en` text,
	`options` text,
	`min_value` real,
	`max_value` real,
	`decimals` integer,
	`required` integer DEFAULT true NOT NULL,
	`scoring_rule` text NOT NULL,
	`max_points` integer NOT NULL,
	`evidence_kinds` text NOT NULL,
	`evidence_required` integer DEFAULT true NOT NULL,
	`help_zh` text,
	`help_en` text,
	`position` integer NOT NULL,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicators`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_round_code_uq` ON `items` (`round_id`,`code`);--> statement-breakpoint
CREATE INDEX `items_indicator_idx` ON `items` (`indicator_id`,`position`);--> statement-breakpoint
CREATE TABLE `modules` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`code` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`max_points` integer NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `modules_round_code_uq` ON `modules` (`round_id`,`code`);--> statement-breakpoint
CREATE INDEX `modules_round_position_idx` ON `modules` (`round_id`,`position`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`params` text NOT NULL,
	`href` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_unread_idx` ON `notifications` (`user_id`,`read_at`);--> statement-breakpoint
CREATE TABLE `results` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`level` text NOT NULL,
	`code` text NOT NULL,
	`points` integer NOT NULL,
	`rank` integer,
	`submitted_value` text,
	`verified_value` text,
	`review_status` text,
	`not_submitted` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `results_uq` ON `results` (`round_id`,`city_id`,`level`,`code`);--> statement-breakpoint
CREATE INDEX `results_round_level_idx` ON `results` (`round_id`,`level`,`code`);--> statement-breakpoint
CREATE TABLE `review_assignments` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`module_id` integer NOT NULL,
	`stage_id` integer NOT NULL,
	`reviewer_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`stage_id`) REFERENCES `review_stages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_assignments_uq` ON `review_assignments` (`reviewer_id`,`module_id`,`stage_id`);--> statement-breakpoint
CREATE INDEX `review_assignments_round_reviewer_idx` ON `review_assignments` (`round_id`,`reviewer_id`);--> statement-breakpoint
CREATE INDEX `review_assignments_module_stage_idx` ON `review_assignments` (`module_id`,`stage_id`);--> statement-breakpoint
CREATE TABLE `review_stages` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`position` integer NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_stages_round_position_uq` ON `review_stages` (`round_id`,`position`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`stage_id` integer NOT NULL,
	`reviewer_id` integer NOT NULL,
	`decision` text NOT NULL,
	`comment` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`stage_id`) REFERENCES `review_stages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_submission_version_stage_uq` ON `reviews` (`submission_id`,`version`,`stage_id`);--> statement-breakpoint
CREATE INDEX `reviews_reviewer_idx` ON `reviews` (`reviewer_id`);--> statement-breakpoint
CREATE TABLE `round_cities` (
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	PRIMARY KEY(`round_id`, `city_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `round_cities_city_idx` ON `round_cities` (`city_id`);--> statement-breakpoint
CREATE TABLE `rounds` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`year` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`data_cutoff_date` text,
	`submission_deadline` integer,
	`review_deadline` integer,
	`cloned_from_round_id` integer,
	`opened_at` integer,
	`finalised_at` integer,
	`finalised_by` integer,
	`digest` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`cloned_from_round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`finalised_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rounds_name_uq` ON `rounds` (`name`);--> statement-breakpoint
CREATE INDEX `rounds_status_idx` ON `rounds` (`status`);--> statement-breakpoint
CREATE TABLE `submission_versions` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`snapshot` text NOT NULL,
	`submitted_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submission_versions_uq` ON `submission_versions` (`submission_id`,`version`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`module_id` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`stage_id` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`not_submitted_reason` text,
	`submitted_at` integer,
	`verified_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`stage_id`) REFERENCES `review_stages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_round_city_module_uq` ON `submissions` (`round_id`,`city_id`,`module_id`);--> statement-breakpoint
CREATE INDEX `submissions_round_status_idx` ON `submissions` (`round_id`,`status`);--> statement-breakpoint
CREATE INDEX `submissions_queue_idx` ON `submissions` (`module_id`,`stage_id`,`status`);--> statement-breakpoint
CREATE INDEX `submissions_city_idx` ON `submissions` (`city_id`,`round_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`city_id` integer,
	`locale` text DEFAULT 'zh-CN' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`must_change_password` integer DEFAULT false NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`last_sign_in_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "users_city_matches_role" CHECK(("users"."role" = 'city_staff') = ("users"."city_id" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_city_idx` ON `users` (`city_id`);--> statement-breakpoint
CREATE INDEX `users_role_idx` ON `users` (`role`);