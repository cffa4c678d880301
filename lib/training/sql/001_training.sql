-- Training (R-5.4, R-7.3, R-4.4): instructors, courses (possibly requested by an enterprise
-- for its tasks' demand), sessions, enrolments with attendance and assessment, certificates.
CREATE TABLE fw_training_instructor (
    id          INTEGER PRIMARY KEY,
    title       TEXT,
    specialties TEXT NOT NULL,
    quals       TEXT NOT NULL,
    pii         BLOB NOT NULL,
    created_ms  INTEGER NOT NULL
);

CREATE TABLE fw_training_request (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES fw_party_enterprise(id),
    title         TEXT NOT NULL,
    reason        TEXT NOT NULL,
    headcount     INTEGER NOT NULL,
    categories    TEXT NOT NULL,
    state         INTEGER NOT NULL,
    course_id     INTEGER,
    created_ms    INTEGER NOT NULL,
    fulfilled_ms  INTEGER
);
CREATE INDEX fw_training_request_ent ON fw_training_request(enterprise_id);

CREATE TABLE fw_training_course (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT,
    hours         INTEGER NOT NULL,
    pass_score    INTEGER NOT NULL,
    validity_days INTEGER NOT NULL,
    request_id    INTEGER REFERENCES fw_training_request(id),
    created_ms    INTEGER NOT NULL
);

CREATE TABLE fw_training_session (
    id            INTEGER PRIMARY KEY,
    course_id     INTEGER NOT NULL REFERENCES fw_training_course(id),
    instructor_id INTEGER NOT NULL REFERENCES fw_training_instructor(id),
    starts_ms     INTEGER NOT NULL,
    ends_ms       INTEGER NOT NULL,
    location      TEXT NOT NULL,
    capacity      INTEGER NOT NULL,
    created_ms    INTEGER NOT NULL
);

CREATE TABLE fw_training_enrolment (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES fw_training_session(id),
    worker_id   INTEGER NOT NULL REFERENCES fw_party_worker(id),
    state       INTEGER NOT NULL,
    score       INTEGER,
    enrolled_ms INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    UNIQUE (session_id, worker_id)
);
CREATE INDEX fw_training_enrolment_worker ON fw_training_enrolment(worker_id);

CREATE TABLE fw_training_certificate (
    id           INTEGER PRIMARY KEY,
    worker_id    INTEGER NOT NULL REFERENCES fw_party_worker(id),
    course_id    INTEGER NOT NULL REFERENCES fw_training_course(id),
    course_code  TEXT NOT NULL,
    enrolment_id INTEGER NOT NULL UNIQUE REFERENCES fw_training_enrolment(id),
    score        INTEGER NOT NULL,
    issued_ms    INTEGER NOT NULL,
    expires_ms   INTEGER,
    revoked_ms   INTEGER,
    revoke_reason TEXT
);
CREATE INDEX fw_training_certificate_worker ON fw_training_certificate(worker_id, course_code);
