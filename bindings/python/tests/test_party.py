"""Parties (include/flexwork/party.h) through the binding: the identity validators against the
golden vectors (id_numbers.json, uscc.json, bank_cards.json), enterprises, workers, the
platform profile, channel agreements and staff, with the C suites' exact messages."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import flexwork
from flexwork import constants as C

from conftest import (CARD, ENT1, ENT2, ID_1949, ID_1990, PLATFORM, Parties, as_actor,
                      enterprise_record, vector, worker_record)

REASONS = {"ok": flexwork.CHECK_OK, "length": flexwork.CHECK_LENGTH,
           "charset": flexwork.CHECK_CHARSET, "checksum": flexwork.CHECK_CHECKSUM,
           "date": flexwork.CHECK_DATE, "region": flexwork.CHECK_REGION,
           "category": flexwork.CHECK_CATEGORY, "org_code": flexwork.CHECK_ORG_CODE}


def test_reason_names() -> None:
    for name, reason in REASONS.items():
        assert flexwork.check_reason_name(reason) == name


@pytest.mark.parametrize("v", vector("id_numbers.json"), ids=lambda v: v["value"])
def test_id_number_vector(v: Dict[str, Any]) -> None:  # .d
    if v["valid"]:
        info = flexwork.id_number_check(v["value"])
        assert info.reason == flexwork.CHECK_OK
        assert f"{info.birth_year:04d}-{info.birth_month:02d}-{info.birth_day:02d}" == v["birth_date"]
        assert info.gender == (flexwork.GENDER_MALE if v["gender"] == "male" else flexwork.GENDER_FEMALE)
        assert info.normalized == v["value"].upper()
    else:
        with pytest.raises(flexwork.InvalidError) as e:
            flexwork.id_number_check(v["value"])
        assert e.value.code == C.EINVAL
        assert e.value.reason == REASONS[v["reason"]]
        assert e.value.info.reason == e.value.reason
        if "expected_check" in v:
            assert e.value.info.expected_check == v["expected_check"]


def test_id_number_messages_name_the_rule() -> None:
    cases = {"110105194912310021": "check character must be 'X' (ISO 7064 MOD 11-2), got '1'",
             "110105194902300028": "birth date 19490230 does not exist",
             "1101051949123100": "must be 18 characters (GB 11643), got 16"}
    for value, message in cases.items():
        with pytest.raises(flexwork.InvalidError) as e:
            flexwork.id_number_check(value)
        assert e.value.message == message


@pytest.mark.parametrize("v", vector("uscc.json"), ids=lambda v: v["value"])
def test_uscc_vector(v: Dict[str, Any]) -> None:
    if v["valid"]:
        flexwork.uscc_check(v["value"])
        if v["strict_valid"]:
            flexwork.uscc_check(v["value"], flexwork.USCC_STRICT)
        else:
            with pytest.raises(flexwork.InvalidError) as e:
                flexwork.uscc_check(v["value"], flexwork.USCC_STRICT)
            assert flexwork.check_reason_name(e.value.reason) == v["strict_reason"]
    else:
        with pytest.raises(flexwork.InvalidError) as e:
            flexwork.uscc_check(v["value"])
        assert flexwork.check_reason_name(e.value.reason) == v["reason"]
        with pytest.raises(flexwork.InvalidError):
            flexwork.uscc_check(v["value"], flexwork.USCC_STRICT)


def test_uscc_messages() -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.uscc_check("91350100M000100Y42")
    assert e.value.message == "check character must be '3' (GB 32100), got '2'"


@pytest.mark.parametrize("v", vector("bank_cards.json"), ids=lambda v: v["value"])
def test_bank_card_vector(v: Dict[str, Any]) -> None:  # .d
    if v["valid"]:
        flexwork.bank_card_check(v["value"])
    else:
        with pytest.raises(flexwork.InvalidError) as e:
            flexwork.bank_card_check(v["value"])
        assert flexwork.check_reason_name(e.value.reason) == v["reason"]


def test_enterprise_application_and_masking(ctx: flexwork.Context) -> None:  # R-6.h
    e = ctx.party.enterprise_apply(enterprise_record(*ENT1))
    got = ctx.party.enterprise_get(e)
    assert (got["state"], got["state_name"]) == (flexwork.ENTERPRISE_APPLIED, "applied")
    assert got["uscc"] == "91330100799655058B"
    assert got["legal_rep"]["name"] == "王建国"          # the admin sees personal data
    ctx.set_actor(flexwork.ROLE_SUPPORT)
    got = ctx.party.enterprise_get(e)
    assert got["legal_rep"]["name"] == "王**"
    assert got["legal_rep"]["id_number"] == "110***********002X"
    assert got["contact"]["phone"] == "138****5678"


def test_enterprise_refusals_change_nothing(ctx: flexwork.Context) -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.enterprise_apply(enterprise_record("坏公司", "91350100M000100Y42"))
    assert (e.value.path, e.value.message) == (
        "$.uscc", "$.uscc: check character must be '3' (GB 32100), got '2'")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.enterprise_apply({"name": "x公司", "nickname": 1})
    assert e.value.path == "$.nickname"
    with pytest.raises(flexwork.JSONError):
        ctx.party.enterprise_apply("{not json")
    with pytest.raises(flexwork.NotFoundError):
        ctx.party.enterprise_get(1)
    e1 = ctx.party.enterprise_apply(enterprise_record(*ENT1))
    assert e1 == 1                                    # nothing was stored before
    with pytest.raises(flexwork.ExistsError) as e:
        ctx.party.enterprise_apply(enterprise_record(*ENT1))
    assert e.value.message == "$.uscc: enterprise 1 is already registered with USCC 91330100799655058B"


def test_enterprise_lifecycle(ctx: flexwork.Context, parties: Parties) -> None:
    v = parties.verified_enterprise(ENT2)
    e = parties.active_enterprise(ENT1)
    assert ctx.party.enterprise_get(e)["state"] == flexwork.ENTERPRISE_ACTIVE
    with pytest.raises(flexwork.StateError) as err:
        ctx.party.enterprise_suspend(v, "风险")
    assert err.value.message == f"enterprise {v} is verified; it must be active"
    with pytest.raises(flexwork.InvalidError):
        ctx.party.enterprise_suspend(e, "")
    ctx.party.enterprise_suspend(e, "异常交易排查")
    assert ctx.party.enterprise_get(e)["state_name"] == "suspended"
    ctx.party.enterprise_resume(e)
    assert ctx.party.enterprise_get(e)["state"] == flexwork.ENTERPRISE_ACTIVE
    with pytest.raises(flexwork.StateError) as err:
        ctx.party.enterprise_activate(e)
    assert err.value.message == f"enterprise {e} is active; only a signed enterprise is activated"
    with pytest.raises(flexwork.InvalidError) as err:
        ctx.party.enterprise_change(e, {})
    assert err.value.message == "$: the change would change nothing"
    ctx.party.enterprise_change(e, {"business_scope": "软件开发"})
    assert ctx.party.enterprise_get(e)["business_scope"] == "软件开发"
    ctx.party.enterprise_cancel(e)
    assert ctx.party.enterprise_get(e)["state"] == flexwork.ENTERPRISE_CANCELLED


def test_enterprise_review_and_rejection(ctx: flexwork.Context) -> None:
    e = ctx.party.enterprise_apply(enterprise_record(*ENT1))
    assert ctx.party.enterprise_verify(e) == flexwork.ENTERPRISE_UNDER_REVIEW
    with pytest.raises(flexwork.InvalidError) as err:
        ctx.party.enterprise_review(e, {"decision": "reject"})
    assert err.value.path == "$.reasons"
    ctx.party.enterprise_review(e, {"decision": "reject", "reasons": ["营业执照已过期"]})
    got = ctx.party.enterprise_get(e)
    assert got["state"] == flexwork.ENTERPRISE_REJECTED
    assert (got["review"]["method"], got["review"]["reasons"]) == ("manual", ["营业执照已过期"])


def test_enterprise_registry_provider_decides(ctx: flexwork.Context) -> None:
    requests = []

    def verify_enterprise(req: Dict[str, Any]) -> Dict[str, Any]:
        requests.append(req)
        return {"result": "pass"}

    ctx.set_identity_provider(verify_enterprise=verify_enterprise)
    e = ctx.party.enterprise_apply(enterprise_record(*ENT1))
    assert ctx.party.enterprise_verify(e) == flexwork.ENTERPRISE_VERIFIED
    assert requests[0]["uscc"] == "91330100799655058B"
    assert ctx.party.enterprise_get(e)["review"]["method"] == "registry"


def test_enterprise_users_and_isolation(ctx: flexwork.Context) -> None:  # R-6.h
    a = ctx.party.enterprise_apply(enterprise_record(*ENT1))
    b = ctx.party.enterprise_apply(enterprise_record(*ENT2))
    zhang = {"login": "zhang", "name": "张三", "phone": "13700001111", "roles": ["admin", "finance"]}
    u1 = ctx.party.enterprise_user_add(a, zhang)
    with pytest.raises(flexwork.ExistsError):
        ctx.party.enterprise_user_add(a, zhang)
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.enterprise_user_add(a, {"login": "x", "name": "x", "roles": ["boss"]})
    assert e.value.message == "$.roles[0]: must be one of admin, operator, finance, viewer"
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, a, "zhang")
    u2 = ctx.party.enterprise_user_add(a, {"login": "li", "name": "李四", "roles": ["viewer"]})
    assert u2 == u1 + 1
    users = ctx.party.enterprise_user_list(a)
    assert [u["name"] for u in users] == ["张*", "李*"]
    with pytest.raises(flexwork.FlexworkPermissionError) as e:
        ctx.party.enterprise_get(b)
    assert e.value.message == ("party.enterprise.get: enterprise 1's user may not act on another "
                               "enterprise's data")
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.party.enterprise_user_list(b)
    ctx.party.enterprise_user_disable(u1)
    with pytest.raises(flexwork.StateError):
        ctx.party.enterprise_user_disable(u1)


def test_worker_registration_and_masking(ctx: flexwork.Context) -> None:
    ctx.set_actor(flexwork.ROLE_SYSTEM, name="test")
    w = ctx.party.worker_register(worker_record("张小红", ID_1949))
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    got = ctx.party.worker_get(w)
    assert (got["state_name"], got["channel"], got["registered_by"]) == ("registered", "self",
                                                                         "system:test")
    assert (got["name"], got["id_number"], got["phone"], got["bank_card"], got["gender"]) == (
        "张**", "110***********002X", "139****1111", "6222***********0009", "female")
    ctx.set_actor(flexwork.ROLE_ADMIN)
    assert ctx.party.worker_find(ID_1949) == w
    with pytest.raises(flexwork.NotFoundError):
        ctx.party.worker_find(ID_1990)
    with pytest.raises(flexwork.ExistsError):
        ctx.party.worker_register(worker_record("张小红", ID_1949))


def test_bad_worker_records_name_the_field(ctx: flexwork.Context) -> None:
    cases = {"110105194912310021": "$.id_number: check character must be 'X' (ISO 7064 MOD 11-2), got '1'",
             "110105194902300028": "$.id_number: birth date 19490230 does not exist",
             "110105203001011231": "$.id_number: birth date 2030-01-01 is in the future"}
    for idn, message in cases.items():
        with pytest.raises(flexwork.InvalidError) as e:
            ctx.party.worker_register(worker_record("王五", idn))
        assert (e.value.path, e.value.message) == ("$.id_number", message)
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.worker_register(dict(worker_record(), bank_card="6222 0210"))
    assert e.value.message == "$.bank_card: must be digits only"


def test_luhn_failure_is_a_warning(ctx: flexwork.Context) -> None:
    w = ctx.party.worker_register(dict(worker_record(), bank_card="6214832018989180"))
    assert ctx.party.worker_get(w)["warnings"] == ["BANK_CARD_LUHN"]


def test_worker_identity_provider(ctx: flexwork.Context) -> None:  # .d
    seen = []

    def verify_person(req: Dict[str, Any]) -> Dict[str, Any]:
        seen.append(req)
        if req["id_number"] == ID_1949:
            return {"result": "pass", "four_element": "pass"}
        return {"result": "fail", "reason": "NAME_ID_MISMATCH"}

    a = ctx.party.worker_register(worker_record("张小红", ID_1949))
    b = ctx.party.worker_register(worker_record("王五", ID_1990))
    ctx.set_identity_provider(verify_person=verify_person)
    assert ctx.party.worker_verify(a, "pass") == flexwork.WORKER_VERIFIED
    assert seen[0] == {"name": "张小红", "id_number": ID_1949, "phone": "13900001111",
                       "bank_card": CARD, "liveness": "pass"}
    v = ctx.party.worker_get(a)["verification"]
    assert (v["method"], v["result"], len(v["evidence_sha256"])) == ("provider+liveness", "pass", 64)
    with pytest.raises(flexwork.StateError):
        ctx.party.worker_verify(a)
    assert ctx.party.worker_verify(b) == flexwork.WORKER_FAILED
    assert ctx.party.worker_get(b)["verification"]["reason"] == "NAME_ID_MISMATCH"


def test_worker_manual_review(ctx: flexwork.Context) -> None:
    w = ctx.party.worker_register(worker_record("张小红", ID_1949))
    assert ctx.party.worker_verify(w) == flexwork.WORKER_REGISTERED
    assert ctx.party.worker_get(w)["verification"]["pending"] is True
    with pytest.raises(flexwork.FlexworkPermissionError):
        as_actor(ctx, flexwork.ROLE_OPERATOR, 0, ctx.party.worker_review, w, {"decision": "approve"})
    with pytest.raises(flexwork.InvalidError) as e:
        as_actor(ctx, flexwork.ROLE_REVIEWER, 0, ctx.party.worker_review, w, {"decision": "reject"})
    assert e.value.path == "$.reason"
    as_actor(ctx, flexwork.ROLE_REVIEWER, 0, ctx.party.worker_review, w, {"decision": "approve"})
    got = ctx.party.worker_get(w)
    assert (got["state"], got["verification"]["method"]) == (flexwork.WORKER_VERIFIED, "manual")


def test_worker_suspend_resume_close(ctx: flexwork.Context, parties: Parties) -> None:
    e = parties.active_enterprise()
    v = parties.verified_worker("张小红", ID_1949)
    with pytest.raises(flexwork.DeniedError) as err:
        ctx.party.worker_activate(v)
    assert err.value.message == f"WORKER_NOT_SIGNED: worker {v} has not signed a service agreement"
    w = parties.active_worker(e)
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_ACTIVE
    with pytest.raises(flexwork.StateError):
        ctx.party.worker_activate(w)
    ctx.party.worker_suspend(w, "核查")
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_SUSPENDED
    ctx.party.worker_resume(w)
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_ACTIVE
    ctx.party.worker_change(w, {"phone": "13900002222"})
    assert ctx.party.worker_get(w)["phone"] == "13900002222"
    ctx.party.worker_close(w)
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_CLOSED


def test_worker_erasure_by_crypto_shredding(ctx: flexwork.Context) -> None:  # R-6.h
    w = ctx.party.worker_register(worker_record("张小红", ID_1949))
    with pytest.raises(flexwork.FlexworkPermissionError):
        as_actor(ctx, flexwork.ROLE_OPERATOR, 0, ctx.party.worker_erase, w)
    ctx.party.worker_erase(w)
    got = ctx.party.worker_get(w)
    assert (got["erased"], got["name"], got["state_name"]) == (True, None, "closed")
    with pytest.raises(flexwork.NotFoundError):
        ctx.party.worker_find(ID_1949)


def test_workers_read_only_themselves(ctx: flexwork.Context, parties: Parties) -> None:  # R-6.h
    e1 = parties.active_enterprise(ENT1)
    a = ctx.party.worker_register(worker_record("张小红", ID_1949))
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, e1)
    b = ctx.party.worker_register(dict(worker_record(), channel="assisted", enterprise_id=e1))
    assert ctx.party.worker_get(b)["name"] == "王*"
    with pytest.raises(flexwork.FlexworkPermissionError) as err:
        ctx.party.worker_get(a)
    assert err.value.message == ("party.worker.get: enterprise 1's user may not read a worker of "
                                 "another enterprise")
    ctx.set_actor(flexwork.ROLE_WORKER, a)
    assert ctx.party.worker_get(a)["id_number"] == ID_1949
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.party.worker_get(b)


PROFILE = {"operating_entity": "杭州灵工平台科技有限公司", "uscc": "91350100M000100Y43",
           "licences": [{"kind": "human_resources_service", "number": "330100HR2024001",
                         "valid_from": "2024-01-01", "valid_to": "2028-12-31"}]}
CHANNEL = {"kind": "bank", "counterparty": "招商银行杭州分行", "agreement_no": "CMB-2026-001",
           "valid_from": "2026-01-01", "valid_to": "2026-12-31"}


def test_platform_profile_and_channels(ctx: flexwork.Context) -> None:
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.party.platform_check()
    assert e.value.message == ("PLATFORM_NO_PROFILE: the platform's profile (operating entity, "
                               "licences) is not recorded")
    ctx.party.platform_set(PROFILE)
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.party.platform_check()
    assert e.value.message.startswith("PLATFORM_NO_CHANNEL_AGREEMENT: ")
    ch = ctx.party.channel_add(CHANNEL)
    ctx.party.platform_check()
    got = ctx.party.platform_get()
    assert got["uscc"] == "91350100M000100Y43"
    assert (got["channels"][0]["valid_to"], got["channels"][0]["in_force"]) == ("2026-12-31", True)
    with pytest.raises(flexwork.ExistsError):
        ctx.party.channel_add(CHANNEL)
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.channel_add(dict(CHANNEL, agreement_no="X-1", valid_from="2026-02-01",
                                   valid_to="2026-01-01"))
    assert e.value.message == "$.valid_to: must not be before valid_from"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.channel_add(dict(CHANNEL, kind="crypto"))
    assert e.value.path == "$.kind"
    ctx.party.channel_revoke(ch)
    with pytest.raises(flexwork.DeniedError):
        ctx.party.platform_check()
    with pytest.raises(flexwork.StateError):
        ctx.party.channel_revoke(ch)
    with pytest.raises(flexwork.FlexworkPermissionError):
        as_actor(ctx, flexwork.ROLE_OPERATOR, 0, ctx.party.channel_add, CHANNEL)


def test_staff_roles(ctx: flexwork.Context) -> None:
    a = ctx.party.staff_add({"login": "liu.tax", "name": "刘税务", "role": "tax_agent"})
    ctx.party.staff_add({"login": "chen", "name": "陈协调", "role": "coordinator"})
    with pytest.raises(flexwork.ExistsError):
        ctx.party.staff_add({"login": "liu.tax", "name": "刘税务", "role": "tax_agent"})
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.party.staff_add({"login": "x", "name": "x", "role": "boss"})
    assert e.value.path == "$.role"
    assert ctx.party.staff_role("liu.tax") == flexwork.ROLE_TAX_AGENT
    assert ctx.party.staff_role("chen") == flexwork.ROLE_COORDINATOR
    ctx.party.staff_disable(a)
    with pytest.raises(flexwork.NotFoundError):
        ctx.party.staff_role("liu.tax")


def test_platform_profile_fixture_is_valid(ctx: flexwork.Context) -> None:
    ctx.party.platform_set(PLATFORM)
    assert ctx.party.platform_get()["operating_entity"] == PLATFORM["operating_entity"]
