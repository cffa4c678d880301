-- Core: store metadata, audit log, PII vault keys, idempotency records.
CREATE TABLE fw_meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE fw_audit (
    seq         INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    actor_role  INTEGER NOT NULL,
    actor_party INTEGER NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    detail      TEXT NOT NULL,
    digest      BLOB NOT NULL,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
);
CREATE INDEX fw_audit_entity ON fw_audit(entity_type, entity_id);
CREATE TRIGGER fw_audit_no_update BEFORE UPDATE ON fw_audit
BEGIN SELECT RAISE(ABORT, 'fw_audit is append-only'); END;
CREATE TRIGGER fw_audit_no_delete BEFORE DELETE ON fw_audit
BEGIN SELECT RAISE(ABORT, 'fw_audit is append-only'); END;

CREATE TABLE fw_audit_checkpoint (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    at_ms      INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature  BLOB NOT NULL
);

CREATE TABLE fw_vault_key (
    subject     TEXT PRIMARY KEY,
    wrapped     BLOB,
    created_ms  INTEGER NOT NULL,
    shredded_ms INTEGER
);

CREATE TABLE fw_idem (
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    hash        BLOB NOT NULL,
    request     TEXT NOT NULL,
    rc          INTEGER NOT NULL,
    result_id   INTEGER NOT NULL,
    result_json TEXT,
    err_path    TEXT,
    err_message TEXT,
    created_ms  INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
