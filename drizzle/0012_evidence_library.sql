CREATE TABLE `library_files` (
	`id` integer PRIMARY KEY NOT NULL,
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`original_name` text NOT NULL,
	`storage_key` text NOT NULL,
	`uploaded_by` integer NOT NULL,
	`uploaded_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`removed_at` integer,
	`removed_by` integer,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `library_files_uq` ON `library_files` (`round_id`,`city_id`,`sha256`);--> statement-breakpoint
-- Every file a city has attached so far goes into its library for the round, once: the first upload's name.
INSERT INTO library_files (round_id, city_id, sha256, size, mime, original_name, storage_key, uploaded_by, uploaded_at)
SELECT s.round_id, s.city_id, e.sha256, coalesce(e.size, 0), coalesce(e.mime, 'application/octet-stream'),
  coalesce(e.original_name, e.sha256), e.storage_key, e.uploaded_by, e.uploaded_at
FROM evidence e JOIN submissions s ON s.id = e.submission_id
WHERE e.kind = 'file' AND e.deleted_at IS NULL
  AND e.id = (
    SELECT min(e2.id) FROM evidence e2 JOIN submissions s2 ON s2.id = e2.submission_id
    WHERE e2.kind = 'file' AND e2.deleted_at IS NULL AND e2.sha256 = e.sha256
      AND s2.round_id = s.round_id AND s2.city_id = s.city_id
  );
--> statement-breakpoint
CREATE TRIGGER library_files_insert_finalised BEFORE INSERT ON library_files
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER library_files_update_finalised BEFORE UPDATE ON library_files
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
  OR (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER library_files_delete_finalised BEFORE DELETE ON library_files
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
