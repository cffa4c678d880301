"""Enterprise funding (include/flexwork/funding.h) through the binding: recognition by payer
account, reference code and virtual sub-account, suspense, idempotent notices, the fee charged
at funding, and refunds, with the C suite's figures (R-7.5.a, R-7.5.b)."""

from __future__ import annotations

import pytest

import flexwork

from conftest import ENT1, ENT2, Parties

PAYER = "6222020012345678009"
CHANNEL = {"kind": "bank", "counterparty": "招商银行杭州分行", "agreement_no": "CMB-2026-001",
           "valid_from": "2026-01-01", "valid_to": "2026-12-31"}


@pytest.fixture(autouse=True)
def platform_and_enterprises(ctx: flexwork.Context, parties: Parties) -> None:
    """R-4.1, R-7.2: money moves once the platform has a channel agreement; enterprises 1 to 3
    are active."""
    ctx.party.channel_add(CHANNEL)
    assert parties.active_enterprise(ENT1) == 1
    assert parties.active_enterprise(ENT2) == 2
    assert parties.active_enterprise(("北京海淀测试科技有限公司", "91110108551385082Q")) == 3


def posted(ctx: flexwork.Context, owner_kind: int, owner: int, type_: int) -> int:
    try:
        account = ctx.ledger.account_find(owner_kind, owner, type_)
    except flexwork.NotFoundError:
        return 0
    return ctx.ledger.balance(account)[0]


def funds(ctx: flexwork.Context, enterprise: int) -> int:
    return posted(ctx, flexwork.LEDGER_OWNER_ENTERPRISE, enterprise, flexwork.ACCT_ENTERPRISE_FUNDS)


def platform(ctx: flexwork.Context, type_: int) -> int:
    return posted(ctx, flexwork.LEDGER_OWNER_PLATFORM, 0, type_)


def source(ctx: flexwork.Context, enterprise: int, account: str = PAYER) -> int:
    return ctx.funding.register_source(enterprise, {"payer_account": account,
                                                    "payer_name": "北京某某科技有限公司"})


def test_recognised_by_payer_account(ctx: flexwork.Context) -> None:  # .b
    source(ctx, 1, "6222 0200 1234 5678 009")
    i = ctx.funding.notice({"bank_txn_id": "B-1", "amount_fen": 100000,
                            "payer_name": "北京某某科技有限公司",
                            "payer_account": "6222-0200-1234-5678-009", "remark": "备付金"})
    got = ctx.funding.incoming_get(i)
    assert (got["payer_name"], got["payer_account"]) == ("北*********", "6222***********8009")
    assert (got["state"], got["enterprise_id"], got["matched_by"], got["fee_fen"]) == (
        "recognised", 1, "payer_account", 0)
    assert funds(ctx, 1) == 100000
    assert platform(ctx, flexwork.ACCT_BANK_CLEARING) == 100000


def test_recognised_by_reference_code(ctx: flexwork.Context) -> None:
    code = ctx.funding.reference_code(2)
    assert len(code) == 8 and code.startswith("FW")
    i = ctx.funding.notice({"bank_txn_id": "B-2", "amount_fen": 5000,
                            "remark": f"pay {code.lower()} march"})
    got = ctx.funding.incoming_get(i)
    assert (got["state"], got["enterprise_id"], got["matched_by"]) == ("recognised", 2, "reference")
    assert funds(ctx, 2) == 5000
    assert ctx.funding.reference_code(2) == code


def test_recognised_by_virtual_sub_account(ctx: flexwork.Context) -> None:
    ctx.funding.register_virtual_account(3, "9558 8000 0000 0003")
    ctx.funding.register_virtual_account(3, "9558800000000003")
    with pytest.raises(flexwork.ExistsError) as e:
        ctx.funding.register_virtual_account(4, "9558-8000-0000-0003")
    assert e.value.message == ("account: the virtual sub-account 9558800000000003 is registered to "
                               "enterprise 3")
    i = ctx.funding.notice({"bank_txn_id": "V-1", "amount_fen": 8800,
                            "payee_account": "9558800000000003", "payer_account": "6217000011112222"})
    got = ctx.funding.incoming_get(i)
    assert (got["state"], got["enterprise_id"], got["matched_by"]) == (
        "recognised", 3, "virtual_account")
    source(ctx, 1)
    i = ctx.funding.notice({"bank_txn_id": "V-2", "amount_fen": 100,
                            "payee_account": "9558800000000003", "payer_account": PAYER})
    assert ctx.funding.incoming_get(i)["state"] == "suspense"
    assert (funds(ctx, 3), platform(ctx, flexwork.ACCT_SUSPENSE)) == (8800, 100)


def test_suspense_then_assign_or_return(ctx: flexwork.Context) -> None:
    a = ctx.funding.notice({"bank_txn_id": "B-3", "amount_fen": 7000,
                            "payer_account": "9999888877776666"})
    b = ctx.funding.notice({"bank_txn_id": "B-4", "amount_fen": 300})
    assert platform(ctx, flexwork.ACCT_SUSPENSE) == 7300
    got = ctx.funding.incoming_get(a)
    assert (got["state"], got["enterprise_id"], got["matched_by"]) == ("suspense", None, None)
    page = ctx.funding.incoming_list(flexwork.FUNDING_SUSPENSE, 10, 0)
    assert [x["bank_txn_id"] for x in page["incoming"]] == ["B-4", "B-3"]
    assert page["next_before_id"] is None
    page = ctx.funding.incoming_list(0, 1, 0)
    assert [x["id"] for x in page["incoming"]] == [b] and page["next_before_id"] == b
    with pytest.raises(flexwork.InvalidError):
        ctx.funding.incoming_list(0, 0, 0)
    ctx.funding.assign(a, 1, "as-1")
    ctx.funding.assign(a, 1, "as-1")                 # replay
    assert (funds(ctx, 1), platform(ctx, flexwork.ACCT_SUSPENSE)) == (7000, 300)
    got = ctx.funding.incoming_get(a)
    assert (got["state"], got["enterprise_id"], got["matched_by"]) == ("assigned", 1, "operator")
    with pytest.raises(flexwork.StateError) as e:
        ctx.funding.assign(a, 2, "as-2")
    assert e.value.message == ("incoming_id: incoming transfer 1 is assigned; only one in suspense "
                               "can be resolved")
    ctx.funding.return_(b, "ret-1")
    assert platform(ctx, flexwork.ACCT_SUSPENSE) == 0
    assert platform(ctx, flexwork.ACCT_BANK_CLEARING) == 7000
    assert ctx.funding.incoming_get(b)["state"] == "returned"


def test_notice_idempotent_by_bank_txn_id(ctx: flexwork.Context) -> None:
    n1 = {"bank_txn_id": "B-6", "amount_fen": 4000, "received_ms": 1773539000000}
    a = ctx.funding.notice(n1)
    assert ctx.funding.notice(n1) == a
    with pytest.raises(flexwork.ConflictError) as e:
        ctx.funding.notice(dict(n1, amount_fen=4001))
    assert e.value.message == ('idempotency_key: key "B-6" was first used with a different '
                               'amount_fen; use a new key for a new request')
    assert platform(ctx, flexwork.ACCT_SUSPENSE) == 4000


@pytest.mark.parametrize("notice,path", [
    ({"amount_fen": 1}, "$.bank_txn_id"),
    ({"bank_txn_id": "x", "amount_fen": 0}, "$.amount_fen"),
    ({"bank_txn_id": "x", "amount_fen": 5, "payer_account": "12"}, "$.payer_account"),
    ({"bank_txn_id": "x", "amount_fen": 5, "received_ms": 9773540000000}, "$.received_ms"),
    ({"bank_txn_id": "x", "amount_fen": 5, "payee": "me"}, "$.payee"),
])
def test_bad_notices_name_the_field(ctx: flexwork.Context, notice: dict, path: str) -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.funding.notice(notice)
    assert e.value.path == path
    with pytest.raises(flexwork.NotFoundError):
        ctx.funding.incoming_get(1)


def test_fee_charged_before_at_funding(ctx: flexwork.Context) -> None:
    ctx.fee.schedule_set({"enterprise_id": 1, "valid_from": "2026-01-01", "rate_ppm": 10000,
                          "min_fen": 300, "charge": "before"})
    source(ctx, 1)
    i = ctx.funding.notice({"bank_txn_id": "B-7", "amount_fen": 100000, "payer_account": PAYER})
    assert (funds(ctx, 1), platform(ctx, flexwork.ACCT_FEE_REVENUE)) == (99000, 1000)
    assert ctx.funding.incoming_get(i)["fee_fen"] == 1000
    ctx.funding.notice({"bank_txn_id": "B-8", "amount_fen": 200, "payer_account": PAYER})
    assert (funds(ctx, 1), platform(ctx, flexwork.ACCT_FEE_REVENUE)) == (99000, 1200)


def test_refund_of_unused_funds(ctx: flexwork.Context) -> None:  # .a
    source(ctx, 1)
    ctx.funding.notice({"bank_txn_id": "B-9", "amount_fen": 100000, "payer_account": PAYER})
    acct = ctx.ledger.account_find(flexwork.LEDGER_OWNER_ENTERPRISE, 1,
                                   flexwork.ACCT_ENTERPRISE_FUNDS)
    r1 = ctx.funding.refund(1, 30000, "rf-1")
    assert ctx.ledger.balance(acct)[2] == 70000
    with pytest.raises(flexwork.FundsError) as e:
        ctx.funding.refund(1, 80000, "rf-2")
    assert e.value.message == ("amount_fen: enterprise 1's funds: account 1 has 70000 fen "
                               "available, 80000 fen needed")
    ctx.funding.refund_complete(r1, 1, "rc-1")
    assert (funds(ctx, 1), platform(ctx, flexwork.ACCT_BANK_CLEARING)) == (70000, 70000)
    with pytest.raises(flexwork.StateError):
        ctx.funding.refund_complete(r1, 0, "rc-2")
    r3 = ctx.funding.refund(1, 10000, "rf-3")
    ctx.funding.refund_complete(r3, 0, "rc-3")
    assert ctx.ledger.balance(acct) == (70000, 70000, 70000)
    ctx.set_actor(flexwork.ROLE_ENTERPRISE_USER, 2)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.funding.refund(1, 10, "rf-4")


def test_sources_belong_to_one_enterprise(ctx: flexwork.Context) -> None:
    a = ctx.funding.register_source(1, {"payer_account": PAYER})
    assert ctx.funding.register_source(1, {"payer_account": PAYER}) == a
    with pytest.raises(flexwork.ExistsError) as e:
        ctx.funding.register_source(2, {"payer_account": PAYER})
    assert e.value.message == ("$.payer_account: the account 6222***********8009 is registered to "
                               "enterprise 1")
