ALTER TABLE bundle_version ADD COLUMN bundle TEXT;
