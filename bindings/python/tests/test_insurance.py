"""Insurance (include/flexwork/insurance.h) through the binding: products and the
occupational-injury rules, recommendation, enrolment and per-order premiums, certificates of
cover verified offline, and the social-insurance contribution service (R-3.3.i, R-5.8, R-7.12)."""

from __future__ import annotations

import json

import pytest

import flexwork

from conftest import CLOCK_START, cst_noon

OIP = {"code": "OIP-DELIVERY", "name": "职业伤害保障 即时配送", "type": "occupational_injury",
       "insurer": "work-injury insurance fund", "coverage": "injury while performing platform orders",
       "coverage_fen": 0, "premium_rule": "per_order", "payer": "platform",
       "categories": ["instant_delivery"]}
ACC_DAY = {"code": "ACC-DAY", "name": "daily accident", "type": "accident", "insurer": "PICC",
           "coverage": "death, disability, medical", "coverage_fen": 60000000,
           "premium_rule": "per_day", "premium_fen": 150, "payer": "enterprise", "max_risk_level": 4}
ACC_MONTH = {"code": "ACC-MONTH", "name": "monthly accident", "type": "accident",
             "insurer": "Ping An", "coverage": "accident", "coverage_fen": 30000000,
             "premium_rule": "per_person_month", "premium_fen": 2500, "payer": "worker",
             "min_age": 18, "max_age": 60, "max_risk_level": 3}
DAY0 = 1773504000000    # 2026-03-15 00:00 CST


def test_occupational_injury_product_rules(ctx: flexwork.Context) -> None:  # .i
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.insurance.product_create(dict(OIP, code="X", premium_rule="per_day"))
    assert e.value.message == ('$.premium_rule: occupational injury protection is charged per order '
                               '(cn-rules.md §4), got "per_day"')
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.insurance.product_create(dict(OIP, code="X", categories=["ride_hailing", "cleaning"]))
    assert e.value.path == "$.categories[1]"
    pid = ctx.insurance.product_create(OIP)
    assert ctx.insurance.product_get(pid) == {
        "id": pid, "code": "OIP-DELIVERY", "name": "职业伤害保障 即时配送",
        "type": "occupational_injury", "insurer": "work-injury insurance fund",
        "coverage": "injury while performing platform orders", "coverage_fen": 0,
        "premium_rule": "per_order", "premium_fen": 7, "payer": "platform", "min_age": 16,
        "max_age": 65, "max_risk_level": 5, "categories": ["instant_delivery"], "regions": [],
        "state": "active"}
    assert ctx.insurance.premium_fen(pid, 300) == 2100
    with pytest.raises(flexwork.ExistsError):
        ctx.insurance.product_create(OIP)
    assert [p["code"] for p in ctx.insurance.product_list()] == ["OIP-DELIVERY"]


def test_recommendation_and_enrolment(ctx: flexwork.Context) -> None:
    oip_id = ctx.insurance.product_create(OIP)
    day_id = ctx.insurance.product_create(ACC_DAY)
    month_id = ctx.insurance.product_create(ACC_MONTH)
    rec = ctx.insurance.recommend({"worker_id": 7, "birth_date": "1990-05-01", "on": "2026-03-15",
                                   "region": "440300", "hours_per_week": 50,
                                   "work": [{"category": "instant_delivery", "risk_level": 4,
                                             "orders_per_month": 300, "days_per_month": 26}]})
    assert (rec["worker_id"], rec["age"]) == (7, 35)
    first = rec["recommended"][0]
    assert (first["product_id"], first["required"], first["monthly_premium_fen"]) == (oip_id, True, 2100)
    assert month_id not in [r["product_id"] for r in rec["recommended"]]   # risk level 4 > 3

    oip = ctx.insurance.enrol({"product_id": oip_id, "worker_id": 7, "birth_date": "1990-05-01",
                               "enterprise_id": 3, "categories": ["instant_delivery"]})
    with pytest.raises(flexwork.ExistsError):
        ctx.insurance.enrol({"product_id": oip_id, "worker_id": 7, "birth_date": "1990-05-01"})
    with pytest.raises(flexwork.DeniedError) as e:
        ctx.insurance.enrol({"product_id": month_id, "worker_id": 8, "birth_date": "2009-01-01"})
    assert e.value.message == ("$.birth_date: the worker is 17 on the start date; product ACC-MONTH "
                               "accepts 18 to 60")
    fen, p1 = ctx.insurance.charge(oip, "O-1", CLOCK_START, "k1")
    assert fen == 7
    assert ctx.insurance.charge(oip, "O-1", CLOCK_START + 60000) == (7, p1)   # each order once
    fen2, p2 = ctx.insurance.charge(oip, "O-2", CLOCK_START + 120000, "k2")
    assert ctx.insurance.charge(oip, "O-2", CLOCK_START + 120000, "k2") == (fen2, p2)
    with pytest.raises(flexwork.ConflictError):
        ctx.insurance.charge(oip, "O-3", CLOCK_START, "k2")
    with pytest.raises(flexwork.StateError) as e:
        ctx.insurance.charge(oip, "O-0", cst_noon("2026-03-14"), "k0")
    assert e.value.message == ("at_ms: enrolment 1 covers 2026-03-15 to (open); the work on "
                               "2026-03-14 is outside it")
    day = ctx.insurance.enrol({"product_id": day_id, "worker_id": 7, "birth_date": "1990-05-01",
                               "end": "2026-04-15"})
    fen3, p3 = ctx.insurance.charge(day, "O-1", CLOCK_START)
    assert (fen3, ctx.insurance.charge(day, "O-2", CLOCK_START + 5 * 3600000)[1]) == (150, p3)
    premiums = ctx.insurance.premiums(0, 0)
    assert (premiums["total_fen"], premiums["due_fen"], premiums["posted_fen"]) == (164, 164, 0)
    assert premiums["premiums"][0] == {
        "id": p1, "enrolment_id": oip, "product_id": oip_id, "worker_id": 7, "enterprise_id": 3,
        "basis": "order", "basis_ref": "O-1", "units": 1, "amount_fen": 7, "payer": "platform",
        "at_ms": CLOCK_START, "state": "due", "journal_ref": None}
    assert {e["id"] for e in ctx.insurance.enrolments(7)} == {oip, day}
    ctx.insurance.enrolment_cancel(oip, {"reason": "left the platform"})
    with pytest.raises(flexwork.StateError):
        ctx.insurance.charge(oip, "O-7", CLOCK_START)
    ctx.insurance.product_retire(month_id)
    with pytest.raises(flexwork.StateError):
        ctx.insurance.enrol({"product_id": month_id, "worker_id": 9, "birth_date": "1990-01-01"})


def test_certificate_of_cover(ctx: flexwork.Context) -> None:
    day_id = ctx.insurance.product_create(ACC_DAY)
    e = ctx.insurance.enrol({"product_id": day_id, "worker_id": 7, "birth_date": "1990-05-01"})
    key = ctx.audit.public_key()
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    text = ctx.insurance.certificate(e)
    cert = json.loads(text)["certificate"]
    assert cert == {"enrolment_id": e, "worker_id": 7,
                    "product": {"code": "ACC-DAY", "name": "daily accident", "type": "accident",
                                "insurer": "PICC", "coverage": "death, disability, medical",
                                "coverage_fen": 60000000},
                    "start_ms": DAY0, "end_ms": 0, "issued_ms": CLOCK_START}
    flexwork.insurance_certificate_verify(text, key)
    with pytest.raises(flexwork.AuthError):
        flexwork.insurance_certificate_verify(text, bytes(32))
    with pytest.raises(flexwork.AuthError):
        flexwork.insurance_certificate_verify(text.replace("60000000", "90000000"), key)
    ctx.set_actor(flexwork.ROLE_WORKER, 8)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.insurance.certificate(e)


def test_social_insurance_contribution_service(ctx: flexwork.Context) -> None:
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    req = {"worker_id": 7, "kind": "pension", "region": "440300", "month": "2026-03",
           "base_fen": 512345, "rate_ppm": 200000}
    rid = ctx.insurance.social_request(req)
    with pytest.raises(flexwork.ExistsError):
        ctx.insurance.social_request(dict(req, base_fen=1, rate_ppm=1))
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.insurance.social_request(dict(req, worker_id=8))
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    with pytest.raises(flexwork.StateError) as e:
        ctx.insurance.social_update(rid, {"state": "paid"})
    assert e.value.message == ("$.state: contribution request 1 is requested: it cannot become paid")
    ctx.insurance.social_update(rid, {"state": "submitted"})
    ctx.insurance.social_update(rid, {"state": "paid", "reference": "SB-2026-03-0001"})
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    assert ctx.insurance.social_list(7) == [{
        "id": rid, "kind": "pension", "region": "440300", "month": "2026-03", "base_fen": 512345,
        "rate_ppm": 200000, "amount_fen": 102469, "state": "paid", "reference": "SB-2026-03-0001",
        "note": None, "updated_ms": CLOCK_START}]


def test_premiums_are_posted_to_the_ledger_once(ctx: flexwork.Context) -> None:
    from conftest import Parties
    parties = Parties(ctx)
    ent = parties.active_enterprise()
    w = parties.active_worker(ent)
    oip = ctx.insurance.enrol({"product_id": ctx.insurance.product_create(OIP), "worker_id": w,
                               "birth_date": "1990-03-07", "enterprise_id": ent,
                               "categories": ["instant_delivery"]})
    day = ctx.insurance.enrol({"product_id": ctx.insurance.product_create(ACC_DAY), "worker_id": w,
                               "birth_date": "1990-03-07", "enterprise_id": ent})
    assert ctx.insurance.charge(oip, "O-1", CLOCK_START)[0] == 7
    assert ctx.insurance.charge(day, "O-1", CLOCK_START)[0] == 150
    ctx.insurance.post_premiums(0, "post-1")
    ctx.insurance.post_premiums(0, "post-1")                     # replayed, not posted again
    with pytest.raises(flexwork.ConflictError):
        ctx.insurance.post_premiums(CLOCK_START, "post-1")
    got = ctx.insurance.premiums(0, 0)
    assert (got["total_fen"], got["due_fen"], got["posted_fen"]) == (157, 150, 7)
    # the platform's premium is posted; the enterprise has no funds yet: its premium stays due
    assert [(p["amount_fen"], p["state"], p["journal_ref"]) for p in got["premiums"]] == [
        (7, "posted", "ledger_entry:1"), (150, "due", None)]
    payable = ctx.ledger.account_find(flexwork.LEDGER_OWNER_PLATFORM, 0,
                                      flexwork.ACCT_INSURANCE_PAYABLE)
    assert ctx.ledger.balance(payable)[0] == 7
