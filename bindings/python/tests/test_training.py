"""Training (include/flexwork/training.h) through the binding: instructors, course requests,
sessions, enrolment, attendance, assessment and expiring certificates (R-5.4, R-7.3, R-4.4)."""

from __future__ import annotations

from typing import Dict

import pytest

import flexwork

from conftest import ID_1990, Clock, Parties

HOUR = 3600 * 1000
DAY = 24 * HOUR
ID_1985 = "110105198512311232"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def world(ctx: flexwork.Context, parties: Parties, clock: Clock) -> Dict[str, int]:
    w = {"ent": parties.active_enterprise(),
         "w1": parties.verified_worker("张三", ID_1990),
         "w2": parties.verified_worker("李四", ID_1985)}
    w["ins"] = ctx.training.instructor_add({"name": "陈静", "title": "高级讲师",
                                            "specialties": ["安全"],
                                            "qualifications": [{"kind": "teacher", "sha256": SHA}]})
    w["course"] = ctx.training.course_add({"code": "SAFE-1", "title": "高处作业安全", "hours": 16,
                                           "pass_score": 70, "validity_days": 365})
    w["session"] = ctx.training.session_add({"course_id": w["course"], "instructor_id": w["ins"],
                                             "starts_ms": clock.ms + DAY,
                                             "ends_ms": clock.ms + DAY + 8 * HOUR,
                                             "location": "杭州培训中心", "capacity": 2})
    return w


def test_instructor_refusals(ctx: flexwork.Context, world: Dict[str, int]) -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.training.instructor_add({"name": ""})
    assert e.value.path == "$.name"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.training.instructor_add({"name": "王", "qualifications": [{"kind": "x", "sha256": "zz"}]})
    assert e.value.path == "$.qualifications[0].sha256"
    ctx.set_actor(flexwork.ROLE_WORKER, world["w1"])
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.training.instructor_add({"name": "王"})


def test_enterprise_requests_a_course(ctx: flexwork.Context, world: Dict[str, int]) -> None:
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, world["ent"])
    req = ctx.training.course_request(world["ent"], {"title": "UI 规范培训", "reason": "下季度设计任务",
                                                     "headcount": 20, "task_categories": ["DESIGN"]})
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.training.course_request(99, {"title": "x", "reason": "y", "headcount": 1})
    requests = ctx.training.request_list(world["ent"])
    assert [r["state_name"] for r in requests] == ["open"]
    ctx.set_actor(flexwork.ROLE_ADMIN)
    course = ctx.training.course_add({"code": "UI-1", "title": "UI 规范", "hours": 4, "pass_score": 60,
                                      "validity_days": 0, "request_id": req})
    got = ctx.training.request_list(0)[0]
    assert (got["state_name"], got["course_id"]) == ("fulfilled", course)
    assert ctx.training.course_get(course)["request_id"] == req
    with pytest.raises(flexwork.StateError):
        ctx.training.course_add({"code": "UI-2", "title": "t", "hours": 4, "pass_score": 60,
                                 "validity_days": 0, "request_id": req})
    with pytest.raises(flexwork.ExistsError):
        ctx.training.course_add({"code": "UI-1", "title": "t", "hours": 4, "pass_score": 60,
                                 "validity_days": 0})
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.training.course_add({"code": "ui 1", "title": "t", "hours": 4, "pass_score": 60,
                                 "validity_days": 0})
    assert e.value.path == "$.code"


def test_pass_issues_an_expiring_certificate(ctx: flexwork.Context, world: Dict[str, int],
                                             clock: Clock) -> None:
    ctx.set_actor(flexwork.ROLE_WORKER, world["w1"])
    e1 = ctx.training.enrol(world["session"], world["w1"])
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.training.enrol(world["session"], world["w2"])
    ctx.set_actor(flexwork.ROLE_ADMIN)
    with pytest.raises(flexwork.ExistsError):
        ctx.training.enrol(world["session"], world["w1"])
    e2 = ctx.training.enrol(world["session"], world["w2"])
    with pytest.raises(flexwork.StateError) as e:
        ctx.training.attend(e1, 1)
    assert "has not started" in e.value.message
    clock.ms += DAY + HOUR
    ctx.training.attend(e1, 1)
    ctx.training.attend(e2, 1)
    with pytest.raises(flexwork.InvalidError):
        ctx.training.assess(e2, 101)
    assert ctx.training.assess(e2, 69) == 0                 # one point short: no certificate
    issued = clock.ms
    cert = ctx.training.assess(e1, 70)
    assert cert > 0
    with pytest.raises(flexwork.StateError):
        ctx.training.assess(e1, 80)
    certs = ctx.training.certificates(world["w1"])
    assert len(certs) == 1
    assert (certs[0]["expires_ms"], certs[0]["valid"]) == (issued + 365 * DAY, True)
    enrolment = ctx.training.enrolments(world["w2"])[0]
    assert (enrolment["state_name"], enrolment["score"]) == ("failed", 69)
    ctx.training.certificate_revoke(cert, "考核舞弊")
    with pytest.raises(flexwork.StateError):
        ctx.training.certificate_revoke(cert, "again")
    assert ctx.training.certificates(world["w1"])[0]["valid"] is False


def test_capacity_and_absence(ctx: flexwork.Context, parties: Parties, world: Dict[str, int],
                              clock: Clock) -> None:
    w3 = parties.verified_worker("王五", "110105197001011233")
    ctx.training.enrol(world["session"], world["w1"])
    e = ctx.training.enrol(world["session"], world["w2"])
    with pytest.raises(flexwork.LimitError) as err:
        ctx.training.enrol(world["session"], w3)
    assert "is full (2 places)" in err.value.message
    clock.ms += DAY
    ctx.training.attend(e, 0)
    with pytest.raises(flexwork.StateError):
        ctx.training.assess(e, 100)
    with pytest.raises(flexwork.NotFoundError) as err:
        ctx.training.enrol(99, w3)
    assert "no training session 99" in err.value.message
