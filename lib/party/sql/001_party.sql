-- Parties: enterprises and their users, workers, the platform's profile, channel agreements
-- and staff. Personal fields are sealed by the vault (column pii, JSON inside); equality
-- look-ups use keyed blind indexes.
CREATE TABLE fw_party_enterprise (
    id              INTEGER PRIMARY KEY,
    state           INTEGER NOT NULL,
    name            TEXT NOT NULL,
    uscc            TEXT NOT NULL,
    business_scope  TEXT NOT NULL,
    industry        TEXT NOT NULL,
    bank_name       TEXT NOT NULL,
    account_name    TEXT NOT NULL,
    account_no      TEXT NOT NULL,
    qualifications  TEXT NOT NULL,
    pii             BLOB NOT NULL,
    external_ref    TEXT,
    review_method   TEXT,
    review_reasons  TEXT,
    review_evidence TEXT,
    agreement_ms    INTEGER,
    activated_ms    INTEGER,
    suspend_reason  TEXT,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL
);
-- One live enterprise per USCC; a cancelled one frees it.
CREATE UNIQUE INDEX fw_party_enterprise_uscc ON fw_party_enterprise(uscc) WHERE state <> 8;

CREATE TABLE fw_party_enterprise_user (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES fw_party_enterprise(id),
    login         TEXT NOT NULL,
    roles         TEXT NOT NULL,
    pii           BLOB NOT NULL,
    enabled       INTEGER NOT NULL,
    created_ms    INTEGER NOT NULL,
    UNIQUE (enterprise_id, login)
);

CREATE TABLE fw_party_worker (
    id               INTEGER PRIMARY KEY,
    state            INTEGER NOT NULL,
    prior_state      INTEGER,
    channel          INTEGER NOT NULL,
    registered_by    TEXT NOT NULL,
    id_blind         BLOB UNIQUE,
    pii              BLOB NOT NULL,
    warnings         TEXT NOT NULL,
    verify_method    TEXT,
    verify_result    TEXT,
    verify_reason    TEXT,
    verify_evidence  TEXT,
    verify_pending   INTEGER NOT NULL DEFAULT 0,
    suspend_reason   TEXT,
    external_ref     TEXT,
    erased_ms        INTEGER,
    created_ms       INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL
);

CREATE TABLE fw_party_worker_link (
    worker_id     INTEGER NOT NULL REFERENCES fw_party_worker(id),
    enterprise_id INTEGER NOT NULL,
    linked_ms     INTEGER NOT NULL,
    PRIMARY KEY (worker_id, enterprise_id)
);
CREATE INDEX fw_party_worker_link_ent ON fw_party_worker_link(enterprise_id);

CREATE TABLE fw_party_platform (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    operating_entity TEXT NOT NULL,
    uscc             TEXT NOT NULL,
    licences         TEXT NOT NULL,
    updated_ms       INTEGER NOT NULL
);

CREATE TABLE fw_party_channel (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    counterparty  TEXT NOT NULL,
    agreement_no  TEXT NOT NULL UNIQUE,
    valid_from_ms INTEGER NOT NULL,
    valid_to_ms   INTEGER NOT NULL,
    revoked_ms    INTEGER,
    created_ms    INTEGER NOT NULL
);

CREATE TABLE fw_party_staff (
    id         INTEGER PRIMARY KEY,
    login      TEXT NOT NULL UNIQUE,
    role       INTEGER NOT NULL,
    pii        BLOB NOT NULL,
    enabled    INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);
