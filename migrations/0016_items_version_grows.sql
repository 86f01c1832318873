-- Every change of an item row moves its version on, whichever process or script makes it: the items module's row
-- cache (server/modules/items/row-cache.ts) keeps a row's columns per (id, version) and relies on it. An UPDATE that
-- leaves the version as it was is refused, and its transaction with it.
CREATE TRIGGER `items_version_grows` BEFORE UPDATE ON `items`
WHEN NEW.`version` <= OLD.`version`
BEGIN
  SELECT RAISE(ABORT, 'items.version must grow with every change of the row');
END;
