/**
 * @file tax.h
 * Tax: computation, withholding, declaration, payment and certificates (R-3.3.h, R-5.7,
 * R-6.d, R-7.7.a-c, R-7.8).
 *
 * Rules are data: dated rule sets (valid_from / valid_to, each citing its source) are shipped
 * inside the library and a host may load more (fw_tax_rules_load()). A computation selects the
 * rules in force on its date, so a past period is recomputed under that period's rules.
 * Points on which the sources disagree are named policies with a documented default that the
 * host may change (fw_tax_set_policy(), fw_tax_calc_set_policy()); docs/api/tax.md lists them.
 *
 * Flow: every payout withholds IIT, VAT and surcharges (fw_tax_withhold(); the payout module
 * does it inside its own transaction) -> per CST month a declaration is built from the
 * withholding records (draft -> submitted -> accepted / rejected; an amendment is a new
 * version) -> the withheld tax is paid (R-7.8) -> certificates (完税证明) are obtained from the
 * tax bureau or recorded by an operator and downloaded. Every change is audited.
 *
 * Amounts are int64 fen; each tax amount is rounded once, half-up, to the fen.
 */
#ifndef FLEXWORK_TAX_H
#define FLEXWORK_TAX_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/**
 * A tax calculator for one date: the rules in force then, the policies, and the explanation
 * of its last computation. Works without a store (quotes, what-if) or over one (it then also
 * sees the host's rule files and policies and the workers' year-to-date figures).
 * Not shared between threads.
 */
typedef struct fw_tax_calc fw_tax_calc;

/** Methods of withholding IIT on labour remuneration. Values are pinned. */
#define FW_TAX_METHOD_AUTO        0  /**< cumulative where a cumulative rule is in force, else per payment */
#define FW_TAX_METHOD_CUMULATIVE  1  /**< platform cumulative method (STA 2025 No. 16) */
#define FW_TAX_METHOD_PER_PAYMENT 2  /**< classic per-payment method (800 / 20%, 20-40% table) */

/** Flags of fw_tax_calc_business(). */
#define FW_TAX_BUSINESS_INDIVIDUAL 0x1u  /**< the taxpayer is an individual business (个体工商户) */

/** Kinds of withholding records. Values are pinned. */
#define FW_TAX_RECORD_WITHHOLDING 1
#define FW_TAX_RECORD_REVERSAL    2

/** Declaration states. Values are pinned. */
#define FW_TAX_DECL_DRAFT      1  /**< built, may be rebuilt or submitted */
#define FW_TAX_DECL_SUBMITTED  2  /**< sent (or waiting for an operator to file it by hand) */
#define FW_TAX_DECL_ACCEPTED   3  /**< accepted by the tax bureau */
#define FW_TAX_DECL_REJECTED   4  /**< rejected, with a reason; correct it by building a new version */
#define FW_TAX_DECL_SUPERSEDED 5  /**< a draft replaced by a newer version before submission */

/** States of a payment of withheld tax. Values are pinned. */
#define FW_TAX_PAY_PENDING 1
#define FW_TAX_PAY_PAID    2
#define FW_TAX_PAY_FAILED  3

/* Kinds of declaration. */
#define FW_TAX_DECL_KIND_WITHHOLDING   1  /**< the monthly withholding declaration (period "YYYY-MM") */
#define FW_TAX_DECL_KIND_INCOME_REPORT 2  /**< the quarterly income report, Decree 810 (period "YYYY-Qn") */

/* Formats of fw_tax_declaration_export(). */
#define FW_TAX_EXPORT_CSV  1   /**< RFC 4180, CRLF, amounts in yuan */
#define FW_TAX_EXPORT_JSON 2   /**< amounts in fen */

/* ---------------------------------------------------------------------------------------- */
/* Rules and policies                                                                        */

/**
 * Loads a host rule file into the store: {"format":"flexwork-tax-rules","version":1,
 * "rules":[...]} (shape in docs/api/tax.md). It is validated strictly: unknown fields, bad
 * dates, brackets that are not increasing or whose quick deductions are not continuous,
 * rules of one kind overlapping in time, and ids already in use are refused. Loaded rules take
 * precedence over the shipped ones on the dates they cover. Audited.
 *
 * @param ctx       an open context whose actor is an admin or tax agent.
 * @param json      the rule file, UTF-8 JSON; @param json_len its length in bytes.
 * @param[out] out_id  optional: the stored file's id.
 * @param[out] err  optional error detail.
 * @return FW_OK; FW_EINVAL naming the field (e.g. "$.rules[2].params.brackets[1].up_to_fen");
 *         FW_EJSON for malformed text; FW_EEXISTS for a rule id already known; FW_EPERM.
 *         On failure the store is unchanged.
 */
FW_EXTERN(int) fw_tax_rules_load(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                 fw_error **err);

/**
 * Sets a policy of the store (e.g. "iit.gap_month" to "reset_count"). Audited.
 * @return FW_OK; FW_EINVAL for an unknown name (path "name") or value (path "value", the
 *         message lists the accepted values); FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_tax_set_policy(fw_ctx *ctx, const char *name, const char *value, fw_error **err);

/**
 * The store's policies: [{"name","value","default","values":[...],"about"}].
 * @param[out] out_json  the caller frees it with fw_free(); @param[out] out_len optional.
 * @return FW_OK; FW_EPERM; FW_ENOMEM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_tax_policies(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* The calculator                                                                            */

/**
 * Creates a calculator for the CST date of at_ms.
 * @param[out] out  the calculator; free with fw_tax_calc_free().
 * @param ctx   NULL for the shipped rules and default policies; or an open context (borrowed:
 *              it must outlive the calculator), whose rule files and policies are used.
 * @param at_ms the instant whose CST date selects the rules.
 * @return FW_OK; FW_EINVAL for a NULL out or at_ms < 0; FW_EPERM when the context's actor
 *         may not read tax data; FW_ENOMEM. On failure *out is untouched.
 */
FW_EXTERN(int) fw_tax_calc_new(fw_tax_calc **out, fw_ctx *ctx, int64_t at_ms, fw_error **err);

/** Frees a calculator. NULL is allowed. */
FW_EXTERN(void) fw_tax_calc_free(fw_tax_calc *calc);

/**
 * Overrides one policy for this calculator only (names and values as fw_tax_set_policy()).
 * @return FW_OK; FW_EINVAL for an unknown name or value.
 */
FW_EXTERN(int) fw_tax_calc_set_policy(fw_tax_calc *calc, const char *name, const char *value,
                                      fw_error **err);

/**
 * Chooses the IIT method for labour remuneration, one of FW_TAX_METHOD_*.
 * @return FW_OK; FW_EINVAL for another value.
 */
FW_EXTERN(int) fw_tax_calc_set_method(fw_tax_calc *calc, uint32_t method, fw_error **err);

/**
 * IIT on one labour-remuneration payment, per-payment method: taxable = income - 800 up to
 * 4,000, else income x 80%; then the 20/30/40% table.
 * @param gross_fen  the payment (>= 0). @param[out] tax_fen  the tax.
 * @return FW_OK; FW_EINVAL for a negative amount; FW_ENOTFOUND when no such rule is in force
 *         on the calculator's date; FW_EOVERFLOW. On failure *tax_fen is untouched.
 */
FW_EXTERN(int) fw_tax_calc_labour_payment(fw_tax_calc *calc, int64_t gross_fen, int64_t *tax_fen,
                                          fw_error **err);

/**
 * IIT to withhold now under the cumulative method, from year-to-date figures that include the
 * current payment: (cum_income - 20% - 5,000 x months) on the 3-45% table, less what was
 * withheld before; a negative result withholds 0.
 * @param cum_income_fen  year-to-date income including this payment (>= 0).
 * @param months          consecutive months with income from this platform (1..12).
 * @param withheld_fen    IIT withheld earlier this year (>= 0).
 * @param[out] tax_fen    the amount to withhold now.
 * @return FW_OK; FW_EINVAL naming the bad argument; FW_ENOTFOUND when no cumulative rule is in
 *         force on the calculator's date; FW_EOVERFLOW. On failure *tax_fen is untouched.
 */
FW_EXTERN(int) fw_tax_calc_labour_cumulative(fw_tax_calc *calc, int64_t cum_income_fen,
                                             uint32_t months, int64_t withheld_fen,
                                             int64_t *tax_fen, fw_error **err);

/**
 * Annual IIT on business income (5-35% table).
 * @param amount_fen       annual taxable income, or revenue when deemed_rate_ppm > 0 (>= 0).
 * @param deemed_rate_ppm  0, or the deemed profit rate (应税所得率) in ppm (1..1000000):
 *                         taxable = amount x rate.
 * @param flags            FW_TAX_BUSINESS_INDIVIDUAL applies the individual-business halving
 *                         where a relief rule is in force.
 * @param[out] tax_fen     the tax payable.
 * @return FW_OK; FW_EINVAL naming the bad argument; FW_ENOTFOUND without a rule in force;
 *         FW_EOVERFLOW. On failure *tax_fen is untouched.
 */
FW_EXTERN(int) fw_tax_calc_business(fw_tax_calc *calc, int64_t amount_fen, int64_t deemed_rate_ppm,
                                    uint32_t flags, int64_t *tax_fen, fw_error **err);

/**
 * VAT and surcharges on a worker's month of VAT-inclusive service income (small-scale /
 * natural person): sales = gross / (1 + rate), the monthly threshold per the rule in force and
 * the "vat.threshold_boundary" policy, then surcharges on the VAT.
 * @param month_gross_fen  the month's income including VAT (>= 0).
 * @param[out] vat_fen     VAT; @param[out] surcharges_fen  optional: the three surcharges' sum.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND without a VAT rule in force; FW_EOVERFLOW.
 */
FW_EXTERN(int) fw_tax_calc_vat(fw_tax_calc *calc, int64_t month_gross_fen, int64_t *vat_fen,
                               int64_t *surcharges_fen, fw_error **err);

/**
 * Surcharges (city maintenance by the "surcharge.location" policy, education, local education,
 * with the small-scale halving where in force) on an amount of VAT.
 * @return FW_OK; FW_EINVAL for a negative amount; FW_ENOTFOUND without a rule; FW_EOVERFLOW.
 */
FW_EXTERN(int) fw_tax_calc_surcharges(fw_tax_calc *calc, int64_t vat_fen, int64_t *surcharges_fen,
                                      fw_error **err);

/**
 * Quote: what fw_tax_withhold() would withhold (IIT + VAT + surcharges) for a payment to a
 * worker on the calculator's date, from the worker's stored figures. Nothing is written.
 * @return FW_OK; FW_EINVAL; FW_ESTATE when the date is before the worker's last withholding
 *         month; FW_ENOTFOUND without rules; FW_EPERM; FW_EOVERFLOW. The calculator needs a
 *         context (FW_EINVAL otherwise).
 */
FW_EXTERN(int) fw_tax_calc_withholding(fw_tax_calc *calc, fw_id worker_id, int64_t gross_fen,
                                       int64_t *withheld_fen, fw_error **err);

/**
 * A computation from a JSON request, answered as JSON with its explanation. Requests:
 * {"kind":"labour_payment","gross_fen":N} | {"kind":"labour_cumulative","cum_income_fen":N,
 * "months":M,"withheld_fen":W} | {"kind":"business","amount_fen":N,"deemed_rate_ppm":R,
 * "individual_business":true} | {"kind":"vat","month_gross_fen":N} |
 * {"kind":"surcharges","vat_fen":N}. The answer is the explanation (fw_tax_calc_explain()).
 * @return as the typed functions; FW_EINVAL / FW_EJSON for a bad request, naming the field.
 */
FW_EXTERN(int) fw_tax_calc_compute(fw_tax_calc *calc, const char *json, size_t json_len,
                                   char **out_json, size_t *out_len, fw_error **err);

/**
 * The explanation of the calculator's last successful computation: {"date","kind",
 * "result_fen", "amounts":{...}, "steps":[{"step","formula","value_fen","rule","source"}]},
 * so that every fen can be traced to a rule and its source.
 * @return FW_OK; FW_ESTATE before any computation; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_calc_explain(const fw_tax_calc *calc, char **out_json, size_t *out_len,
                                   fw_error **err);

/**
 * The rules the calculator sees that are in force on its date:
 * [{"id","kind","valid_from","valid_to","source","origin":"shipped|host"}].
 * @return FW_OK; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_calc_rules(const fw_tax_calc *calc, char **out_json, size_t *out_len,
                                 fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Withholding (R-7.7.a)                                                                     */

/**
 * Computes and records the withholding on a labour-remuneration payment to a worker at at_ms:
 * IIT (method per the "iit.labour_method" policy), VAT and surcharges on the month's income;
 * updates the worker's year-to-date and month figures; adds warnings when the VAT threshold or
 * the 5,000,000-in-12-months guidance threshold is reached. Audited.
 * The same payment_ref with the same worker and amount returns the first result again.
 *
 * @param worker_id   the worker (a party id; > 0).
 * @param payment_ref the payment's unique reference (1..255 bytes).
 * @param gross_fen   the payment including VAT (> 0).
 * @param at_ms       when the payment is made; its CST month is the tax period.
 * @param[out] withheld_fen optional: IIT + VAT + surcharges withheld.
 * @return FW_OK; FW_EINVAL naming the argument; FW_ECONFLICT when payment_ref was used with
 *         another worker or amount; FW_ECLOSED when the period's declaration was submitted or
 *         accepted; FW_ESTATE when at_ms lies before the worker's last withholding month;
 *         FW_ENOTFOUND when no rule is in force; FW_EPERM. On failure nothing is recorded.
 */
FW_EXTERN(int) fw_tax_withhold(fw_ctx *ctx, fw_id worker_id, const char *payment_ref,
                               int64_t gross_fen, int64_t at_ms, int64_t *withheld_fen,
                               fw_error **err);

/**
 * Reverses a recorded withholding (the payment was returned): the worker's figures are
 * recomputed without it under the rules of the original date, and the difference is recorded
 * as a reversal in the CST month of at_ms (usually a negative adjustment). Audited.
 * @param[out] adjust_fen optional: the total adjustment (negative = tax given back).
 * @return FW_OK; FW_ENOTFOUND for an unknown payment_ref; FW_ESTATE when it was reversed
 *         already or at_ms is before the payment; FW_ECLOSED when the period of at_ms is
 *         declared; FW_EPERM. On failure nothing is recorded.
 */
FW_EXTERN(int) fw_tax_reverse(fw_ctx *ctx, const char *payment_ref, int64_t at_ms,
                              int64_t *adjust_fen, fw_error **err);

/**
 * A payment's withholding record and its reversal: {"withholding":{...},"reversal":{...}|null}
 * with amounts, period, method, and the full explanation. Workers read only their own.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ENOMEM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_tax_withholding_get(fw_ctx *ctx, const char *payment_ref, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * A worker's year-to-date cumulative figures: {"worker_id","year","last_month","month_count",
 * "income_fen","expense_fen","deduction_fen","withheld_fen"}. Workers read only their own.
 * @return FW_OK; FW_ENOTFOUND when the worker had no cumulative withholding that year;
 *         FW_EPERM; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_cumulative_get(fw_ctx *ctx, fw_id worker_id, int32_t year, char **out_json,
                                     size_t *out_len, fw_error **err);

/**
 * A worker's tax warnings: [{"code","period","amount_fen","created_ms"}], codes
 * "vat_threshold_reached" and "market_entity_guidance".
 * @return FW_OK; FW_EPERM; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_warnings(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len,
                               fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Declarations (R-7.7.b, R-5.7)                                                             */

/**
 * Builds the declaration of a CST month from its withholding records: one line per worker
 * (records, gross, income, IIT, VAT and each surcharge, with the worker's year-to-date
 * cumulative figures) and the totals. A draft of the same period is superseded; after an
 * accepted or rejected version the new one is an amendment (version + 1). Audited.
 * @param period  "YYYY-MM".
 * @param[out] out_id  the new declaration's id.
 * @return FW_OK; FW_EINVAL for a bad period (path "period"); FW_ESTATE while a version of the
 *         period is submitted and unanswered; FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_tax_declaration_build(fw_ctx *ctx, const char *period, fw_id *out_id,
                                        fw_error **err);

/**
 * Builds the quarterly information report of State Council Decree 810 art. 4 (互联网平台企业涉税
 * 信息报送规定): per worker the income of the CST quarter's three months, summed from the
 * withholding records, as a declaration of kind FW_TAX_DECL_KIND_INCOME_REPORT and period
 * "YYYY-Qn". It then follows the declaration's states and functions (submit, resolve, get,
 * latest versions and amendments, fw_tax_declaration_export()); it carries no tax to pay
 * (fw_tax_pay() refuses it) and needs no tax-agency authorisation to submit.
 * @param quarter  "YYYY-Q1" .. "YYYY-Q4".
 * @return FW_OK; FW_EINVAL for a bad quarter (path "quarter"); FW_ESTATE while a version of the
 *         quarter is submitted and unanswered; FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_tax_income_report_build(fw_ctx *ctx, const char *quarter, fw_id *out_id, fw_error **err);

/**
 * Submits a draft through the tax provider's declare callback. With an answer
 * {"status":"accepted","receipt_no"} or {"status":"rejected","reason"} the state follows;
 * without a provider, or when it answers later (FW_EPENDING), the declaration stays SUBMITTED
 * until fw_tax_declaration_resolve(). Audited.
 * Every worker on the declaration must have a tax-agency authorisation in force.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless it is the period's current draft;
 *         FW_EDENIED "WORKER_NO_TAX_AUTHORISATION: ..." naming the workers without one (the
 *         declaration stays a draft, nothing is sent);
 *         FW_EPROVIDER / FW_ETIMEOUT when the provider failed (the declaration stays a draft);
 *         FW_EPERM.
 */
FW_EXTERN(int) fw_tax_declaration_submit(fw_ctx *ctx, fw_id declaration_id, fw_error **err);

/**
 * Records the tax bureau's answer to a submitted declaration (operator or late provider):
 * {"status":"accepted","receipt_no":"..."} or {"status":"rejected","reason":"..."}. Audited.
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND; FW_ESTATE unless SUBMITTED; FW_EPERM.
 */
FW_EXTERN(int) fw_tax_declaration_resolve(fw_ctx *ctx, fw_id declaration_id, const char *json,
                                          size_t json_len, fw_error **err);

/**
 * A declaration with its lines: {"id","period","version","state","supersedes_id","receipt_no",
 * "reason","totals":{...},"lines":[{"worker_id",...}]}.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_declaration_get(fw_ctx *ctx, fw_id declaration_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * The declaration's lines as CSV (RFC 4180, CRLF, amounts in yuan with two decimals), one line
 * per worker in the shape of the withholding return: period, version, worker_id, records,
 * income, cum_income, cum_expense, cum_deduction, iit_withheld, cum_iit_withheld, vat,
 * city_maintenance, education, local_education. Workers appear by id: the host joins names
 * and masked ID numbers from the party records.
 * @param[out] out_csv  the caller frees it with fw_free(); @param[out] out_len optional.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ENOMEM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_tax_declaration_export_csv(fw_ctx *ctx, fw_id declaration_id, char **out_csv,
                                             size_t *out_len, fw_error **err);

/**
 * The withholding return of a declaration (扣缴申报表): one line per worker with the worker's
 * name and ID number, the period's income, the year-to-date income, expense, deductions, tax
 * and the tax withheld in the period. Names and ID numbers are read from the party module's
 * vault and masked (张*, 110***********002X) unless the actor may see the worker's personal data
 * (admin, reviewer, tax agent, system, the worker); they are written nowhere. A worker whose
 * identity was erased or is not on record gets empty (CSV) / null (JSON) name and ID number.
 * @param format    FW_TAX_EXPORT_CSV or FW_TAX_EXPORT_JSON (shapes in docs/api/tax.md).
 * @param[out] out  the caller frees it with fw_free(); @param[out] out_len optional.
 * @return FW_OK; FW_EINVAL for another format (path "format"); FW_ENOTFOUND; FW_EPERM;
 *         FW_ENOMEM. On failure outputs are untouched; the store is never changed.
 */
FW_EXTERN(int) fw_tax_declaration_export(fw_ctx *ctx, fw_id declaration_id, uint32_t format,
                                         char **out, size_t *out_len, fw_error **err);

/**
 * The newest version of a period's declaration.
 * @return FW_OK; FW_EINVAL for a bad period; FW_ENOTFOUND when none was built; FW_EPERM.
 */
FW_EXTERN(int) fw_tax_declaration_latest(fw_ctx *ctx, const char *period, fw_id *out_id,
                                         fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Payment of withheld tax and certificates (R-7.7.c)                                */

/**
 * Pays the tax withheld under an accepted declaration: a payment (IIT, VAT, surcharges from
 * the declaration's totals) is recorded PENDING and sent through the tax provider's pay
 * callback; an answer {"status":"paid","bank_ref"} or {"status":"failed","reason"} settles
 * it, otherwise fw_tax_payment_resolve() does. Idempotent by key. Audited. When the payment
 * becomes PAID the ledger entry "tax.paid" is posted in the same transaction: debit the
 * platform's iit_withheld, vat_payable and surcharges_payable, credit bank_clearing; a failed
 * payment posts nothing.
 * @param idem_key  idempotency key (1..255 bytes).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless the declaration is an ACCEPTED withholding
 *         declaration (an income report is refused), or when it already has a pending or paid
 *         payment; FW_ECONFLICT for a key reused with another request;
 *         FW_EPERM.
 */
FW_EXTERN(int) fw_tax_pay(fw_ctx *ctx, fw_id declaration_id, const char *idem_key, fw_id *out_id,
                          fw_error **err);

/**
 * Settles a pending payment: {"status":"paid","bank_ref":"..."} or
 * {"status":"failed","reason":"..."}. Audited. "paid" posts the "tax.paid" ledger entry (see
 * fw_tax_pay()); "failed" posts nothing.
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND; FW_ESTATE unless PENDING; FW_EPERM.
 */
FW_EXTERN(int) fw_tax_payment_resolve(fw_ctx *ctx, fw_id payment_id, const char *json,
                                      size_t json_len, fw_error **err);

/**
 * A payment: {"id","declaration_id","state","iit_fen","vat_fen","surcharge_fen","total_fen",
 * "bank_ref","reason"}.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_payment_get(fw_ctx *ctx, fw_id payment_id, char **out_json, size_t *out_len,
                                  fw_error **err);

/**
 * Asks the tax provider's certificate callback for a worker's certificate of a period
 * ({"worker_id","period"} -> {"certificate_no","content_type","document_b64"}) and stores it.
 * @return FW_OK; FW_EPENDING when there is no provider or it answers later (an operator then
 *         records it with fw_tax_certificate_record()); FW_EPROVIDER for an unusable answer;
 *         FW_EEXISTS when that certificate number is stored; FW_EPERM.
 */
FW_EXTERN(int) fw_tax_certificate_query(fw_ctx *ctx, fw_id worker_id, const char *period,
                                        fw_id *out_id, fw_error **err);

/**
 * Records a certificate received by hand: {"worker_id","period","certificate_no",
 * "content_type","document_b64"} (document up to 8 MiB). Audited.
 * @return FW_OK; FW_EINVAL naming the field; FW_EEXISTS for a known certificate number; FW_EPERM.
 */
FW_EXTERN(int) fw_tax_certificate_record(fw_ctx *ctx, const char *json, size_t json_len,
                                         fw_id *out_id, fw_error **err);

/**
 * A certificate's metadata: {"id","worker_id","period","certificate_no",
 * "origin":"provider|operator|platform","content_type","size","sha256"}. Workers read only
 * their own.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_certificate_get(fw_ctx *ctx, fw_id certificate_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * The certificate's document bytes as stored (the caller frees *out_doc with fw_free()).
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ENOMEM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_tax_certificate_download(fw_ctx *ctx, fw_id certificate_id, uint8_t **out_doc,
                                           size_t *out_len, fw_error **err);

/**
 * Issues the platform's own certificate of tax withheld and paid for a worker and period, from
 * the newest accepted declaration with a line for the worker, once its payment is PAID. The
 * document (content type application/json) is {"certificate":{"format":
 * "flexwork-tax-certificate","version":1,"certificate_no","worker_id","period",
 * "declaration_id","declaration_version","receipt_no","bank_ref","income_fen","iit_fen",
 * "vat_fen","surcharge_fen","total_fen","issued_ms","public_key"},"signature":"<hex>"}: an
 * Ed25519 signature by the platform key (fw_audit_public_key()) over the exact bytes of the
 * certificate object. Issuing again returns the same certificate. Audited.
 * @return FW_OK; FW_EINVAL for a bad worker_id or period; FW_ENOTFOUND when no accepted
 *         declaration of the period has a line for the worker; FW_ESTATE when its tax is not
 *         paid yet; FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_tax_certificate_issue(fw_ctx *ctx, fw_id worker_id, const char *period,
                                        fw_id *out_id, fw_error **err);

/**
 * Verifies a platform-issued certificate document offline against the platform's public key.
 * @param doc, len     the document as downloaded.
 * @param public_key   32 bytes (fw_audit_public_key() of the issuing store).
 * @return FW_OK; FW_EAUTH when the signature does not verify (an edited or forged document,
 *         or another key); FW_EINVAL when the bytes are not such a certificate.
 */
FW_EXTERN(int) fw_tax_certificate_verify(const uint8_t *doc, size_t len, const uint8_t public_key[32],
                                         fw_error **err);

/**
 * A printable plain-text rendering of a platform-issued certificate (amounts in yuan).
 * @param[out] out_text  the caller frees it with fw_free(); @param[out] out_len optional.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE for a certificate not issued by the platform;
 *         FW_EPERM (workers render only their own); FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_certificate_render(fw_ctx *ctx, fw_id certificate_id, char **out_text,
                                         size_t *out_len, fw_error **err);

/**
 * The same certificate as a self-contained HTML page (UTF-8, one table of the fields, amounts in
 * yuan). Every value is HTML-escaped (& < > " '), so a receipt or bank reference from a provider
 * cannot inject markup. The page is a rendering: what verifies is the downloaded document.
 * @param[out] out_html  the caller frees it with fw_free(); @param[out] out_len optional.
 * @return FW_OK; FW_EINVAL without out_html; FW_ENOTFOUND; FW_ESTATE for a certificate not issued
 *         by the platform; FW_EPERM (workers render only their own); FW_ENOMEM.
 */
FW_EXTERN(int) fw_tax_certificate_render_html(fw_ctx *ctx, fw_id certificate_id, char **out_html,
                                              size_t *out_len, fw_error **err);

FW_END_DECL
#endif
