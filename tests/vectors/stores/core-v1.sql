PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE fw_schema (module TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_ms INTEGER NOT NULL);
INSERT INTO fw_schema VALUES('core',1,1767225600000);
CREATE TABLE fw_meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
INSERT INTO fw_meta VALUES('key_check',X'5bd7122894a856465e36d407e12b2f6c785678e98767aa31442ff6956165daa5');
INSERT INTO fw_meta VALUES('key_kind',X'726177');
INSERT INTO fw_meta VALUES('created_by',X'312e302e30');
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
INSERT INTO fw_audit VALUES(1,1767225600000,1,0,'test','core.test','fixture',1,'{"step":1}',X'a5878f79ccb49037ed88c9e75aa0d70e3d76c7973be0071d6f84c05a32247f5c',X'0000000000000000000000000000000000000000000000000000000000000000',X'2d992aaa43d679e3992560a5284fd021eefc3423efc3a386e1e44f92f0c084be');
INSERT INTO fw_audit VALUES(2,1767225600000,1,0,'test','core.test','fixture',1,'{"step":2}',X'fa27445716872b3a272489872f4346bb7643c6f9fda12d6a6370cbe1c7c3080f',X'2d992aaa43d679e3992560a5284fd021eefc3423efc3a386e1e44f92f0c084be',X'3273f4d83d20ddb307a84ecf5098da372cbbb3afc0f07e352f75313c6cff6f3e');
CREATE TABLE fw_audit_checkpoint (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    at_ms      INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature  BLOB NOT NULL
);
INSERT INTO fw_audit_checkpoint VALUES(1,2,X'3273f4d83d20ddb307a84ecf5098da372cbbb3afc0f07e352f75313c6cff6f3e',1767225600000,X'c59e6f3745dfafea029ec9bea294e20cfb91803e43746c91b55d81d160d4b842',X'd9c1041d2355ed78eb16c29fed2c7cd808d2396ab09f882cf2c0f83830b3f8a2a02c50c679a374d78ca8886283b1d175367348cd27e1a4cb9c5b4a11bddaca04');
CREATE TABLE fw_vault_key (
    subject     TEXT PRIMARY KEY,
    wrapped     BLOB,
    created_ms  INTEGER NOT NULL,
    shredded_ms INTEGER
);
INSERT INTO fw_vault_key VALUES('worker:1',X'017cb0a4822f31ff8fbf3e96c75f3dcc67416ef10a3a7311c4420064e4696a80ed7ec064083deb55f2957b451f36f1467be05d01453a0d47a5c693f2c49c2db41d15437fd24dbaf63e',1767225600000,NULL);
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
CREATE TABLE fixture_pii(id INTEGER PRIMARY KEY, subject TEXT, sealed BLOB, blind BLOB);
INSERT INTO fixture_pii VALUES(1,'worker:1',X'014314277970e4b57d81031f633c6e816d40e7d16d433e7aef07be0dd3d4e6503ddee4dc69a8cda3020216da2ab4dece36dd11a6792be21c203231',X'70b8070aa3dfb76cddae56b90c48b7f1bd52a03fd692043f92048f5c2aeacd97');
CREATE INDEX fw_audit_entity ON fw_audit(entity_type, entity_id);
CREATE TRIGGER fw_audit_no_update BEFORE UPDATE ON fw_audit
BEGIN SELECT RAISE(ABORT, 'fw_audit is append-only'); END;
CREATE TRIGGER fw_audit_no_delete BEFORE DELETE ON fw_audit
BEGIN SELECT RAISE(ABORT, 'fw_audit is append-only'); END;
COMMIT;
