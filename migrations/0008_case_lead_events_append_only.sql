-- A case lead's history is a record of accountability: the database itself refuses to rewrite or remove it,
-- and a lead, once recorded, is never deleted.
CREATE TRIGGER case_lead_events_no_update BEFORE UPDATE ON case_lead_events
BEGIN
  SELECT RAISE(ABORT, 'case_lead_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER case_lead_events_no_delete BEFORE DELETE ON case_lead_events
BEGIN
  SELECT RAISE(ABORT, 'case_lead_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER case_leads_no_delete BEFORE DELETE ON case_leads
BEGIN
  SELECT RAISE(ABORT, 'case leads are never deleted');
END;
