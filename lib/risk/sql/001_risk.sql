-- Risk control (R-7.10): lists, qualification reviews, ratings, signals, limits, payout
-- counters, inspection rules, findings, samples and cases. Values on lists are stored as keyed
-- blind indexes (core/vault) with a masked form for display; nothing personal in clear.

-- Settings of the platform's risk policy (one row).
CREATE TABLE fw_risk_config (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    require_qualification INTEGER NOT NULL,   -- 1: activation needs a passed qualification review
    rating_interval_ms    INTEGER NOT NULL,   -- the schedule recomputes ratings older than this
    updated_ms            INTEGER NOT NULL
);
INSERT INTO fw_risk_config VALUES (1, 0, 86400000, 0);

-- Black and white lists. kind: 1 person (ID number), 2 bank card, 3 phone, 4 enterprise (USCC).
CREATE TABLE fw_risk_list (
    id          INTEGER PRIMARY KEY,
    list        INTEGER NOT NULL CHECK (list IN (1, 2)),   -- 1 black, 2 white
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
    blind       BLOB NOT NULL,
    masked      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    source      TEXT NOT NULL,
    waives      TEXT NOT NULL,          -- white entries: JSON array of the reason codes waived
    expires_ms  INTEGER,
    created_ms  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    removed_ms  INTEGER,
    removed_why TEXT
);
CREATE INDEX fw_risk_list_blind ON fw_risk_list(blind) WHERE removed_ms IS NULL;

-- Blind indexes of a worker's bank card and phone, refreshed when the worker is activated or
-- changes them, so that a gate check needs no decryption.
CREATE TABLE fw_risk_worker_key (
    worker_id   INTEGER PRIMARY KEY,
    card_blind  BLOB,
    phone_blind BLOB,
    updated_ms  INTEGER NOT NULL
);

-- Qualification checklists per industry ('*' applies to every industry without its own).
CREATE TABLE fw_risk_checklist (
    industry   TEXT PRIMARY KEY,
    items      TEXT NOT NULL,     -- JSON: {"documents":[...],"scope_keywords":[...]}
    updated_ms INTEGER NOT NULL
);
INSERT INTO fw_risk_checklist VALUES ('*', '{"documents":["business_licence"],"scope_keywords":[]}', 0);

CREATE TABLE fw_risk_qualification (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    passed        INTEGER NOT NULL,
    result        TEXT NOT NULL,      -- JSON: each check with its outcome and inputs
    reviewed_ms   INTEGER NOT NULL,
    reviewed_by   TEXT NOT NULL
);
CREATE INDEX fw_risk_qualification_ent ON fw_risk_qualification(enterprise_id, id);

-- Facts recorded by the host or other modules (disputes, late funding, task flags, ...).
CREATE TABLE fw_risk_signal (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL,
    worker_id     INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    value         INTEGER NOT NULL,
    category      TEXT NOT NULL,
    ref           TEXT NOT NULL,
    at_ms         INTEGER NOT NULL,
    created_ms    INTEGER NOT NULL
);
CREATE INDEX fw_risk_signal_ent ON fw_risk_signal(enterprise_id, kind, at_ms);
CREATE INDEX fw_risk_signal_at ON fw_risk_signal(kind, at_ms);

CREATE TABLE fw_risk_rating (
    enterprise_id INTEGER PRIMARY KEY,
    grade         INTEGER NOT NULL,   -- 1 A, 2 B, 3 C, 4 D
    score         INTEGER NOT NULL,
    factors       TEXT NOT NULL,
    computed_ms   INTEGER NOT NULL
);

-- Limits. scope 1 platform (key 0), 2 rating (key = grade), 3 enterprise (key = id).
-- NULL inherits from the less specific scope; 0 means no limit.
CREATE TABLE fw_risk_limit (
    scope                INTEGER NOT NULL,
    key                  INTEGER NOT NULL,
    per_payment_fen      INTEGER,
    worker_day_fen       INTEGER,
    worker_month_fen     INTEGER,
    worker_12m_fen       INTEGER,
    worker_day_count     INTEGER,
    worker_month_count   INTEGER,
    enterprise_day_fen   INTEGER,
    enterprise_month_fen INTEGER,
    enterprise_day_count INTEGER,
    updated_ms           INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
-- The shipped profile "standard" (docs/api/risk.md): no legal default exists (cn-rules §7).
INSERT INTO fw_risk_limit VALUES (1, 0, 5000000, 5000000, 9800000, 120000000, 20, 200, 0, 0, 0, 0);
INSERT INTO fw_risk_limit VALUES (2, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0);
INSERT INTO fw_risk_limit VALUES (2, 2, NULL, NULL, NULL, NULL, NULL, NULL, 500000000, 5000000000, NULL, 0);
INSERT INTO fw_risk_limit VALUES (2, 3, 2000000, NULL, NULL, NULL, NULL, NULL, 100000000, 1000000000, 1000, 0);
INSERT INTO fw_risk_limit VALUES (2, 4, 500000, 500000, 2000000, NULL, 5, 50, 10000000, 100000000, 100, 0);

-- Payout counters per party and period: kind 1 enterprise, 2 worker; period 1 CST day, 2 CST month,
-- 3 the rolling 12 months ending with the CST month start_ms (workers only).
CREATE TABLE fw_risk_counter (
    party_kind INTEGER NOT NULL,
    party_id   INTEGER NOT NULL,
    period     INTEGER NOT NULL,
    start_ms   INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (party_kind, party_id, period, start_ms)
) WITHOUT ROWID;

-- Every recorded payout (and its reversal, negative): what the inspection rules read.
CREATE TABLE fw_risk_payout (
    id            INTEGER PRIMARY KEY,
    worker_id     INTEGER NOT NULL,
    enterprise_id INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL,
    reservation   INTEGER NOT NULL    -- 1 when made by a reserving gate check
);
CREATE INDEX fw_risk_payout_at ON fw_risk_payout(at_ms);
CREATE INDEX fw_risk_payout_worker ON fw_risk_payout(worker_id, at_ms);
CREATE TRIGGER fw_risk_payout_no_update BEFORE UPDATE ON fw_risk_payout
BEGIN SELECT RAISE(ABORT, 'fw_risk_payout is append-only'); END;
CREATE TRIGGER fw_risk_payout_no_delete BEFORE DELETE ON fw_risk_payout
BEGIN SELECT RAISE(ABORT, 'fw_risk_payout is append-only'); END;

CREATE TABLE fw_risk_reservation (
    id            INTEGER PRIMARY KEY,
    worker_id     INTEGER NOT NULL,
    enterprise_id INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL,
    released_ms   INTEGER
);

-- Inspection rules: built-in types with parameters; hosts add instances of a type.
CREATE TABLE fw_risk_rule (
    code       TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    params     TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
INSERT INTO fw_risk_rule VALUES ('MANY_ENTERPRISES', 'many_enterprises', '{"min_enterprises":3}', 1, 0);
INSERT INTO fw_risk_rule VALUES ('STRUCTURING', 'structuring', '{"ratio_ppm":900000,"min_count":3}', 1, 0);
INSERT INTO fw_risk_rule VALUES ('SAME_AMOUNT_SERIES', 'same_amount_series', '{"min_count":3,"round_unit_fen":100000}', 1, 0);
INSERT INTO fw_risk_rule VALUES ('FUNDS_BACK', 'funds_back', '{"ratio_ppm":300000}', 1, 0);
INSERT INTO fw_risk_rule VALUES ('FAST_COMPLETION', 'fast_completion', '{"min_ms":60000,"min_count":1}', 1, 0);
INSERT INTO fw_risk_rule VALUES ('DORMANT_ACTIVE', 'dormant_active', '{"dormant_days":180,"min_amount_fen":1000000}', 1, 0);
INSERT INTO fw_risk_rule VALUES ('MINOR_RESTRICTED', 'minor_restricted', '{"min_age":18,"categories":["construction","night_work","hazardous","delivery"]}', 1, 0);

CREATE TABLE fw_risk_run (
    id        INTEGER PRIMARY KEY,
    from_ms   INTEGER NOT NULL,
    to_ms     INTEGER NOT NULL,
    findings  INTEGER NOT NULL,
    run_ms    INTEGER NOT NULL,
    run_by    TEXT NOT NULL
);

CREATE TABLE fw_risk_sample (
    id         INTEGER PRIMARY KEY,
    population TEXT NOT NULL,
    from_ms    INTEGER NOT NULL,
    to_ms      INTEGER NOT NULL,
    per_stratum INTEGER NOT NULL,
    seed       TEXT NOT NULL,           -- hex of the 32-byte seed: the draw reproduces from it
    drawn      TEXT NOT NULL,           -- JSON array of the ids drawn, stratum by stratum
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL
);

-- Cases: from an inspection finding (source 1) or a sample draw (source 2).
-- state 1 open, 2 reviewing, 3 resolved.
CREATE TABLE fw_risk_case (
    id            INTEGER PRIMARY KEY,
    source        INTEGER NOT NULL,
    source_id     INTEGER NOT NULL,     -- the run or sample
    rule          TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL,
    worker_id     INTEGER NOT NULL,
    subject_id    INTEGER NOT NULL,     -- the payout or signal drawn / concerned (0 when none)
    amount_fen    INTEGER NOT NULL,
    detail        TEXT NOT NULL,
    state         INTEGER NOT NULL,
    resolution    TEXT,
    notes         TEXT NOT NULL,        -- JSON array of {"at","by","state","note"}
    opened_ms     INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
);
CREATE INDEX fw_risk_case_opened ON fw_risk_case(opened_ms);
CREATE INDEX fw_risk_case_ent ON fw_risk_case(enterprise_id, opened_ms);
