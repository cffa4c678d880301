"""Risk (include/flexwork/risk.h) through the binding: the gate with its decision handle,
limits and reservations, black lists, inspection with a Python host rule, cases and stats
(R-7.10)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import flexwork

from conftest import ID_1949, Parties

PERIOD = {"from": "2026-03-01", "to": "2026-04-01"}
MAR = 1772294400000      # 2026-03-01 00:00 CST
LIMITS = {"scope": "platform", "limits": {"per_payment_fen": 100000, "worker_day_fen": 1000}}


@pytest.fixture
def world(ctx: flexwork.Context, parties: Parties) -> Dict[str, int]:
    ent = parties.active_enterprise()
    return {"ent": ent, "w": parties.active_worker(ent)}


def test_gate_decision_and_reservations(ctx: flexwork.Context, world: Dict[str, int]) -> None:
    ctx.risk.limits_set(LIMITS)  # .e
    with ctx.risk.check(flexwork.RISK_ACTION_PAYOUT, enterprise_id=world["ent"],
                        worker_id=world["w"], amount_fen=100001) as d:
        assert (d.outcome(), d.reservation(), d.count()) == (flexwork.RISK_DENY, 0, 2)
        assert ("LIMIT_PER_PAYMENT", flexwork.RISK_BLOCK) in d.reasons()
        assert d.code(99) is None and d.severity(99) == 0
        got = d.to_json()
    assert (got["action"], got["outcome"]) == ("payout", "deny")
    per_payment = next(r for r in got["reasons"] if r["code"] == "LIMIT_PER_PAYMENT")
    assert per_payment == {"code": "LIMIT_PER_PAYMENT", "severity": "deny",
                           "rule": "limit.per_payment", "clause": "R-7.10.e",
                           "inputs": {"limit": 100000, "used": 0, "adding": 100001,
                                      "scope": "platform"}}
    with pytest.raises(flexwork.StateError):
        d.outcome()

    def reserve(amount: int) -> flexwork.RiskDecision:
        return ctx.risk.check(flexwork.RISK_ACTION_PAYOUT, enterprise_id=world["ent"],
                              worker_id=world["w"], amount_fen=amount, reserve=True)

    r1 = reserve(600)
    assert r1.outcome() == flexwork.RISK_ALLOW and r1.reservation() > 0
    assert reserve(600).outcome() == flexwork.RISK_DENY
    assert reserve(400).outcome() == flexwork.RISK_ALLOW
    ctx.risk.release(r1.reservation())
    with pytest.raises(flexwork.StateError):
        ctx.risk.release(r1.reservation())
    with pytest.raises(flexwork.NotFoundError):
        ctx.risk.release(999)
    assert reserve(600).outcome() == flexwork.RISK_ALLOW
    answer = ctx.risk.check_json({"action": "payout", "enterprise_id": world["ent"],
                                  "worker_id": world["w"], "amount_fen": 1})
    assert answer["outcome"] == "deny"
    limits = ctx.risk.limits_get(0)
    assert limits["limits"]["worker_day_fen"] == 1000
    with pytest.raises(flexwork.InvalidError):
        ctx.risk.check(99)


def test_black_list_refuses_activation(ctx: flexwork.Context, parties: Parties) -> None:  # .c
    ent = parties.active_enterprise()
    entry = ctx.risk.list_add({"list": "black", "kind": "person", "value": ID_1949,
                               "reason": "冒用身份", "source": "公安协查"})
    w = parties.verified_worker("张小红", ID_1949)
    with ctx.contract.create({"template_id": parties.service, "enterprise_id": ent,
                              "worker_id": w}) as c:
        cid = c.id()
    ctx.contract.send(cid)
    parties.sign(flexwork.ROLE_ENTERPRISE_USER, ent, cid)
    parties.sign(flexwork.ROLE_WORKER, w, cid)
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.party.worker_activate(w)
    assert e.value.message.startswith("LIST_PERSON_BLACK: refused by the risk gate")
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_SIGNED
    assert [x["id"] for x in ctx.risk.list_query()] == [entry]
    ctx.risk.list_remove(entry, "协查撤销")
    with pytest.raises(flexwork.StateError):
        ctx.risk.list_remove(entry, "again")
    ctx.party.worker_activate(w)
    assert ctx.party.worker_get(w)["state"] == flexwork.WORKER_ACTIVE


def test_inspection_with_a_host_rule_and_cases(ctx: flexwork.Context) -> None:  # .f
    calls: List[Any] = []

    def payroll(from_ms: int, to_ms: int) -> List[Dict[str, Any]]:
        calls.append((from_ms, to_ms))
        return [{"enterprise_id": 1, "worker_id": 171, "amount_fen": 5000,
                 "detail": {"why": "双重发薪"}}]

    run = ctx.risk.inspect(PERIOD, {"HOST_PAYROLL": payroll})
    assert calls == [(MAR, 1774972800000)]
    assert (run["from_ms"], run["to_ms"]) == (MAR, 1774972800000)
    finding = run["findings"][0]
    assert (finding["rule"], finding["worker_id"], finding["amount_fen"], finding["detail"]) == (
        "HOST_PAYROLL", 171, 5000, {"why": "双重发薪"})
    case = finding["case_id"]
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.risk.case_update(case, {"state": "resolved", "note": "ok"})
    assert e.value.path == "$.resolution"
    ctx.risk.case_update(case, {"state": "reviewing", "note": "调取合同"})
    ctx.risk.case_update(case, {"state": "resolved", "resolution": "suspend", "note": "暂停结算"})
    with pytest.raises(flexwork.StateError) as e:
        ctx.risk.case_update(case, {"state": "reviewing", "note": "x"})
    assert e.value.message == f"risk case {case} is resolved; it cannot become reviewing"
    resolved = ctx.risk.case_list({"state": "resolved"})
    assert [(c["id"], c["resolution"]) for c in resolved] == [(case, "suspend")]
    assert len(ctx.risk.case_list()) == 1
    stats = ctx.risk.stats(PERIOD)
    assert stats["cases_by_rule"] == {"HOST_PAYROLL": 1}
    assert stats["resolutions"] == {"suspend": 1}

    def failing(from_ms: int, to_ms: int) -> List[Dict[str, Any]]:
        raise RuntimeError("payroll system down")

    with pytest.raises(flexwork.UserError) as e:
        ctx.risk.inspect(PERIOD, {"HOST_PAYROLL": failing})
    assert isinstance(e.value.__cause__, RuntimeError)
    assert len(ctx.risk.case_list()) == 1               # a failing host rule records nothing
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.risk.rule_set({"code": "X", "type": "astrology", "params": {}})
    assert e.value.path == "$.type"
    ctx.risk.rule_set({"code": "TWO_PAYERS", "type": "many_enterprises",
                       "params": {"min_enterprises": 2}})
