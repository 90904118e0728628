CREATE TABLE `appeals` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`submission_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`version` integer NOT NULL,
	`filed_by` integer NOT NULL,
	`reason` text NOT NULL,
	`evidence_url` text,
	`filed_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`assigned_to` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`decision_reason` text,
	`amended_value` text,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`filed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "appeals_reason" CHECK(length(trim("appeals"."reason")) > 0)
);
--> statement-breakpoint
CREATE INDEX `appeals_round_status_idx` ON `appeals` (`round_id`,`status`);--> statement-breakpoint
CREATE INDEX `appeals_submission_item_idx` ON `appeals` (`submission_id`,`item_id`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `preliminary_results` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `appeal_deadline` integer;--> statement-breakpoint
-- Nothing of a finalised round changes, appeals included (as in 0002).
CREATE TRIGGER appeals_insert_finalised BEFORE INSERT ON appeals
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER appeals_update_finalised BEFORE UPDATE ON appeals
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
