"""Payouts (include/flexwork/payout.h) through the binding: orders held, submitted through a
Python payment channel, paid, failed, returned; operator results, sweeps, cancellation,
batches, statements and vouchers, with the C suite's figures (R-7.5.c, R-7.5.d, R-5.6)."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

import flexwork

from conftest import ID_1949, Clock, Parties

CHANNEL = {"kind": "bank", "counterparty": "招商银行杭州分行", "agreement_no": "CMB-2026-001",
           "valid_from": "2026-01-01", "valid_to": "2027-12-31"}
NO_LIMITS = {"scope": "platform", "limits": {
    "per_payment_fen": 0, "worker_day_fen": 0, "worker_month_fen": 0, "worker_12m_fen": 0,
    "worker_day_count": 0, "worker_month_count": 0, "enterprise_day_fen": 0,
    "enterprise_month_fen": 0, "enterprise_day_count": 0}}
PAYER = "6222020012345678009"


class World:
    """An active enterprise funded with 100,000.00 and a 6% fee on top, two active workers."""

    def __init__(self, ctx: flexwork.Context) -> None:
        self.ctx = ctx
        parties = Parties(ctx)
        ctx.party.channel_add(CHANNEL)
        ctx.risk.limits_set(NO_LIMITS)
        self.ent = parties.active_enterprise()
        self.w1 = parties.active_worker(self.ent)
        self.w2 = parties.active_worker(self.ent, "张小红", ID_1949)
        ctx.funding.register_source(self.ent, {"payer_account": PAYER})
        ctx.funding.notice({"bank_txn_id": "B-1", "amount_fen": 10000000, "payer_account": PAYER})
        ctx.fee.schedule_set({"enterprise_id": self.ent, "valid_from": "2026-01-01",
                              "rate_ppm": 60000, "bearer": "on_top", "charge": "during"})
        self.funds = ctx.ledger.account_find(flexwork.LEDGER_OWNER_ENTERPRISE, self.ent,
                                             flexwork.ACCT_ENTERPRISE_FUNDS)
        ctx.set_actor(flexwork.ROLE_FINANCE, name="finance")

    def order(self, key: str, worker: int, amount: int) -> Any:
        return self.ctx.payout.create({"idempotency_key": key, "enterprise_id": self.ent,
                                       "worker_id": worker, "amount_fen": amount,
                                       "task_ref": "T-1"})

    def balance(self) -> Any:
        return self.ctx.ledger.balance(self.funds)

    def platform(self, type_: int) -> int:
        return self.ctx.ledger.balance(self.ctx.ledger.account_find(
            flexwork.LEDGER_OWNER_PLATFORM, 0, type_))[0]

    def timeline(self, order: int) -> str:
        return ">".join(e["to"] for e in self.ctx.payout.get(order)["timeline"])


class Channel:
    """A payment channel answering every submit with ``answer`` (a dict, or an exception)."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: List[Dict[str, Any]] = []

    def submit(self, request: Dict[str, Any]) -> Any:
        self.requests.append(request)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


@pytest.fixture
def world(ctx: flexwork.Context) -> World:
    return World(ctx)


def test_paid_synchronously(ctx: flexwork.Context, world: World) -> None:  # .c .d
    order, state = world.order("p-1", world.w1, 3000000)
    assert state == flexwork.PAYOUT_HELD
    assert world.balance() == (10000000, 10000000 - 3180000, 10000000 - 3180000)
    got = world.ctx.payout.get(order)
    # cumulative method, month 1: (30,000 - 20% - 5,000) x 3% = 570.00; VAT exempt
    assert (got["gross_fen"], got["fee_fen"], got["enterprise_pays_fen"], got["iit_fen"],
            got["vat_fen"], got["net_fen"], got["fee_bearer"]) == (
        3000000, 180000, 3180000, 57000, 0, 3000000 - 57000, "on_top")
    channel = Channel({"status": "success", "channel_ref": "CMB-1"})
    ctx.set_payment_provider(submit=channel.submit)
    assert ctx.payout.submit(order) == flexwork.PAYOUT_PAID
    assert channel.requests[0]["request_no"] == "FWP1"
    assert world.balance()[0] == 10000000 - 3180000
    assert world.platform(flexwork.ACCT_FEE_REVENUE) == 180000
    assert world.platform(flexwork.ACCT_IIT_WITHHELD) == 57000
    assert world.timeline(order) == "held>submitted>paid"
    assert ctx.payout.get(order)["channel_ref"] == "CMB-1"
    # the channel notifies again: accepted, nothing moves
    assert ctx.payout.result(order, flexwork.PAYOUT_RESULT_SUCCESS, "CMB-1") == flexwork.PAYOUT_PAID
    assert world.platform(flexwork.ACCT_FEE_REVENUE) == 180000
    assert ctx.payout.submit(order) == flexwork.PAYOUT_PAID
    assert len(channel.requests) == 1
    assert flexwork.payout_state_name(flexwork.PAYOUT_PAID) == "paid"
    assert flexwork.payout_state_name(99) is None


def test_failed_synchronously(ctx: flexwork.Context, world: World) -> None:
    ctx.set_payment_provider(submit=Channel({"status": "failed", "reason": "account closed"}).submit)
    order, _ = world.order("p-1", world.w1, 100000)
    assert ctx.payout.submit(order) == flexwork.PAYOUT_FAILED
    assert world.balance() == (10000000, 10000000, 10000000)
    assert ctx.payout.get(order)["reason"] == "account closed"
    assert world.timeline(order) == "held>submitted>failed"
    with pytest.raises(flexwork.StateError) as e:
        ctx.payout.result(order, flexwork.PAYOUT_RESULT_SUCCESS)
    assert e.value.message == ('result: payout order 1 is failed; a result "success" needs a held '
                               'or submitted order')


def test_timeout_then_sweep(ctx: flexwork.Context, world: World) -> None:
    answers = [TimeoutError("no answer")]
    queries: List[Any] = []

    def submit(request: Dict[str, Any]) -> Any:
        raise answers[0]

    def query(request: Dict[str, Any]) -> Any:
        queries.append(request)
        return {"status": "success", "channel_ref": "CMB-9"}

    ctx.set_payment_provider(submit=submit, query=query)
    order, _ = world.order("p-1", world.w1, 100000)
    assert ctx.payout.submit(order) == flexwork.PAYOUT_SUBMITTED
    assert ctx.payout.sweep(10) == 1
    assert len(queries) == 1
    got = ctx.payout.get(order)
    assert (got["state"], got["channel_ref"]) == ("paid", "CMB-9")


def test_operator_marks_results(ctx: flexwork.Context, world: World) -> None:
    a, _ = world.order("p-a", world.w1, 100000)
    b, _ = world.order("p-b", world.w2, 20000)
    assert ctx.payout.submit(a) == flexwork.PAYOUT_SUBMITTED      # no provider: it waits
    assert ctx.payout.sweep(10) == 0
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, world.ent)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.payout.result(a, flexwork.PAYOUT_RESULT_SUCCESS)
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.payout.result(a, 9)
    assert e.value.path == "result"
    assert ctx.payout.result(a, flexwork.PAYOUT_RESULT_SUCCESS, "BANK-1") == flexwork.PAYOUT_PAID
    assert ctx.payout.result(b, flexwork.PAYOUT_RESULT_FAILED, None, "wrong card") == \
        flexwork.PAYOUT_FAILED
    assert world.timeline(a) == "held>submitted>paid"
    assert world.timeline(b) == "held>failed"
    assert world.balance()[2] == 10000000 - 106000


def test_funds_idempotency_and_cancel(ctx: flexwork.Context, world: World) -> None:
    with pytest.raises(flexwork.FundsError) as e:
        world.order("big", world.w1, 9500000)
    assert e.value.message == ("amount_fen: enterprise 1 has 100000.00 yuan available; the payout "
                               "needs 100700.00 yuan (amount and fee)")
    a, _ = world.order("k-1", world.w1, 100000)
    assert world.order("k-1", world.w1, 100000)[0] == a
    with pytest.raises(flexwork.ConflictError) as e:
        world.order("k-1", world.w1, 100001)
    assert e.value.message == ('idempotency_key: key "k-1" was first used with a different '
                               'amount_fen; use a new key for a new request')
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.payout.cancel(a, "duplicate request")
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    with pytest.raises(flexwork.InvalidError):
        ctx.payout.cancel(a, "")
    ctx.payout.cancel(a, "duplicate request")
    assert world.balance()[2] == 10000000
    with pytest.raises(flexwork.StateError):
        ctx.payout.cancel(a, "again")
    ctx.set_actor(flexwork.ROLE_FINANCE)
    with pytest.raises(flexwork.StateError) as e:
        ctx.payout.submit(a)
    assert e.value.message == "order_id: payout order 1 is cancelled; only a held order is submitted"
    assert world.timeline(a) == "held>cancelled"


def test_batches(ctx: flexwork.Context, world: World) -> None:  # .c
    def batch(key: str, mode: str, n: int, amount: int, bad_at: int = -1, **extra: Any) -> Dict[str, Any]:
        return dict({"idempotency_key": key, "enterprise_id": world.ent, "mode": mode,
                     "orders": [{"idempotency_key": f"{key}-{i}",
                                 "worker_id": world.w2 if i % 2 else world.w1,
                                 "amount_fen": 9500000 if i == bad_at else amount,
                                 "task_ref": f"T-{i}"} for i in range(n)]}, **extra)

    with pytest.raises(flexwork.FundsError) as e:
        ctx.payout.batch(batch("b-1", "all", 10, 10000, 7))
    assert e.value.path == "$.orders[7]"
    assert world.balance()[2] == 10000000
    channel = Channel({"status": "success", "channel_ref": "CMB-1"})
    ctx.set_payment_provider(submit=channel.submit)
    got = ctx.payout.batch(batch("b-2", "all", 10, 10000, submit=True))
    assert (got["orders"], got["paid"], got["rejected"], got["amount_fen"], len(got["items"])) == (
        10, 10, 0, 100000, 10)
    assert ctx.payout.batch(batch("b-2", "all", 10, 10000, submit=True))["paid"] == 10   # replay
    assert len(channel.requests) == 10
    assert world.balance()[0] == 10000000 - 106000
    partial = ctx.payout.batch(batch("b-3", "partial", 4, 10000, 3))
    assert (partial["orders"], partial["rejected"]) == (3, 1)
    submitted = ctx.payout.batch_submit(partial["batch_id"])
    assert submitted["paid"] == 3
    listed = ctx.payout.list({"enterprise_id": world.ent, "state": "paid"})
    assert (len(listed["orders"]), listed["next_after_id"]) == (13, None)


def test_statements_and_vouchers(ctx: flexwork.Context, world: World, clock: Clock) -> None:
    channel = Channel({"status": "success", "channel_ref": "CMB-1"})
    ctx.set_payment_provider(submit=channel.submit)
    a, _ = world.order("s-1", world.w1, 100000)
    b, _ = world.order("s-2", world.w1, 300000)
    c, _ = world.order("s-3", world.w1, 50000)
    ctx.payout.submit(a)
    ctx.payout.submit(b)
    channel.answer = {"status": "failed", "reason": "account closed"}
    ctx.payout.submit(c)
    clock.ms += 86400 * 1000
    ctx.payout.result(b, flexwork.PAYOUT_RESULT_RETURNED, None, "closed")
    ctx.set_actor(flexwork.ROLE_WORKER, world.w1)
    statement = json.loads(ctx.payout.statement(world.w1, "2026-03", flexwork.PAYOUT_FORMAT_JSON))
    assert (statement["orders"], statement["gross_fen"], statement["fee_borne_fen"],
            statement["returned_orders"]) == (2, 400000, 0, 1)
    assert statement["lines"][1]["state"] == "returned"
    csv = ctx.payout.statement(world.w1, "2026-03", flexwork.PAYOUT_FORMAT_CSV)
    assert csv.startswith("period,order_id,enterprise_id,task_ref,paid_date,gross,fee_borne,iit,"
                          "vat,surcharges,net,state\n2026-03,1,1,\"T-1\",2026-03-15,1000.00,0.00,")
    assert "\n2026-03,total,,,,4000.00,0.00," in csv
    with pytest.raises(flexwork.InvalidError):
        ctx.payout.statement(world.w1, "2026-3", flexwork.PAYOUT_FORMAT_CSV)
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, world.ent)
    summary = ctx.payout.enterprise_summary(world.ent, "2026-03")
    assert summary["orders"] == 3
    assert summary["by_state"] == {"paid": 1, "returned": 1, "failed": 1}
    assert (summary["paid"]["orders"], summary["paid"]["fee_fen"]) == (2, 24000)
    vouchers = json.loads(ctx.payout.vouchers(world.ent, "2026-03", flexwork.PAYOUT_FORMAT_JSON))
    assert len(vouchers["vouchers"]) == 6
    assert all(v["debit_fen"] == v["credit_fen"] for v in vouchers["vouchers"])
    assert vouchers["vouchers"][1]["summary"] == "代发劳务报酬：分配服务费、代扣税费及实发"
    assert ctx.payout.vouchers(world.ent, "2026-03", flexwork.PAYOUT_FORMAT_CSV).startswith(
        "voucher_no,date,summary,account_code,account_name,debit,credit\n1,2026-03-15,")


def test_suspended_by_the_risk_gate_then_released(ctx: flexwork.Context, world: World) -> None:
    ctx.set_payment_provider(submit=Channel({"status": "success", "channel_ref": "CMB-1"}).submit)
    paid, _ = world.order("p-1", world.w1, 3000000)
    assert ctx.payout.submit(paid) == flexwork.PAYOUT_PAID
    # the month's total would pass the VAT threshold: the gate asks for a review, nothing held
    big, state = world.order("big", world.w1, 9500000)
    assert state == flexwork.PAYOUT_SUSPENDED
    assert world.balance() == (6820000, 6820000, 6820000)
    step = ctx.payout.get(big)["timeline"][0]
    assert (step["to"], step["note"]) == ("suspended", "risk review: VAT_THRESHOLD_REACHED")
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    with pytest.raises(flexwork.FundsError) as e:          # the release runs the funds check
        ctx.payout.release(big, "checked with the enterprise")
    assert e.value.path == "amount_fen"
    assert ctx.payout.get(big)["state"] == "suspended"
