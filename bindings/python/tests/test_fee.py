"""Service fees (include/flexwork/fee.h) through the binding: every golden vector of
tests/vectors/fee_cases.json, the breakdown, schedules by date, errors and the calculator's
lifetime (R-7.6)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import flexwork

from conftest import cst_noon, vector

CASES = vector("fee_cases.json")["cases"]
INT64_MAX = 2**63 - 1


def test_vector_file() -> None:
    assert len(CASES) == 22


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_fee_case(case: Dict[str, Any]) -> None:
    with flexwork.fee_calc_from_json(case["schedule"]) as calc:
        if "error" in case:
            cls = {"FW_ELIMIT": flexwork.LimitError, "FW_EINVAL": flexwork.InvalidError}[case["error"]]
            with pytest.raises(cls):
                calc.compute(case["amount_fen"], case["volume_fen"])
            with pytest.raises(cls):
                calc.breakdown(case["amount_fen"], case["volume_fen"])
            return
        want = (case["fee_fen"], case["enterprise_pays_fen"], case["worker_receives_fen"])
        assert calc.compute(case["amount_fen"], case["volume_fen"]) == want
        b = calc.breakdown(case["amount_fen"], case["volume_fen"])
        assert (b["fee_fen"], b["enterprise_pays_fen"], b["worker_receives_fen"]) == want
        assert calc.schedule_id() == 0


def test_breakdown_explains_each_part() -> None:
    with flexwork.fee_calc_from_json(
            {"tiers": [{"from_volume_fen": 0, "rate_ppm": 30000},
                       {"from_volume_fen": 10, "rate_ppm": 20000}],
             "tier_mode": "marginal", "min_fen": 0, "charge": "after"}) as calc:
        assert calc.charge() == flexwork.FEE_CHARGE_AFTER
        assert calc.bearer() == flexwork.FEE_ON_TOP
        assert calc.breakdown(25, 0) == {
            "amount_fen": 25, "volume_before_fen": 0, "tier_mode": "marginal", "base": "gross",
            "bearer": "on_top", "charge": "after",
            "parts": [{"tier": 0, "from_volume_fen": 0, "portion_fen": 10, "rate_ppm": 30000},
                      {"tier": 1, "from_volume_fen": 10, "portion_fen": 15, "rate_ppm": 20000}],
            "rate_part_exact_fen": "0.600000", "fixed_fen": 0, "unrounded_fen": "0.600000",
            "rounded_fen": 1, "clamp": None, "fee_fen": 1, "enterprise_pays_fen": 26,
            "worker_receives_fen": 25, "schedule_id": None, "version": None}


def test_int64_edges_overflow() -> None:
    with flexwork.fee_calc_from_json({"rate_ppm": 1000000}) as calc:
        with pytest.raises(flexwork.FlexworkOverflowError):
            calc.compute(INT64_MAX, 0)
        with pytest.raises(flexwork.FlexworkOverflowError) as e:
            calc.compute(10, INT64_MAX - 5)
        assert e.value.path == "volume_fen"


@pytest.mark.parametrize("schedule,path", [
    ({}, "$.rate_ppm"),
    ({"rate_ppm": 1000001}, "$.rate_ppm"),
    ({"tiers": [{"from_volume_fen": 5, "rate_ppm": 1}]}, "$.tiers[0]"),
    ({"rate_ppm": 1, "min_fen": 10, "max_fen": 5}, "$.max_fen"),
    ({"rate_ppm": 1, "bearer": "worker"}, "$.bearer"),
    ({"rate_ppm": 1, "charge": "later"}, "$.charge"),
    ({"rate_ppm": 1, "colour": "red"}, "$.colour"),
    ({"rate_ppm": 1, "valid_from": "2026-02-01", "valid_to": "2026-01-31"}, "$.valid_to"),
])
def test_bad_schedules_name_the_field(schedule: Dict[str, Any], path: str) -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.fee_calc_from_json(schedule)
    assert e.value.path == path
    with pytest.raises(flexwork.JSONError):
        flexwork.fee_calc_from_json("{")


def test_schedule_versions_by_date(ctx: flexwork.Context) -> None:
    v1 = {"enterprise_id": 5, "valid_from": "2026-01-01", "rate_ppm": 60000}
    v2 = {"enterprise_id": 5, "valid_from": "2026-03-01", "valid_to": "2026-05-31",
          "rate_ppm": 50000, "charge": "before"}
    id1 = ctx.fee.schedule_set(v1)
    id2 = ctx.fee.schedule_set(v2)
    assert id2 == id1 + 1
    with ctx.fee.calc_new(5, cst_noon("2026-01-15")) as calc:
        assert calc.compute(10000, 0) == (600, 10600, 10000)
        assert calc.schedule_id() == id1
    with ctx.fee.calc_new(5, cst_noon("2026-03-01")) as calc:
        assert calc.compute(10000, 0)[0] == 500
        assert (calc.charge(), calc.schedule_id()) == (flexwork.FEE_CHARGE_BEFORE, id2)
    with ctx.fee.calc_new(5, cst_noon("2026-06-01")) as calc:   # v2 has ended
        assert calc.schedule_id() == id1
    got = ctx.fee.schedule_get(5, cst_noon("2026-03-01"))
    assert (got["rate_ppm"], got["version"]) == (50000, 2)
    with pytest.raises(flexwork.NotFoundError):
        ctx.fee.calc_new(6, cst_noon("2026-03-01"))
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, 5)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.fee.schedule_set(v1)
    ctx.fee.calc_new(5, cst_noon("2026-03-01")).close()
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.fee.calc_new(6, cst_noon("2026-03-01"))


def test_calculator_lifetime(ctx: flexwork.Context) -> None:
    ctx.fee.schedule_set({"enterprise_id": 5, "valid_from": "2026-01-01", "rate_ppm": 60000})
    calc = ctx.fee.calc_new(5, cst_noon("2026-01-15"))
    ctx.close()                       # the calculator is a copy: it outlives the context
    assert calc.compute(100, 0) == (6, 106, 100)
    calc.close()
    calc.close()
    with pytest.raises(flexwork.StateError) as e:
        calc.charge()
    assert e.value.message == "the fee calculator is closed"
