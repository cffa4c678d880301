"""Reconciliation (include/flexwork/recon.h) through the binding: statements imported from
bytes, file objects, Python readers and files; runs with every outcome and the balance check;
cases, four-eyes adjustments, the fee check and reconciliation files, with the C suite's
figures (R-7.9.a-d)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, List

import pytest

import flexwork

from conftest import CLOCK_START, ENT1, ENT2, Parties

HOUR = 3600000
DAY = 24 * HOUR
D14 = CLOCK_START - 10 * HOUR - DAY          # 2026-03-14 00:00 CST
HEADER = "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要\n"
CSV = {"format": "csv", "profile": "generic_bank", "encoding": "utf-8"}
CHANNEL = {"kind": "bank", "counterparty": "招商银行杭州分行", "agreement_no": "CMB-2026-001",
           "valid_from": "2026-01-01", "valid_to": "2026-12-31"}


def account(ctx: flexwork.Context, type_: str, owner_kind: str = "platform", owner: int = 0) -> int:
    kinds = {"platform": flexwork.LEDGER_OWNER_PLATFORM, "enterprise": flexwork.LEDGER_OWNER_ENTERPRISE}
    types = {"bank_clearing": flexwork.ACCT_BANK_CLEARING, "payout_clearing": flexwork.ACCT_PAYOUT_CLEARING,
             "fee_revenue": flexwork.ACCT_FEE_REVENUE, "enterprise_funds": flexwork.ACCT_ENTERPRISE_FUNDS}
    try:
        return ctx.ledger.account_find(kinds[owner_kind], owner, types[type_])
    except flexwork.NotFoundError:
        return ctx.ledger.account_open({"owner_kind": owner_kind, "owner_id": owner, "type": type_})


def book(ctx: flexwork.Context, ref: str, amount: int, ms: int) -> int:
    """A ledger record on bank clearing: money in (> 0) or out (< 0), with a reference."""
    bank, other = account(ctx, "bank_clearing"), account(ctx, "payout_clearing")
    side, other_side = ("debit_fen", "credit_fen") if amount > 0 else ("credit_fen", "debit_fen")
    return ctx.ledger.entry_post({
        "idempotency_key": f"book-{ref}-{ms}", "reason": "payout.paid", "effective_ms": ms,
        "ref_kind": "payout", "ref_id": ref,
        "postings": [{"account_id": bank, side: abs(amount)}, {"account_id": other, other_side: abs(amount)}]})


def first_case(ctx: flexwork.Context, kind: str) -> int:
    return min(c["id"] for c in ctx.recon.case_list()["cases"] if c["kind"] == kind)


def test_outcomes_and_balance_check(ctx: flexwork.Context) -> None:  # .a
    book(ctx, "P-1", -10000, D14 + 9 * HOUR)
    book(ctx, "P-2", -5000, D14 + 23 * HOUR + 50 * 60000)    # paid 23:50, the bank books it 00:10
    book(ctx, "P-3", -7000, D14 + 10 * HOUR)                 # the bank never paid it
    book(ctx, "P-4", -3000, D14 + 11 * HOUR)                 # the bank paid 31.00
    text = (HEADER +
            "20260314,09:00:05,T001,P-1,100.00,,900.00,张三,6222020012345678,代发\n"
            "20260314,11:00:00,T004,P-4,31.00,,869.00,李四,6222020012345679,代发\n"
            "20260314,15:00:00,T005,,5.00,,864.00,,,手续费\n"
            "20260314,09:00:05,T001,P-1,100.00,,900.00,张三,6222020012345678,代发\n"
            "20260315,00:10:00,T002,P-2,50.00,,814.00,王五,6222020012345670,代发\n").encode()
    chunks = [text[i:i + 7] for i in range(0, len(text), 7)]     # every boundary is crossed
    st = ctx.recon.import_(lambda size: chunks.pop(0) if chunks else b"", CSV)
    statement = ctx.recon.statement_get(st)
    assert (statement["id"], statement["format"], statement["lines"], statement["run_id"]) == (
        st, "csv", 5, None)
    with ctx.recon.run(st, {"feed_funding": False}) as run:
        assert run.outcome(flexwork.RECON_MATCHED) == (1, -10000)
        assert run.outcome(flexwork.RECON_LATE) == (1, -5000)
        assert run.outcome(flexwork.RECON_AMOUNT_DIFFERS) == (1, -3100)
        assert run.outcome(flexwork.RECON_MISSING_IN_LEDGER) == (1, -500)
        assert run.outcome(flexwork.RECON_DUPLICATE) == (1, -10000)
        assert run.outcome(flexwork.RECON_MISSING_IN_STATEMENT) == (1, -7000)
        with pytest.raises(flexwork.InvalidError):
            run.outcome(99)
        summary = run.summary()
        balance = summary["balance"]
        # the balance column counted the duplicate: the statement itself is inconsistent
        assert (balance["opening_fen"], balance["movements_fen"], balance["closing_fen"],
                balance["statement_consistent"]) == (100000, -28600, 81400, False)
        assert summary["cases_opened"] == 4
        results = run.results()
        assert results["total"] == 6
        assert [r["outcome"] for r in run.results(flexwork.RECON_LATE)["results"]] == ["late"]
        run_id = run.id()
        assert run_id > 0
    assert ctx.recon.run_get(run_id)["cases_opened"] == 4
    with pytest.raises(flexwork.StateError):
        ctx.recon.run(st)                        # reconciled once


def test_balance_difference_is_explained(ctx: flexwork.Context) -> None:
    book(ctx, "IN-1", 100000, D14 - DAY)
    book(ctx, "P-1", -10000, D14 + 9 * HOUR)
    st = ctx.recon.import_(io.BytesIO((HEADER + "20260314,09:00:00,T001,P-1,100.00,,900.00,,,代发\n"
                                       "20260314,15:00:00,T005,,5.00,,895.00,,,手续费\n").encode()), CSV)
    with ctx.recon.run(st) as run:
        assert run.summary()["balance"] == {
            "opening_fen": 100000, "movements_fen": -10500, "closing_fen": 89500,
            "statement_consistent": True, "ledger_opening_fen": 100000, "ledger_fen": 90000,
            "difference_fen": -500, "opening_difference_fen": 0, "explained_fen": -500,
            "unexplained_fen": 0}


def test_imports_refused(ctx: flexwork.Context, tmp_path: Path) -> None:  # .a
    text = (HEADER + "20260314,10:00:00,T1,,5.00,,,,,\n").encode()
    first = ctx.recon.import_(text, CSV)
    with pytest.raises(flexwork.ExistsError) as e:
        ctx.recon.import_(text, CSV)
    assert f"imported before as statement {first}" in e.value.message
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.recon.import_((HEADER + "20260314,10:00:00,T9,,5.0x,,,,,\n").encode(), CSV)
    assert "line 2" in e.value.message
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.recon.import_(b"", {"format": "pdf"})
    assert e.value.path == "$.format"

    def broken(size: int) -> bytes:
        raise OSError("the bank's server hung up")

    with pytest.raises(flexwork.UserError) as e:
        ctx.recon.import_(broken, CSV)
    assert isinstance(e.value.__cause__, OSError)
    path = tmp_path / "statement.csv"
    path.write_bytes((HEADER + "20260314,11:00:00,T2,,6.00,,,,,\n").encode())
    second = ctx.recon.import_file(str(path), CSV)
    assert second == first + 1
    with pytest.raises(flexwork.FlexworkIOError):
        ctx.recon.import_file(str(tmp_path / "none.csv"), CSV)
    assert ctx.recon.profile_get("generic_bank")["columns"]["date"] == "交易日期"
    ctx.recon.profile_set({"name": "my_bank", "delimiter": ";", "skip_lines": 0,
                           "encoding": "utf-8", "date_format": "YYYY-MM-DD",
                           "columns": {"date": "Date", "amount": "Amount", "reference": "Ref"}})
    assert ctx.recon.profile_get("my_bank")["delimiter"] == ";"
    third = ctx.recon.import_(b"Date;Amount;Ref\n2026-03-14;-1.50;X-1\n",
                              {"format": "csv", "profile": "my_bank"})
    assert ctx.recon.statement_get(third)["out_fen"] == 150
    with pytest.raises(flexwork.NotFoundError):
        ctx.recon.profile_get("no_such_bank")


def test_cases_and_four_eyes_adjustments(ctx: flexwork.Context) -> None:  # .c .d
    bank, revenue = account(ctx, "bank_clearing"), account(ctx, "fee_revenue")
    st = ctx.recon.import_((HEADER + "20260314,10:00:00,T1,,5.00,,,,,手续费\n"
                            "20260314,11:00:00,T2,,6.00,,,,,\n").encode(), CSV)
    ctx.recon.run(st).close()
    c = first_case(ctx, "missing_in_ledger")
    ctx.set_actor(flexwork.ROLE_OPERATOR, name="alice")
    ctx.recon.case_act(c, {"action": "investigate"})
    with pytest.raises(flexwork.StateError):
        ctx.recon.case_act(c, {"action": "investigate"})
    with pytest.raises(flexwork.InvalidError):
        ctx.recon.case_act(c, {"action": "note"})
    ctx.recon.case_act(c, {"action": "note", "note": "asked the bank"})
    ctx.set_actor(flexwork.ROLE_FINANCE, name="alice")
    adjustment = {"idempotency_key": "adj-1", "reason": "recon.adjust.bank_fee", "memo": "bank charge",
                  "postings": [{"account_id": revenue, "debit_fen": 500},
                               {"account_id": bank, "credit_fen": 500}]}
    adj = ctx.recon.adjust_propose(c, adjustment)
    assert ctx.recon.adjust_propose(c, adjustment) == adj           # the same key replays
    with pytest.raises(flexwork.DeniedError):
        ctx.recon.adjust_approve(adj)                               # four eyes
    ctx.set_actor(flexwork.ROLE_FINANCE, name="bob")
    entry = ctx.recon.adjust_approve(adj, "checked the bank's advice")
    assert entry > 0
    with pytest.raises(flexwork.StateError):
        ctx.recon.adjust_approve(adj)
    assert ctx.ledger.balance(bank)[0] == -500
    case = ctx.recon.case_get(c)
    assert case["state"] == "resolved_adjustment"
    assert (case["adjustments"][0]["proposed_by"], case["adjustments"][0]["approved_by"]) == (
        "alice", "bob")
    assert [e["action"] for e in case["events"]] == ["open", "investigate", "note", "adjust_propose",
                                                     "adjust_approve", "note"]

    other = c + 1
    ctx.set_actor(flexwork.ROLE_FINANCE, name="alice")
    adj2 = ctx.recon.adjust_propose(other, dict(adjustment, idempotency_key="adj-2"))
    ctx.set_actor(flexwork.ROLE_FINANCE, name="bob")
    with pytest.raises(flexwork.InvalidError):
        ctx.recon.adjust_reject(adj2, "")
    ctx.recon.adjust_reject(adj2, "wrong account")
    ctx.recon.case_act(other, {"action": "write_off", "note": "below threshold"})
    assert ctx.recon.case_get(other)["state"] == "written_off"
    assert ctx.recon.case_list({"state": "open"})["cases"] == []
    ctx.set_actor(flexwork.ROLE_WORKER, 5, "w")
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.recon.case_act(other, {"action": "investigate"})


@pytest.fixture
def active(ctx: flexwork.Context, parties: Parties) -> List[int]:
    ctx.party.channel_add(CHANNEL)
    return [parties.active_enterprise(ENT1), parties.active_enterprise(ENT2)]


def test_fee_check_and_reconciliation_files(ctx: flexwork.Context, active: List[int]) -> None:
    ent = active[0]                                                # .a .b
    ctx.fee.schedule_set({"enterprise_id": ent, "valid_from": "2026-01-01", "rate_ppm": 10000,
                          "charge": "before"})
    ctx.funding.register_source(ent, {"payer_account": "6222 0200 6666 6666"})
    ctx.funding.notice({"bank_txn_id": "G-1", "amount_fen": 100000,
                        "payer_account": "6222020066666666", "received_ms": 1773450000000})
    bank, funds = account(ctx, "bank_clearing"), account(ctx, "enterprise_funds", "enterprise", ent)
    revenue = account(ctx, "fee_revenue")
    ctx.ledger.entry_post({        # planted: 200000 recognised with a fee of 500, not 2000
        "idempotency_key": "planted", "reason": "funding.recognised", "effective_ms": 1773460000000,
        "ref_kind": "bank_txn", "ref_id": "F-2",
        "postings": [{"account_id": bank, "debit_fen": 200000}, {"account_id": funds, "credit_fen": 200000},
                     {"account_id": funds, "debit_fen": 500}, {"account_id": revenue, "credit_fen": 500}]})
    check: Any = ctx.recon.fee_check(D14 - 13 * DAY, D14 + 2 * DAY, 0, flexwork.RECON_FEE_OPEN_CASES)
    assert (check["checked"], check["booked_fen"], check["expected_fen"]) == (2, 1500, 3000)
    diff = check["differences"][0]
    assert (diff["base_fen"], diff["booked"]["fee_fen"], diff["expected_fen"], diff["difference_fen"]) == (
        200000, 500, 2000, -1500)
    assert diff["case_id"] > 0
    ctx.recon.fee_check(D14 - 13 * DAY, D14 + 2 * DAY, ent, flexwork.RECON_FEE_OPEN_CASES)
    assert len([c for c in ctx.recon.case_list()["cases"] if c["kind"] == "fee_difference"]) == 1

    index = ctx.recon.file_index(ent, "2026-03")
    assert index["days"] == [{"date": "2026-03-14", "entries": 4, "in_fen": 300000, "out_fen": 1500}]
    text = ctx.recon.file(ent, "2026-03-14", flexwork.RECON_FILE_CSV)
    assert text.startswith("section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,"
                           "amount,opening,closing\n")
    assert ",enterprise_funds,2985.00,0.00,2985.00\n" in text
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, active[1])
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.recon.file(ent, "2026-03", flexwork.RECON_FILE_JSON)
    ctx.set_actor(flexwork.ROLE_ADMIN)
    with pytest.raises(flexwork.InvalidError):
        ctx.recon.file(ent, "2026-03-32", flexwork.RECON_FILE_CSV)


def test_a_run_needs_its_context(ctx: flexwork.Context) -> None:
    st = ctx.recon.import_((HEADER + "20260314,10:00:00,T1,,5.00,,,,,\n").encode(), CSV)
    run = ctx.recon.run(st, {"dry_run": True})
    assert run.id() == 0                              # a dry run records nothing
    assert run.context is ctx
    ctx.close()
    with pytest.raises(flexwork.StateError) as e:
        run.results()
    assert e.value.message == "the context is closed"
    run.close()
