"""Tasks (include/flexwork/task.h) through the binding: categories, the Task handle, review and
publication, taking, delivery, acceptance with its payable item, revisions, timers and
two-way evaluation (R-6.c, R-6.g, R-7.1, R-3.3.e)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import flexwork

from conftest import ENT2, ID_1990, Clock, Parties

HOUR = 3600 * 1000
DAY = 24 * HOUR
ID_1985 = "110105198512311232"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
DESIGN = {"code": "DESIGN", "name": "界面设计", "risk_level": "low", "restricted": False,
          "min_unit_fen": 10000, "max_unit_fen": 200000, "scope_keywords": ["软件", "设计"]}


@pytest.fixture
def world(ctx: flexwork.Context, parties: Parties) -> Dict[str, int]:
    ctx.task.category_set(DESIGN)
    ent = parties.active_enterprise()
    return {"ent": ent, "ent2": parties.active_enterprise(ENT2),
            "w1": parties.active_worker(ent, "张三", ID_1990),
            "w2": parties.active_worker(ent, "李四", ID_1985)}


def task_record(clock: Clock, ent: int, unit: int = 50000, slots: int = 2,
                **extra: Any) -> Dict[str, Any]:
    rec = {"enterprise_id": ent, "title": "首页改版", "description": "设计首页三稿",
           "category": "DESIGN", "remote": True, "unit_price_fen": unit, "slots": slots,
           "take_deadline_ms": clock.ms + 10 * DAY, "delivery_deadline_ms": clock.ms + 20 * DAY}
    rec.update(extra)
    return rec


def published(ctx: flexwork.Context, clock: Clock, ent: int, **extra: Any) -> int:
    with ctx.task.create(task_record(clock, ent, **extra)) as t:
        tid = t.id()
    assert ctx.task.submit(tid) == 0                # no flags
    ctx.task.review(tid, {"decision": "approve"})
    ctx.task.publish(tid)
    return tid


def proof(clock: Clock) -> Dict[str, Any]:
    return {"description": "三稿已交付", "evidence": [{"name": "v1.png", "sha256": SHA}],
            "completed_ms": clock.ms}


def test_task_handle_and_record(ctx: flexwork.Context, world: Dict[str, int], clock: Clock) -> None:
    with ctx.task.create({"enterprise_id": world["ent"], "title": "t", "description": "d",
                          "category": "DESIGN", "remote": False, "location": "杭州市西湖区",
                          "budget_fen": 150000, "slots": 3, "take_deadline_ms": clock.ms + DAY,
                          "delivery_deadline_ms": clock.ms + DAY,
                          "attachments": [{"name": "brief.pdf", "sha256": SHA}]}) as t:
        assert (t.state(), t.enterprise_id(), t.unit_price_fen(), t.slots_left()) == (
            flexwork.TASK_DRAFT, world["ent"], 50000, 3)
        rec = t.to_json()
        tid = t.id()
    assert rec["id"] == tid
    got = ctx.task.get(tid)
    assert (got["unit_price_fen"], got["budget_fen"], got["location"], got["state_name"]) == (
        50000, 150000, "杭州市西湖区", "draft")
    assert len(got["attachments"]) == 1
    ctx.task.update(tid, task_record(clock, world["ent"], unit=60000, slots=1))
    with ctx.task.load(tid) as t:
        assert (t.unit_price_fen(), t.slots_left()) == (60000, 1)
    assert [c["code"] for c in ctx.task.category_list()] == ["DESIGN"]
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.task.create(task_record(clock, world["ent"], category="NOPE"))
    assert e.value.path == "$.category"
    with pytest.raises(flexwork.NotFoundError):
        ctx.task.load(99)
    ctx.task.cancel(tid, "需求取消")
    assert ctx.task.get(tid)["state"] == flexwork.TASK_CANCELLED


def test_price_outside_the_category_range_is_flagged(ctx: flexwork.Context, world: Dict[str, int],
                                                     clock: Clock) -> None:  # R-6.g
    with ctx.task.create(task_record(clock, world["ent"], unit=5000)) as t:
        tid = t.id()
    assert ctx.task.submit(tid) != 0
    flags = [f["code"] for f in ctx.task.get(tid)["flags"]]
    assert flags and all(isinstance(f, str) for f in flags)
    ctx.task.review(tid, {"decision": "reject", "reasons": ["单价过低"]})
    assert ctx.task.get(tid)["state"] == flexwork.TASK_REJECTED


def test_take_deliver_accept_pay(ctx: flexwork.Context, world: Dict[str, int],
                                 clock: Clock) -> None:  # .e
    t = published(ctx, clock, world["ent"])
    a1 = ctx.task.take(t, world["w1"])
    a2 = ctx.task.take(t, world["w2"])
    with ctx.task.load(t) as task:
        assert (task.state(), task.slots_left()) == (flexwork.TASK_IN_PROGRESS, 0)
    with pytest.raises(flexwork.StateError):
        ctx.task.evaluate(a1, {"by": "worker", "score": 5})
    ctx.task.deliver(a1, proof(clock))
    ctx.task.deliver(a2, proof(clock))
    ctx.task.request_revision(a2, "第二稿颜色不对")
    assert ctx.task.assignment_get(a2)["state"] == flexwork.ASSIGNMENT_REVISION
    ctx.task.deliver(a2, proof(clock))
    p1 = ctx.task.accept(a1, "accept-a1")
    assert ctx.task.accept(a1, "accept-a1") == p1          # replay
    with pytest.raises(flexwork.ConflictError) as e:
        ctx.task.accept(a2, "accept-a1")
    assert "assignment_id" in e.value.message
    with pytest.raises(flexwork.StateError):
        ctx.task.accept(a1, "another-key")
    got = ctx.task.assignment_get(a1)
    assert (got["state_name"], got["payable"]["amount_fen"]) == ("accepted", 50000)
    ctx.task.reject(a2, "未按要求")
    assert ctx.task.assignment_get(a2)["state"] == flexwork.ASSIGNMENT_REJECTED
    assert ctx.task.get(t)["state"] == flexwork.TASK_COMPLETED

    ctx.set_actor(flexwork.ROLE_WORKER, world["w1"])
    ctx.task.evaluate(a1, {"by": "worker", "score": 4, "task_score": 5, "comment": "需求清楚"})
    with pytest.raises(flexwork.ExistsError):
        ctx.task.evaluate(a1, {"by": "worker", "score": 5})
    ctx.set_actor(flexwork.ROLE_WORKER, world["w2"])
    ctx.task.evaluate(a2, {"by": "worker", "score": 1})
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, world["ent"])
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.task.evaluate(a1, {"by": "enterprise", "score": 6})
    assert e.value.path == "$.score"
    ctx.task.evaluate(a1, {"by": "enterprise", "score": 5})
    assert ctx.task.rating(flexwork.TASK_RATING_ENTERPRISE, world["ent"]) == (250, 2)
    assert ctx.task.rating(flexwork.TASK_RATING_WORKER, world["w1"]) == (500, 1)
    assert ctx.task.rating(flexwork.TASK_RATING_WORKER, world["w2"]) == (0, 0)
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, world["ent2"])
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.task.accept(a1, "accept-a1")


def test_auto_accept_and_timers(ctx: flexwork.Context, world: Dict[str, int], clock: Clock) -> None:
    t = published(ctx, clock, world["ent"], auto_accept_ms=2 * DAY)
    a1 = ctx.task.take(t, world["w1"])
    ctx.task.deliver(a1, proof(clock))
    t2 = published(ctx, clock, world["ent"], slots=1)
    a2 = ctx.task.take(t2, world["w2"])
    ctx.task.withdraw(a2)
    assert ctx.task.assignment_get(a2)["state"] == flexwork.ASSIGNMENT_WITHDRAWN
    clock.ms += 2 * DAY - 1
    assert ctx.task.run_timers() == 0
    clock.ms += 1
    got = ctx.task.assignment_get(a1)               # reading applies the due timer
    assert (got["state_name"], got["auto_accepted"], got["payable"]["amount_fen"]) == (
        "accepted", True, 50000)
    clock.ms += 10 * DAY                            # the taking deadlines: t2 expires, t1 ends
    assert ctx.task.run_timers() == 2
    assert ctx.task.get(t)["state"] == flexwork.TASK_COMPLETED
    assert ctx.task.get(t2)["state"] == flexwork.TASK_EXPIRED
    ctx.set_actor(flexwork.ROLE_WORKER, world["w1"])
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.task.run_timers()


def test_lists_respect_rights(ctx: flexwork.Context, world: Dict[str, int], clock: Clock) -> None:
    t1 = published(ctx, clock, world["ent"])
    t2 = published(ctx, clock, world["ent2"])
    a = ctx.task.take(t1, world["w1"])
    listed = ctx.task.list({"state": flexwork.TASK_PUBLISHED})
    assert [x["id"] for x in listed["items"]] == [t2]      # t1 is in progress once taken
    assert listed["next_after_id"] is None
    assert len(ctx.task.list()["items"]) == 2
    assert [x["id"] for x in ctx.task.assignment_list({"worker_id": world["w1"]})["items"]] == [a]
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, world["ent2"])
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.task.close(t1)


def test_policy(ctx: flexwork.Context, world: Dict[str, int]) -> None:
    with pytest.raises(flexwork.InvalidError):
        ctx.task.policy_set({"no_such_policy": 1})

