"""Tax: computation, withholding, declaration, payment and certificates
(include/flexwork/tax.h)."""

from __future__ import annotations

from ctypes import (POINTER, byref, c_char_p, c_int, c_int32, c_int64, c_size_t, c_uint8, c_uint32,
                    c_void_p)
from typing import Any, Optional, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, call, declare, json_in, key32, text_in
from .context import Context, Handle, ModuleAPI

__all__ = ["Tax", "TaxCalc", "TAX_METHOD_AUTO", "TAX_METHOD_CUMULATIVE", "TAX_METHOD_PER_PAYMENT",
           "TAX_BUSINESS_INDIVIDUAL", "TAX_RECORD_WITHHOLDING", "TAX_RECORD_REVERSAL",
           "TAX_DECL_DRAFT", "TAX_DECL_SUBMITTED", "TAX_DECL_ACCEPTED", "TAX_DECL_REJECTED",
           "TAX_DECL_SUPERSEDED", "TAX_PAY_PENDING", "TAX_PAY_PAID", "TAX_PAY_FAILED"]

# Constants of include/flexwork/tax.h. Values are pinned.
TAX_METHOD_AUTO = 0
TAX_METHOD_CUMULATIVE = 1
TAX_METHOD_PER_PAYMENT = 2
TAX_BUSINESS_INDIVIDUAL = 1
TAX_RECORD_WITHHOLDING = 1
TAX_RECORD_REVERSAL = 2
TAX_DECL_DRAFT = 1
TAX_DECL_SUBMITTED = 2
TAX_DECL_ACCEPTED = 3
TAX_DECL_REJECTED = 4
TAX_DECL_SUPERSEDED = 5
TAX_PAY_PENDING = 1
TAX_PAY_PAID = 2
TAX_PAY_FAILED = 3

_rules_load = declare("fw_tax_rules_load", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                      c_error_pp)
_set_policy = declare("fw_tax_set_policy", c_int, c_ctx_p, c_char_p, c_char_p, c_error_pp)
_policies = declare("fw_tax_policies", c_int, c_ctx_p, POINTER(c_void_p), POINTER(c_size_t),
                    c_error_pp)
_tax_calc_set_policy = declare("fw_tax_calc_set_policy", c_int, c_void_p, c_char_p, c_char_p,
                               c_error_pp)
_tax_calc_set_method = declare("fw_tax_calc_set_method", c_int, c_void_p, c_uint32, c_error_pp)
_tax_calc_labour_payment = declare("fw_tax_calc_labour_payment", c_int, c_void_p, c_int64,
                                   POINTER(c_int64), c_error_pp)
_tax_calc_labour_cumulative = declare("fw_tax_calc_labour_cumulative", c_int, c_void_p, c_int64,
                                      c_uint32, c_int64, POINTER(c_int64), c_error_pp)
_tax_calc_business = declare("fw_tax_calc_business", c_int, c_void_p, c_int64, c_int64, c_uint32,
                             POINTER(c_int64), c_error_pp)
_tax_calc_vat = declare("fw_tax_calc_vat", c_int, c_void_p, c_int64, POINTER(c_int64),
                        POINTER(c_int64), c_error_pp)
_tax_calc_surcharges = declare("fw_tax_calc_surcharges", c_int, c_void_p, c_int64,
                               POINTER(c_int64), c_error_pp)
_tax_calc_withholding = declare("fw_tax_calc_withholding", c_int, c_void_p, c_int64, c_int64,
                                POINTER(c_int64), c_error_pp)
_tax_calc_compute = declare("fw_tax_calc_compute", c_int, c_void_p, c_char_p, c_size_t,
                            POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_tax_calc_explain = declare("fw_tax_calc_explain", c_int, c_void_p, POINTER(c_void_p),
                            POINTER(c_size_t), c_error_pp)
_tax_calc_rules = declare("fw_tax_calc_rules", c_int, c_void_p, POINTER(c_void_p),
                          POINTER(c_size_t), c_error_pp)
_withhold = declare("fw_tax_withhold", c_int, c_ctx_p, c_int64, c_char_p, c_int64, c_int64,
                    POINTER(c_int64), c_error_pp)
_reverse = declare("fw_tax_reverse", c_int, c_ctx_p, c_char_p, c_int64, POINTER(c_int64),
                   c_error_pp)
_withholding_get = declare("fw_tax_withholding_get", c_int, c_ctx_p, c_char_p, POINTER(c_void_p),
                           POINTER(c_size_t), c_error_pp)
_cumulative_get = declare("fw_tax_cumulative_get", c_int, c_ctx_p, c_int64, c_int32,
                          POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_warnings = declare("fw_tax_warnings", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                    POINTER(c_size_t), c_error_pp)
_declaration_build = declare("fw_tax_declaration_build", c_int, c_ctx_p, c_char_p,
                             POINTER(c_int64), c_error_pp)
_declaration_submit = declare("fw_tax_declaration_submit", c_int, c_ctx_p, c_int64, c_error_pp)
_declaration_resolve = declare("fw_tax_declaration_resolve", c_int, c_ctx_p, c_int64, c_char_p,
                               c_size_t, c_error_pp)
_declaration_get = declare("fw_tax_declaration_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                           POINTER(c_size_t), c_error_pp)
_declaration_export_csv = declare("fw_tax_declaration_export_csv", c_int, c_ctx_p, c_int64,
                                  POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_declaration_latest = declare("fw_tax_declaration_latest", c_int, c_ctx_p, c_char_p,
                              POINTER(c_int64), c_error_pp)
_pay = declare("fw_tax_pay", c_int, c_ctx_p, c_int64, c_char_p, POINTER(c_int64), c_error_pp)
_payment_resolve = declare("fw_tax_payment_resolve", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                           c_error_pp)
_payment_get = declare("fw_tax_payment_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                       POINTER(c_size_t), c_error_pp)
_certificate_query = declare("fw_tax_certificate_query", c_int, c_ctx_p, c_int64, c_char_p,
                             POINTER(c_int64), c_error_pp)
_certificate_record = declare("fw_tax_certificate_record", c_int, c_ctx_p, c_char_p, c_size_t,
                              POINTER(c_int64), c_error_pp)
_certificate_get = declare("fw_tax_certificate_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                           POINTER(c_size_t), c_error_pp)
_certificate_download = declare("fw_tax_certificate_download", c_int, c_ctx_p, c_int64,
                                POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_certificate_issue = declare("fw_tax_certificate_issue", c_int, c_ctx_p, c_int64, c_char_p,
                             POINTER(c_int64), c_error_pp)
_certificate_verify = declare("fw_tax_certificate_verify", c_int, c_char_p, c_size_t,
                              POINTER(c_uint8), c_error_pp)
_certificate_render = declare("fw_tax_certificate_render", c_int, c_ctx_p, c_int64,
                              POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_calc_new = declare("fw_tax_calc_new", c_int, POINTER(c_void_p), c_ctx_p, c_int64, c_error_pp)
_tax_calc_free = declare("fw_tax_calc_free", None, c_void_p)


class Tax(ModuleAPI, module="tax"):
    """Tax: computation, withholding, declaration, payment and certificates: ``ctx.tax``."""

    def calc_new(self, at_ms: int) -> "TaxCalc":
        """A calculator for the CST date of at_ms that also sees this store's rule files,
        policies and the workers' year-to-date figures. See :class:`TaxCalc`.

        Raises: InvalidError for at_ms < 0; FlexworkPermissionError when the actor may not
        read tax data.
        """
        return TaxCalc(at_ms, self.context)

    def rules_load(self, record: JSONInput) -> int:
        """Loads a host rule file into the store: {"format":"flexwork-tax-rules","version":1,
        "rules":[...]} (shape in docs/api/tax.md). It is validated strictly: unknown fields, bad
        dates, brackets that are not increasing or whose quick deductions are not continuous,
        rules of one kind overlapping in time, and ids already in use are refused. Loaded rules
        take precedence over the shipped ones on the dates they cover. Audited.

        Raises: InvalidError naming the field (e.g. "$.rules[2].params.brackets[1].up_to_fen");
        JSONError for malformed text; ExistsError for a rule id already known;
        FlexworkPermissionError. On failure the store is unchanged.
        """
        out = c_int64()
        self._call(_rules_load, *json_in(record), byref(out))
        return out.value

    def set_policy(self, name: str, value: str) -> None:
        """Sets a policy of the store (e.g. "iit.gap_month" to "reset_count"). Audited.

        Raises: InvalidError for an unknown name (path "name") or value (path "value", the
        message lists the accepted values); FlexworkPermissionError. On failure the store is
        unchanged.
        """
        self._call(_set_policy, text_in(name), text_in(value))

    def policies(self) -> Any:
        """The store's policies: [{"name","value","default","values":[...],"about"}].

        Raises: FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_policies, *out.args)
        return out.json()

    def withhold(self, worker_id: int, payment_ref: str, gross_fen: int, at_ms: int) -> int:
        """Computes and records the withholding on a labour-remuneration payment to a worker at
        at_ms: IIT (method per the "iit.labour_method" policy), VAT and surcharges on the
        month's income; updates the worker's year-to-date and month figures; adds warnings when
        the VAT threshold or the 5,000,000-in-12-months guidance threshold is reached. Audited.
        The same payment_ref with the same worker and amount returns the first result again.

        Raises: InvalidError naming the argument; ConflictError when payment_ref was used with
        another worker or amount; ClosedError when the period's declaration was submitted or
        accepted; StateError when at_ms lies before the worker's last withholding month;
        NotFoundError when no rule is in force; FlexworkPermissionError. On failure nothing is
        recorded.
        """
        out = c_int64()
        self._call(_withhold, worker_id, text_in(payment_ref), gross_fen, at_ms, byref(out))
        return out.value

    def reverse(self, payment_ref: str, at_ms: int) -> int:
        """Reverses a recorded withholding (the payment was returned): the worker's figures are
        recomputed without it under the rules of the original date, and the difference is
        recorded as a reversal in the CST month of at_ms (usually a negative adjustment).
        Audited.

        Raises: NotFoundError for an unknown payment_ref; StateError when it was reversed
        already or at_ms is before the payment; ClosedError when the period of at_ms is
        declared; FlexworkPermissionError. On failure nothing is recorded.
        """
        out = c_int64()
        self._call(_reverse, text_in(payment_ref), at_ms, byref(out))
        return out.value

    def withholding_get(self, payment_ref: str) -> Any:
        """A payment's withholding record and its reversal:
        {"withholding":{...},"reversal":{...}|null} with amounts, period, method, and the full
        explanation. Workers read only their own.

        Raises: NotFoundError; FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_withholding_get, text_in(payment_ref), *out.args)
        return out.json()

    def cumulative_get(self, worker_id: int, year: int) -> Any:
        """A worker's year-to-date cumulative figures:
        {"worker_id","year","last_month","month_count",
        "income_fen","expense_fen","deduction_fen","withheld_fen"}. Workers read only their own.

        Raises: NotFoundError when the worker had no cumulative withholding that year;
        FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_cumulative_get, worker_id, year, *out.args)
        return out.json()

    def warnings(self, worker_id: int) -> Any:
        """A worker's tax warnings: [{"code","period","amount_fen","created_ms"}], codes
        "vat_threshold_reached" and "market_entity_guidance".

        Raises: FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_warnings, worker_id, *out.args)
        return out.json()

    def declaration_build(self, period: str) -> int:
        """Builds the declaration of a CST month from its withholding records: one line per worker
        (records, gross, income, IIT, VAT and each surcharge, with the worker's year-to-date
        cumulative figures) and the totals. A draft of the same period is superseded; after an
        accepted or rejected version the new one is an amendment (version + 1). Audited.

        Raises: InvalidError for a bad period (path "period"); StateError while a version of the
        period is submitted and unanswered; FlexworkPermissionError. On failure the store is
        unchanged.
        """
        out = c_int64()
        self._call(_declaration_build, text_in(period), byref(out))
        return out.value

    def declaration_submit(self, declaration_id: int) -> None:
        """Submits a draft through the tax provider's declare callback. With an answer
        {"status":"accepted","receipt_no"} or {"status":"rejected","reason"} the state follows;
        without a provider, or when it answers later (PendingError), the declaration stays
        SUBMITTED until fw_tax_declaration_resolve(). Audited.

        Raises: NotFoundError; StateError unless it is the period's current draft; ProviderError
        / FlexworkTimeoutError when the provider failed (the declaration stays a draft);
        FlexworkPermissionError.
        """
        self._call(_declaration_submit, declaration_id)

    def declaration_resolve(self, declaration_id: int, record: JSONInput) -> None:
        """Records the tax bureau's answer to a submitted declaration (operator or late provider):
        {"status":"accepted","receipt_no":"..."} or {"status":"rejected","reason":"..."}.
        Audited.

        Raises: InvalidError naming the field; NotFoundError; StateError unless SUBMITTED;
        FlexworkPermissionError.
        """
        self._call(_declaration_resolve, declaration_id, *json_in(record))

    def declaration_get(self, declaration_id: int) -> Any:
        """A declaration with its lines:
        {"id","period","version","state","supersedes_id","receipt_no",
        "reason","totals":{...},"lines":[{"worker_id",...}]}.

        Raises: NotFoundError; FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_declaration_get, declaration_id, *out.args)
        return out.json()

    def declaration_export_csv(self, declaration_id: int) -> str:
        """The declaration's lines as CSV (RFC 4180, CRLF, amounts in yuan with two decimals), one
        line per worker in the shape of the withholding return: period, version, worker_id,
        records, income, cum_income, cum_expense, cum_deduction, iit_withheld, cum_iit_withheld,
        vat, city_maintenance, education, local_education. Workers appear by id: the host joins
        names and masked ID numbers from the party records.

        Raises: NotFoundError; FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_declaration_export_csv, declaration_id, *out.args)
        return out.text()

    def declaration_latest(self, period: str) -> int:
        """The newest version of a period's declaration.

        Raises: InvalidError for a bad period; NotFoundError when none was built;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_declaration_latest, text_in(period), byref(out))
        return out.value

    def pay(self, declaration_id: int, idem_key: str) -> int:
        """Pays the tax withheld under an accepted declaration: a payment (IIT, VAT, surcharges
        from the declaration's totals) is recorded PENDING and sent through the tax provider's
        pay callback; an answer {"status":"paid","bank_ref"} or {"status":"failed","reason"}
        settles it, otherwise fw_tax_payment_resolve() does. Idempotent by key. Audited.

        Raises: NotFoundError; StateError unless the declaration is ACCEPTED, or when it already
        has a pending or paid payment; ConflictError for a key reused with another request;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_pay, declaration_id, text_in(idem_key), byref(out))
        return out.value

    def payment_resolve(self, payment_id: int, record: JSONInput) -> None:
        """Settles a pending payment: {"status":"paid","bank_ref":"..."} or
        {"status":"failed","reason":"..."}. Audited.

        Raises: InvalidError naming the field; NotFoundError; StateError unless PENDING;
        FlexworkPermissionError.
        """
        self._call(_payment_resolve, payment_id, *json_in(record))

    def payment_get(self, payment_id: int) -> Any:
        """A payment:
        {"id","declaration_id","state","iit_fen","vat_fen","surcharge_fen","total_fen",
        "bank_ref","reason"}.

        Raises: NotFoundError; FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_payment_get, payment_id, *out.args)
        return out.json()

    def certificate_query(self, worker_id: int, period: str) -> int:
        """Asks the tax provider's certificate callback for a worker's certificate of a period
        ({"worker_id","period"} -> {"certificate_no","content_type","document_b64"}) and stores
        it.

        Raises: PendingError when there is no provider or it answers later (an operator then
        records it with fw_tax_certificate_record()); ProviderError for an unusable answer;
        ExistsError when that certificate number is stored; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_certificate_query, worker_id, text_in(period), byref(out))
        return out.value

    def certificate_record(self, record: JSONInput) -> int:
        """Records a certificate received by hand: {"worker_id","period","certificate_no",
        "content_type","document_b64"} (document up to 8 MiB). Audited.

        Raises: InvalidError naming the field; ExistsError for a known certificate number;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_certificate_record, *json_in(record), byref(out))
        return out.value

    def certificate_get(self, certificate_id: int) -> Any:
        """A certificate's metadata: {"id","worker_id","period","certificate_no",
        "origin":"provider|operator|platform","content_type","size","sha256"}. Workers read only
        their own.

        Raises: NotFoundError; FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_certificate_get, certificate_id, *out.args)
        return out.json()

    def certificate_download(self, certificate_id: int) -> bytes:
        """The certificate's document bytes as stored).

        Raises: NotFoundError; FlexworkPermissionError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_certificate_download, certificate_id, *out.args)
        return out.data()

    def certificate_issue(self, worker_id: int, period: str) -> int:
        """Issues the platform's own certificate of tax withheld and paid for a worker and period,
        from the newest accepted declaration with a line for the worker, once its payment is
        PAID. The document (content type application/json) is {"certificate":{"format":
        "flexwork-tax-certificate","version":1,"certificate_no","worker_id","period",
        "declaration_id","declaration_version","receipt_no","bank_ref","income_fen","iit_fen",
        "vat_fen","surcharge_fen","total_fen","issued_ms","public_key"},"signature":"<hex>"}: an
        Ed25519 signature by the platform key (fw_audit_public_key()) over the exact bytes of
        the certificate object. Issuing again returns the same certificate. Audited.

        Raises: InvalidError for a bad worker_id or period; NotFoundError when no accepted
        declaration of the period has a line for the worker; StateError when its tax is not paid
        yet; FlexworkPermissionError. On failure the store is unchanged.
        """
        out = c_int64()
        self._call(_certificate_issue, worker_id, text_in(period), byref(out))
        return out.value

    def certificate_render(self, certificate_id: int) -> str:
        """A printable plain-text rendering of a platform-issued certificate (amounts in yuan).

        Raises: NotFoundError; StateError for a certificate not issued by the platform;
        FlexworkPermissionError (workers render only their own); FlexworkMemoryError.
        """
        out = OutText()
        self._call(_certificate_render, certificate_id, *out.args)
        return out.text()


class TaxCalc(Handle):
    """A tax calculator for one date (``fw_tax_calc``): the rules in force then, the
    policies, and the explanation of its last computation.

    ``TaxCalc(at_ms)`` works without a store (quotes, what-if) with the shipped rules and the
    default policies; ``TaxCalc(at_ms, ctx)`` or ``ctx.tax.calc_new(at_ms)`` also sees the
    store's rule files and policies. Close it (or use ``with``); a calculator over a context
    keeps the context object alive and raises StateError once the context is closed.
    """

    _free = _tax_calc_free
    _what = "tax calculator"

    def __init__(self, at_ms: int, ctx: Optional[Context] = None) -> None:
        """Creates a calculator for the CST date of at_ms (fw_tax_calc_new).

        Raises: InvalidError for at_ms < 0; FlexworkPermissionError when the context's actor
        may not read tax data.
        """
        ptr = c_void_p()
        if ctx is None:
            call(_calc_new, byref(ptr), None, at_ms)
        else:
            handle = ctx.handle
            ctx._run(lambda: call(_calc_new, byref(ptr), handle, at_ms))
        super().__init__(ptr.value, ctx)

    def set_policy(self, name: str, value: str) -> None:
        """Overrides one policy for this calculator only (names and values as fw_tax_set_policy()).

        Raises: InvalidError for an unknown name or value.
        """
        self._call(_tax_calc_set_policy, text_in(name), text_in(value))

    def set_method(self, method: int) -> None:
        """Chooses the IIT method for labour remuneration, one of TAX_METHOD_*.

        Raises: InvalidError for another value.
        """
        self._call(_tax_calc_set_method, method)

    def labour_payment(self, gross_fen: int) -> int:
        """IIT on one labour-remuneration payment, per-payment method: taxable = income - 800 up to
        4,000, else income x 80%; then the 20/30/40% table.

        Raises: InvalidError for a negative amount; NotFoundError when no such rule is in force
        on the calculator's date; FlexworkOverflowError.
        """
        out = c_int64()
        self._call(_tax_calc_labour_payment, gross_fen, byref(out))
        return out.value

    def labour_cumulative(self, cum_income_fen: int, months: int, withheld_fen: int) -> int:
        """IIT to withhold now under the cumulative method, from year-to-date figures that include
        the current payment: (cum_income - 20% - 5,000 x months) on the 3-45% table, less what
        was withheld before; a negative result withholds 0.

        Raises: InvalidError naming the bad argument; NotFoundError when no cumulative rule is
        in force on the calculator's date; FlexworkOverflowError.
        """
        out = c_int64()
        self._call(_tax_calc_labour_cumulative, cum_income_fen, months, withheld_fen, byref(out))
        return out.value

    def business(self, amount_fen: int, deemed_rate_ppm: int, flags: int) -> int:
        """Annual IIT on business income (5-35% table).

        Raises: InvalidError naming the bad argument; NotFoundError without a rule in force;
        FlexworkOverflowError.
        """
        out = c_int64()
        self._call(_tax_calc_business, amount_fen, deemed_rate_ppm, flags, byref(out))
        return out.value

    def vat(self, month_gross_fen: int) -> Tuple[int, int]:
        """VAT and surcharges on a worker's month of VAT-inclusive service income (small-scale /
        natural person): sales = gross / (1 + rate), the monthly threshold per the rule in force
        and the "vat.threshold_boundary" policy, then surcharges on the VAT. Returns (vat_fen,
        surcharges_fen).

        Raises: InvalidError; NotFoundError without a VAT rule in force; FlexworkOverflowError.
        """
        vat_fen = c_int64()
        surcharges_fen = c_int64()
        self._call(_tax_calc_vat, month_gross_fen, byref(vat_fen), byref(surcharges_fen))
        return vat_fen.value, surcharges_fen.value

    def surcharges(self, vat_fen: int) -> int:
        """Surcharges (city maintenance by the "surcharge.location" policy, education, local
        education, with the small-scale halving where in force) on an amount of VAT.

        Raises: InvalidError for a negative amount; NotFoundError without a rule;
        FlexworkOverflowError.
        """
        out = c_int64()
        self._call(_tax_calc_surcharges, vat_fen, byref(out))
        return out.value

    def withholding(self, worker_id: int, gross_fen: int) -> int:
        """Quote: what fw_tax_withhold() would withhold (IIT + VAT + surcharges) for a payment to a
        worker on the calculator's date, from the worker's stored figures. Nothing is written.

        Raises: InvalidError; StateError when the date is before the worker's last withholding
        month; NotFoundError without rules; FlexworkPermissionError; FlexworkOverflowError. The
        calculator needs a context (InvalidError otherwise).
        """
        out = c_int64()
        self._call(_tax_calc_withholding, worker_id, gross_fen, byref(out))
        return out.value

    def compute(self, record: JSONInput) -> Any:
        """A computation from a JSON request, answered as JSON with its explanation. Requests:
        {"kind":"labour_payment","gross_fen":N} |
        {"kind":"labour_cumulative","cum_income_fen":N, "months":M,"withheld_fen":W} |
        {"kind":"business","amount_fen":N,"deemed_rate_ppm":R, "individual_business":true} |
        {"kind":"vat","month_gross_fen":N} | {"kind":"surcharges","vat_fen":N}. The answer is
        the explanation (fw_tax_calc_explain()).

        Raises: as the typed functions; InvalidError / JSONError for a bad request, naming the
        field.
        """
        out = OutText()
        self._call(_tax_calc_compute, *json_in(record), *out.args)
        return out.json()

    def explain(self) -> Any:
        """The explanation of the calculator's last successful computation: {"date","kind",
        "result_fen", "amounts":{...},
        "steps":[{"step","formula","value_fen","rule","source"}]}, so that every fen can be
        traced to a rule and its source.

        Raises: StateError before any computation; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_tax_calc_explain, *out.args)
        return out.json()

    def rules(self) -> Any:
        """The rules the calculator sees that are in force on its date:
        [{"id","kind","valid_from","valid_to","source","origin":"shipped|host"}].

        Raises: FlexworkMemoryError.
        """
        out = OutText()
        self._call(_tax_calc_rules, *out.args)
        return out.json()



def certificate_verify(doc: bytes, public_key: bytes) -> None:
    """Verifies a platform-issued certificate document offline against the platform's public key.

    Raises: AuthError when the signature does not verify (an edited or forged document, or
    another key); InvalidError when the bytes are not such a certificate.
    """
    public_key_buf = key32(public_key, "public_key")
    call(_certificate_verify, bytes(doc), len(doc), public_key_buf)
