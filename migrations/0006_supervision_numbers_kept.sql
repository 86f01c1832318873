-- A supervision notice is an issued document: its number and what it is about never change, and it is never
-- removed, so the numbering of a year stays without gaps. Urges are a record of what was sent.
CREATE TRIGGER supervisions_no_delete BEFORE DELETE ON supervisions
BEGIN
  SELECT RAISE(ABORT, 'supervisions are never deleted: their numbers must stay without gaps');
END;
--> statement-breakpoint
CREATE TRIGGER supervisions_number_fixed BEFORE UPDATE ON supervisions
WHEN NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq OR NEW.item_id IS NOT OLD.item_id OR NEW.plan_id IS NOT OLD.plan_id
  OR NEW.issued_on IS NOT OLD.issued_on OR NEW.opened_at IS NOT OLD.opened_at OR NEW.subject IS NOT OLD.subject
BEGIN
  SELECT RAISE(ABORT, 'a supervision notice keeps its number, item and issue date');
END;
--> statement-breakpoint
CREATE TRIGGER urges_no_update BEFORE UPDATE ON urges
BEGIN
  SELECT RAISE(ABORT, 'urges are a record and are not changed');
END;
--> statement-breakpoint
CREATE TRIGGER urges_no_delete BEFORE DELETE ON urges
BEGIN
  SELECT RAISE(ABORT, 'urges are a record and are not removed');
END;
