"""Contracts (include/flexwork/contract.h) through the binding: templates, the Contract handle,
signing in order, verification and tampering, termination and expiry, tax registration."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any, Dict

import pytest

import flexwork

from conftest import (COOP_TEMPLATE, COOP_VALUES, ENT1, ENT2, ID_1949, ID_1990, MASTER_KEY,
                      PLATFORM, SIGNING, Clock, Parties, as_actor)

COOP_BODY = COOP_TEMPLATE["body"]


def test_templates(ctx: flexwork.Context, parties: Parties) -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.contract.template_add({"kind": "service", "name": "t", "version": 1,
                                   "body": "x {{amount}} y", "placeholders": []})
    assert e.value.message == "$.body: placeholder {{amount}} is not declared in $.placeholders"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.contract.template_add({"kind": "service", "name": "t", "version": 1, "body": "x",
                                   "placeholders": [{"name": "worker_name", "type": "text"}]})
    assert e.value.path == "$.placeholders[0].name"
    with pytest.raises(flexwork.ExistsError):
        ctx.contract.template_add(COOP_TEMPLATE)
    got = ctx.contract.template_get(parties.coop)
    assert (got["kind"], got["sha256"]) == ("cooperation",
                                            hashlib.sha256(COOP_BODY.encode()).hexdigest())
    with pytest.raises(flexwork.NotFoundError):
        ctx.contract.template_get(99)


def test_cooperation_agreement_flow(ctx: flexwork.Context, parties: Parties) -> None:
    ent = parties.verified_enterprise(ENT1)
    other = ctx.party.enterprise_apply(dict(flexwork_record(ENT2)))
    with ctx.contract.create({"template_id": parties.coop, "enterprise_id": ent,
                              "values": COOP_VALUES}) as c:
        cid = c.id()
        assert (c.state(), c.kind()) == (flexwork.CONTRACT_DRAFT, flexwork.CONTRACT_COOPERATION)
        doc = c.document()
        assert doc.startswith("flexwork-contract-v1\ncontract_no:1\nkind:cooperation\n")
        assert ("乙方：杭州云帆科技有限公司（91330100799655058B）\n服务费率：6%，起始日：2026-04-01，"
                "保证金：10000.00 元。") in doc
        assert c.hash() == hashlib.sha256(doc.encode()).digest()
    assert c.closed
    with pytest.raises(flexwork.StateError) as e:
        c.state()
    assert e.value.message == "the contract is closed"

    with pytest.raises(flexwork.StateError) as e:
        as_actor(ctx, flexwork.ROLE_ENTERPRISE_USER, ent, ctx.contract.sign, cid)
    assert e.value.message == "contract 1 is draft; only a sent contract is signed"
    ctx.contract.send(cid)
    with pytest.raises(flexwork.StateError) as e:
        ctx.contract.sign(cid)
    assert e.value.message == "contract 1 waits for the signature of enterprise:1 first"
    with pytest.raises(flexwork.FlexworkPermissionError) as e:
        as_actor(ctx, flexwork.ROLE_ENTERPRISE_USER, other, ctx.contract.sign, cid)
    assert e.value.message == "contract.sign: enterprise:2 is not a party to contract 1"
    assert parties.sign(flexwork.ROLE_ENTERPRISE_USER, ent, cid) == flexwork.CONTRACT_PARTIALLY_SIGNED
    with pytest.raises(flexwork.StateError) as e:
        as_actor(ctx, flexwork.ROLE_ENTERPRISE_USER, ent, ctx.contract.sign, cid)
    assert e.value.message == "enterprise:1 has already signed contract 1"
    assert ctx.party.enterprise_get(ent)["state"] == flexwork.ENTERPRISE_VERIFIED
    assert parties.sign(flexwork.ROLE_OPERATOR, 0, cid) == flexwork.CONTRACT_SIGNED
    assert ctx.party.enterprise_get(ent)["state"] == flexwork.ENTERPRISE_SIGNED
    ctx.party.enterprise_activate(ent)

    with ctx.contract.load(cid) as c:
        assert c.state() == flexwork.CONTRACT_SIGNED
        got = c.to_json()
    assert got["state_name"] == "signed"
    first, second = got["signatures"]
    assert (first["signer"], first["auth_method"], first["ip"], first["actor"]) == (
        "enterprise:1", "sms_code", "203.0.113.7", "enterprise_user:test")
    assert first["intent"] == "I have read and agree to this contract"
    assert len(first["signature"]) == 128 and "prev_sha256" not in first
    assert second["signer"] == "platform" and len(second["prev_sha256"]) == 64
    assert second["public_key"] == ctx.audit.public_key().hex()
    report = ctx.contract.verify(cid)
    assert (report["valid"], report["document"]) == (True, "ok")


def flexwork_record(ent: tuple) -> Dict[str, Any]:
    from conftest import enterprise_record
    return enterprise_record(*ent)


def test_unverified_parties_cannot_contract(ctx: flexwork.Context, parties: Parties) -> None:
    ent = ctx.party.enterprise_apply(flexwork_record(ENT1))
    w = ctx.party.worker_register({"name": "王五", "id_number": ID_1990, "phone": "13900001111",
                                   "bank_card": "6222021000000000009", "channel": "self"})
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.contract.create({"template_id": parties.coop, "enterprise_id": ent,
                             "values": COOP_VALUES})
    assert e.value.message == "ENTERPRISE_NOT_VERIFIED: enterprise 1 is applied; it must be verified first"
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.contract.create({"template_id": parties.service, "worker_id": w})
    assert e.value.message == ("WORKER_NOT_VERIFIED: worker 1 is registered; real-name "
                               "verification is required")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.contract.create({"template_id": parties.coop, "enterprise_id": ent,
                             "values": {"fee_rate": "6%"}})
    assert e.value.message == "$.values.start: is required"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.contract.create({"template_id": parties.coop, "enterprise_id": ent,
                             "values": dict(COOP_VALUES, bonus=2)})
    assert e.value.message == "$.values.bonus: is not a placeholder of the template"
    with pytest.raises(flexwork.NotFoundError):
        ctx.contract.load(1)


def test_service_agreement_and_isolation(ctx: flexwork.Context, parties: Parties) -> None:  # R-6.h
    ent = parties.active_enterprise(ENT1)
    other = parties.active_enterprise(ENT2)
    w = parties.verified_worker()
    with ctx.contract.create({"template_id": parties.service, "enterprise_id": ent,
                              "worker_id": w}) as c:
        sid = c.id()
        assert "乙方：王五，身份证号 " + ID_1990 in c.document()
    ctx.contract.send(sid)
    with pytest.raises(flexwork.StateError):
        as_actor(ctx, flexwork.ROLE_WORKER, w, ctx.contract.sign, sid)
    parties.sign(flexwork.ROLE_ENTERPRISE_USER, ent, sid)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.contract.sign(sid)                    # an admin cannot sign in the worker's place
    assert parties.sign(flexwork.ROLE_WORKER, w, sid) == flexwork.CONTRACT_SIGNED
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_SIGNED
    assert ctx.contract.verify(sid)["valid"] is True
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, other)
    with pytest.raises(flexwork.FlexworkPermissionError) as e:
        ctx.contract.load(sid)
    assert e.value.message == ("contract.load: enterprise 2's user may not act on another "
                               "enterprise's data")
    ctx.set_actor(flexwork.ROLE_WORKER, w)
    with ctx.contract.load(sid) as c:
        assert c.to_json()["signatures"][1]["signer"] == f"worker:{w}"


def test_tampering_is_detected(store_path: str) -> None:
    with flexwork.Context.open(store_path, master_key=MASTER_KEY, clock=Clock()) as ctx:
        ctx.set_actor(flexwork.ROLE_ADMIN, name="admin")
        parties = Parties(ctx)
        cid = parties.cooperation(parties.verified_enterprise(ENT1))
        assert ctx.contract.verify(cid)["valid"] is True
    db = sqlite3.connect(store_path)
    db.execute("UPDATE fw_contract SET document=replace(document, '6%', '0.6%') WHERE id=?", (cid,))
    db.commit()
    db.close()
    with flexwork.Context.open(store_path, master_key=MASTER_KEY, clock=Clock()) as ctx:
        ctx.set_actor(flexwork.ROLE_ADMIN, name="admin")
        with pytest.raises(flexwork.CorruptError) as e:
            ctx.contract.verify(cid)
        assert e.value.message == "contract 1: the stored document does not match its SHA-256"
        assert (e.value.report["document"], e.value.report["valid"]) == ("altered", False)


def test_termination_and_expiry(ctx: flexwork.Context, parties: Parties, clock: Clock) -> None:  # R-6.a
    ent = parties.verified_enterprise(ENT1)
    with ctx.contract.create({"template_id": parties.coop, "enterprise_id": ent,
                              "expires": "2026-06-30", "values": COOP_VALUES}) as c:
        a = c.id()
    ctx.contract.send(a)
    parties.sign(flexwork.ROLE_ENTERPRISE_USER, ent, a)
    parties.sign(flexwork.ROLE_ADMIN, 0, a)
    ctx.party.enterprise_activate(ent)
    assert ctx.contract.expire_due() == 0
    clock.ms = 1782835200000                     # 2026-07-01 00:00:00 CST
    assert ctx.contract.expire_due() == 1
    with ctx.contract.load(a) as c:
        assert c.state() == flexwork.CONTRACT_EXPIRED
    assert ctx.party.enterprise_get(ent)["state"] == flexwork.ENTERPRISE_VERIFIED
    assert ctx.contract.expire_due() == 0

    b = parties.cooperation(ent)
    with pytest.raises(flexwork.InvalidError):
        ctx.contract.terminate(b, "")
    ctx.contract.terminate(b, "合作终止")
    with ctx.contract.load(b) as c:
        assert (c.state(), c.to_json()["end_reason"]) == (flexwork.CONTRACT_TERMINATED, "合作终止")
    with pytest.raises(flexwork.StateError):
        ctx.contract.terminate(b, "again")


JUR = {"jurisdiction": "国家税务总局杭州市西湖区税务局"}


def authorise(ctx: flexwork.Context, parties: Parties, w: int) -> None:
    with ctx.contract.create({"template_id": parties.tax, "worker_id": w}) as c:
        cid = c.id()
    ctx.contract.send(cid)
    assert parties.sign(flexwork.ROLE_WORKER, w, cid) == flexwork.CONTRACT_SIGNED


def test_tax_registration(ctx: flexwork.Context, parties: Parties) -> None:
    a = parties.verified_worker("王五", ID_1990)
    b = parties.verified_worker("张小红", ID_1949)
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.contract.taxreg_request(a, JUR)
    assert e.value.message == ("WORKER_NO_TAX_AUTHORISATION: worker 1 has not authorised the "
                               "platform as tax agent")
    with pytest.raises(flexwork.NotFoundError):
        ctx.contract.taxreg_get(a)
    authorise(ctx, parties, a)
    assert ctx.contract.taxreg_request(a, JUR) == flexwork.TAXREG_PENDING
    with pytest.raises(flexwork.FlexworkPermissionError):
        as_actor(ctx, flexwork.ROLE_OPERATOR, 0, ctx.contract.taxreg_complete, a,
                 {"status": "registered"})
    with pytest.raises(flexwork.InvalidError) as e:
        as_actor(ctx, flexwork.ROLE_TAX_AGENT, 0, ctx.contract.taxreg_complete, a,
                 {"status": "registered"})
    assert e.value.path == "$.registration_no"
    as_actor(ctx, flexwork.ROLE_TAX_AGENT, 0, ctx.contract.taxreg_complete, a,
             {"status": "registered", "registration_no": ID_1990, "registered_on": "2026-03-16"})
    got = ctx.contract.taxreg_get(a)
    assert (got["state_name"], got["registration_no"], got["registered_on"]) == (
        "registered", ID_1990, "2026-03-16")
    assert as_actor(ctx, flexwork.ROLE_OPERATOR, 0, ctx.contract.taxreg_get, a)[
        "registration_no"] == "110***********1239"
    with pytest.raises(flexwork.StateError):
        ctx.contract.taxreg_request(a, JUR)

    seen = []

    def register_taxpayer(req: Dict[str, Any]) -> Dict[str, Any]:
        seen.append(req)
        return {"status": "registered", "registration_no": ID_1949, "registered_on": "2026-03-15"}

    authorise(ctx, parties, b)
    ctx.set_tax_provider(register_taxpayer=register_taxpayer)
    assert ctx.contract.taxreg_request(b, JUR) == flexwork.TAXREG_REGISTERED
    assert seen == [{"worker_id": b, "name": "张小红", "id_number": ID_1949,
                     "jurisdiction": "国家税务总局杭州市西湖区税务局"}]


def test_contract_handle_lifetime(ctx: flexwork.Context, parties: Parties) -> None:
    c = ctx.contract.create({"template_id": parties.coop,
                             "enterprise_id": parties.verified_enterprise(ENT1),
                             "values": COOP_VALUES})
    ctx.close()                                  # a contract does not borrow the context
    assert c.state() == flexwork.CONTRACT_DRAFT
    c.close()
    c.close()
    with pytest.raises(flexwork.StateError):
        c.to_json()


def test_platform_fixture(ctx: flexwork.Context) -> None:
    ctx.party.platform_set(PLATFORM)
    assert SIGNING["auth_method"] == "sms_code"
