-- The signed trust bundle itself, kept with its version: every instance over one
-- database serves the same bundle, the one last published by any of them.
ALTER TABLE bundle_version ADD COLUMN bundle TEXT;
