"""Audit: verification, checkpoints and offline verification of the golden export (R-3.3.j)."""

from __future__ import annotations

import copy
import json

import pytest

import flexwork
from flexwork import constants as C

from conftest import MASTER_KEY, record_hash, vector


@pytest.fixture
def golden() -> dict:
    return vector("audit_export.json")


def test_golden_export_verifies_offline(golden: dict) -> None:  # .j
    export = golden["export"]
    key = bytes.fromhex(golden["public_key"])
    assert flexwork.audit_verify_export(export, key) == 0
    assert flexwork.audit_verify_export(json.dumps(export, ensure_ascii=False)) == 0
    assert flexwork.audit_verify_export(json.dumps(export).encode()) == 0
    assert export["checkpoint"] == golden["checkpoint"]
    assert len(export["records"]) == golden["records"] == 3


def test_golden_chain_recomputes_independently(golden: dict) -> None:
    prev = bytes.fromhex(golden["export"]["prev_hash"])
    for r in golden["export"]["records"]:
        prev = record_hash(prev, r)
        assert prev.hex() == r["hash"]
    assert prev.hex() == golden["checkpoint"]["hash"]


def test_tampered_export_is_corrupt(golden: dict) -> None:
    export = copy.deepcopy(golden["export"])
    export["records"][1]["detail"] = '{"state":"rejected"}'
    with pytest.raises(flexwork.CorruptError) as e:
        flexwork.audit_verify_export(export)
    assert e.value.code == C.ECORRUPT
    assert e.value.message == "exported audit record 2 does not verify"
    assert e.value.first_bad == 2

    export = copy.deepcopy(golden["export"])
    export["records"][0]["actor_role"] = C.ROLE_OPERATOR
    with pytest.raises(flexwork.CorruptError) as e:
        flexwork.audit_verify_export(export)
    assert e.value.first_bad == 1

    export = copy.deepcopy(golden["export"])
    export["records"].pop()
    with pytest.raises(flexwork.CorruptError) as e:
        flexwork.audit_verify_export(export)
    assert e.value.message == "the exported records do not end at the signed checkpoint (record 3)"
    assert e.value.first_bad == 3  # the checkpointed record is the one missing


def test_export_signature_and_key(golden: dict) -> None:
    with pytest.raises(flexwork.AuthError) as e:
        flexwork.audit_verify_export(golden["export"], bytes(32))
    assert (e.value.path, e.value.message) == (
        "$.checkpoint.public_key",
        "$.checkpoint.public_key: the export is signed by another key than the one expected")
    export = copy.deepcopy(golden["export"])
    export["checkpoint"]["signature"] = "00" * 64
    with pytest.raises(flexwork.AuthError) as e:
        flexwork.audit_verify_export(export)
    assert e.value.message == "$.checkpoint.signature: the checkpoint's signature does not verify"
    with pytest.raises(ValueError):
        flexwork.audit_verify_export(golden["export"], b"short")


def test_malformed_export(golden: dict) -> None:
    with pytest.raises(flexwork.JSONError) as e:
        flexwork.audit_verify_export("{bad")
    assert (e.value.path, e.value.message) == ("$", "$: malformed JSON at byte 2")
    export = copy.deepcopy(golden["export"])
    del export["prev_hash"]
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.audit_verify_export(export)
    assert (e.value.path, e.value.message) == ("$.prev_hash", "$.prev_hash: is required")


def test_public_key_derives_from_master_key(golden: dict) -> None:
    assert bytes.fromhex(golden["master_key"]) == MASTER_KEY
    with flexwork.Context.open(":memory:", master_key=MASTER_KEY) as ctx:
        assert ctx.audit_public_key().hex() == golden["public_key"]
        assert ctx.audit.public_key() == ctx.audit_public_key()
    with flexwork.Context.open(":memory:", master_key=b"\x02" * 32) as other:
        assert other.audit_public_key().hex() != golden["public_key"]


def test_empty_log(ctx: flexwork.Context) -> None:
    assert ctx.audit_verify() == 0
    with pytest.raises(flexwork.StateError) as e:
        ctx.audit_checkpoint()
    assert e.value.message == "the audit log is empty: nothing to sign"
    with pytest.raises(flexwork.StateError) as e:
        ctx.audit_export()
    assert (e.value.path, e.value.message) == (
        "to_seq", "to_seq: no checkpoint covers record 0; call fw_audit_checkpoint() first")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.audit_export(5, 2)
    assert e.value.message == "to_seq: must be 0 or at least from_seq (5)"


def test_audit_permissions(ctx: flexwork.Context) -> None:
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, party_id=3)
    for call in (ctx.audit_verify, ctx.audit_checkpoint, ctx.audit_export):
        with pytest.raises(flexwork.FlexworkPermissionError):
            call()
    ctx.set_actor(flexwork.ROLE_SYSTEM)
    with pytest.raises(flexwork.FlexworkPermissionError) as e:
        ctx.audit_export()   # the system may sign checkpoints but not export the log
    assert e.value.message.startswith("audit.export: ")
