-- Insurance and protection (R-3.3.i, R-5.8, R-7.12): products, enrolments, premiums,
-- social-insurance contribution service records.
CREATE TABLE fw_insurance_product (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('accident', 'employer_liability', 'occupational_injury')),
    insurer        TEXT NOT NULL,
    coverage       TEXT NOT NULL,
    coverage_fen   INTEGER NOT NULL CHECK (coverage_fen >= 0),
    premium_rule   TEXT NOT NULL CHECK (premium_rule IN ('per_order', 'per_day', 'per_person_month')),
    premium_fen    INTEGER NOT NULL CHECK (premium_fen >= 0),
    payer          TEXT NOT NULL CHECK (payer IN ('platform', 'enterprise', 'worker')),
    min_age        INTEGER NOT NULL,
    max_age        INTEGER NOT NULL,
    max_risk_level INTEGER NOT NULL,
    categories     TEXT NOT NULL,       -- JSON array of task categories; [] = any
    regions        TEXT NOT NULL,       -- JSON array of region codes; [] = everywhere
    state          INTEGER NOT NULL,    -- 1 active, 2 retired
    created_ms     INTEGER NOT NULL
);

CREATE TABLE fw_insurance_enrolment (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES fw_insurance_product(id),
    worker_id     INTEGER NOT NULL CHECK (worker_id > 0),
    enterprise_id INTEGER NOT NULL DEFAULT 0,
    start_ms      INTEGER NOT NULL,
    end_ms        INTEGER NOT NULL,     -- 0: open-ended
    state         INTEGER NOT NULL,     -- 1 active, 2 cancelled
    age           INTEGER NOT NULL,     -- at the start
    created_ms    INTEGER NOT NULL,
    cancelled_ms  INTEGER,
    cancel_reason TEXT
);
CREATE UNIQUE INDEX fw_insurance_enrolment_active ON fw_insurance_enrolment(product_id, worker_id) WHERE state = 1;
CREATE INDEX fw_insurance_enrolment_worker ON fw_insurance_enrolment(worker_id);

-- Premiums are financial history: never deleted; only the posting fields change, once.
CREATE TABLE fw_insurance_premium (
    id            INTEGER PRIMARY KEY,
    enrolment_id  INTEGER NOT NULL REFERENCES fw_insurance_enrolment(id),
    product_id    INTEGER NOT NULL,
    worker_id     INTEGER NOT NULL,
    enterprise_id INTEGER NOT NULL,
    basis         TEXT NOT NULL CHECK (basis IN ('order', 'day', 'month')),
    basis_ref     TEXT NOT NULL,
    units         INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    payer         TEXT NOT NULL,
    at_ms         INTEGER NOT NULL,
    state         INTEGER NOT NULL,     -- 1 due, 2 posted
    journal_ref   TEXT,
    posted_ms     INTEGER,
    UNIQUE (enrolment_id, basis, basis_ref)
);
CREATE INDEX fw_insurance_premium_due ON fw_insurance_premium(state, at_ms);
CREATE TRIGGER fw_insurance_premium_no_delete BEFORE DELETE ON fw_insurance_premium
BEGIN SELECT RAISE(ABORT, 'fw_insurance_premium is append-only'); END;
CREATE TRIGGER fw_insurance_premium_post_once BEFORE UPDATE ON fw_insurance_premium
WHEN OLD.state <> 1 OR NEW.state <> 2 OR NEW.amount_fen <> OLD.amount_fen OR NEW.enrolment_id <> OLD.enrolment_id
  OR NEW.basis_ref <> OLD.basis_ref OR NEW.payer <> OLD.payer OR NEW.at_ms <> OLD.at_ms
BEGIN SELECT RAISE(ABORT, 'fw_insurance_premium: only a due premium is posted, once'); END;

CREATE TABLE fw_insurance_social (
    id         INTEGER PRIMARY KEY,
    worker_id  INTEGER NOT NULL CHECK (worker_id > 0),
    kind       TEXT NOT NULL,
    region     TEXT NOT NULL,
    month      TEXT NOT NULL,
    base_fen   INTEGER NOT NULL,
    rate_ppm   INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    state      INTEGER NOT NULL,        -- 1 requested, 2 submitted, 3 paid, 4 failed, 5 cancelled
    reference  TEXT,
    note       TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX fw_insurance_social_open ON fw_insurance_social(worker_id, kind, month) WHERE state IN (1, 2, 3);
