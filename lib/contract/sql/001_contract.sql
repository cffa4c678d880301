-- Contracts: templates, contracts with their signers, signing keys, signatures (append-only),
-- and workers' tax registrations. A document naming a worker is sealed under that worker's
-- subject in the vault; the others are stored in clear.
CREATE TABLE fw_contract_template (
    id           INTEGER PRIMARY KEY,
    kind         INTEGER NOT NULL,
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL,
    placeholders TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    created_ms   INTEGER NOT NULL,
    UNIQUE (kind, name, version)
);

CREATE TABLE fw_contract (
    id            INTEGER PRIMARY KEY,
    kind          INTEGER NOT NULL,
    state         INTEGER NOT NULL,
    template_id   INTEGER NOT NULL REFERENCES fw_contract_template(id),
    enterprise_id INTEGER NOT NULL,
    worker_id     INTEGER NOT NULL,
    document      BLOB,
    sealed        INTEGER NOT NULL,
    doc_sha256    BLOB,
    expires_ms    INTEGER,
    supersedes    INTEGER,
    superseded_by INTEGER,
    external_ref  TEXT,
    created_ms    INTEGER NOT NULL,
    sent_ms       INTEGER,
    effective_ms  INTEGER,
    ended_ms      INTEGER,
    end_reason    TEXT
);
CREATE INDEX fw_contract_enterprise ON fw_contract(enterprise_id, kind, state);
CREATE INDEX fw_contract_worker ON fw_contract(worker_id, kind, state);

-- The parties that sign, in order: kind 0 platform, 1 enterprise, 2 worker.
CREATE TABLE fw_contract_signer (
    contract_id INTEGER NOT NULL REFERENCES fw_contract(id),
    seq         INTEGER NOT NULL,
    party_kind  INTEGER NOT NULL,
    party_id    INTEGER NOT NULL,
    PRIMARY KEY (contract_id, seq)
);

-- Signing keys of enterprises and workers; the seed is sealed under the party's subject.
CREATE TABLE fw_contract_key (
    subject    TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    seed       BLOB NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE fw_contract_signature (
    id          INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES fw_contract(id),
    seq         INTEGER NOT NULL,
    signer      TEXT NOT NULL,
    public_key  BLOB NOT NULL,
    signature   BLOB NOT NULL,
    signed_ms   INTEGER NOT NULL,
    intent      TEXT NOT NULL,
    consent_sha256 TEXT,
    prev_sha256 TEXT,
    auth_method TEXT,
    ip          TEXT,
    user_agent  TEXT,
    session_id  TEXT,
    actor       TEXT NOT NULL,
    minor       INTEGER NOT NULL,
    UNIQUE (contract_id, seq)
);
CREATE TRIGGER fw_contract_signature_no_update BEFORE UPDATE ON fw_contract_signature
BEGIN SELECT RAISE(ABORT, 'fw_contract_signature is append-only'); END;
CREATE TRIGGER fw_contract_signature_no_delete BEFORE DELETE ON fw_contract_signature
BEGIN SELECT RAISE(ABORT, 'fw_contract_signature is append-only'); END;

CREATE TABLE fw_contract_taxreg (
    worker_id        INTEGER PRIMARY KEY,
    state            INTEGER NOT NULL,
    jurisdiction     TEXT NOT NULL,
    registration_no  BLOB,
    registered_on_ms INTEGER,
    reason           TEXT,
    authorisation_id INTEGER NOT NULL,
    requested_ms     INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL
);
