-- Archives (R-7.11): one archive per party, a catalogue of documents, the read log,
-- holds, retention classes and the permanent destruction register.
CREATE TABLE fw_archive_archive (
    id          INTEGER PRIMARY KEY,
    party_kind  TEXT NOT NULL CHECK (party_kind IN ('enterprise', 'worker')),
    party_id    INTEGER NOT NULL CHECK (party_id > 0),
    created_ms  INTEGER NOT NULL,
    last_number INTEGER NOT NULL DEFAULT 0,
    pi_blocked_ms INTEGER,          -- personal information past its purpose since
    pi_until_ms   INTEGER,          -- end of its legal retention period
    pi_reason     TEXT,
    pi_purged_ms  INTEGER,
    UNIQUE (party_kind, party_id)
);

-- Retention classes; months = 0 keeps permanently. Defaults: cn-rules.md §10.
CREATE TABLE fw_archive_retention (
    code   TEXT PRIMARY KEY,
    title  TEXT NOT NULL,
    months INTEGER NOT NULL CHECK (months >= 0),
    basis  TEXT NOT NULL
);
INSERT INTO fw_archive_retention(code, title, months, basis) VALUES
 ('accounting_voucher', 'original and bookkeeping vouchers', 360, '会计档案管理办法 (财政部 国家档案局令第79号) table'),
 ('accounting_book', 'general ledger, sub-ledgers, journals', 360, '会计档案管理办法 table'),
 ('financial_report', 'monthly, quarterly and half-year financial reports', 120, '会计档案管理办法 table'),
 ('annual_report', 'annual financial report', 0, '会计档案管理办法 table: permanent'),
 ('bank_statement', 'bank statements and reconciliation statements', 120, '会计档案管理办法 table'),
 ('tax_record', 'tax books, vouchers, returns, certificates', 120, '税收征收管理法实施细则 art. 29'),
 ('invoice_stub', 'issued-invoice stubs', 60, '发票管理办法'),
 ('ecommerce_transaction', 'transaction, goods and service records', 36, 'E-Commerce Law art. 31'),
 ('labour_contract', 'terminated labour or service contract texts', 24, 'Labour Contract Law art. 50'),
 ('network_log', 'network logs', 6, 'Cybersecurity Law art. 21'),
 ('pi_assessment', 'personal-information protection impact assessments', 36, 'PIPL art. 56'),
 ('archive_register', 'custody and destruction registers, appraisal opinions', 0, '会计档案管理办法 table: permanent'),
 ('general', 'other records', 36, 'platform default');

CREATE TABLE fw_archive_blob (
    hash    BLOB PRIMARY KEY,
    content BLOB NOT NULL
);

CREATE TABLE fw_archive_doc (
    id           INTEGER PRIMARY KEY,
    archive_id   INTEGER NOT NULL REFERENCES fw_archive_archive(id),
    number       INTEGER NOT NULL DEFAULT 0,   -- within the archive, from arrangement
    state        INTEGER NOT NULL,
    category     TEXT NOT NULL,
    title        TEXT NOT NULL,
    source       TEXT NOT NULL,
    retention    TEXT NOT NULL REFERENCES fw_archive_retention(code),
    received_ms  INTEGER NOT NULL,
    keep_until_ms INTEGER NOT NULL,            -- 0: permanent
    personal     INTEGER NOT NULL,             -- content sealed under the party's vault key
    hash         BLOB NOT NULL,                -- BLAKE2b-256 of the plain content
    size         INTEGER NOT NULL,
    location     TEXT,                         -- file path when kept in the host's directory
    sealed       BLOB,                         -- personal content sealed in the store
    external_ref TEXT,
    appraised_ms INTEGER,
    appraisal    TEXT,
    destroyed_ms INTEGER
);
CREATE INDEX fw_archive_doc_archive ON fw_archive_doc(archive_id, number);
CREATE INDEX fw_archive_doc_received ON fw_archive_doc(received_ms);

CREATE TABLE fw_archive_access (
    id          INTEGER PRIMARY KEY,
    doc_id      INTEGER NOT NULL REFERENCES fw_archive_doc(id),
    at_ms       INTEGER NOT NULL,
    actor_role  INTEGER NOT NULL,
    actor_party INTEGER NOT NULL,
    actor_name  TEXT NOT NULL,
    purpose     TEXT NOT NULL
);
CREATE INDEX fw_archive_access_at ON fw_archive_access(at_ms);
CREATE TRIGGER fw_archive_access_no_update BEFORE UPDATE ON fw_archive_access
BEGIN SELECT RAISE(ABORT, 'fw_archive_access is append-only'); END;
CREATE TRIGGER fw_archive_access_no_delete BEFORE DELETE ON fw_archive_access
BEGIN SELECT RAISE(ABORT, 'fw_archive_access is append-only'); END;

CREATE TABLE fw_archive_hold (
    id          INTEGER PRIMARY KEY,
    archive_id  INTEGER NOT NULL REFERENCES fw_archive_archive(id),
    doc_id      INTEGER,                       -- NULL: the whole archive
    kind        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    placed_ms   INTEGER NOT NULL,
    released_ms INTEGER
);

-- The destruction register is kept permanently.
CREATE TABLE fw_archive_destruction (
    id           INTEGER PRIMARY KEY,
    doc_id       INTEGER NOT NULL,
    archive_id   INTEGER NOT NULL,
    party_kind   TEXT NOT NULL,
    party_id     INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    category     TEXT NOT NULL,
    title        TEXT NOT NULL,
    retention    TEXT NOT NULL,
    hash         BLOB NOT NULL,
    size         INTEGER NOT NULL,
    appraisal    TEXT NOT NULL,
    approver     TEXT NOT NULL,
    supervisor   TEXT,
    destroyed_ms INTEGER NOT NULL,
    actor_name   TEXT NOT NULL
);
CREATE TRIGGER fw_archive_destruction_no_update BEFORE UPDATE ON fw_archive_destruction
BEGIN SELECT RAISE(ABORT, 'fw_archive_destruction is kept permanently'); END;
CREATE TRIGGER fw_archive_destruction_no_delete BEFORE DELETE ON fw_archive_destruction
BEGIN SELECT RAISE(ABORT, 'fw_archive_destruction is kept permanently'); END;

CREATE TABLE fw_archive_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
