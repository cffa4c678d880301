-- Tasks (R-5.5, R-6.c, R-7.1, R-3.3.a/c/e, R-6.g): categories with price ranges, the
-- authenticity policy, tasks, assignments with their deliveries, payable items consumed by
-- the payout pipeline, and two-way evaluations.
CREATE TABLE fw_task_category (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    risk_level     INTEGER NOT NULL,
    restricted     INTEGER NOT NULL,
    min_unit_fen   INTEGER NOT NULL,
    max_unit_fen   INTEGER NOT NULL,
    scope_keywords TEXT NOT NULL,
    updated_ms     INTEGER NOT NULL
);

CREATE TABLE fw_task_policy (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    recurring_min_months INTEGER NOT NULL,
    lookback_months      INTEGER NOT NULL,
    updated_ms           INTEGER NOT NULL
);
INSERT INTO fw_task_policy(id, recurring_min_months, lookback_months, updated_ms) VALUES (1, 3, 6, 0);

CREATE TABLE fw_task (
    id                   INTEGER PRIMARY KEY,
    enterprise_id        INTEGER NOT NULL REFERENCES fw_party_enterprise(id),
    state                INTEGER NOT NULL,
    title                TEXT NOT NULL,
    description          TEXT NOT NULL,
    category             TEXT NOT NULL REFERENCES fw_task_category(code),
    risk_level           INTEGER NOT NULL,
    location             TEXT,
    remote               INTEGER NOT NULL,
    unit_price_fen       INTEGER NOT NULL,
    budget_fen           INTEGER,
    slots                INTEGER NOT NULL,
    slots_taken          INTEGER NOT NULL DEFAULT 0 CHECK (slots_taken >= 0 AND slots_taken <= slots),
    per_worker           INTEGER NOT NULL,
    certificates         TEXT NOT NULL,
    min_rating_x100      INTEGER NOT NULL,
    adult_only           INTEGER NOT NULL,
    take_deadline_ms     INTEGER NOT NULL,
    delivery_deadline_ms INTEGER NOT NULL,
    auto_accept_ms       INTEGER NOT NULL,
    max_revisions        INTEGER NOT NULL,
    attachments          TEXT NOT NULL,
    external_ref         TEXT,
    flags                TEXT NOT NULL DEFAULT '[]',
    review_decision      TEXT,
    review_reasons       TEXT,
    review_ack           TEXT,
    reviewed_by          TEXT,
    cancel_reason        TEXT,
    created_ms           INTEGER NOT NULL,
    updated_ms           INTEGER NOT NULL,
    submitted_ms         INTEGER,
    reviewed_ms          INTEGER,
    published_ms         INTEGER,
    ended_ms             INTEGER
);
CREATE INDEX fw_task_ent ON fw_task(enterprise_id, state);
CREATE INDEX fw_task_state ON fw_task(state, take_deadline_ms);

CREATE TABLE fw_task_assignment (
    id                   INTEGER PRIMARY KEY,
    task_id              INTEGER NOT NULL REFERENCES fw_task(id),
    worker_id            INTEGER NOT NULL REFERENCES fw_party_worker(id),
    enterprise_id        INTEGER NOT NULL,
    state                INTEGER NOT NULL,
    amount_fen           INTEGER NOT NULL,
    taken_ms             INTEGER NOT NULL,
    delivery_deadline_ms INTEGER NOT NULL,
    delivered_ms         INTEGER,
    auto_accept_at_ms    INTEGER,
    rounds               INTEGER NOT NULL DEFAULT 0,
    decided_ms           INTEGER,
    decision_reason      TEXT,
    auto_accepted        INTEGER NOT NULL DEFAULT 0,
    accepted_month       TEXT,
    updated_ms           INTEGER NOT NULL
);
CREATE INDEX fw_task_assignment_task ON fw_task_assignment(task_id, state);
CREATE INDEX fw_task_assignment_worker ON fw_task_assignment(worker_id, state);
CREATE INDEX fw_task_assignment_due ON fw_task_assignment(state, auto_accept_at_ms);
CREATE INDEX fw_task_assignment_ent ON fw_task_assignment(enterprise_id, amount_fen, state);

-- Proof of completion, one row per delivery round; never changed.
CREATE TABLE fw_task_delivery (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES fw_task_assignment(id),
    round         INTEGER NOT NULL,
    description   TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    completed_ms  INTEGER NOT NULL,
    delivered_ms  INTEGER NOT NULL,
    UNIQUE (assignment_id, round)
);
CREATE TRIGGER fw_task_delivery_no_update BEFORE UPDATE ON fw_task_delivery
BEGIN SELECT RAISE(ABORT, 'fw_task_delivery is append-only'); END;
CREATE TRIGGER fw_task_delivery_no_delete BEFORE DELETE ON fw_task_delivery
BEGIN SELECT RAISE(ABORT, 'fw_task_delivery is append-only'); END;

CREATE TABLE fw_task_payable (
    id              INTEGER PRIMARY KEY,
    assignment_id   INTEGER NOT NULL UNIQUE REFERENCES fw_task_assignment(id),
    task_id         INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL,
    worker_id       INTEGER NOT NULL,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    created_ms      INTEGER NOT NULL,
    payout_order_id INTEGER,
    claimed_ms      INTEGER
);
CREATE INDEX fw_task_payable_open ON fw_task_payable(payout_order_id, enterprise_id);
CREATE TRIGGER fw_task_payable_fixed BEFORE UPDATE OF assignment_id, task_id, enterprise_id,
    worker_id, amount_fen, created_ms ON fw_task_payable
BEGIN SELECT RAISE(ABORT, 'a payable item''s amount and parties never change'); END;
CREATE TRIGGER fw_task_payable_no_delete BEFORE DELETE ON fw_task_payable
BEGIN SELECT RAISE(ABORT, 'fw_task_payable rows are never deleted'); END;

CREATE TABLE fw_task_evaluation (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES fw_task_assignment(id),
    direction     INTEGER NOT NULL,
    subject_id    INTEGER NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    task_score    INTEGER CHECK (task_score BETWEEN 1 AND 5),
    comment       TEXT,
    created_ms    INTEGER NOT NULL,
    UNIQUE (assignment_id, direction)
);
CREATE INDEX fw_task_evaluation_subject ON fw_task_evaluation(direction, subject_id);
CREATE TRIGGER fw_task_evaluation_no_update BEFORE UPDATE ON fw_task_evaluation
BEGIN SELECT RAISE(ABORT, 'an evaluation is given once and never changed'); END;
CREATE TRIGGER fw_task_evaluation_no_delete BEFORE DELETE ON fw_task_evaluation
BEGIN SELECT RAISE(ABORT, 'an evaluation is given once and never changed'); END;
