-- Reconciliation: host CSV profiles, imported statements and their lines, runs and their
-- results, error cases with their history, adjustments.
CREATE TABLE fw_recon_profile (
    name       TEXT PRIMARY KEY,
    profile    TEXT NOT NULL,          -- canonical profile JSON
    updated_ms INTEGER NOT NULL
);

CREATE TABLE fw_recon_statement (
    id           INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL UNIQUE,  -- BLAKE2b-256 of the file's bytes
    format       TEXT NOT NULL,
    profile      TEXT,
    account      TEXT,
    currency     TEXT NOT NULL,
    first_line   INTEGER NOT NULL,      -- line ids are consecutive: [first_line, first_line + lines)
    lines        INTEGER NOT NULL,
    from_ms      INTEGER NOT NULL,      -- [from, to): the statement's CST days
    to_ms        INTEGER NOT NULL,
    opening      INTEGER,
    closing      INTEGER,
    in_fen       INTEGER NOT NULL,
    out_fen      INTEGER NOT NULL,
    imported_ms  INTEGER NOT NULL,
    actor        TEXT
);

CREATE TABLE fw_recon_line (
    id           INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL,
    seq          INTEGER NOT NULL,      -- line (CSV) or entry number (camt.053) in the file
    booked_ms    INTEGER NOT NULL,
    amount       INTEGER NOT NULL,      -- money in > 0, out < 0
    reference    TEXT,
    bank_txn_id  TEXT,
    cp_name      TEXT,                  -- masked
    cp_account   TEXT,                  -- masked
    cp_blind     BLOB,                  -- keyed BLAKE2b of the normalised account
    cp_sealed    BLOB,                  -- incoming lines only: {"name","account"} sealed for funding
    remark       TEXT,
    balance      INTEGER
);
CREATE TRIGGER fw_recon_line_no_update BEFORE UPDATE ON fw_recon_line
BEGIN SELECT RAISE(ABORT, 'fw_recon_line is append-only'); END;
CREATE TRIGGER fw_recon_line_no_delete BEFORE DELETE ON fw_recon_line
BEGIN SELECT RAISE(ABORT, 'fw_recon_line is append-only'); END;

CREATE TABLE fw_recon_run (
    id           INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL UNIQUE,
    options      TEXT NOT NULL,
    summary      TEXT NOT NULL,
    created_ms   INTEGER NOT NULL,
    actor        TEXT
);

-- One row per statement line, plus one per ledger record left unmatched; a group's members
-- share group_no. Lines matched to several records have one row per record.
CREATE TABLE fw_recon_result (
    run_id     INTEGER NOT NULL,
    line_id    INTEGER,
    entry_id   INTEGER,
    outcome    INTEGER NOT NULL,
    rule       INTEGER,
    group_no   INTEGER,
    difference INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fw_recon_result_entry ON fw_recon_result(entry_id) WHERE entry_id IS NOT NULL;
CREATE TRIGGER fw_recon_result_no_update BEFORE UPDATE ON fw_recon_result
BEGIN SELECT RAISE(ABORT, 'fw_recon_result is append-only'); END;
CREATE TRIGGER fw_recon_result_no_delete BEFORE DELETE ON fw_recon_result
BEGIN SELECT RAISE(ABORT, 'fw_recon_result is append-only'); END;

CREATE TABLE fw_recon_case (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER,
    kind          INTEGER NOT NULL,
    state         INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    line_id       INTEGER,
    entry_id      INTEGER,
    enterprise_id INTEGER,
    summary       TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
);
CREATE INDEX fw_recon_case_state ON fw_recon_case(state);
CREATE INDEX fw_recon_case_entry ON fw_recon_case(entry_id) WHERE entry_id IS NOT NULL;

-- Who did what to a case, append-only.
CREATE TABLE fw_recon_case_event (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    actor      TEXT,
    role       TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state INTEGER NOT NULL,
    to_state   INTEGER NOT NULL,
    note       TEXT
);
CREATE INDEX fw_recon_case_event_case ON fw_recon_case_event(case_id);
CREATE TRIGGER fw_recon_case_event_no_update BEFORE UPDATE ON fw_recon_case_event
BEGIN SELECT RAISE(ABORT, 'fw_recon_case_event is append-only'); END;
CREATE TRIGGER fw_recon_case_event_no_delete BEFORE DELETE ON fw_recon_case_event
BEGIN SELECT RAISE(ABORT, 'fw_recon_case_event is append-only'); END;

CREATE TABLE fw_recon_adjustment (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL,
    state       INTEGER NOT NULL,
    request     TEXT NOT NULL,          -- the proposed entry (reason, memo, postings) as JSON
    proposed_by TEXT NOT NULL,
    proposed_ms INTEGER NOT NULL,
    decided_by  TEXT,
    decided_ms  INTEGER,
    note        TEXT,
    entry_id    INTEGER
);
CREATE INDEX fw_recon_adjustment_case ON fw_recon_adjustment(case_id);
