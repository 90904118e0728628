ALTER TABLE `answers` ADD `prefilled_from_round_id` integer REFERENCES rounds(id);--> statement-breakpoint
-- A value copied from last round stays marked until the city changes it (or confirms it, which clears the mark
-- itself): any update of the answer that does not set the mark anew clears it.
CREATE TRIGGER answers_prefill_cleared AFTER UPDATE OF value, not_applicable_reason, revision ON answers
WHEN OLD.prefilled_from_round_id IS NOT NULL AND NEW.prefilled_from_round_id IS OLD.prefilled_from_round_id
BEGIN
  UPDATE answers SET prefilled_from_round_id = NULL WHERE id = NEW.id;
END;
