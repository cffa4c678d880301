-- Invoices to enterprises for the service actually rendered (R-3.3.g).
CREATE TABLE fw_invoice (
    id              INTEGER PRIMARY KEY,
    enterprise_id   INTEGER NOT NULL,
    kind            INTEGER NOT NULL,           -- 1 VAT special (专票), 2 VAT normal (普票)
    state           INTEGER NOT NULL,           -- 1 requested, 2 issued, 3 reversed, 4 cancelled
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    tax_rate_ppm    INTEGER NOT NULL,
    tax_fen         INTEGER NOT NULL,
    title           TEXT,
    invoice_no      TEXT,
    origin          INTEGER NOT NULL DEFAULT 0, -- 1 provider, 2 manual
    issued_date     TEXT,
    red_invoice_no  TEXT,
    reason          TEXT,
    requested_ms    INTEGER NOT NULL,
    issued_ms       INTEGER,
    reversed_ms     INTEGER
);
CREATE INDEX fw_invoice_enterprise ON fw_invoice(enterprise_id, state);
CREATE UNIQUE INDEX fw_invoice_number ON fw_invoice(invoice_no) WHERE invoice_no IS NOT NULL;
