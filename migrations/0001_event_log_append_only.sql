-- The audit trail is evidence: the database itself refuses to rewrite or remove it.
CREATE TRIGGER item_events_no_update BEFORE UPDATE ON item_events
BEGIN
  SELECT RAISE(ABORT, 'item_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER item_events_no_delete BEFORE DELETE ON item_events
BEGIN
  SELECT RAISE(ABORT, 'item_events is append-only');
END;
