-- Service quality (R-6.e, R-6.f, R-8): enquiries and complaints (GB/T 19012 / ISO 10002),
-- evaluations, incidents, supervision checkpoints, corrective actions.
CREATE TABLE fw_service_sla (
    severity   TEXT PRIMARY KEY CHECK (severity IN ('low', 'normal', 'high', 'critical')),
    ack_ms     INTEGER NOT NULL CHECK (ack_ms > 0),
    respond_ms INTEGER NOT NULL CHECK (respond_ms > 0),
    close_ms   INTEGER NOT NULL CHECK (close_ms > 0)
);
INSERT INTO fw_service_sla(severity, ack_ms, respond_ms, close_ms) VALUES
 ('critical', 7200000, 86400000, 259200000),
 ('high', 14400000, 259200000, 604800000),
 ('normal', 86400000, 604800000, 1296000000),
 ('low', 172800000, 1296000000, 2592000000);

CREATE TABLE fw_service_case (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    kind             INTEGER NOT NULL,            -- 1 enquiry, 2 complaint
    party_kind       TEXT NOT NULL CHECK (party_kind IN ('enterprise', 'worker')),
    party_id         INTEGER NOT NULL,
    channel          TEXT NOT NULL,
    category         TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    requested_remedy TEXT,
    contact          BLOB,                        -- sealed in the vault under the party
    order_ref        TEXT,
    severity         TEXT NOT NULL,
    priority         INTEGER NOT NULL,
    state            INTEGER NOT NULL,
    received_ms      INTEGER NOT NULL,
    ack_due_ms       INTEGER NOT NULL,
    respond_due_ms   INTEGER NOT NULL,
    close_due_ms     INTEGER NOT NULL,
    ack_ms           INTEGER,
    assessed_ms      INTEGER,
    investigating_ms INTEGER,
    responded_ms     INTEGER,
    decided_ms       INTEGER,
    closed_ms        INTEGER,
    cause            TEXT,
    remedy           TEXT,
    decision_accepted INTEGER,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    reopen_count     INTEGER NOT NULL DEFAULT 0,
    satisfaction     INTEGER
);
CREATE INDEX fw_service_case_received ON fw_service_case(received_ms);
CREATE INDEX fw_service_case_party ON fw_service_case(party_kind, party_id);

CREATE TABLE fw_service_case_event (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES fw_service_case(id),
    at_ms      INTEGER NOT NULL,
    step       TEXT NOT NULL,
    actor_role INTEGER NOT NULL,
    note       TEXT
);
CREATE INDEX fw_service_case_event_case ON fw_service_case_event(case_id, id);

CREATE TABLE fw_service_evaluation (
    id         INTEGER PRIMARY KEY,
    party_kind TEXT NOT NULL,
    party_id   INTEGER NOT NULL,
    process    TEXT NOT NULL,
    case_id    INTEGER REFERENCES fw_service_case(id),
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment    TEXT,
    at_ms      INTEGER NOT NULL
);
CREATE INDEX fw_service_evaluation_at ON fw_service_evaluation(at_ms);

CREATE TABLE fw_service_plan (
    code     TEXT PRIMARY KEY,
    title    TEXT NOT NULL,
    severity TEXT NOT NULL,
    steps    TEXT NOT NULL               -- JSON array of strings
);

CREATE TABLE fw_service_incident (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('emergency', 'anomaly')),
    severity   TEXT NOT NULL,
    title      TEXT NOT NULL,
    plan_code  TEXT REFERENCES fw_service_plan(code),
    level      INTEGER NOT NULL DEFAULT 0,
    opened_ms  INTEGER NOT NULL,
    closed_ms  INTEGER,
    resolution TEXT
);
CREATE TABLE fw_service_incident_event (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES fw_service_incident(id),
    at_ms       INTEGER NOT NULL,
    action      TEXT NOT NULL,
    level       INTEGER NOT NULL,
    note        TEXT NOT NULL
);

-- Key links supervised from the audit log: a start action must be followed, on the same
-- entity, by an end action within max_ms.
CREATE TABLE fw_service_checkpoint (
    code         TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    start_action TEXT NOT NULL,
    end_action   TEXT NOT NULL,
    max_ms       INTEGER NOT NULL CHECK (max_ms > 0)
);

CREATE TABLE fw_service_action (
    id           INTEGER PRIMARY KEY,
    cause        TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner        TEXT NOT NULL,
    due_ms       INTEGER NOT NULL,
    state        INTEGER NOT NULL,          -- 1 open, 2 completed, 3 verified effective
    created_ms   INTEGER NOT NULL,
    completed_ms INTEGER,
    result       TEXT,
    verified_ms  INTEGER,
    verify_note  TEXT,
    rounds       INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE fw_service_action_case (
    action_id INTEGER NOT NULL REFERENCES fw_service_action(id),
    case_id   INTEGER NOT NULL REFERENCES fw_service_case(id),
    PRIMARY KEY (action_id, case_id)
);
