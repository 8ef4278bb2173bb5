-- The self-service kiosks an issuer registered to exchange its e-receipts for
-- paper (换开纸质票据). Only the key's hash is kept.
CREATE TABLE kiosks (
    id             TEXT PRIMARY KEY,
    issuer_code    TEXT NOT NULL REFERENCES issuers(code),
    key_hash       TEXT NOT NULL UNIQUE,
    registered_at  TEXT NOT NULL
);

-- Each exchange: an e-receipt is exchanged once, and a paper number used once.
CREATE TABLE paper_exchanges (
    paper_code     TEXT NOT NULL,
    paper_number   TEXT NOT NULL,
    code           TEXT NOT NULL,
    number         TEXT NOT NULL,
    -- NULL when the issuer exchanged it through its own API.
    kiosk_id       TEXT REFERENCES kiosks(id),
    exchanged_at   TEXT NOT NULL,
    PRIMARY KEY (paper_code, paper_number),
    UNIQUE (code, number)
);
