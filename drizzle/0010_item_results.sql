CREATE TABLE `item_results` (
	`round_id` integer NOT NULL,
	`city_id` integer NOT NULL,
	`items` text NOT NULL,
	PRIMARY KEY(`round_id`, `city_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Every round's item rows move as they are, one array per city in the order they were written (framework
-- order): [code, points, submitted value, verified value, review status, not submitted] (lib/scoring/item-results.ts).
INSERT INTO `item_results` (`round_id`, `city_id`, `items`)
SELECT `round_id`, `city_id`, json_group_array(json_array(
  `code`, `points`, json(coalesce(`submitted_value`, 'null')), json(coalesce(`verified_value`, 'null')),
  coalesce(`review_status`, ''), json(CASE WHEN `not_submitted` THEN 'true' ELSE 'false' END)
) ORDER BY `id`)
FROM `results` WHERE `level` = 'item'
GROUP BY `round_id`, `city_id`;
--> statement-breakpoint
-- Finalised rounds' results cannot be deleted (0002): the lock is lifted for this one move and put back at once.
DROP TRIGGER `results_delete_finalised`;
--> statement-breakpoint
DELETE FROM `results` WHERE `level` = 'item';
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
-- The same lock as the other results (0002): a finalised round's item results are frozen.
CREATE TRIGGER item_results_insert_finalised BEFORE INSERT ON item_results
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER item_results_update_finalised BEFORE UPDATE ON item_results
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER item_results_delete_finalised BEFORE DELETE ON item_results
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
