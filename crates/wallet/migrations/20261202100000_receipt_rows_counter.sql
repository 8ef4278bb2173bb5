-- Bumped when a stored receipt's figures or names change in place (an imported
-- receipt completed by another file, or taken over by its signed copy from a sync),
-- so that the in-memory search index of any process reloads its rows.
INSERT INTO counters (name, value) VALUES ('receipt_rows', 0);
CREATE TRIGGER receipt_rows_changed AFTER UPDATE OF province, issued_at, category, issuer_code,
    issuer_name, total, insurance_paid, patient_paid, is_red, account_id ON receipts BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'receipt_rows';
END;
