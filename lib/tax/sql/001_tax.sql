-- Tax (R-3.3.h, R-5.7, R-7.7.a-c, R-7.8): policies, host rule files, per-worker running
-- figures, withholding records, declarations, payments of withheld tax, certificates.
-- Workers are referenced by id only: the party module owns them.

CREATE TABLE fw_tax_policy (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);

CREATE TABLE fw_tax_rule_file (
    id        INTEGER PRIMARY KEY,
    json      TEXT NOT NULL,
    digest    BLOB NOT NULL,
    loaded_ms INTEGER NOT NULL
);

-- Year-to-date figures of the cumulative method, one row per worker and tax year, so that a
-- withholding reads and writes one row.
CREATE TABLE fw_tax_cumulative (
    worker_id     INTEGER NOT NULL,
    year          INTEGER NOT NULL,
    last_month    INTEGER NOT NULL,
    month_count   INTEGER NOT NULL,
    income_fen    INTEGER NOT NULL,
    expense_fen   INTEGER NOT NULL,
    deduction_fen INTEGER NOT NULL,
    withheld_fen  INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    PRIMARY KEY (worker_id, year)
);

-- Month figures per worker: the VAT threshold and the per-payment month scope work on them.
CREATE TABLE fw_tax_month (
    worker_id        INTEGER NOT NULL,
    period           TEXT NOT NULL,
    gross_fen        INTEGER NOT NULL,
    income_fen       INTEGER NOT NULL,
    iit_fen          INTEGER NOT NULL,
    vat_fen          INTEGER NOT NULL,
    city_fen         INTEGER NOT NULL,
    education_fen    INTEGER NOT NULL,
    local_fen        INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL,
    PRIMARY KEY (worker_id, period)
);

-- One row per withholding (kind 1) or reversal (kind 2). Append-only financial history.
CREATE TABLE fw_tax_withholding (
    id            INTEGER PRIMARY KEY,
    worker_id     INTEGER NOT NULL,
    payment_ref   TEXT NOT NULL,
    kind          INTEGER NOT NULL,
    reverses_id   INTEGER REFERENCES fw_tax_withholding(id),
    at_ms         INTEGER NOT NULL,
    period        TEXT NOT NULL,
    method        INTEGER NOT NULL,
    collection    INTEGER NOT NULL,
    gross_fen     INTEGER NOT NULL,
    income_fen    INTEGER NOT NULL,
    iit_fen       INTEGER NOT NULL,
    vat_fen       INTEGER NOT NULL,
    city_fen      INTEGER NOT NULL,
    education_fen INTEGER NOT NULL,
    local_fen     INTEGER NOT NULL,
    cum_income_fen    INTEGER NOT NULL,   -- the worker's year-to-date figures after this record
    cum_expense_fen   INTEGER NOT NULL,   -- (cumulative method; 0 under the per-payment method)
    cum_deduction_fen INTEGER NOT NULL,
    cum_withheld_fen  INTEGER NOT NULL,
    explain       TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    UNIQUE (payment_ref, kind)
);
CREATE INDEX fw_tax_withholding_period ON fw_tax_withholding(period, worker_id);
CREATE TRIGGER fw_tax_withholding_no_update BEFORE UPDATE ON fw_tax_withholding
BEGIN SELECT RAISE(ABORT, 'fw_tax_withholding is append-only'); END;
CREATE TRIGGER fw_tax_withholding_no_delete BEFORE DELETE ON fw_tax_withholding
BEGIN SELECT RAISE(ABORT, 'fw_tax_withholding is append-only'); END;

-- Warnings on a worker's tax record (VAT threshold reached, market-entity guidance).
CREATE TABLE fw_tax_warning (
    id         INTEGER PRIMARY KEY,
    worker_id  INTEGER NOT NULL,
    code       TEXT NOT NULL,
    period     TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (worker_id, code, period)
);

-- Declarations: one per period and version; an amendment is a new version.
CREATE TABLE fw_tax_declaration (
    id            INTEGER PRIMARY KEY,
    period        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    state         INTEGER NOT NULL,
    supersedes_id INTEGER REFERENCES fw_tax_declaration(id),
    workers       INTEGER NOT NULL,
    gross_fen     INTEGER NOT NULL,
    income_fen    INTEGER NOT NULL,
    iit_fen       INTEGER NOT NULL,
    vat_fen       INTEGER NOT NULL,
    surcharge_fen INTEGER NOT NULL,
    receipt_no    TEXT,
    reason        TEXT,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    UNIQUE (period, version)
);

CREATE TABLE fw_tax_declaration_line (
    declaration_id INTEGER NOT NULL REFERENCES fw_tax_declaration(id),
    worker_id      INTEGER NOT NULL,
    records        INTEGER NOT NULL,
    gross_fen      INTEGER NOT NULL,
    income_fen     INTEGER NOT NULL,
    iit_fen        INTEGER NOT NULL,
    vat_fen        INTEGER NOT NULL,
    city_fen       INTEGER NOT NULL,
    education_fen  INTEGER NOT NULL,
    local_fen      INTEGER NOT NULL,
    cum_income_fen    INTEGER NOT NULL,
    cum_expense_fen   INTEGER NOT NULL,
    cum_deduction_fen INTEGER NOT NULL,
    cum_withheld_fen  INTEGER NOT NULL,
    PRIMARY KEY (declaration_id, worker_id)
);
CREATE TRIGGER fw_tax_declaration_line_no_update BEFORE UPDATE ON fw_tax_declaration_line
BEGIN SELECT RAISE(ABORT, 'fw_tax_declaration_line is append-only'); END;
CREATE TRIGGER fw_tax_declaration_line_no_delete BEFORE DELETE ON fw_tax_declaration_line
BEGIN SELECT RAISE(ABORT, 'fw_tax_declaration_line is append-only'); END;

-- Payments of withheld tax to the tax bureau (R-7.8), tied to an accepted declaration.
CREATE TABLE fw_tax_payment (
    id             INTEGER PRIMARY KEY,
    declaration_id INTEGER NOT NULL REFERENCES fw_tax_declaration(id),
    state          INTEGER NOT NULL,
    iit_fen        INTEGER NOT NULL,
    vat_fen        INTEGER NOT NULL,
    surcharge_fen  INTEGER NOT NULL,
    bank_ref       TEXT,
    reason         TEXT,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL
);

-- Tax-payment certificates (完税证明, R-7.7.c): the document as received, with its digest.
CREATE TABLE fw_tax_certificate (
    id             INTEGER PRIMARY KEY,
    worker_id      INTEGER NOT NULL,
    period         TEXT NOT NULL,
    certificate_no TEXT NOT NULL,
    origin         INTEGER NOT NULL,
    content_type   TEXT NOT NULL,
    document       BLOB NOT NULL,
    digest         BLOB NOT NULL,
    created_ms     INTEGER NOT NULL,
    UNIQUE (certificate_no)
);
CREATE INDEX fw_tax_certificate_worker ON fw_tax_certificate(worker_id, period);
CREATE TRIGGER fw_tax_certificate_no_update BEFORE UPDATE ON fw_tax_certificate
BEGIN SELECT RAISE(ABORT, 'fw_tax_certificate is append-only'); END;
CREATE TRIGGER fw_tax_certificate_no_delete BEFORE DELETE ON fw_tax_certificate
BEGIN SELECT RAISE(ABORT, 'fw_tax_certificate is append-only'); END;
