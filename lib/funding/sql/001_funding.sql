-- Funding: registered payer accounts, reference codes, incoming transfers, refunds.
CREATE TABLE fw_funding_source (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    account_blind BLOB NOT NULL UNIQUE,   -- keyed BLAKE2b of the normalised account number
    account_mask  TEXT NOT NULL,
    name_mask     TEXT,
    created_ms    INTEGER NOT NULL
);
CREATE INDEX fw_funding_source_enterprise ON fw_funding_source(enterprise_id);

CREATE TABLE fw_funding_refcode (
    enterprise_id INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    created_ms    INTEGER NOT NULL
);

-- Virtual sub-accounts (虚拟子账户) the bank assigned to an enterprise under the platform's account.
CREATE TABLE fw_funding_virtual (
    account       TEXT PRIMARY KEY,       -- normalised: letters and digits, upper case
    enterprise_id INTEGER NOT NULL,
    created_ms    INTEGER NOT NULL
);

CREATE TABLE fw_funding_incoming (
    id                  INTEGER PRIMARY KEY,
    bank_txn_id         TEXT NOT NULL UNIQUE,
    amount              INTEGER NOT NULL CHECK (amount > 0),
    currency            TEXT NOT NULL,
    payer_blind         BLOB,
    payer_mask          TEXT,
    name_mask           TEXT,
    remark              TEXT,
    payee_account       TEXT,
    received_ms         INTEGER NOT NULL,
    state               INTEGER NOT NULL,
    enterprise_id       INTEGER,
    matched_by          TEXT,
    fee                 INTEGER NOT NULL DEFAULT 0,
    entry_id            INTEGER NOT NULL,
    resolution_entry_id INTEGER,
    created_ms          INTEGER NOT NULL
);
CREATE INDEX fw_funding_incoming_state ON fw_funding_incoming(state);
CREATE INDEX fw_funding_incoming_enterprise ON fw_funding_incoming(enterprise_id, received_ms);

CREATE TABLE fw_funding_refund (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    amount        INTEGER NOT NULL CHECK (amount > 0),
    hold_id       INTEGER NOT NULL,
    state         INTEGER NOT NULL,
    entry_id      INTEGER,
    created_ms    INTEGER NOT NULL
);
