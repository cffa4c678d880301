"""The core's golden vectors that the public API can reach: money_rounding.json's ppm rates
through a fee calculator (a fee is the one half-up rounding of amount x rate), and
cst_periods.json's instants and month keys through the tax module's CST periods."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import flexwork

from conftest import vector

PPM: List[Dict[str, Any]] = [
    v for v in vector("money_rounding.json")["ppm"]
    if v["mode"] == "half_up" and isinstance(v["amount"], int) and v["amount"] >= 0
    and v["ppm"] <= 1000000]
DATES = [d for d in vector("cst_periods.json")["dates"] if "2019" <= d["cst_date"] < "2100"]
MONTH_KEYS = vector("cst_periods.json")["month_keys"]


def test_selection() -> None:
    assert (len(PPM), len(DATES), len(MONTH_KEYS)) == (8, 11, 10)


@pytest.mark.parametrize("v", PPM, ids=lambda v: f"{v['amount']}x{v['ppm']}")
def test_ppm_rate_rounds_half_up_once(v: Dict[str, Any]) -> None:
    with flexwork.fee_calc_from_json({"rate_ppm": v["ppm"]}) as calc:
        assert calc.compute(v["amount"], 0) == (v["want"], v["amount"] + v["want"], v["amount"])


def test_cst_month_of_an_instant(ctx: flexwork.Context) -> None:
    for worker, d in enumerate(DATES, start=1):
        ref = f"pay-{worker}"
        ctx.tax.withhold(worker, ref, 100000, d["ms"])
        assert ctx.tax.withholding_get(ref)["withholding"]["period"] == d["month_key"], d["utc"]


@pytest.mark.parametrize("v", MONTH_KEYS, ids=lambda v: v["key"])
def test_month_keys(ctx: flexwork.Context, v: Dict[str, Any]) -> None:
    if v["valid"]:
        with pytest.raises(flexwork.NotFoundError):
            ctx.tax.declaration_latest(v["key"])         # valid, none built
    else:
        with pytest.raises(flexwork.InvalidError) as e:
            ctx.tax.declaration_latest(v["key"])
        assert e.value.path == "period"
