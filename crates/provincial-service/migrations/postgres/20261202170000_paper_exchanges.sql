CREATE TABLE kiosks (
    id             TEXT PRIMARY KEY,
    issuer_code    TEXT NOT NULL REFERENCES issuers(code),
    key_hash       TEXT NOT NULL UNIQUE,
    registered_at  TEXT NOT NULL
);

CREATE TABLE paper_exchanges (
    paper_code     TEXT NOT NULL,
    paper_number   TEXT NOT NULL,
    code           TEXT NOT NULL,
    number         TEXT NOT NULL,
    kiosk_id       TEXT REFERENCES kiosks(id),
    exchanged_at   TEXT NOT NULL,
    PRIMARY KEY (paper_code, paper_number),
    UNIQUE (code, number)
);
