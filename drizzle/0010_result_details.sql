CREATE TABLE `result_details` (
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`details` text NOT NULL,
	PRIMARY KEY(`round_id`, `city_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Every round's indicator and item rows move as they are, one array per city in the order they were written (the
-- engine's): [level, code, points, submitted value, verified value, review status, not submitted]
-- (lib/scoring/result-details.ts). The total and module rows, with their ranks, stay in results.
INSERT INTO `result_details` (`round_id`, `city_id`, `details`)
SELECT `round_id`, `city_id`, json_group_array(json_array(
  `level`, `code`, `points`,
  json(CASE WHEN `level` = 'item' THEN coalesce(`submitted_value`, 'null') ELSE 'null' END),
  json(CASE WHEN `level` = 'item' THEN coalesce(`verified_value`, 'null') ELSE 'null' END),
  coalesce(`review_status`, ''), json(CASE WHEN `not_submitted` THEN 'true' ELSE 'false' END)
) ORDER BY `id`)
FROM `results` WHERE `level` IN ('item', 'indicator')
GROUP BY `round_id`, `city_id`;
--> statement-breakpoint
-- Finalised rounds' results cannot be deleted (0002): the lock is lifted for this one move and put back at once.
DROP TRIGGER `results_delete_finalised`;
--> statement-breakpoint
DELETE FROM `results` WHERE `level` IN ('item', 'indicator');
--> statement-breakpoint
CREATE TRIGGER results_delete_finalised BEFORE DELETE ON results
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
ALTER TABLE `results` DROP COLUMN `submitted_value`;
--> statement-breakpoint
ALTER TABLE `results` DROP COLUMN `verified_value`;
--> statement-breakpoint
-- The same lock as the other results (0002): a finalised round's details are frozen.
CREATE TRIGGER result_details_insert_finalised BEFORE INSERT ON result_details
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER result_details_update_finalised BEFORE UPDATE ON result_details
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
  OR (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER result_details_delete_finalised BEFORE DELETE ON result_details
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
-- Adjustments (核减) are few among a round's decisions: finalising reads only them (db/item-decisions.ts).
CREATE INDEX `item_reviews_adjust_idx` ON `item_reviews` (`submission_id`) WHERE "item_reviews"."action" = 'adjust';
