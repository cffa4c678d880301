"""Invoices (include/flexwork/invoice.h) through the binding: the ceiling of what was served,
issue through a Python e-invoicing provider, red-letter reversal, manual issue, rights
(R-3.3.g, R-6.h)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import flexwork

from test_payout import World


@pytest.fixture
def served(ctx: flexwork.Context) -> World:
    """Two paid payouts of enterprise 1 (1,000.00 and 500.00 with 6% on top): 1,590.00."""
    world = World(ctx)
    for key, amount in (("p1", 100000), ("p2", 50000)):
        order, _ = world.order(key, world.w1, amount)
        ctx.payout.result(order, flexwork.PAYOUT_RESULT_SUCCESS)
    return world


def request(ctx: flexwork.Context, key: str, kind: str, amount: int, **extra: Any) -> int:
    return ctx.invoice.request(dict({"idempotency_key": key, "enterprise_id": 1, "kind": kind,
                                     "amount_fen": amount}, **extra))


def test_ceiling_is_what_was_served(ctx: flexwork.Context, served: World) -> None:  # .g
    listing = ctx.invoice.list(served.ent)
    assert (listing["served_fen"], listing["available_fen"]) == (159000, 159000)
    a = request(ctx, "i1", "vat_special", 106000)
    got = ctx.invoice.get(a)
    assert (got["tax_fen"], got["state"]) == (6000, "requested")      # 1,060.00 x 6% / 1.06
    with pytest.raises(flexwork.LimitError) as e:
        request(ctx, "i2", "vat_normal", 60000)
    assert e.value.message == ("$.amount_fen: an invoice of 600.00 yuan exceeds what is left to "
                               "invoice by 70.00 yuan (served 1590.00, invoiced 1060.00)")
    request(ctx, "i3", "vat_normal", 53000)
    assert ctx.invoice.list(served.ent)["available_fen"] == 0
    assert request(ctx, "i1", "vat_special", 106000) == a          # the same key: the same invoice
    assert ctx.invoice.reverse(a, {"reason": "wrong title"}) == flexwork.INVOICE_CANCELLED
    assert ctx.invoice.list(served.ent)["available_fen"] == 106000


def test_issue_and_red_letter(ctx: flexwork.Context, served: World) -> None:
    calls: List[Dict[str, Any]] = []

    def issue(req: Dict[str, Any]) -> Dict[str, Any]:
        calls.append(req)
        return {"invoice_no": "24332000000012345678", "issued_date": "2026-03-15"}

    def cancel(req: Dict[str, Any]) -> Dict[str, Any]:
        assert req["invoice_no"] == "24332000000012345678"
        return {"red_invoice_no": "24332000000099990001"}

    inv = request(ctx, "i1", "vat_special", 159000, title="杭州云帆科技有限公司1")
    with pytest.raises(flexwork.PendingError):
        ctx.invoice.issue(inv)                     # no provider: the invoice waits
    ctx.set_invoice_provider(issue=issue)
    assert ctx.invoice.issue(inv) == flexwork.INVOICE_ISSUED
    assert len(calls) == 1
    with pytest.raises(flexwork.StateError):
        ctx.invoice.issue(inv)
    got = ctx.invoice.get(inv)
    assert (got["invoice_no"], got["origin"]) == ("24332000000012345678", "provider")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.invoice.reverse(inv, {"reason": "退货"})     # no cancel callback: the number by hand
    assert e.value.path == "$.red_invoice_no"
    ctx.set_invoice_provider(issue=issue, cancel=cancel)
    assert ctx.invoice.reverse(inv, {"reason": "退货"}) == flexwork.INVOICE_REVERSED
    with pytest.raises(flexwork.StateError):
        ctx.invoice.reverse(inv, {"reason": "again"})
    listing = ctx.invoice.list(served.ent)
    assert listing["available_fen"] == 159000
    assert listing["invoices"][0]["red_invoice_no"] == "24332000000099990001"


def test_manual_issue_and_rights(ctx: flexwork.Context, served: World) -> None:  # R-6.h
    a = request(ctx, "i1", "vat_normal", 100000)
    b = request(ctx, "i2", "vat_normal", 50000)
    record = {"kind": "vat_normal", "invoice_no": "N-1", "amount_fen": 100000, "tax_fen": 5660,
              "date": "2026-03-16"}
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.invoice.record(a, dict(record, amount_fen=99999))
    assert e.value.message == "$.amount_fen: must be the requested 100000 fen, got 99999"
    ctx.invoice.record(a, record)
    with pytest.raises(flexwork.ExistsError) as e:
        ctx.invoice.record(b, dict(record, amount_fen=50000, tax_fen=2830))
    assert e.value.message == 'invoice_no: invoice number "N-1" is on invoice 1 already'
    ctx.invoice.reverse(a, {"reason": "开错", "red_invoice_no": "R-1"})
    other = served.ent + 1
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, other)
    with pytest.raises(flexwork.FlexworkPermissionError):
        request(ctx, "i3", "vat_normal", 100)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.invoice.list(served.ent)
