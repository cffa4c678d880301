"""Archives (include/flexwork/archive.h) through the binding: filing, arranging, reads logged
with their purpose, retention, holds (including a Python hold check), appraisal and
destruction, personal-information blocking, and bundles verified offline (R-7.11)."""

from __future__ import annotations

import calendar
import json
import tarfile
from pathlib import Path
from typing import Dict, Optional

import pytest

import flexwork

from conftest import Clock

CONTRACT = {"party_kind": "worker", "party_id": 7, "category": "contract",
            "title": "service contract 2026-001", "source": "contract", "retention": "labour_contract"}
TAX_RECORD = {"party_kind": "enterprise", "party_id": 3, "category": "tax",
              "title": "IIT return 2026-02", "source": "tax", "retention": "tax_record"}


def cst(y: int, m: int, d: int) -> int:
    return (calendar.timegm((y, m, d, 0, 0, 0)) - 8 * 3600) * 1000


def test_file_arrange_read_logs_every_use(ctx: flexwork.Context) -> None:
    a = ctx.archive.file(CONTRACT, b"contract text")
    b = ctx.archive.file(CONTRACT, "annex".encode())
    ctx.archive.arrange(b, {"category": "contract_annex"})
    ctx.archive.arrange(a)
    with pytest.raises(flexwork.StateError):
        ctx.archive.arrange(a)
    with pytest.raises(flexwork.InvalidError):
        ctx.archive.read(a, "")
    assert ctx.archive.read(a, "labour dispute 2026-17") == b"contract text"
    assert ctx.archive.access_log(a) == [{"at_ms": 1773540000000, "actor_role": "admin",
                                          "actor_party": 0, "actor_name": "admin",
                                          "purpose": "labour dispute 2026-17"}]
    listed = ctx.archive.list("worker", 7)
    assert (listed["party_kind"], listed["party_id"], listed["pi_blocked"]) == ("worker", 7, False)
    assert [(d["number"], d["state"], d["category"]) for d in listed["documents"]] == [
        (1, "kept", "contract_annex"), (2, "kept", "contract")]
    with pytest.raises(flexwork.NotFoundError) as e:
        ctx.archive.file(dict(CONTRACT, retention="forever"), b"x")
    assert e.value.path == "$.retention"


def test_retention(ctx: flexwork.Context) -> None:
    classes = {c["code"]: c for c in ctx.archive.retention_list()}
    assert (classes["accounting_voucher"]["months"], classes["tax_record"]["months"]) == (360, 120)
    doc = ctx.archive.file(TAX_RECORD, b"return")
    assert ctx.archive.get(doc)["keep_until_ms"] == cst(2037, 1, 1)


HOLD_ON: Dict[str, Optional[str]] = {"why": None}


def payout_check(party_kind: str, party_id: int, doc_id: int, category: str) -> Optional[str]:
    return HOLD_ON["why"]


def test_appraise_and_destroy_with_holds(ctx: flexwork.Context, clock: Clock) -> None:
    doc = ctx.archive.file(TAX_RECORD, b"return")
    twin = ctx.archive.file(TAX_RECORD, b"return")
    ctx.archive.arrange(doc)
    with pytest.raises(flexwork.StateError) as e:
        ctx.archive.appraise(doc, {"decision": "destroy", "opinion": "expired"})
    assert e.value.message == ("document 1 is kept until 2037-01-01 (retention class tax_record); "
                               "it is appraised after that")
    clock.ms = cst(2037, 1, 2)
    hold = ctx.archive.hold_place({"party_kind": "enterprise", "party_id": 3, "doc_id": doc,
                                   "kind": "claim", "reason": "refund claim R-88"})
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.archive.appraise(doc, {"decision": "destroy", "opinion": "expired"})
    assert e.value.message == (f"document 1 is held by hold {hold} (claim on this document): "
                               "refund claim R-88")
    ctx.archive.hold_release(hold)
    with pytest.raises(flexwork.StateError):
        ctx.archive.hold_release(hold)

    ctx.archive.register_hold_check("payout", payout_check)
    HOLD_ON["why"] = "payout order 17 of enterprise 3 is not settled"
    try:
        with pytest.raises(flexwork.DeniedError) as e:
            ctx.archive.appraise(doc, {"decision": "destroy", "opinion": "expired"})
        assert e.value.message == ("document 1 is held by the payout check: payout order 17 of "
                                   "enterprise 3 is not settled")
    finally:
        HOLD_ON["why"] = None
    with pytest.raises(flexwork.StateError):
        ctx.archive.destroy(doc, {"approver": "CFO Wang"})
    ctx.archive.appraise(doc, {"decision": "destroy", "opinion": "period ended, no claims"})
    with pytest.raises(flexwork.InvalidError):
        ctx.archive.destroy(doc, {"approver": ""})
    ctx.archive.destroy(doc, {"approver": "CFO Wang", "supervisor": "auditor Li"})
    with pytest.raises(flexwork.StateError) as e:
        ctx.archive.read(doc, "check")
    assert e.value.message == "document 1 was destroyed; see the destruction register"
    assert ctx.archive.read(twin, "check") == b"return"
    register = ctx.archive.destruction_register(0, 0)
    entry = register[0] if isinstance(register, list) else register["entries"][0]
    assert (entry["doc_id"], entry["approver"], entry["supervisor"]) == (doc, "CFO Wang", "auditor Li")
    ctx.archive.appraise(twin, {"decision": "keep", "opinion": "still referenced", "extend_months": 12})
    assert ctx.archive.get(twin)["keep_until_ms"] == cst(2038, 1, 2)


def test_a_failing_hold_check_fails_the_appraisal(ctx: flexwork.Context, clock: Clock) -> None:
    def broken(party_kind: str, party_id: int, doc_id: int, category: str) -> Optional[str]:
        raise flexwork.DeniedError(flexwork.EDENIED, "the claims system is down", "")

    doc = ctx.archive.file(TAX_RECORD, b"return")
    clock.ms = cst(2037, 1, 2)
    ctx.archive.register_hold_check("claims", broken)
    try:
        with pytest.raises(flexwork.DeniedError):
            ctx.archive.appraise(doc, {"decision": "destroy", "opinion": "expired"})
    finally:
        ctx.archive.register_hold_check("claims", lambda *args: None)
    ctx.archive.appraise(doc, {"decision": "destroy", "opinion": "expired"})


def test_export_bundles_verify_offline(ctx: flexwork.Context, tmp_path: Path) -> None:
    ctx.archive.file(CONTRACT, b"contract text")
    ctx.archive.file({"party_kind": "worker", "party_id": 7, "category": "identity", "title": "ID",
                      "source": "party", "retention": "general", "personal": True}, b"personal bytes")
    key = ctx.audit.public_key()
    bundle_dir, bundle_tar = str(tmp_path / "bundle"), str(tmp_path / "bundle.tar")
    ctx.archive.export("worker", 7, bundle_dir, flexwork.ARCHIVE_BUNDLE_DIR, "hand-over to the worker")
    ctx.archive.export("worker", 7, bundle_tar, flexwork.ARCHIVE_BUNDLE_TAR, "hand-over to the worker")
    with pytest.raises(flexwork.ExistsError):
        ctx.archive.export("worker", 7, bundle_tar, flexwork.ARCHIVE_BUNDLE_TAR, "again")
    with pytest.raises(flexwork.NotFoundError):
        ctx.archive.export("worker", 99, str(tmp_path / "none"), flexwork.ARCHIVE_BUNDLE_TAR, "x")
    manifest = flexwork.archive_verify_bundle(bundle_dir, key)
    assert (manifest["format"], manifest["party_kind"], manifest["party_id"]) == (
        "flexwork-archive-bundle/1", "worker", 7)
    flexwork.archive_verify_bundle(bundle_tar)
    with pytest.raises(flexwork.AuthError):
        flexwork.archive_verify_bundle(bundle_tar, bytes([1]) + bytes(31))
    with tarfile.open(bundle_tar) as t:
        assert len([n for n in t.getnames() if n.startswith("documents/0000")]) == 2
    for f in (Path(bundle_dir) / "documents").glob("000001-*"):
        f.write_bytes(f.read_bytes() + b"X")
    with pytest.raises(flexwork.CorruptError) as e:
        flexwork.archive_verify_bundle(bundle_dir, key)
    assert "was altered: its size or BLAKE2b-256 hash differs from the manifest" in e.value.message


def test_personal_information_blocked_then_purged(ctx: flexwork.Context,
                                                 clock: Clock) -> None:  # PIPL art. 47
    doc = ctx.archive.file({"party_kind": "worker", "party_id": 9, "category": "identity",
                            "title": "ID card copy", "source": "party", "retention": "general",
                            "personal": True}, b"ID 110105199001011234")
    assert ctx.archive.read(doc, "identity re-check") == b"ID 110105199001011234"
    with pytest.raises(flexwork.StateError):
        ctx.archive.pi_purge("worker", 9)
    ctx.archive.pi_block("worker", 9, {"reason": "account closed", "until": "2029-03-15"})
    with pytest.raises(flexwork.StateError) as e:
        ctx.archive.read(doc, "marketing")
    assert e.value.message == ("document 1 holds personal information of worker 9 that is past its "
                               "purpose: it is blocked from use and kept only until 2029-03-15")
    clock.ms = cst(2029, 3, 15)
    ctx.archive.pi_purge("worker", 9)
    with pytest.raises(flexwork.ShreddedError):
        ctx.archive.read(doc, "any")
    stats = ctx.archive.stats("2029-03")
    assert isinstance(stats, dict)


def test_directory_storage(ctx: flexwork.Context, tmp_path: Path) -> None:
    ctx.archive.set_directory(str(tmp_path / "docs"))
    doc = ctx.archive.file(CONTRACT, b"kept on disk")
    assert any((tmp_path / "docs").rglob("*"))
    assert ctx.archive.read(doc, "check") == b"kept on disk"
    ctx.archive.set_directory(None)
    with pytest.raises(flexwork.InvalidError):
        ctx.archive.set_directory("")


def test_collect_files_what_the_other_modules_hold(ctx: flexwork.Context) -> None:
    from conftest import Parties
    parties = Parties(ctx)
    ent = parties.active_enterprise()
    ctx.archive.collect("enterprise", ent)
    docs = ctx.archive.list("enterprise", ent)["documents"]
    assert [(d["category"], d["external_ref"], d["state"]) for d in docs] == [
        ("verification", "verification", "received"), ("contract", "contract:1", "received")]
    ctx.archive.collect("enterprise", ent)                 # repeated at will: nothing twice
    assert len(ctx.archive.list("enterprise", ent)["documents"]) == 2
    signed = json.loads(ctx.archive.read(docs[1]["id"], "evidence"))
    assert (signed["format"], signed["id"], signed["kind"]) == ("flexwork-signed-contract", 1,
                                                                "cooperation")
    with pytest.raises(flexwork.NotFoundError):
        ctx.archive.collect("enterprise", 99)
    with pytest.raises(flexwork.InvalidError):
        ctx.archive.collect("robot", 1)
