"""The lifetime of every handle class (Contract, Task, FeeCalc, TaxCalc, RiskDecision): close
is idempotent, ``with`` closes, calls after close raise StateError, a collected handle frees its
library object, and a handle that does not borrow its context outlives it."""

from __future__ import annotations

import gc
import weakref
from typing import Callable, Dict

import pytest

import flexwork

from conftest import COOP_VALUES, Parties, cst_noon


def use(h: flexwork.Handle) -> None:
    """One call through the handle."""
    if isinstance(h, flexwork.FeeCalc):
        h.breakdown(100, 0)
    elif isinstance(h, flexwork.TaxCalc):
        h.labour_payment(100000)
    else:
        h.to_json()  # type: ignore[attr-defined]


def make_handles(ctx: flexwork.Context) -> Dict[str, Callable[[], flexwork.Handle]]:
    parties = Parties(ctx)
    ent = parties.verified_enterprise()
    ctx.fee.schedule_set({"enterprise_id": ent, "valid_from": "2026-01-01", "rate_ppm": 60000})
    active = parties.active_enterprise(("深圳前海数据服务有限公司", "91440300708461136T"))
    ctx.task.category_set({"code": "DESIGN", "name": "界面设计", "risk_level": "low",
                           "restricted": False, "min_unit_fen": 10000, "max_unit_fen": 200000,
                           "scope_keywords": ["软件"]})
    task = {"enterprise_id": active, "title": "t", "description": "d", "category": "DESIGN",
            "remote": True, "unit_price_fen": 50000, "slots": 1,
            "take_deadline_ms": cst_noon("2026-03-20"), "delivery_deadline_ms": cst_noon("2026-03-25")}
    return {
        "contract": lambda: ctx.contract.create({"template_id": parties.coop, "enterprise_id": ent,
                                                 "values": COOP_VALUES}),
        "task": lambda: ctx.task.create(task),
        "fee calculator": lambda: ctx.fee.calc_new(ent, cst_noon("2026-03-15")),
        "tax calculator": lambda: ctx.tax.calc_new(cst_noon("2026-03-15")),
        "risk decision": lambda: ctx.risk.check(flexwork.RISK_ACTION_FUNDING, enterprise_id=active,
                                                amount_fen=100),
    }


def test_every_handle_closes_once_and_refuses_calls_after(ctx: flexwork.Context) -> None:
    for what, make in make_handles(ctx).items():
        h = make()
        assert not h.closed
        h.close()
        h.close()
        assert h.closed
        with pytest.raises(flexwork.StateError) as e:
            use(h)
        assert e.value.message == f"the {what} is closed"
        with make() as h2:
            assert not h2.closed
        assert h2.closed


def test_collected_handles_are_freed(ctx: flexwork.Context) -> None:
    for make in make_handles(ctx).values():
        h = make()
        ref = weakref.ref(h)
        del h
        gc.collect()
        assert ref() is None


def test_only_the_tax_calculator_needs_its_context(ctx: flexwork.Context) -> None:
    handles = {what: make() for what, make in make_handles(ctx).items()}
    ctx.close()
    for what, h in handles.items():
        if what == "tax calculator":
            with pytest.raises(flexwork.StateError) as e:
                use(h)
            assert e.value.message == "the context is closed"
        else:
            use(h)
        h.close()
