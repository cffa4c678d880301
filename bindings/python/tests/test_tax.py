"""Tax (include/flexwork/tax.h) through the binding: every golden vector of
tests/vectors/tax_cases.json, the declaration -> payment -> certificate flow with the C tests'
exact figures, the tax provider, policies, errors and the calculator's lifetime."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Dict, List

import pytest

import flexwork
from flexwork import constants as C

from conftest import CLOCK_START, MASTER_KEY, Clock, cst_noon, vector

CASES: List[Dict[str, Any]] = vector("tax_cases.json")["cases"]
CALC_CASES = [c for c in CASES if c["type"] == "calc"]
WITHHOLDING_CASES = [c for c in CASES if c["type"] == "withholding"]


def test_vector_file_is_complete() -> None:
    assert vector("tax_cases.json")["format"] == "flexwork-tax-cases"
    assert len(CALC_CASES) == 71
    assert len(WITHHOLDING_CASES) == 16


def typed(calc: flexwork.TaxCalc, req: Dict[str, Any]) -> int:
    """The same computation through the typed entry point of its kind."""
    kind = req["kind"]
    if kind == "labour_payment":
        return calc.labour_payment(req["gross_fen"])
    if kind == "labour_cumulative":
        return calc.labour_cumulative(req["cum_income_fen"], req["months"], req["withheld_fen"])
    if kind == "business":
        flags = flexwork.TAX_BUSINESS_INDIVIDUAL if req.get("individual_business") else 0
        return calc.business(req["amount_fen"], req.get("deemed_rate_ppm", 0), flags)
    if kind == "vat":
        return calc.vat(req["month_gross_fen"])[0]
    assert kind == "surcharges"
    return calc.surcharges(req["vat_fen"])


@pytest.mark.parametrize("case", CALC_CASES, ids=[c["name"] for c in CALC_CASES])
def test_golden_calc_case(case: Dict[str, Any]) -> None:  # .a .h
    with flexwork.TaxCalc(cst_noon(case["date"])) as calc:
        for name, value in case.get("policies", {}).items():
            calc.set_policy(name, value)
        expect = case["expect"]
        if "error" in expect:
            assert expect["error"] == "FW_ENOTFOUND"
            with pytest.raises(flexwork.NotFoundError) as e:
                calc.compute(case["request"])
            assert e.value.code == C.ENOTFOUND
            with pytest.raises(flexwork.NotFoundError):
                typed(calc, case["request"])
            return
        got = calc.compute(case["request"])
        assert got["result_fen"] == expect["result_fen"]
        for name, fen in expect.get("amounts", {}).items():
            assert got["amounts"][name] == fen, name
        assert calc.explain() == got
        assert typed(calc, case["request"]) == expect["result_fen"]


@pytest.mark.parametrize("case", WITHHOLDING_CASES, ids=[c["name"] for c in WITHHOLDING_CASES])
def test_golden_withholding_case(case: Dict[str, Any]) -> None:  # .a
    with flexwork.Context.open(":memory:", master_key=MASTER_KEY, clock=Clock(),
                               synchronous=flexwork.SYNC_NORMAL) as ctx:
        ctx.set_actor(flexwork.ROLE_ADMIN, name="admin")
        for name, value in case.get("policies", {}).items():
            ctx.tax.set_policy(name, value)
        expect = case["expect"]
        total = 0
        for i, pay in enumerate(case["payments"]):
            ref = f"pay-{i}"
            withheld = ctx.tax.withhold(1, ref, pay["gross_fen"], cst_noon(pay["date"]))
            w = ctx.tax.withholding_get(ref)["withholding"]
            surcharges = w["city_maintenance_fen"] + w["education_fen"] + w["local_education_fen"]
            assert w["iit_fen"] == expect["iit_fen"][i], f"payment {i}"
            if "vat_fen" in expect:
                assert w["vat_fen"] == expect["vat_fen"][i]
            if "surcharge_fen" in expect:
                assert surcharges == expect["surcharge_fen"][i]
            assert withheld == w["iit_fen"] + w["vat_fen"] + surcharges
            total += w["iit_fen"]
        if "iit_total_fen" in expect:
            assert total == expect["iit_total_fen"]


def day(y: int, m: int, d: int) -> int:
    return cst_noon(f"{y:04d}-{m:02d}-{d:02d}")


def test_withholding_is_recorded_and_idempotent(ctx: flexwork.Context) -> None:  # .a
    assert ctx.tax.withhold(7, "po-1", 2000000, day(2026, 1, 10)) == 33000
    got = ctx.tax.withholding_get("po-1")
    assert got["reversal"] is None
    w = got["withholding"]
    assert (w["period"], w["method"], w["vat_collection"]) == ("2026-01", "cumulative", "agency")
    assert (w["iit_fen"], w["vat_fen"], w["income_fen"]) == (33000, 0, 2000000)
    assert ctx.tax.cumulative_get(7, 2026) == {
        "worker_id": 7, "year": 2026, "last_month": 1, "month_count": 1, "income_fen": 2000000,
        "expense_fen": 400000, "deduction_fen": 500000, "withheld_fen": 33000}
    # The same reference and amount replays; another amount or worker conflicts.
    assert ctx.tax.withhold(7, "po-1", 2000000, day(2026, 1, 10)) == 33000
    with pytest.raises(flexwork.ConflictError) as e:
        ctx.tax.withhold(7, "po-1", 2000001, day(2026, 1, 10))
    assert e.value.message == 'gross_fen: payment "po-1" was withheld on 2000000 fen, not 2000001'
    with pytest.raises(flexwork.ConflictError) as e:
        ctx.tax.withhold(8, "po-1", 2000000, day(2026, 1, 10))
    assert e.value.path == "worker_id"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.withhold(7, "", 1, day(2026, 1, 10))
    assert e.value.path == "payment_ref"
    with pytest.raises(flexwork.NotFoundError):
        ctx.tax.cumulative_get(7, 2025)
    with pytest.raises(flexwork.NotFoundError):
        ctx.tax.withholding_get("po-2")


def test_reversal_gives_tax_back(ctx: flexwork.Context) -> None:
    ctx.tax.withhold(7, "a", 2000000, day(2026, 2, 10))
    assert ctx.tax.reverse("a", day(2026, 2, 20)) == -33000
    assert ctx.tax.withholding_get("a")["reversal"]["iit_fen"] == -33000
    with pytest.raises(flexwork.StateError):
        ctx.tax.reverse("a", day(2026, 2, 21))
    with pytest.raises(flexwork.NotFoundError):
        ctx.tax.reverse("zz", day(2026, 2, 21))


def test_declaration_is_built_from_the_period_records(ctx: flexwork.Context) -> None:  # .b
    ctx.tax.withhold(7, "a", 2000000, day(2026, 2, 10))
    ctx.tax.withhold(7, "b", 2000000, day(2026, 3, 5))
    ctx.tax.withhold(7, "c", 1000000, day(2026, 3, 20))
    ctx.tax.withhold(9, "d", 10100000, day(2026, 3, 21))
    ctx.tax.reverse("a", day(2026, 3, 25))
    decl = ctx.tax.declaration_build("2026-03")
    d = ctx.tax.declaration_get(decl)
    assert (d["period"], d["version"], d["state"], d["supersedes_id"]) == ("2026-03", 1, "draft", None)
    assert d["totals"] == {"workers": 2, "gross_fen": 11100000, "income_fen": 11000000,
                           "iit_fen": 507000, "vat_fen": 100000, "surcharge_fen": 6000,
                           "total_fen": 613000}
    line7 = next(x for x in d["lines"] if x["worker_id"] == 7)
    assert line7 == {"worker_id": 7, "records": 3, "gross_fen": 1000000, "income_fen": 1000000,
                     "iit_fen": 9000, "vat_fen": 0, "city_maintenance_fen": 0, "education_fen": 0,
                     "local_education_fen": 0, "cum_income_fen": 3000000, "cum_expense_fen": 600000,
                     "cum_deduction_fen": 1000000, "cum_withheld_fen": 42000}
    assert ctx.tax.declaration_export_csv(decl) == (
        "period,version,worker_id,records,income,cum_income,cum_expense,cum_deduction,"
        "iit_withheld,cum_iit_withheld,vat,city_maintenance,education,local_education\r\n"
        "2026-03,1,7,3,10000.00,30000.00,6000.00,10000.00,90.00,420.00,0.00,0.00,0.00,0.00\r\n"
        "2026-03,1,9,1,100000.00,100000.00,20000.00,5000.00,4980.00,4980.00,1000.00,35.00,"
        "15.00,10.00\r\n")
    assert ctx.tax.declaration_latest("2026-03") == decl
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.declaration_build("2026-13")
    assert e.value.path == "period"
    assert e.value.message == 'period: must be a month "YYYY-MM", got "2026-13"'
    with pytest.raises(flexwork.NotFoundError):
        ctx.tax.declaration_latest("2026-04")


def test_declaration_states_payment_and_certificate(ctx: flexwork.Context) -> None:  # .b-c
    ctx.tax.withhold(9, "d", 10100000, day(2026, 3, 21))
    d1 = ctx.tax.declaration_build("2026-03")
    d2 = ctx.tax.declaration_build("2026-03")
    assert ctx.tax.declaration_get(d1)["state"] == "superseded"
    with pytest.raises(flexwork.StateError) as e:
        ctx.tax.declaration_submit(d1)
    assert e.value.message == ("declaration_id: declaration 1 is superseded; only a draft can be "
                               "submitted")
    with pytest.raises(flexwork.StateError) as e:
        ctx.tax.pay(d2, "k1")
    assert e.value.message == ("declaration_id: declaration 2 is draft; withheld tax is paid under "
                               "an accepted declaration")
    ctx.tax.declaration_submit(d2)            # no provider: an operator files it
    assert ctx.tax.declaration_get(d2)["state"] == "submitted"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.declaration_resolve(d2, {"status": "accepted"})
    assert e.value.path == "$.receipt_no"
    ctx.tax.declaration_resolve(d2, {"status": "accepted", "receipt_no": "R-3"})
    with pytest.raises(flexwork.NotFoundError) as e:
        ctx.tax.certificate_issue(8, "2026-03")
    assert e.value.message == "period: no accepted declaration of 2026-03 has a line for worker 8"
    with pytest.raises(flexwork.StateError):
        ctx.tax.certificate_issue(9, "2026-03")

    pay = ctx.tax.pay(d2, "k2")
    assert ctx.tax.payment_get(pay) == {
        "id": pay, "declaration_id": d2, "state": "pending", "iit_fen": 498000, "vat_fen": 100000,
        "surcharge_fen": 6000, "total_fen": 604000, "bank_ref": None, "reason": None}
    assert ctx.tax.pay(d2, "k2") == pay      # replay
    with pytest.raises(flexwork.StateError):
        ctx.tax.pay(d2, "k3")                 # one live payment
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.payment_resolve(pay, {"status": "paid"})
    assert e.value.path == "$.bank_ref"
    ctx.tax.payment_resolve(pay, '{"status":"paid","bank_ref":"B-9"}')
    assert ctx.tax.payment_get(pay)["state"] == "paid"

    cert = ctx.tax.certificate_issue(9, "2026-03")
    assert ctx.tax.certificate_issue(9, "2026-03") == cert
    meta = ctx.tax.certificate_get(cert)
    assert (meta["origin"], meta["content_type"]) == ("platform", "application/json")
    doc = ctx.tax.certificate_download(cert)
    assert meta["size"] == len(doc) and meta["sha256"] == hashlib.sha256(doc).hexdigest()
    assert b'"iit_fen":498000,"vat_fen":100000,"surcharge_fen":6000,"total_fen":604000' in doc
    key = ctx.audit.public_key()
    flexwork.tax_certificate_verify(doc, key)
    forged = doc.replace(b'"iit_fen":498000', b'"iit_fen":198000')
    with pytest.raises(flexwork.AuthError):
        flexwork.tax_certificate_verify(forged, key)
    with pytest.raises(flexwork.AuthError):
        flexwork.tax_certificate_verify(doc, bytes([7]) * 32)
    with pytest.raises(flexwork.InvalidError):
        flexwork.tax_certificate_verify(b"{}", key)
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.tax_certificate_verify(doc, b"short")
    assert e.value.path == "public_key"
    text = ctx.tax.certificate_render(cert)
    assert "Certificate no.:      FW-2026-03-9-2\n" in text   # declaration version 2
    assert "IIT withheld:         4980.00\n" in text
    assert "Total paid:           6040.00\n" in text
    assert "Paid, bank reference: B-9\n" in text


def test_tax_provider_answers(ctx: flexwork.Context) -> None:  # .b-c
    seen: Dict[str, Any] = {}

    def declare(req: Dict[str, Any]) -> Dict[str, Any]:
        seen["declare"] = req
        return {"status": "accepted", "receipt_no": "R2"}

    def pay(req: Dict[str, Any]) -> Dict[str, Any]:
        seen["pay"] = req
        return {"status": "paid", "bank_ref": "B-77"}

    def certificate(req: Dict[str, Any]) -> Dict[str, Any]:
        seen["certificate"] = req
        return {"certificate_no": "WS-2", "content_type": "application/pdf",
                "document_b64": base64.b64encode(b"%PDF-1.4").decode()}

    with pytest.raises(flexwork.PendingError):
        ctx.tax.certificate_query(7, "2026-03")     # no provider: an operator records it
    ctx.set_tax_provider(declare=declare, pay=pay, certificate=certificate)
    ctx.tax.withhold(9, "d", 10100000, day(2026, 3, 21))
    decl = ctx.tax.declaration_build("2026-03")
    ctx.tax.declaration_submit(decl)
    assert seen["declare"]["period"] == "2026-03"
    got = ctx.tax.declaration_get(decl)
    assert (got["state"], got["receipt_no"]) == ("accepted", "R2")
    payment = ctx.tax.pay(decl, "k4")
    assert seen["pay"]["total_fen"] == 604000
    assert ctx.tax.payment_get(payment)["bank_ref"] == "B-77"
    cert = ctx.tax.certificate_query(7, "2026-03")
    assert seen["certificate"] == {"worker_id": 7, "period": "2026-03"}
    meta = ctx.tax.certificate_get(cert)
    assert (meta["origin"], meta["content_type"], meta["size"]) == ("provider", "application/pdf", 8)
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    assert ctx.tax.certificate_download(cert) == b"%PDF-1.4"
    ctx.set_actor(flexwork.ROLE_WORKER, 8)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.tax.certificate_download(cert)


def test_provider_failure_keeps_the_draft(ctx: flexwork.Context) -> None:
    def declare(req: Dict[str, Any]) -> Any:
        raise RuntimeError("bureau down")

    ctx.set_tax_provider(declare=declare)
    ctx.tax.withhold(9, "d", 10100000, day(2026, 3, 21))
    decl = ctx.tax.declaration_build("2026-03")
    with pytest.raises(flexwork.ProviderError) as e:
        ctx.tax.declaration_submit(decl)
    assert isinstance(e.value.__cause__, RuntimeError)
    assert ctx.tax.declaration_get(decl)["state"] == "draft"


def test_certificate_recorded_by_hand(ctx: flexwork.Context) -> None:  # .c
    rec = {"worker_id": 7, "period": "2026-03", "certificate_no": "WS-1",
           "content_type": "text/plain", "document_b64": "aGVsbG8="}
    cert = ctx.tax.certificate_record(rec)
    assert ctx.tax.certificate_get(cert) == {
        "id": cert, "worker_id": 7, "period": "2026-03", "certificate_no": "WS-1",
        "origin": "operator", "content_type": "text/plain", "size": 5,
        "sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}
    assert ctx.tax.certificate_download(cert) == b"hello"
    with pytest.raises(flexwork.ExistsError):
        ctx.tax.certificate_record(rec)
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.certificate_record(dict(rec, certificate_no="WS-3", document_b64="!!"))
    assert e.value.path == "$.document_b64"
    with pytest.raises(flexwork.StateError):
        ctx.tax.certificate_render(cert)     # not issued by the platform


def test_policies(ctx: flexwork.Context) -> None:
    policies = {p["name"]: p for p in ctx.tax.policies()}
    assert policies["iit.gap_month"]["value"] == "reset_all"
    assert policies["iit.gap_month"]["values"] == ["reset_all", "reset_count", "continue"]
    ctx.tax.set_policy("iit.gap_month", "reset_count")
    assert {p["name"]: p["value"] for p in ctx.tax.policies()}["iit.gap_month"] == "reset_count"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.set_policy("iit.no_such_policy", "x")
    assert e.value.path == "name"
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.set_policy("iit.gap_month", "sometimes")
    assert e.value.path == "value"


def test_rules_load_validates_strictly(ctx: flexwork.Context) -> None:
    with pytest.raises(flexwork.JSONError):
        ctx.tax.rules_load("{")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.tax.rules_load({"format": "flexwork-tax-rules", "version": 1, "rules": [{"id": 1}]})
    assert e.value.path.startswith("$.rules[0]")
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.tax.rules_load({"format": "flexwork-tax-rules", "version": 1, "rules": []})


def test_calculator_over_a_store_quotes_withholding(ctx: flexwork.Context) -> None:
    ctx.tax.withhold(7, "po-1", 2000000, day(2026, 1, 10))
    with ctx.tax.calc_new(day(2026, 2, 10)) as calc:
        # Month 2: 40,000 - 8,000 - 10,000 = 22,000 -> 660, less the 330 withheld.
        assert calc.withholding(7, 2000000) == 33000
        rules = {r["id"]: r for r in calc.rules()}
        assert rules["cn.iit.labour.cumulative.2025"]["origin"] == "shipped"
    with flexwork.TaxCalc(day(2026, 2, 10)) as calc:
        with pytest.raises(flexwork.InvalidError):
            calc.withholding(7, 2000000)    # a quote needs a context
    assert ctx.tax.cumulative_get(7, 2026)["month_count"] == 1   # nothing written


def test_calculator_settings_and_errors() -> None:
    calc = flexwork.TaxCalc(cst_noon("2026-03-15"))
    with pytest.raises(flexwork.StateError):
        calc.explain()                        # before any computation
    calc.set_method(flexwork.TAX_METHOD_PER_PAYMENT)
    with pytest.raises(flexwork.InvalidError):
        calc.set_method(7)
    with pytest.raises(flexwork.InvalidError):
        calc.labour_payment(-1)
    with pytest.raises(flexwork.InvalidError):
        calc.set_policy("vat.threshold_boundary", "maybe")
    with pytest.raises(flexwork.InvalidError):
        calc.compute({"kind": "lottery"})
    with pytest.raises(flexwork.InvalidError):
        flexwork.TaxCalc(-1)
    calc.close()
    calc.close()
    assert calc.closed
    with pytest.raises(flexwork.StateError) as e:
        calc.labour_payment(100000)
    assert e.value.message == "the tax calculator is closed"


def test_calculator_outliving_its_context_is_refused(store_path: str) -> None:
    ctx = flexwork.Context.open(store_path, master_key=MASTER_KEY, clock=Clock(CLOCK_START))
    ctx.set_actor(flexwork.ROLE_ADMIN)
    calc = ctx.tax.calc_new(CLOCK_START)
    assert calc.context is ctx
    assert calc.labour_payment(100000) == 4000
    ctx.close()
    with pytest.raises(flexwork.StateError) as e:
        calc.labour_payment(100000)
    assert e.value.message == "the context is closed"
    calc.close()


def test_worker_may_not_withhold(ctx: flexwork.Context) -> None:  # R-6.h
    ctx.tax.withhold(7, "x", 100000, day(2026, 1, 11))
    ctx.set_actor(flexwork.ROLE_WORKER, 8)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.tax.withhold(8, "y", 100, day(2026, 1, 11))
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.tax.withholding_get("x")
    ctx.set_actor(flexwork.ROLE_WORKER, 7)
    assert ctx.tax.withholding_get("x")["withholding"]["worker_id"] == 7
    assert json.dumps(ctx.tax.warnings(7)) == "[]"
