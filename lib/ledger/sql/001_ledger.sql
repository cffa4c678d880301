-- Ledger: accounts with their balances, append-only journal entries and postings, holds,
-- accounting periods.
CREATE TABLE fw_ledger_account (
    id              INTEGER PRIMARY KEY,
    owner_kind      INTEGER NOT NULL CHECK (owner_kind BETWEEN 1 AND 3),
    owner_id        INTEGER NOT NULL,
    type            INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    normal_side     INTEGER NOT NULL CHECK (normal_side IN (1, 2)),
    flags           INTEGER NOT NULL,
    state           INTEGER NOT NULL,
    opened_ms       INTEGER NOT NULL,
    closed_ms       INTEGER,
    debits_posted   INTEGER NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_posted  INTEGER NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    debits_pending  INTEGER NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_pending INTEGER NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    postings        INTEGER NOT NULL DEFAULT 0,
    -- the account's newest posting: the head of its chain of postings, newest to oldest
    last_entry      INTEGER NOT NULL DEFAULT 0,
    last_seq        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (owner_kind, owner_id, type, currency)
);

CREATE TABLE fw_ledger_entry (
    id           INTEGER PRIMARY KEY,
    kind         INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    effective_ms INTEGER NOT NULL,
    created_ms   INTEGER NOT NULL,
    related_id   INTEGER,           -- the hold posted or voided, or the entry reversed
    ref_kind     TEXT,
    ref_id       TEXT,
    memo         TEXT
);
CREATE INDEX fw_ledger_entry_effective ON fw_ledger_entry(effective_ms);
CREATE INDEX fw_ledger_entry_ref ON fw_ledger_entry(ref_kind, ref_id) WHERE ref_kind IS NOT NULL;
CREATE UNIQUE INDEX fw_ledger_entry_reversed ON fw_ledger_entry(related_id) WHERE kind = 6;

-- Postings are clustered by entry (ids ascend, so inserts append). Each posting links to the
-- previous posting of its account: per-account history without a random-order index.
CREATE TABLE fw_ledger_posting (
    entry_id     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    account_id   INTEGER NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount <> 0),   -- debit > 0, credit < 0
    pending      INTEGER NOT NULL,
    effective_ms INTEGER NOT NULL,
    created_ms   INTEGER NOT NULL,
    prev_entry   INTEGER NOT NULL,
    prev_seq     INTEGER NOT NULL,
    PRIMARY KEY (entry_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER fw_ledger_entry_no_update BEFORE UPDATE ON fw_ledger_entry
BEGIN SELECT RAISE(ABORT, 'fw_ledger_entry is append-only'); END;
CREATE TRIGGER fw_ledger_entry_no_delete BEFORE DELETE ON fw_ledger_entry
BEGIN SELECT RAISE(ABORT, 'fw_ledger_entry is append-only'); END;
CREATE TRIGGER fw_ledger_posting_no_update BEFORE UPDATE ON fw_ledger_posting
BEGIN SELECT RAISE(ABORT, 'fw_ledger_posting is append-only'); END;
CREATE TRIGGER fw_ledger_posting_no_delete BEFORE DELETE ON fw_ledger_posting
BEGIN SELECT RAISE(ABORT, 'fw_ledger_posting is append-only'); END;

CREATE TABLE fw_ledger_hold (
    id             INTEGER PRIMARY KEY,   -- the hold entry's id
    debit_account  INTEGER NOT NULL,
    credit_account INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    state          INTEGER NOT NULL,
    expires_ms     INTEGER NOT NULL,
    posted_fen     INTEGER NOT NULL DEFAULT 0,
    resolved_entry INTEGER
);
CREATE INDEX fw_ledger_hold_expiry ON fw_ledger_hold(expires_ms) WHERE state = 1 AND expires_ms > 0;
CREATE INDEX fw_ledger_hold_debit ON fw_ledger_hold(debit_account) WHERE state = 1;

CREATE TABLE fw_ledger_period (
    month      TEXT PRIMARY KEY,       -- CST month, "2026-03"
    start_ms   INTEGER NOT NULL,
    end_ms     INTEGER NOT NULL,
    state      INTEGER NOT NULL,       -- 1 closed, 2 reopened
    entries    INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    prev_hash  BLOB NOT NULL,
    closed_ms  INTEGER NOT NULL
);
