"""Audit on a live store: records appended by the library (a vault shred is audited),
transactions, checkpoint, export and offline verification, and tampering with raw SQL
(R-3.3.j)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, List

import pytest

import flexwork

from conftest import CLOCK_START, MASTER_KEY, Clock, record_hash


def raw_sql(path: str, *statements: str) -> None:
    """Changes the store behind the library's back."""
    db = sqlite3.connect(path)
    try:
        for sql in statements:
            db.execute(sql)
        db.commit()
    finally:
        db.close()


def vault_key(path: str, subject: str) -> Any:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT wrapped IS NULL, shredded_ms FROM fw_vault_key WHERE subject=?",
                          (subject,)).fetchone()
    finally:
        db.close()


def shred_record(seq: int, at_ms: int, subject: str) -> Dict[str, Any]:
    return {"seq": seq, "at_ms": at_ms, "actor_role": flexwork.ROLE_ADMIN, "actor_party": 0,
            "actor_name": "admin", "action": "vault.shred", "entity_type": "vault_key",
            "entity_id": 0, "detail": json.dumps({"subject": subject}, separators=(",", ":"))}


def chain(records: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    prev = bytes(32)
    out = []
    for r in records:
        prev = record_hash(prev, r)
        out.append(dict(r, hash=prev.hex()))
    return out


@pytest.fixture
def live(store_path: str, clock: Clock) -> Any:
    """A store file with vault keys for worker:17 and worker:18, open as the admin."""
    flexwork.Context.open(store_path, master_key=MASTER_KEY).close()
    raw_sql(store_path,
            "INSERT INTO fw_vault_key(subject, wrapped, created_ms) VALUES "
            f"('worker:17', zeroblob(72), {CLOCK_START}), ('worker:18', zeroblob(72), {CLOCK_START})")
    with flexwork.Context.open(store_path, master_key=MASTER_KEY, clock=clock) as ctx:
        ctx.set_actor(flexwork.ROLE_ADMIN, name="admin")
        yield ctx


def test_transactions_decide_what_is_kept(live: flexwork.Context, store_path: str,
                                          clock: Clock) -> None:
    with pytest.raises(ZeroDivisionError):
        with live.transaction():
            live.vault_shred("worker:17")
            1 / 0
    assert vault_key(store_path, "worker:17") == (0, None)
    with pytest.raises(flexwork.StateError):
        live.audit_checkpoint()          # the log is still empty

    live.begin()
    live.vault_shred("worker:17")
    live.rollback()
    assert vault_key(store_path, "worker:17") == (0, None)

    clock.ms = CLOCK_START + 1000
    with live.transaction():
        live.vault_shred("worker:17")
    assert vault_key(store_path, "worker:17") == (1, CLOCK_START + 1000)
    assert live.audit_verify() == 0


def test_checkpoint_export_and_offline_verification(live: flexwork.Context, clock: Clock) -> None:
    clock.ms = CLOCK_START + 1000
    live.vault_shred("worker:17")
    clock.ms = CLOCK_START + 2000
    live.vault.shred("worker:18")
    clock.ms = CLOCK_START + 3000
    live.vault_shred("worker:17")         # idempotent, and audited again
    expected = chain([shred_record(1, CLOCK_START + 1000, "worker:17"),
                      shred_record(2, CLOCK_START + 2000, "worker:18"),
                      shred_record(3, CLOCK_START + 3000, "worker:17")])

    clock.ms = CLOCK_START + 4000
    cp = live.audit_checkpoint()
    public_key = live.audit_public_key()
    assert set(cp) == {"seq", "hash", "at_ms", "public_key", "signature"}
    assert (cp["seq"], cp["hash"], cp["at_ms"], cp["public_key"]) == (
        3, expected[2]["hash"], CLOCK_START + 4000, public_key.hex())
    assert len(cp["signature"]) == 128

    export = live.audit_export()
    doc = json.loads(export)
    assert doc["format"] == "flexwork-audit-1"
    assert doc["prev_hash"] == "00" * 32
    assert doc["checkpoint"] == cp
    assert doc["records"] == expected
    assert flexwork.audit_verify_export(export, public_key) == 0

    tail = json.loads(live.audit_export(2, 3))
    assert tail["prev_hash"] == expected[0]["hash"]
    assert [r["seq"] for r in tail["records"]] == [2, 3]
    assert flexwork.audit_verify_export(tail, public_key) == 0

    with pytest.raises(flexwork.InvalidError) as e:
        live.audit_export(4)
    assert e.value.message == "from_seq: must be at most 3, the checkpoint's record"


def test_tampered_store_is_detected(live: flexwork.Context, store_path: str) -> None:
    live.vault_shred("worker:17")
    live.vault_shred("worker:18")
    assert live.audit_verify() == 0
    raw_sql(store_path, "DROP TRIGGER fw_audit_no_update",
            """UPDATE fw_audit SET detail='{"subject":"worker:99"}' WHERE seq=2""")
    with pytest.raises(flexwork.CorruptError) as e:
        live.audit_verify()
    assert e.value.first_bad == 2
    assert e.value.message == ("audit record 2 does not verify: it or its link to record 1 "
                               "was changed outside the library")
    with pytest.raises(flexwork.CorruptError):
        live.audit_checkpoint()          # nothing is signed over a broken chain
