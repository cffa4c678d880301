"""Service quality (include/flexwork/service.h) through the binding: complaints end to end per
GB/T 19012, overdue detection and escalation, incidents with a plan, corrective actions, and
the KPIs and report of a crafted month with the C suite's exact figures (R-6.e, R-6.f, R-8)."""

from __future__ import annotations

import calendar
from typing import Any, Optional

import pytest

import flexwork

from conftest import CLOCK_START, Clock

H = 3600000
COMPLAINT = {"kind": "complaint", "party_kind": "worker", "party_id": 7, "channel": "app",
             "category": "payout", "title": "payment late", "description": "task 12 paid 5 days late",
             "requested_remedy": "pay interest", "contact": "13800138000"}


def cst(y: int, m: int, d: int) -> int:
    return (calendar.timegm((y, m, d, 0, 0, 0)) - 8 * 3600) * 1000


def handle(ctx: flexwork.Context, clock: Clock, case: int, base: int, ack_h: int, respond_h: int,
           close_h: int, cause: str, satisfaction: int) -> None:
    """Runs a complaint from acknowledgement to closing, each step at base + the given hours."""
    clock.ms = base + ack_h * H
    ctx.service.case_acknowledge(case)
    ctx.service.case_assess(case, {"severity": "normal", "priority": 3})
    ctx.service.case_investigate(case, {"note": "payout log checked"})
    clock.ms = base + respond_h * H
    ctx.service.case_respond(case, {"response": "paid with interest", "remedy": "compensation",
                                    "cause": cause})
    ctx.service.case_decide(case, {"decision": "interest of 12.00 paid", "accepted": True})
    clock.ms = base + close_h * H
    ctx.service.case_close(case, {"satisfaction": satisfaction})


def test_complaint_end_to_end(ctx: flexwork.Context, clock: Clock) -> None:  # R-6.e .c
    case = ctx.service.case_open(COMPLAINT)
    got = ctx.service.case_get(case)
    assert (got["number"], got["kind"], got["state"]) == ("CP-20260315-000001", "complaint", "received")
    assert (got["received_ms"], got["ack_due_ms"], got["respond_due_ms"], got["close_due_ms"]) == (
        1773540000000, 1773626400000, 1774144800000, 1774836000000)
    handle(ctx, clock, case, CLOCK_START, 1, 30, 48, "late_payout", 4)
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    got = ctx.service.case_get(case)
    assert (got["contact"], got["state"], got["cause"], got["satisfaction"]) == (
        "13800138000", "closed", "late_payout", 4)
    assert got["timeline"] == [
        {"at_ms": 1773540000000, "step": "received", "note": "app"},
        {"at_ms": 1773543600000, "step": "acknowledge", "note": None},
        {"at_ms": 1773543600000, "step": "assess", "note": None},
        {"at_ms": 1773543600000, "step": "investigate", "note": "payout log checked"},
        {"at_ms": 1773648000000, "step": "respond", "note": "paid with interest"},
        {"at_ms": 1773648000000, "step": "decide", "note": "interest of 12.00 paid"},
        {"at_ms": 1773712800000, "step": "close", "note": None}]
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    assert ctx.service.case_get(case)["contact"] == "138****8000"
    with pytest.raises(flexwork.StateError):
        ctx.service.case_acknowledge(case)
    ctx.service.case_reopen(case, {"reason": "the answer was wrong"})
    assert ctx.service.case_get(case)["reopen_count"] == 1


def test_overdue_detection_and_escalation(ctx: flexwork.Context, clock: Clock) -> None:
    case = ctx.service.case_open(COMPLAINT)
    clock.ms += 23 * H
    assert ctx.service.overdue() == []
    clock.ms += 2 * H
    assert ctx.service.overdue() == [{"case_id": case, "number": "CP-20260315-000001",
                                      "kind": "complaint", "step": "acknowledge",
                                      "due_ms": 1773626400000, "late_ms": 3600000,
                                      "escalation_level": 0}]
    ctx.service.case_escalate(case, {"reason": "acknowledgement late", "to": "duty manager"})
    ctx.service.case_escalate(case, {"reason": "still late"})
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    ctx.service.case_escalate(case, {"reason": "no answer"})
    ctx.set_actor(flexwork.ROLE_ADMIN)
    with pytest.raises(flexwork.StateError) as e:
        ctx.service.case_escalate(case, {"reason": "again"})
    assert e.value.message == ("case CP-20260315-000001 is already at the highest escalation level 3")
    ctx.service.case_acknowledge(case)
    assert ctx.service.overdue() == []


def test_incident_with_plan_and_escalation(ctx: flexwork.Context, clock: Clock) -> None:  # R-6.f
    ctx.service.plan_set({"code": "PAY-DOWN", "title": "payment channel outage",
                          "severity": "critical", "steps": ["switch channel", "notify enterprises"]})
    with pytest.raises(flexwork.NotFoundError):
        ctx.service.incident_open({"kind": "emergency", "severity": "critical",
                                   "title": "bank channel down", "plan": "NOPE", "note": "x"})
    i = ctx.service.incident_open({"kind": "emergency", "severity": "critical",
                                   "title": "bank channel down", "plan": "PAY-DOWN",
                                   "note": "payouts failing"})
    clock.ms += H
    ctx.service.incident_escalate(i, {"level": 2, "note": "over 1 h"})
    with pytest.raises(flexwork.StateError):
        ctx.service.incident_escalate(i, {"level": 1, "note": "down"})
    ctx.service.incident_log(i, {"action": "switch channel", "note": "backup bank"})
    ctx.service.incident_close(i, {"resolution": "channel restored"})
    with pytest.raises(flexwork.StateError):
        ctx.service.incident_close(i, {"resolution": "again"})
    assert ctx.service.incident_get(i) == {
        "id": i, "kind": "emergency", "severity": "critical", "title": "bank channel down",
        "plan": "PAY-DOWN", "plan_steps": ["switch channel", "notify enterprises"], "level": 2,
        "opened_ms": 1773540000000, "closed_ms": 1773543600000, "resolution": "channel restored",
        "events": [
            {"at_ms": 1773540000000, "action": "opened", "level": 0, "note": "payouts failing"},
            {"at_ms": 1773543600000, "action": "escalated", "level": 2, "note": "over 1 h"},
            {"at_ms": 1773543600000, "action": "switch channel", "level": 2, "note": "backup bank"},
            {"at_ms": 1773543600000, "action": "closed", "level": 2, "note": "channel restored"}]}


def test_corrective_action_follow_up(ctx: flexwork.Context) -> None:  # .c
    case = ctx.service.case_open(COMPLAINT)
    action = {"cause": "late_payout", "description": "daily payout batch", "owner": "ops lead",
              "due": "2026-04-15", "case_ids": [case, 9]}
    with pytest.raises(flexwork.NotFoundError):
        ctx.service.action_open(action)
    a = ctx.service.action_open(dict(action, case_ids=[case]))
    with pytest.raises(flexwork.StateError):
        ctx.service.action_verify(a, {"effective": True, "note": "x"})
    ctx.service.action_complete(a, {"result": "batch runs at 10:00"})
    with pytest.raises(flexwork.InvalidError):
        ctx.service.action_verify(a, {"effective": False, "note": "still late"})
    ctx.service.action_verify(a, {"effective": False, "note": "still late", "due": "2026-05-15"})
    ctx.service.action_complete(a, {"result": "two batches a day"})
    ctx.service.action_verify(a, {"effective": True, "note": "no late payouts in April"})


def crafted_month(ctx: flexwork.Context, clock: Clock) -> None:
    """Four complaints and an enquiry in March 2026, one complaint in February."""
    base = cst(2026, 3, 2)
    clock.ms = cst(2026, 2, 10)
    handle(ctx, clock, ctx.service.case_open(COMPLAINT), cst(2026, 2, 10), 1, 2, 3, "late_payout", 5)
    clock.ms = base
    handle(ctx, clock, ctx.service.case_open(COMPLAINT), base, 1, 48, 72, "late_payout", 5)
    clock.ms = base + 24 * H
    handle(ctx, clock, ctx.service.case_open(COMPLAINT), base + 24 * H, 30, 96, 120, "late_payout", 3)
    clock.ms = base + 48 * H
    c3 = ctx.service.case_open(COMPLAINT)
    handle(ctx, clock, c3, base + 48 * H, 2, 24, 48, "rude_support", 4)
    clock.ms = base + 98 * H
    ctx.service.case_reopen(c3, {"reason": "the answer was wrong"})
    clock.ms = base + 48 * H + 55 * H
    ctx.service.case_respond(c3, {"response": "corrected", "remedy": "apology", "cause": "rude_support"})
    ctx.service.case_decide(c3, {"decision": "apology", "accepted": True})
    clock.ms = base + 48 * H + 60 * H
    ctx.service.case_close(c3, {"satisfaction": 2})
    clock.ms = base + 110 * H
    c4 = ctx.service.case_open(COMPLAINT)
    clock.ms = base + 111 * H
    ctx.service.case_escalate(c4, {"reason": "urgent"})
    clock.ms = base + 112 * H
    e1 = ctx.service.case_open({"kind": "enquiry", "party_kind": "enterprise", "party_id": 3,
                                "channel": "web", "category": "invoice", "title": "q",
                                "description": "q"})
    clock.ms = base + 113 * H
    ctx.service.case_respond(e1, {"response": "a"})
    ctx.service.case_close(e1)
    ctx.service.evaluate({"party_kind": "enterprise", "party_id": 3, "process": "payout", "score": 4})
    clock.ms = cst(2026, 3, 31) + 12 * H


def test_kpis_and_report_of_a_crafted_month(ctx: flexwork.Context, clock: Clock) -> None:
    ctx.service.checkpoint_define({"code": "ack_in_time", "title": "cases acknowledged within 24 h",
                                   "start_action": "service.case_open",
                                   "end_action": "service.case_acknowledge", "max_ms": 86400000})
    crafted_month(ctx, clock)
    assert ctx.service.kpis("2026-03", {"orders": 2000}) == {
        "period": "2026-03", "complaints": 4, "enquiries": 1, "acknowledged": 3,
        "ack_in_time_pct_x100": 5000, "ack_ms_median": 7200000, "ack_ms_p90": 108000000,
        "respond_ms_median": 198000000, "respond_ms_p90": 345600000,
        "close_ms_median": 259200000, "close_ms_p90": 432000000, "closed": 3,
        "closed_in_time_pct_x100": 7500, "reopen_rate_pct_x100": 2500,
        "escalation_rate_pct_x100": 2500, "satisfaction_count": 3, "satisfaction_avg_x100": 333,
        "complaints_per_1000_orders_x100": 200, "overdue_open": 1}
    with pytest.raises(flexwork.InvalidError):
        ctx.service.kpis("2026-3")
    with pytest.raises(flexwork.InvalidError):
        ctx.service.kpis("2026-03", {"orders": -1})
    ctx.service.action_open({"cause": "rude_support", "description": "training", "owner": "lead",
                             "due": "2026-04-15", "case_ids": [4]})
    report: Any = ctx.service.report("2026-03", {"orders": 2000, "previous_orders": 1000})
    assert report["causes"] == [
        {"cause": "late_payout", "count": 2, "previous": 1, "change": 1, "open_actions": 0,
         "needs_action": True},
        {"cause": "rude_support", "count": 1, "previous": 0, "change": 1, "open_actions": 1,
         "needs_action": False}]
    assert report["categories"] == {"payout": 4}
    assert report["satisfaction"] == {"complaint_handling": {"count": 4, "avg_x100": 350},
                                      "payout": {"count": 1, "avg_x100": 400}}
    sup = report["supervision"][0]
    assert (sup["code"], sup["started"], sup["passed"], sup["late"], sup["missing"]) == (
        "ack_in_time", 5, 2, 1, 2)
    assert ctx.service.supervise("2026-03")[0]["code"] == "ack_in_time"
    html = ctx.service.report_html("2026-03")
    assert "<h1>Service quality report 2026-03</h1>" in html
    assert "<tr><td>acknowledged within the limit</td><td>50.00%</td></tr>" in html
    assert "<script" not in html


def test_evaluations_and_time_limits(ctx: flexwork.Context) -> None:  # .a R-6.e
    case = ctx.service.case_open(COMPLAINT)
    with pytest.raises(flexwork.InvalidError):
        ctx.service.evaluate({"party_kind": "worker", "party_id": 7, "process": "payout", "score": 6})
    with pytest.raises(flexwork.StateError) as e:
        ctx.service.evaluate({"party_kind": "worker", "party_id": 7,
                              "process": "complaint_handling", "score": 3, "case_id": case})
    assert e.value.message == ("$.case_id: case CP-20260315-000001 is received: its handling is "
                               "evaluated once closed")
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    assert ctx.service.evaluate({"party_kind": "worker", "party_id": 7, "process": "task",
                                 "score": 5, "comment": "smooth"}) > 0
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.service.evaluate({"party_kind": "worker", "party_id": 8, "process": "task", "score": 1})
    ctx.set_actor(flexwork.ROLE_ADMIN)
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.service.sla_set({"severity": "critical", "ack_ms": 3600000, "respond_ms": 60000,
                             "close_ms": 86400000})
    assert e.value.path == "$.respond_ms"
    ctx.service.sla_set({"severity": "critical", "ack_ms": 1800000, "respond_ms": 7200000,
                         "close_ms": 86400000})
    c = ctx.service.case_open(dict(COMPLAINT, severity="critical"))
    got: Optional[Any] = ctx.service.case_get(c)
    assert got["ack_due_ms"] == CLOCK_START + 1800000
