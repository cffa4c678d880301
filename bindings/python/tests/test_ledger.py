"""The ledger (include/flexwork/ledger.h) through the binding: exact balances, overdraft,
idempotency, two-phase holds, batches, int64 edges, periods, party accounts, queries and the
CSV / hledger exports, with the C suite's figures (R-7.5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict

import pytest

import flexwork

from conftest import CLOCK_START, Clock

INT64_MAX = 2**63 - 1
DAY = 86400000


@dataclass
class World:
    bank: int
    fee: int
    ent: int
    ent2: int
    worker: int


def account(ctx: flexwork.Context, owner_kind: str, owner_id: int, type_: str) -> int:
    return ctx.ledger.account_open({"owner_kind": owner_kind, "owner_id": owner_id, "type": type_})


def make_world(ctx: flexwork.Context) -> World:
    """Bank clearing, fee revenue, two enterprises' funds, worker 7; enterprise 1 funded
    with 100000 fen (the C suite's world)."""
    w = World(bank=account(ctx, "platform", 0, "bank_clearing"),
              fee=account(ctx, "platform", 0, "fee_revenue"),
              ent=account(ctx, "enterprise", 1, "enterprise_funds"),
              ent2=account(ctx, "enterprise", 2, "enterprise_funds"),
              worker=account(ctx, "worker", 7, "worker_payable"))
    ctx.ledger.transfer(w.bank, w.ent, 100000, "funding.recognised", "fund-1")
    return w


@pytest.fixture
def world(ctx: flexwork.Context) -> World:
    return make_world(ctx)


def posted(ctx: flexwork.Context, account_id: int) -> int:
    return ctx.ledger.balance(account_id)[0]


def assert_balanced(ctx: flexwork.Context) -> None:
    tb = ctx.ledger.trial_balance()
    assert tb["balanced"] is True, tb


def test_transfer_moves_exact_balances(ctx: flexwork.Context, world: World) -> None:  # .a
    assert posted(ctx, world.bank) == 100000
    entry = ctx.ledger.transfer(world.ent, world.worker, 30000, "payout.earned", "pay-1")
    assert ctx.ledger.balance(world.ent) == (70000, 70000, 70000)
    assert posted(ctx, world.worker) == 30000
    acct = ctx.ledger.account_get(world.ent)
    assert acct["type"] == "enterprise_funds"
    assert (acct["debits_posted_fen"], acct["credits_posted_fen"]) == (30000, 100000)
    assert acct["flags"] == ["debits_must_not_exceed_credits"]
    assert ctx.ledger.entry_get(entry)["postings"] == [
        {"account_id": world.ent, "debit_fen": 30000, "pending": False},
        {"account_id": world.worker, "credit_fen": 30000, "pending": False}]
    assert_balanced(ctx)


def test_overdraft_refused_nothing_changed(ctx: flexwork.Context, world: World) -> None:
    with pytest.raises(flexwork.FundsError) as e:
        ctx.ledger.transfer(world.ent, world.worker, 100001, "payout.earned", "p-1")
    assert e.value.path == "debit_account"
    assert e.value.message == "debit_account: account 3 has 100000 fen available, 100001 fen needed"
    assert (posted(ctx, world.ent), posted(ctx, world.worker)) == (100000, 0)
    assert_balanced(ctx)


def test_idempotency_and_bad_arguments(ctx: flexwork.Context, world: World) -> None:
    a = ctx.ledger.transfer(world.ent, world.worker, 100, "payout.earned", "k")
    assert ctx.ledger.transfer(world.ent, world.worker, 100, "payout.earned", "k") == a
    with pytest.raises(flexwork.ConflictError):
        ctx.ledger.transfer(world.ent, world.worker, 101, "payout.earned", "k")
    assert posted(ctx, world.worker) == 100
    for args, path in [((world.ent, world.worker, 0, "x", "k1"), "amount_fen"),
                       ((world.ent, world.ent, 1, "x", "k2"), "credit_account"),
                       ((world.ent, world.worker, 1, "", "k3"), "reason"),
                       ((world.ent, world.worker, 1, "x", ""), "idem_key")]:
        with pytest.raises(flexwork.InvalidError) as e:
            ctx.ledger.transfer(*args)
        assert e.value.path == path
    with pytest.raises(flexwork.NotFoundError) as e:
        ctx.ledger.transfer(world.ent, 999, 1, "x", "k4")
    assert e.value.message == "credit_account: no ledger account 999"


def test_reversal(ctx: flexwork.Context, world: World) -> None:
    e = ctx.ledger.transfer(world.ent, world.worker, 30000, "payout.earned", "x")
    r = ctx.ledger.entry_reverse(e, "payout.returned", "rev")
    assert ctx.ledger.entry_reverse(e, "payout.returned", "rev") == r
    assert (posted(ctx, world.ent), posted(ctx, world.worker)) == (100000, 0)
    assert ctx.ledger.entry_get(r)["kind"] == "reversal"
    with pytest.raises(flexwork.StateError):
        ctx.ledger.entry_reverse(e, "again", "rev2")


def test_two_phase_holds(ctx: flexwork.Context, world: World) -> None:
    h = ctx.ledger.hold(world.ent, world.worker, 30000, 0, "payout.hold", "h1")
    assert ctx.ledger.balance(world.ent) == (100000, 70000, 70000)
    assert ctx.ledger.balance(world.worker) == (0, 30000, 0)
    with pytest.raises(flexwork.FundsError):
        ctx.ledger.transfer(world.ent, world.worker, 70001, "payout.earned", "t1")
    e = ctx.ledger.hold_post(h, 20000, "hp1")
    assert ctx.ledger.hold_post(h, 20000, "hp1") == e       # replay
    assert ctx.ledger.balance(world.ent) == (80000, 80000, 80000)
    assert posted(ctx, world.worker) == 20000
    with pytest.raises(flexwork.StateError) as err:
        ctx.ledger.hold_post(h, 1000, "hp2")
    assert "is already posted" in err.value.message
    with pytest.raises(flexwork.StateError):
        ctx.ledger.hold_void(h, "hv1")
    h2 = ctx.ledger.hold(world.ent, world.worker, 5000, 0, "payout.hold", "h2")
    with pytest.raises(flexwork.InvalidError) as err:
        ctx.ledger.hold_post(h2, 5001, "hp3")
    assert err.value.path == "amount_fen"
    ctx.ledger.hold_void(h2, "hv2")
    assert ctx.ledger.balance(world.ent)[2] == 80000
    with pytest.raises(flexwork.StateError):
        ctx.ledger.hold_post(h2, flexwork.LEDGER_AMOUNT_FULL, "hp4")
    assert_balanced(ctx)


def test_holds_expire_by_clock(ctx: flexwork.Context, world: World, clock: Clock) -> None:
    h = ctx.ledger.hold(world.ent, world.worker, 60000, clock.ms + 1000, "payout.hold", "h1")
    assert ctx.ledger.balance(world.ent)[2] == 40000
    clock.ms += 1000
    with pytest.raises(flexwork.StateError) as e:
        ctx.ledger.hold_post(h, flexwork.LEDGER_AMOUNT_FULL, "hp")
    assert "expired" in e.value.message
    assert ctx.ledger.expire_holds(clock.ms) == 1
    assert ctx.ledger.expire_holds(clock.ms) == 0
    assert ctx.ledger.balance(world.ent)[2] == 100000


def test_batch_independent_and_atomic(ctx: flexwork.Context, world: World) -> None:
    items = [dict(debit_account=world.ent, credit_account=world.worker, amount_fen=40000,
                  reason="payout.earned", idem_key="x1"),
             dict(debit_account=world.ent, credit_account=world.worker, amount_fen=70000,
                  reason="payout.earned", idem_key="x2"),
             dict(debit_account=world.ent, credit_account=world.fee, amount_fen=500,
                  reason="fee.charged", idem_key="x3")]
    ids, codes = ctx.ledger.transfer_batch(items)
    assert codes == [flexwork.OK, flexwork.EFUNDS, flexwork.OK]
    assert ids[0] > 0 and ids[1] == 0 and ids[2] > ids[0]
    assert posted(ctx, world.ent) == 59500
    for i, it in enumerate(items):
        it["idem_key"] = f"y{i}"
    with pytest.raises(flexwork.FundsError) as e:
        ctx.ledger.transfer_batch(items, flexwork.LEDGER_BATCH_ATOMIC)
    assert e.value.path == "$[1].debit_account"
    assert posted(ctx, world.ent) == 59500
    assert ctx.ledger.transfer_batch([]) == ([], [])
    assert_balanced(ctx)


def test_host_transaction_groups_transfers(ctx: flexwork.Context, world: World) -> None:
    with pytest.raises(flexwork.FundsError):
        with ctx.transaction():
            ctx.ledger.transfer(world.ent, world.worker, 60000, "payout.earned", "b1")
            ctx.ledger.transfer(world.ent, world.worker, 60000, "payout.earned", "b2")
    assert posted(ctx, world.ent) == 100000        # the block rolled back as a whole
    with ctx.transaction():
        ctx.ledger.transfer(world.ent, world.worker, 60000, "payout.earned", "b3")
        ctx.ledger.transfer(world.ent, world.fee, 1000, "fee.charged", "b4")
    assert (posted(ctx, world.ent), posted(ctx, world.fee)) == (39000, 1000)


def test_overflow_at_int64_edges(ctx: flexwork.Context) -> None:
    bank = account(ctx, "platform", 0, "bank_clearing")
    fee = account(ctx, "platform", 0, "fee_revenue")
    ins = account(ctx, "platform", 0, "insurance_payable")
    ctx.ledger.transfer(bank, fee, INT64_MAX - 5, "x", "o1")
    with pytest.raises(flexwork.FlexworkOverflowError) as e:
        ctx.ledger.transfer(bank, ins, 10, "x", "o2")
    assert e.value.message == ("debit_account: account 1's posted debits would leave the int64 "
                               "fen range")
    ctx.ledger.transfer(ins, fee, 5, "x", "o4")
    assert (posted(ctx, fee), posted(ctx, bank), posted(ctx, ins)) == (INT64_MAX, INT64_MAX - 5, -5)


def test_balance_at_past_times(ctx: flexwork.Context, world: World, clock: Clock) -> None:
    t0 = clock.ms
    clock.ms += DAY
    ctx.ledger.transfer(world.ent, world.worker, 30000, "payout.earned", "x")
    assert ctx.ledger.balance_at(world.ent, t0) == 100000
    assert ctx.ledger.balance_at(world.ent, clock.ms) == 70000
    assert ctx.ledger.balance_at(world.ent, t0 - 1) == 0


def test_entry_post_balances_per_currency(ctx: flexwork.Context, world: World) -> None:
    e = ctx.ledger.entry_post({"idempotency_key": "m1", "reason": "adjust", "memo": "手工调整",
                               "postings": [{"account_id": world.ent, "debit_fen": 10},
                                            {"account_id": world.worker, "credit_fen": 10}]})
    assert ctx.ledger.entry_get(e)["memo"] == "手工调整"
    with pytest.raises(flexwork.InvalidError) as err:
        ctx.ledger.entry_post({"idempotency_key": "m2", "reason": "adjust",
                               "postings": [{"account_id": world.ent, "debit_fen": 10},
                                            {"account_id": world.worker, "credit_fen": 9}]})
    assert err.value.path.startswith("$.postings")


def test_period_close_and_reopen(ctx: flexwork.Context, world: World, clock: Clock) -> None:
    march = clock.ms
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.ledger.period_close("2026-03")
    assert e.value.message == "month: 2026-03 is not over yet; a period closes after its last day"
    clock.ms += 20 * DAY
    got = ctx.ledger.period_close("2026-03")
    assert (got["month"], got["state"], got["entries"]) == ("2026-03", "closed", 1)
    with pytest.raises(flexwork.StateError):
        ctx.ledger.period_close("2026-03")
    ctx.ledger.period_verify("2026-03")
    entry = {"idempotency_key": "bd", "reason": "adjust", "effective_ms": march,
             "postings": [{"account_id": world.ent, "debit_fen": 10},
                          {"account_id": world.worker, "credit_fen": 10}]}
    with pytest.raises(flexwork.ClosedError) as e:
        ctx.ledger.entry_post(entry)
    assert e.value.message == ("$.effective_ms: the accounting period 2026-03 is closed; date the "
                               "entry in an open period")
    ctx.set_actor(flexwork.ROLE_FINANCE)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.ledger.period_reopen("2026-03", "late bank fee")
    ctx.set_actor(flexwork.ROLE_ADMIN)
    with pytest.raises(flexwork.InvalidError):
        ctx.ledger.period_reopen("2026-03", "")
    ctx.ledger.period_reopen("2026-03", "late bank fee")
    ctx.ledger.entry_post(dict(entry, idempotency_key="be"))
    assert ctx.ledger.period_close("2026-03")["entries"] == 2


def test_party_accounts_and_close_at_zero(ctx: flexwork.Context, world: World) -> None:  # R-6.a
    ctx.ledger.open_party_accounts(flexwork.LEDGER_OWNER_ENTERPRISE, 9)
    ctx.ledger.open_party_accounts(flexwork.LEDGER_OWNER_ENTERPRISE, 9)   # once
    rec = ctx.ledger.account_find(flexwork.LEDGER_OWNER_ENTERPRISE, 9, flexwork.ACCT_FEE_RECEIVABLE)
    assert ctx.ledger.account_find(flexwork.LEDGER_OWNER_ENTERPRISE, 9,
                                   flexwork.ACCT_FEE_RECEIVABLE, "CNY") == rec
    with pytest.raises(flexwork.NotFoundError):
        ctx.ledger.account_find(flexwork.LEDGER_OWNER_ENTERPRISE, 10, flexwork.ACCT_FEE_RECEIVABLE)
    with pytest.raises(flexwork.InvalidError):
        ctx.ledger.open_party_accounts(flexwork.LEDGER_OWNER_PLATFORM, 0)
    with pytest.raises(flexwork.ExistsError) as e:
        account(ctx, "enterprise", 1, "enterprise_funds")
    assert e.value.message == ("$.type: enterprise 1 already has a enterprise_funds account in CNY: "
                               "account 3")
    with pytest.raises(flexwork.InvalidError) as e:
        account(ctx, "enterprise", 1, "nope")
    assert e.value.path == "$.type"
    with pytest.raises(flexwork.StateError) as e:
        ctx.ledger.account_close(world.ent)
    assert e.value.message == ("account_id: account 3 closes only at zero; its posted balance is "
                               "100000 fen and 100000 fen pending in 0 fen of holds")
    ctx.ledger.transfer(world.ent, world.bank, 100000, "funding.refund", "r")
    ctx.ledger.account_close(world.ent)
    assert ctx.ledger.account_get(world.ent)["state"] == "closed"
    with pytest.raises(flexwork.StateError) as e:
        ctx.ledger.transfer(world.bank, world.ent, 1, "x", "r2")
    assert e.value.message == "credit_account: account 3 is closed"


def test_worker_income_and_entry_queries(ctx: flexwork.Context, world: World,
                                         clock: Clock) -> None:  # .c .e
    t0 = clock.ms
    for i in range(5):
        clock.ms += 1000
        ctx.ledger.transfer(world.ent, world.worker, 1000 + i, "payout.earned", f"w{i}")
    ctx.ledger.transfer(world.worker, world.bank, 2000, "payout.paid", "wp")
    income = ctx.ledger.worker_income(7, t0, clock.ms + 1)
    assert (income["credited_fen"], income["debited_fen"], income["net_fen"], income["entries"]) == (
        5010, 2000, 3010, 6)
    assert {"reason": "payout.earned", "credited_fen": 5010, "debited_fen": 0} in income["by_reason"]
    assert income["balance_fen"] == 3010
    part = ctx.ledger.worker_income(7, t0 + 2500, t0 + 4500)
    assert (part["credited_fen"], part["debited_fen"]) == (2005, 0)
    ctx.set_actor(flexwork.ROLE_WORKER, 8)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.ledger.worker_income(7, t0, clock.ms)
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    page = ctx.ledger.entries({"owner_kind": "worker", "owner_id": 7, "limit": 4})
    assert [e["id"] for e in page["entries"]] == [7, 6, 5, 4] and page["next_before_id"] == 4
    page = ctx.ledger.entries({"owner_kind": "worker", "owner_id": 7, "limit": 4, "before_id": 4})
    assert [e["id"] for e in page["entries"]] == [3, 2] and page["next_before_id"] is None
    ctx.set_actor(flexwork.ROLE_ADMIN)
    assert [e["id"] for e in ctx.ledger.entries({"reason": "payout.paid"})["entries"]] == [7]
    assert len(ctx.ledger.entries()["entries"]) == 7
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.ledger.entries({"limit": 0})
    assert e.value.path == "$.limit"


def test_exports_and_chart_of_accounts(ctx: flexwork.Context, world: World) -> None:
    ctx.ledger.transfer(world.ent, world.worker, 30000, "payout.earned", "x1")
    ctx.ledger.transfer(world.ent, world.fee, 1234, "fee.charged", "x2")
    ctx.ledger.coa_set({"type": "fee_revenue", "code": "6051.01", "name": "其他业务收入-服务费"})
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.ledger.coa_set({"type": "fee_revenue", "code": "60a", "name": "x"})
    assert e.value.path == "$.code"
    assert {"type": "fee_revenue", "type_code": 3, "code": "6051.01", "name": "其他业务收入-服务费",
            "normal_side": "credit"} in ctx.ledger.coa_get()["accounts"]
    assert ctx.ledger.export(flexwork.LEDGER_EXPORT_LEDGER, 0, INT64_MAX) == (
        "; libflexwork journal export\n"
        "\n2026-03-15 funding.recognised  ; entry:1\n"
        "    assets:1002.01 银行存款-备付金专户:platform  CNY 1000.00\n"
        "    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY -1000.00\n"
        "\n2026-03-15 payout.earned  ; entry:2\n"
        "    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY 300.00\n"
        "    liabilities:2202.01 应付账款-应付劳务报酬:worker-7  CNY -300.00\n"
        "\n2026-03-15 fee.charged  ; entry:3\n"
        "    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY 12.34\n"
        "    revenues:6051.01 其他业务收入-服务费:platform  CNY -12.34\n")
    csv = ctx.ledger.export(flexwork.LEDGER_EXPORT_CSV, 0, INT64_MAX)
    assert csv.startswith("entry_id,date,effective_ms,kind,reason,ref_kind,ref_id,account_id,"
                          "account_code,account_name,owner_kind,owner_id,currency,debit,credit\n"
                          f"1,2026-03-15,{CLOCK_START},posted,\"funding.recognised\",\"\",\"\",1,"
                          "\"1002.01\",\"银行存款-备付金专户\",platform,0,CNY,1000.00,\n")
    assert ('3,2026-03-15,1773540000000,posted,"fee.charged","","",2,"6051.01",'
            '"其他业务收入-服务费",platform,0,CNY,,12.34\n') in csv
    with pytest.raises(flexwork.InvalidError):
        ctx.ledger.export(9, 0, 1)


def test_roles_are_enforced(ctx: flexwork.Context, world: World) -> None:  # R-6.h
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, 1)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.ledger.transfer(world.ent, world.worker, 1, "x", "z")
    assert posted(ctx, world.ent) == 100000
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.ledger.balance(world.ent2)


def test_trial_balance_shape(ctx: flexwork.Context, world: World) -> None:
    tb: Dict[str, Any] = ctx.ledger.trial_balance()
    assert tb["balanced"] is True
