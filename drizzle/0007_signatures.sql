CREATE TABLE `signatures` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`round_id` integer,
	`record` text NOT NULL,
	`signature` text NOT NULL,
	`public_key` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `signatures_round_idx` ON `signatures` (`round_id`,`id`);--> statement-breakpoint
CREATE INDEX `signatures_kind_idx` ON `signatures` (`kind`,`id`);--> statement-breakpoint
-- Signed records are evidence: never changed, never removed.
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN
  SELECT RAISE(ABORT, 'signatures are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN
  SELECT RAISE(ABORT, 'signatures are append-only');
END;
--> statement-breakpoint
-- A round's status moves only as the app moves it: right after the audit entry of that very transition for that
-- round (db/rounds.ts, db/finalise.ts append it first). A raw UPDATE without it is refused; one with it leaves
-- a trace in the hash-chained log. Whoever can drop triggers can write anything: the signature proves it.
CREATE TRIGGER rounds_status_by_audited_transition BEFORE UPDATE OF status ON rounds
WHEN NEW.status IS NOT OLD.status AND NOT EXISTS (
  SELECT 1 FROM audit_log a
  WHERE a.id = (SELECT max(id) FROM audit_log)
    AND a.entity_type = 'round' AND a.entity_id = CAST(NEW.id AS TEXT)
    AND (
      (OLD.status = 'draft' AND NEW.status = 'open' AND a.action IN ('round.created', 'round.opened'))
      OR (OLD.status = 'open' AND NEW.status = 'finalised' AND a.action = 'round.finalised')
      OR (OLD.status = 'finalised' AND NEW.status = 'open' AND a.action = 'round.reopened')
    )
)
BEGIN
  SELECT RAISE(ABORT, 'round status changes only through its audited transition');
END;
--> statement-breakpoint
CREATE TRIGGER rounds_finalisation_by_audited_transition BEFORE UPDATE OF digest, finalised_at, finalised_by ON rounds
WHEN (NEW.digest IS NOT OLD.digest OR NEW.finalised_at IS NOT OLD.finalised_at OR NEW.finalised_by IS NOT OLD.finalised_by) AND NOT EXISTS (
  SELECT 1 FROM audit_log a
  WHERE a.id = (SELECT max(id) FROM audit_log)
    AND a.entity_type = 'round' AND a.entity_id = CAST(NEW.id AS TEXT) AND a.action = 'round.finalised'
    AND json_extract(a."after", '$.digest') IS NEW.digest
)
BEGIN
  SELECT RAISE(ABORT, 'finalisation fields change only when a round is finalised');
END;
--> statement-breakpoint
-- The framework, stages and participating cities of a round are fixed once it leaves the draft.
CREATE TRIGGER modules_insert_fixed BEFORE INSERT ON modules WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER modules_update_fixed BEFORE UPDATE ON modules WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft' OR (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER modules_delete_fixed BEFORE DELETE ON modules WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER indicators_insert_fixed BEFORE INSERT ON indicators WHEN (SELECT r.status FROM modules m JOIN rounds r ON r.id = m.round_id WHERE m.id = NEW.module_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER indicators_update_fixed BEFORE UPDATE ON indicators WHEN (SELECT r.status FROM modules m JOIN rounds r ON r.id = m.round_id WHERE m.id = OLD.module_id) <> 'draft' OR (SELECT r.status FROM modules m JOIN rounds r ON r.id = m.round_id WHERE m.id = NEW.module_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER indicators_delete_fixed BEFORE DELETE ON indicators WHEN (SELECT r.status FROM modules m JOIN rounds r ON r.id = m.round_id WHERE m.id = OLD.module_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER items_insert_fixed BEFORE INSERT ON items
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
  OR (SELECT r.status FROM indicators i JOIN modules m ON m.id = i.module_id JOIN rounds r ON r.id = m.round_id WHERE i.id = NEW.indicator_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER items_update_fixed BEFORE UPDATE ON items
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft' OR (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
  OR (SELECT r.status FROM indicators i JOIN modules m ON m.id = i.module_id JOIN rounds r ON r.id = m.round_id WHERE i.id = NEW.indicator_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER items_delete_fixed BEFORE DELETE ON items WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the framework of an open or finalised round is fixed'); END;
--> statement-breakpoint
CREATE TRIGGER review_stages_insert_fixed BEFORE INSERT ON review_stages WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the stages of an open or finalised round are fixed'); END;
--> statement-breakpoint
CREATE TRIGGER review_stages_update_fixed BEFORE UPDATE OF round_id, position ON review_stages
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft' OR (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the stages of an open or finalised round are fixed'); END;
--> statement-breakpoint
CREATE TRIGGER review_stages_delete_fixed BEFORE DELETE ON review_stages WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the stages of an open or finalised round are fixed'); END;
--> statement-breakpoint
CREATE TRIGGER round_cities_insert_fixed BEFORE INSERT ON round_cities WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the cities of an open or finalised round are fixed'); END;
--> statement-breakpoint
CREATE TRIGGER round_cities_update_fixed BEFORE UPDATE ON round_cities
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft' OR (SELECT status FROM rounds WHERE id = NEW.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the cities of an open or finalised round are fixed'); END;
--> statement-breakpoint
CREATE TRIGGER round_cities_delete_fixed BEFORE DELETE ON round_cities WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the cities of an open or finalised round are fixed'); END;
--> statement-breakpoint
-- Code, names, region and tier of a city that took part in a finalised round are what its signed report shows.
CREATE TRIGGER cities_published_fixed BEFORE UPDATE OF region, tier, code, name_zh, name_en ON cities
WHEN (NEW.region IS NOT OLD.region OR NEW.tier IS NOT OLD.tier OR NEW.code IS NOT OLD.code OR NEW.name_zh IS NOT OLD.name_zh OR NEW.name_en IS NOT OLD.name_en) AND EXISTS (
  SELECT 1 FROM round_cities rc JOIN rounds r ON r.id = rc.round_id WHERE rc.city_id = OLD.id AND r.status = 'finalised'
)
BEGIN
  SELECT RAISE(ABORT, 'a city of a finalised round keeps its code, names, region and tier');
END;
