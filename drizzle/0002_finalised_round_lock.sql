-- Nothing of a finalised round changes: the database itself refuses writes to its data (the server refuses first).
CREATE TRIGGER answers_insert_finalised BEFORE INSERT ON answers
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER answers_update_finalised BEFORE UPDATE ON answers
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER answers_delete_finalised BEFORE DELETE ON answers
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER evidence_insert_finalised BEFORE INSERT ON evidence
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER evidence_update_finalised BEFORE UPDATE ON evidence
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER evidence_delete_finalised BEFORE DELETE ON evidence
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER item_reviews_insert_finalised BEFORE INSERT ON item_reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER item_reviews_update_finalised BEFORE UPDATE ON item_reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER item_reviews_delete_finalised BEFORE DELETE ON item_reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER reviews_insert_finalised BEFORE INSERT ON reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER reviews_update_finalised BEFORE UPDATE ON reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER reviews_delete_finalised BEFORE DELETE ON reviews
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER submission_versions_insert_finalised BEFORE INSERT ON submission_versions
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = NEW.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER submission_versions_update_finalised BEFORE UPDATE ON submission_versions
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER submission_versions_delete_finalised BEFORE DELETE ON submission_versions
WHEN (SELECT r.status FROM submissions s JOIN rounds r ON r.id = s.round_id WHERE s.id = OLD.submission_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER submissions_insert_finalised BEFORE INSERT ON submissions
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER submissions_update_finalised BEFORE UPDATE ON submissions
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER submissions_delete_finalised BEFORE DELETE ON submissions
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER results_insert_finalised BEFORE INSERT ON results
WHEN (SELECT status FROM rounds WHERE id = NEW.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER results_update_finalised BEFORE UPDATE ON results
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
--> statement-breakpoint
CREATE TRIGGER results_delete_finalised BEFORE DELETE ON results
WHEN (SELECT status FROM rounds WHERE id = OLD.round_id) = 'finalised'
BEGIN
  SELECT RAISE(ABORT, 'round is finalised');
END;
