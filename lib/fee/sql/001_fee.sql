-- Fee schedules: append-only versions per enterprise, each valid over [valid_from_ms, valid_to_ms).
CREATE TABLE fw_fee_schedule (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    valid_from_ms INTEGER NOT NULL,
    valid_to_ms   INTEGER NOT NULL,
    schedule      TEXT NOT NULL,      -- the canonical schedule JSON
    created_ms    INTEGER NOT NULL,
    UNIQUE (enterprise_id, version)
);
CREATE TRIGGER fw_fee_schedule_no_update BEFORE UPDATE ON fw_fee_schedule
BEGIN SELECT RAISE(ABORT, 'fw_fee_schedule is append-only'); END;
CREATE TRIGGER fw_fee_schedule_no_delete BEFORE DELETE ON fw_fee_schedule
BEGIN SELECT RAISE(ABORT, 'fw_fee_schedule is append-only'); END;
