-- What a session may do: 'full' (the citizen's own login) or 'kiosk' (a hand-off:
-- read receipts only, no refresh token, minutes long).
ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'kiosk'));
