-- An update that moves a row into a finalised round (UPDATE OR REPLACE of its round or submission, which also
-- deletes the row it collides with without a delete trigger) was let through: 0002 and 0004 asked only where the
-- row came from. Now where it goes to is asked too, as the framework's triggers (0007) always did.
DROP TRIGGER `answers_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER answers_update_finalised BEFORE UPDATE ON answers
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
  OR (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `evidence_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER evidence_update_finalised BEFORE UPDATE ON evidence
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
  OR (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `item_reviews_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER item_reviews_update_finalised BEFORE UPDATE ON item_reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
  OR (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `reviews_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER reviews_update_finalised BEFORE UPDATE ON reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
  OR (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `submission_versions_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER submission_versions_update_finalised BEFORE UPDATE ON submission_versions
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
  OR (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `submissions_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER submissions_update_finalised BEFORE UPDATE ON submissions
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
  OR (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `results_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER results_update_finalised BEFORE UPDATE ON results
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
  OR (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
DROP TRIGGER `appeals_update_finalised`;
--> statement-breakpoint
CREATE TRIGGER appeals_update_finalised BEFORE UPDATE ON appeals
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
  OR (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
