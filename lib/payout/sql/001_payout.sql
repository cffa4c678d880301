-- Payout orders (R-5.6, R-7.5): from accepted work to money in the worker's account.

CREATE TABLE fw_payout_batch (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    mode          INTEGER NOT NULL,          -- 1 all or nothing, 2 partial
    items         INTEGER NOT NULL,
    created_ms    INTEGER NOT NULL
);

CREATE TABLE fw_payout_order (
    id                  INTEGER PRIMARY KEY,
    batch_id            INTEGER,
    batch_index         INTEGER,
    enterprise_id       INTEGER NOT NULL,
    worker_id           INTEGER NOT NULL,
    payable_id          INTEGER,                      -- the task module's payable item paid
    task_ref            TEXT,
    external_ref        TEXT,
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    state               INTEGER NOT NULL,
    reason              TEXT,
    fee_fen             INTEGER NOT NULL DEFAULT 0,
    fee_bearer          INTEGER NOT NULL DEFAULT 0,   -- FW_FEE_ON_TOP / FW_FEE_DEDUCTED, 0 none
    enterprise_pays_fen INTEGER NOT NULL DEFAULT 0,
    gross_fen           INTEGER NOT NULL DEFAULT 0,   -- the worker's taxable payment
    iit_fen             INTEGER NOT NULL DEFAULT 0,
    vat_fen             INTEGER NOT NULL DEFAULT 0,
    surcharge_fen       INTEGER NOT NULL DEFAULT 0,
    net_fen             INTEGER NOT NULL DEFAULT 0,
    hold_id             INTEGER,
    post_entry          INTEGER,
    dist_entry          INTEGER,
    month               TEXT NOT NULL,                -- CST month of creation (fee volume, tax)
    created_ms          INTEGER NOT NULL,
    updated_ms          INTEGER NOT NULL,
    submitted_ms        INTEGER,
    paid_ms             INTEGER,
    returned_ms         INTEGER,
    channel_ref         TEXT
);
CREATE INDEX fw_payout_order_enterprise ON fw_payout_order(enterprise_id, created_ms);
CREATE INDEX fw_payout_order_worker ON fw_payout_order(worker_id, created_ms);
CREATE INDEX fw_payout_order_batch ON fw_payout_order(batch_id, batch_index) WHERE batch_id IS NOT NULL;
CREATE INDEX fw_payout_order_open ON fw_payout_order(state, id) WHERE state IN (1, 2, 3);

-- Orders of a batch that were refused (partial mode), so that a replay reports them.
CREATE TABLE fw_payout_rejection (
    batch_id    INTEGER NOT NULL,
    batch_index INTEGER NOT NULL,
    code        INTEGER NOT NULL,
    path        TEXT,
    message     TEXT NOT NULL,
    PRIMARY KEY (batch_id, batch_index)
);

-- Each order's state timeline: append-only.
CREATE TABLE fw_payout_event (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    from_state INTEGER NOT NULL,                      -- 0 for creation
    to_state   INTEGER NOT NULL,
    role       INTEGER NOT NULL,
    note       TEXT
);
CREATE INDEX fw_payout_event_order ON fw_payout_event(order_id);
CREATE TRIGGER fw_payout_event_no_update BEFORE UPDATE ON fw_payout_event
BEGIN SELECT RAISE(ABORT, 'fw_payout_event is append-only'); END;
CREATE TRIGGER fw_payout_event_no_delete BEFORE DELETE ON fw_payout_event
BEGIN SELECT RAISE(ABORT, 'fw_payout_event is append-only'); END;

-- Each enterprise's payout volume per CST month: the fee tiers' volume before a payout.
CREATE TABLE fw_payout_volume (
    enterprise_id INTEGER NOT NULL,
    month         TEXT NOT NULL,
    volume_fen    INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, month)
);
