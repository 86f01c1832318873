-- An issued bulletin is a record: the database refuses to change or remove it, and its publication.
CREATE TRIGGER bulletins_no_update BEFORE UPDATE ON bulletins
BEGIN
  SELECT RAISE(ABORT, 'bulletins are immutable once issued');
END;
--> statement-breakpoint
CREATE TRIGGER bulletins_no_delete BEFORE DELETE ON bulletins
BEGIN
  SELECT RAISE(ABORT, 'bulletins are immutable once issued');
END;
--> statement-breakpoint
CREATE TRIGGER bulletin_publications_no_update BEFORE UPDATE ON bulletin_publications
BEGIN
  SELECT RAISE(ABORT, 'bulletin publications are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER bulletin_publications_no_delete BEFORE DELETE ON bulletin_publications
BEGIN
  SELECT RAISE(ABORT, 'bulletin publications are immutable');
END;
