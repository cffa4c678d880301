/*
 * The tax calculator: rules in force on one date, policies, and computations that explain
 * themselves step by step (each step names its rule and the rule's source).
 *
 * Rounding: every tax amount is rounded once, half-up to the fen, where it is computed:
 * the 20% expense, the VAT-exclusive sales, each tax on a bracket table, the VAT, each
 * surcharge (its rate and any halving applied together) and each relief.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "tax/tax.h"

/* ---- helpers ------------------------------------------------------------------------------ */

const char *fw__tax_pct(int64_t ppm, char *buf, size_t size)
{
    int64_t whole = ppm / 10000, frac = ppm % 10000;
    int len;

    if (frac == 0) {
        snprintf(buf, size, "%lld%%", (long long)whole);
        return buf;
    }
    len = snprintf(buf, size, "%lld.%04lld", (long long)whole, (long long)frac);
    while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
    snprintf(buf + len, size - (size_t)len, "%%");
    return buf;
}

void fw__tax_step(cJSON *steps, const char *step, const struct fw__tax_rule *rule,
                  int64_t value_fen, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    cJSON *o;

    if (!steps || !(o = cJSON_CreateObject()))
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cJSON_AddStringToObject(o, "step", step);
    cJSON_AddStringToObject(o, "formula", text);
    fw__json_add_i64(o, "value_fen", value_fen);
    if (rule) {
        cJSON_AddStringToObject(o, "rule", rule->id);
        cJSON_AddStringToObject(o, "source", rule->source);
    }
    cJSON_AddItemToArray(steps, o);
}

#define Y(v, b) fw__money_format((v), (b), sizeof(b))

static int no_rule(fw_tax_calc *c, int kind, fw_error **err)
{
    return fw__error_set(err, FW_ENOTFOUND, NULL,
                         "no %s rule is in force on %s; load a rule file that covers that date",
                         fw__tax_kind_name(kind), c->date);
}

static const struct fw__tax_rule *rule(const fw_tax_calc *c, int kind)
{
    return fw__tax_rule_at(c->rules, c->nrules, kind, c->at_ms);
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

void fw__tax_calc_at(fw_tax_calc *calc, int64_t at_ms)
{
    int y, m, d;

    calc->at_ms = at_ms;
    fw__cst_date(at_ms, &y, &m, &d);
    snprintf(calc->date, sizeof(calc->date), "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

static int load_host_rules(fw_tax_calc *c, fw_error **err)
{
    fw__stmt *s = NULL;
    struct fw__tax_rule *part = NULL, *grown;
    size_t k = 0;
    int rc;

    if ((rc = fw__db_query(c->ctx, &s, err, "SELECT json FROM fw_tax_rule_file ORDER BY id", "")) != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        const char *json = fw__db_col_text(s, 0);
        if ((rc = fw__tax_rules_parse(json, strlen(json), 1, c->rules, c->nrules, &part, &k, err)) != FW_OK)
            break;
        if (!(grown = realloc(c->rules, (c->nrules + k) * sizeof(*grown)))) {
            free(part);
            rc = fw__error_nomem(err);
            break;
        }
        c->rules = grown;
        memcpy(c->rules + c->nrules, part, k * sizeof(*part));
        c->nrules += k;
        free(part);
    }
    fw__db_done(s);
    return rc == FW__DONE ? FW_OK : rc;
}

int fw__tax_calc_open(fw_tax_calc **out, fw_ctx *ctx, int64_t at_ms, fw_error **err)
{
    const struct fw__tax_rule *shipped;
    fw_tax_calc *c;
    size_t n;
    int rc;

    if ((rc = fw__tax_rules_builtin(&shipped, &n, err)) != FW_OK)
        return rc;
    if (!(c = calloc(1, sizeof(*c))) || !(c->rules = malloc(n * sizeof(*shipped)))) {
        free(c);
        return fw__error_nomem(err);
    }
    memcpy(c->rules, shipped, n * sizeof(*shipped));
    c->nrules = n;
    c->ctx = ctx;
    c->method = FW_TAX_METHOD_AUTO;
    fw__tax_calc_at(c, at_ms);
    fw__tax_policies_default(&c->pol);
    if (ctx && ((rc = load_host_rules(c, err)) != FW_OK ||
                (rc = fw__tax_policies_load(ctx, &c->pol, err)) != FW_OK)) {
        fw_tax_calc_free(c);
        return rc;
    }
    *out = c;
    return FW_OK;
}

int fw_tax_calc_new(fw_tax_calc **out, fw_ctx *ctx, int64_t at_ms, fw_error **err)
{
    int rc;

    if (!out)
        return fw__error_set(err, FW_EINVAL, NULL, "out is required");
    if (at_ms < 0)
        return fw__error_set(err, FW_EINVAL, "at_ms", "must be an instant at or after 1970-01-01, got %lld",
                             (long long)at_ms);
    if (ctx && (rc = fw__authz_require(ctx, "tax.calc", err)) != FW_OK)
        return rc;
    return fw__tax_calc_open(out, ctx, at_ms, err);
}

void fw_tax_calc_free(fw_tax_calc *calc)
{
    if (!calc)
        return;
    cJSON_Delete(calc->explain);
    free(calc->rules);
    free(calc);
}

int fw_tax_calc_set_policy(fw_tax_calc *calc, const char *name, const char *value, fw_error **err)
{
    if (!calc)
        return fw__error_set(err, FW_EINVAL, NULL, "calc is required");
    return fw__tax_policy_set(&calc->pol, name, value, err);
}

int fw_tax_calc_set_method(fw_tax_calc *calc, uint32_t method, fw_error **err)
{
    if (!calc)
        return fw__error_set(err, FW_EINVAL, NULL, "calc is required");
    if (method > FW_TAX_METHOD_PER_PAYMENT)
        return fw__error_set(err, FW_EINVAL, "method", "must be FW_TAX_METHOD_AUTO (0), _CUMULATIVE (1) or "
                             "_PER_PAYMENT (2), got %u", method);
    calc->method = method;
    return FW_OK;
}

int fw__tax_use_cumulative(const fw_tax_calc *c)
{
    if (c->method == FW_TAX_METHOD_CUMULATIVE)
        return 1;
    if (c->method == FW_TAX_METHOD_PER_PAYMENT || c->pol.v[FW__TAX_POL_LABOUR_METHOD] == 1)
        return 0;
    return rule(c, FW__TAX_RULE_LABOUR_CUMULATIVE) != NULL;
}

/* ---- computations ------------------------------------------------------------------------ */

int fw__tax_iit_cumulative(fw_tax_calc *c, int64_t cum_income, int64_t months, int64_t withheld,
                           int64_t *cum_expense, int64_t *cum_deduction, int64_t *cum_tax,
                           int64_t *now, cJSON *steps, fw_error **err)
{
    const struct fw__tax_rule *r = rule(c, FW__TAX_RULE_LABOUR_CUMULATIVE);
    const struct fw__tax_bracket *b;
    int64_t expense, deduction, taxable, tax, due;
    char b1[32], b2[32], b3[32], b4[32], pct[16];
    int rc;

    if (!r)
        return no_rule(c, FW__TAX_RULE_LABOUR_CUMULATIVE, err);
    if ((rc = fw__money_ppm(cum_income, r->expense_ppm, FW__ROUND_HALF_UP, &expense)) != FW_OK ||
        (rc = fw__money_mul(r->deduction_fen, months, &deduction)) != FW_OK ||
        (rc = fw__money_sub(cum_income, expense, &taxable)) != FW_OK ||
        (rc = fw__money_sub(taxable, deduction, &taxable)) != FW_OK ||
        (rc = fw__tax_bracket_tax(r, taxable, &tax, &b)) != FW_OK)
        return fw__error_set(err, rc, NULL, "cumulative IIT: an amount leaves the int64 fen range");
    due = tax - withheld > 0 ? tax - withheld : 0;
    fw__tax_step(steps, "cumulative_income", r, cum_income, "year-to-date income %s", Y(cum_income, b1));
    fw__tax_step(steps, "cumulative_expense", r, expense, "%s x %s, rounded half-up to the fen",
                 Y(cum_income, b1), fw__tax_pct(r->expense_ppm, pct, sizeof(pct)));
    fw__tax_step(steps, "cumulative_deduction", r, deduction, "%s x %lld consecutive month(s)",
                 Y(r->deduction_fen, b1), (long long)months);
    fw__tax_step(steps, "cumulative_taxable", r, taxable, "%s - %s - %s", Y(cum_income, b1),
                 Y(expense, b2), Y(deduction, b3));
    if (taxable <= 0)
        fw__tax_step(steps, "cumulative_tax", r, 0, "taxable %s <= 0: no tax", Y(taxable, b1));
    else
        fw__tax_step(steps, "cumulative_tax", r, tax,
                     "%s x %s - %s (quick deduction), rate rounded half-up to the fen, floored at 0",
                     Y(taxable, b1), fw__tax_pct(b->rate_ppm, pct, sizeof(pct)), Y(b->quick_fen, b2));
    fw__tax_step(steps, "withhold_now", r, due, "max(0, %s - %s withheld before)", Y(tax, b3),
                 Y(withheld, b4));
    if (cum_expense)
        *cum_expense = expense;
    if (cum_deduction)
        *cum_deduction = deduction;
    if (cum_tax)
        *cum_tax = tax;
    *now = due;
    return FW_OK;
}

int fw__tax_iit_per_payment(fw_tax_calc *c, int64_t income, int64_t *tax, cJSON *steps,
                            fw_error **err)
{
    const struct fw__tax_rule *r = rule(c, FW__TAX_RULE_LABOUR_PER_PAYMENT);
    const struct fw__tax_bracket *b;
    int64_t expense, taxable, t;
    char b1[32], b2[32], pct[16];
    int rc;

    if (!r)
        return no_rule(c, FW__TAX_RULE_LABOUR_PER_PAYMENT, err);
    if (income <= r->low_limit_fen) {
        expense = income < r->fixed_expense_fen ? income : r->fixed_expense_fen;
        fw__tax_step(steps, "expense", r, expense, "income %s <= %s: fixed expense %s (at most the income)",
                     Y(income, b1), Y(r->low_limit_fen, b2), Y(r->fixed_expense_fen, b2));
    } else {
        if ((rc = fw__money_ppm(income, r->expense_ppm, FW__ROUND_HALF_UP, &expense)) != FW_OK)
            return fw__error_set(err, rc, NULL, "per-payment IIT: the amount leaves the int64 fen range");
        fw__tax_step(steps, "expense", r, expense, "income %s > %s: %s x %s, rounded half-up to the fen",
                     Y(income, b1), Y(r->low_limit_fen, b2), Y(income, b1),
                     fw__tax_pct(r->expense_ppm, pct, sizeof(pct)));
    }
    taxable = income - expense;
    fw__tax_step(steps, "taxable", r, taxable, "%s - %s", Y(income, b1), Y(expense, b2));
    if ((rc = fw__tax_bracket_tax(r, taxable, &t, &b)) != FW_OK)
        return fw__error_set(err, rc, NULL, "per-payment IIT: the amount leaves the int64 fen range");
    if (taxable <= 0)
        fw__tax_step(steps, "tax", r, 0, "taxable 0: no tax");
    else
        fw__tax_step(steps, "tax", r, t, "%s x %s - %s (quick deduction), rounded half-up to the fen",
                     Y(taxable, b1), fw__tax_pct(b->rate_ppm, pct, sizeof(pct)), Y(b->quick_fen, b2));
    *tax = t;
    return FW_OK;
}

int fw__tax_vat_month(fw_tax_calc *c, int64_t month_gross, int64_t *sales, int64_t *vat,
                      cJSON *steps, fw_error **err)
{
    const struct fw__tax_rule *base = rule(c, FW__TAX_RULE_VAT);
    const struct fw__tax_rule *rel = rule(c, FW__TAX_RULE_VAT_RELIEF);
    const struct fw__tax_rule *used;
    int64_t rate, s, v;
    char b1[32], b2[32], pct[16];
    int rc, mode, exempt;

    if (!base)
        return no_rule(c, FW__TAX_RULE_VAT, err);
    rate = rel ? rel->rate_ppm : base->levy_ppm;
    used = rel ? rel : base;
    if (rel)
        fw__tax_step(steps, "rate", rel, 0, "levy rate %s reduced to %s",
                     fw__tax_pct(base->levy_ppm, b1, sizeof(b1)), fw__tax_pct(rate, pct, sizeof(pct)));
    if ((rc = fw__money_muldiv(month_gross, FW__PPM, FW__PPM + rate, FW__ROUND_HALF_UP, &s)) != FW_OK)
        return fw__error_set(err, rc, NULL, "VAT: the amount leaves the int64 fen range");
    fw__tax_step(steps, "sales", used, s, "%s / (1 + %s), VAT-exclusive, rounded half-up to the fen",
                 Y(month_gross, b1), fw__tax_pct(rate, pct, sizeof(pct)));
    exempt = 0;
    if (rel && rel->threshold_fen > 0) {
        mode = rel->threshold_mode;
        if (c->pol.v[FW__TAX_POL_VAT_BOUNDARY] == 1)
            mode = FW__TAX_THRESHOLD_EXEMPT_INCLUSIVE;
        else if (c->pol.v[FW__TAX_POL_VAT_BOUNDARY] == 2)
            mode = FW__TAX_THRESHOLD_TAXABLE_FROM;
        exempt = mode == FW__TAX_THRESHOLD_EXEMPT_INCLUSIVE ? s <= rel->threshold_fen
                                                            : s < rel->threshold_fen;
        fw__tax_step(steps, "threshold", rel, rel->threshold_fen,
                     exempt ? "month sales %s %s threshold %s: exempt"
                            : "month sales %s %s threshold %s: the whole amount is taxable",
                     Y(s, b1),
                     exempt ? (mode == FW__TAX_THRESHOLD_EXEMPT_INCLUSIVE ? "<=" : "<")
                            : (mode == FW__TAX_THRESHOLD_EXEMPT_INCLUSIVE ? ">" : ">="),
                     Y(rel->threshold_fen, b2));
    }
    v = 0;
    if (!exempt) {
        if ((rc = fw__money_ppm(s, rate, FW__ROUND_HALF_UP, &v)) != FW_OK)
            return fw__error_set(err, rc, NULL, "VAT: the amount leaves the int64 fen range");
        fw__tax_step(steps, "vat", used, v, "%s x %s, rounded half-up to the fen", Y(s, b1),
                     fw__tax_pct(rate, pct, sizeof(pct)));
    }
    if (sales)
        *sales = s;
    *vat = v;
    return FW_OK;
}

int fw__tax_surcharges(fw_tax_calc *c, int64_t vat, struct fw__tax_sur *out, cJSON *steps,
                       fw_error **err)
{
    static const char *const loc_names[] = { "city district", "county town or town", "elsewhere" };
    const struct fw__tax_rule *r = rule(c, FW__TAX_RULE_SURCHARGES);
    const struct fw__tax_rule *rel = rule(c, FW__TAX_RULE_SURCHARGE_RELIEF);
    int64_t pay = rel ? FW__PPM - rel->relief_ppm : FW__PPM;
    int64_t rates[3], amounts[3];
    static const char *const names[] = { "city_maintenance", "education", "local_education" };
    char b1[32], pct[16], pct2[16];
    int loc = c->pol.v[FW__TAX_POL_LOCATION], i, rc;

    if (!r)
        return no_rule(c, FW__TAX_RULE_SURCHARGES, err);
    rates[0] = r->city_ppm[loc];
    rates[1] = r->education_ppm;
    rates[2] = r->local_ppm;
    for (i = 0; i < 3; i++) {
        if ((rc = fw__money_muldiv(vat, rates[i] * pay, FW__PPM * FW__PPM, FW__ROUND_HALF_UP,
                                   &amounts[i])) != FW_OK)
            return fw__error_set(err, rc, NULL, "surcharges: the amount leaves the int64 fen range");
        if (rel)
            fw__tax_step(steps, names[i], rel, amounts[i], "%s x %s%s%s x %s paid (relief %s), rounded "
                         "half-up to the fen (%s)", Y(vat, b1), fw__tax_pct(rates[i], pct, sizeof(pct)),
                         i == 0 ? " (" : "", i == 0 ? loc_names[loc] : "",
                         fw__tax_pct(pay, pct2, sizeof(pct2)), rel->id, r->id);
        else
            fw__tax_step(steps, names[i], r, amounts[i], "%s x %s%s%s%s, rounded half-up to the fen",
                         Y(vat, b1), fw__tax_pct(rates[i], pct, sizeof(pct)), i == 0 ? " (" : "",
                         i == 0 ? loc_names[loc] : "", i == 0 ? ")" : "");
    }
    out->city = amounts[0];
    out->education = amounts[1];
    out->local = amounts[2];
    return FW_OK;
}

/* ---- public typed entry points ------------------------------------------------------------ */

static cJSON *explain_new(fw_tax_calc *c, const char *kind, cJSON **steps)
{
    cJSON *ex = cJSON_CreateObject();

    if (!ex)
        return NULL;
    cJSON_AddStringToObject(ex, "date", c->date);
    cJSON_AddStringToObject(ex, "kind", kind);
    *steps = cJSON_AddArrayToObject(ex, "steps");
    if (!*steps) {
        cJSON_Delete(ex);
        return NULL;
    }
    return ex;
}

/* Keeps the explanation of a successful computation; drops it on failure. */
static int explain_end(fw_tax_calc *c, cJSON *ex, int rc, int64_t result)
{
    if (rc != FW_OK) {
        cJSON_Delete(ex);
        return rc;
    }
    fw__json_add_i64(ex, "result_fen", result);
    cJSON_Delete(c->explain);
    c->explain = ex;
    return FW_OK;
}

static int check_amount(const char *name, int64_t v, fw_error **err)
{
    if (v < 0)
        return fw__error_set(err, FW_EINVAL, name, "must be a non-negative number of fen, got %lld",
                             (long long)v);
    return FW_OK;
}

int fw_tax_calc_labour_payment(fw_tax_calc *calc, int64_t gross_fen, int64_t *tax_fen, fw_error **err)
{
    cJSON *ex, *steps;
    int64_t t = 0;
    int rc;

    if (!calc || !tax_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and tax_fen are required");
    if ((rc = check_amount("gross_fen", gross_fen, err)) != FW_OK)
        return rc;
    if (!(ex = explain_new(calc, "labour_payment", &steps)))
        return fw__error_nomem(err);
    rc = fw__tax_iit_per_payment(calc, gross_fen, &t, steps, err);
    if ((rc = explain_end(calc, ex, rc, t)) == FW_OK)
        *tax_fen = t;
    return rc;
}

int fw_tax_calc_labour_cumulative(fw_tax_calc *calc, int64_t cum_income_fen, uint32_t months,
                                  int64_t withheld_fen, int64_t *tax_fen, fw_error **err)
{
    cJSON *ex, *steps;
    int64_t t = 0;
    int rc;

    if (!calc || !tax_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and tax_fen are required");
    if ((rc = check_amount("cum_income_fen", cum_income_fen, err)) != FW_OK ||
        (rc = check_amount("withheld_fen", withheld_fen, err)) != FW_OK)
        return rc;
    if (months < 1 || months > 12)
        return fw__error_set(err, FW_EINVAL, "months", "must be 1..12, got %u", months);
    if (!(ex = explain_new(calc, "labour_cumulative", &steps)))
        return fw__error_nomem(err);
    rc = fw__tax_iit_cumulative(calc, cum_income_fen, months, withheld_fen, NULL, NULL, NULL, &t,
                                steps, err);
    if ((rc = explain_end(calc, ex, rc, t)) == FW_OK)
        *tax_fen = t;
    return rc;
}

int fw_tax_calc_business(fw_tax_calc *calc, int64_t amount_fen, int64_t deemed_rate_ppm,
                         uint32_t flags, int64_t *tax_fen, fw_error **err)
{
    const struct fw__tax_rule *r, *rel;
    const struct fw__tax_bracket *b;
    cJSON *ex, *steps;
    int64_t taxable = amount_fen, tax = 0, capped_tax, relief = 0;
    char b1[32], b2[32], pct[16];
    int rc;

    if (!calc || !tax_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and tax_fen are required");
    if ((rc = check_amount("amount_fen", amount_fen, err)) != FW_OK)
        return rc;
    if (deemed_rate_ppm < 0 || deemed_rate_ppm > FW__PPM)
        return fw__error_set(err, FW_EINVAL, "deemed_rate_ppm", "must be 0 (none) or 1..1000000 ppm, got %lld",
                             (long long)deemed_rate_ppm);
    if (flags & ~FW_TAX_BUSINESS_INDIVIDUAL)
        return fw__error_set(err, FW_EINVAL, "flags", "must be 0 or FW_TAX_BUSINESS_INDIVIDUAL, got 0x%x", flags);
    if (!(r = rule(calc, FW__TAX_RULE_BUSINESS)))
        return no_rule(calc, FW__TAX_RULE_BUSINESS, err);
    if (!(ex = explain_new(calc, "business", &steps)))
        return fw__error_nomem(err);
    rc = FW_OK;
    if (deemed_rate_ppm > 0) {
        if ((rc = fw__money_ppm(amount_fen, deemed_rate_ppm, FW__ROUND_HALF_UP, &taxable)) != FW_OK)
            rc = fw__error_set(err, rc, NULL, "business IIT: the amount leaves the int64 fen range");
        else
            fw__tax_step(steps, "deemed_taxable", r, taxable,
                         "revenue %s x deemed profit rate %s, rounded half-up to the fen",
                         Y(amount_fen, b1), fw__tax_pct(deemed_rate_ppm, pct, sizeof(pct)));
    }
    if (rc == FW_OK && (rc = fw__tax_bracket_tax(r, taxable, &tax, &b)) == FW_OK)
        fw__tax_step(steps, "tax", r, tax, "%s x %s - %s (quick deduction), rounded half-up to the fen",
                     Y(taxable, b1), fw__tax_pct(b->rate_ppm, pct, sizeof(pct)), Y(b->quick_fen, b2));
    if (rc == FW_OK && (flags & FW_TAX_BUSINESS_INDIVIDUAL) &&
        (rel = rule(calc, FW__TAX_RULE_BUSINESS_RELIEF)) != NULL) {
        if (taxable <= rel->cap_fen)
            capped_tax = tax;
        else
            rc = fw__tax_bracket_tax(r, rel->cap_fen, &capped_tax, NULL);
        if (rc == FW_OK)
            rc = fw__money_ppm(capped_tax, rel->relief_ppm, FW__ROUND_HALF_UP, &relief);
        if (rc == FW_OK) {
            fw__tax_step(steps, "individual_business_relief", rel, -relief,
                         "tax on the taxable income up to %s (%s) x %s relief, rounded half-up to the fen",
                         Y(rel->cap_fen, b1), Y(capped_tax, b2), fw__tax_pct(rel->relief_ppm, pct, sizeof(pct)));
            tax -= relief;
        }
    }
    if ((rc = explain_end(calc, ex, rc, tax)) == FW_OK)
        *tax_fen = tax;
    return rc;
}

int fw_tax_calc_vat(fw_tax_calc *calc, int64_t month_gross_fen, int64_t *vat_fen,
                    int64_t *surcharges_fen, fw_error **err)
{
    struct fw__tax_sur sur = { 0, 0, 0 };
    cJSON *ex, *steps;
    int64_t sales = 0, vat = 0;
    int rc;

    if (!calc || !vat_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and vat_fen are required");
    if ((rc = check_amount("month_gross_fen", month_gross_fen, err)) != FW_OK)
        return rc;
    if (!(ex = explain_new(calc, "vat", &steps)))
        return fw__error_nomem(err);
    rc = fw__tax_vat_month(calc, month_gross_fen, &sales, &vat, steps, err);
    if (rc == FW_OK)
        rc = fw__tax_surcharges(calc, vat, &sur, steps, err);
    if (rc == FW_OK) {
        cJSON *a = cJSON_AddObjectToObject(ex, "amounts");
        fw__json_add_i64(a, "sales_fen", sales);
        fw__json_add_i64(a, "vat_fen", vat);
        fw__json_add_i64(a, "city_maintenance_fen", sur.city);
        fw__json_add_i64(a, "education_fen", sur.education);
        fw__json_add_i64(a, "local_education_fen", sur.local);
        fw__json_add_i64(a, "surcharges_fen", sur.city + sur.education + sur.local);
    }
    if ((rc = explain_end(calc, ex, rc, vat)) == FW_OK) {
        *vat_fen = vat;
        if (surcharges_fen)
            *surcharges_fen = sur.city + sur.education + sur.local;
    }
    return rc;
}

int fw_tax_calc_surcharges(fw_tax_calc *calc, int64_t vat_fen, int64_t *surcharges_fen, fw_error **err)
{
    struct fw__tax_sur sur = { 0, 0, 0 };
    cJSON *ex, *steps;
    int rc;

    if (!calc || !surcharges_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and surcharges_fen are required");
    if ((rc = check_amount("vat_fen", vat_fen, err)) != FW_OK)
        return rc;
    if (!(ex = explain_new(calc, "surcharges", &steps)))
        return fw__error_nomem(err);
    rc = fw__tax_surcharges(calc, vat_fen, &sur, steps, err);
    if (rc == FW_OK) {
        cJSON *a = cJSON_AddObjectToObject(ex, "amounts");
        fw__json_add_i64(a, "city_maintenance_fen", sur.city);
        fw__json_add_i64(a, "education_fen", sur.education);
        fw__json_add_i64(a, "local_education_fen", sur.local);
    }
    if ((rc = explain_end(calc, ex, rc, sur.city + sur.education + sur.local)) == FW_OK)
        *surcharges_fen = sur.city + sur.education + sur.local;
    return rc;
}

int fw_tax_calc_withholding(fw_tax_calc *calc, fw_id worker_id, int64_t gross_fen,
                            int64_t *withheld_fen, fw_error **err)
{
    cJSON *ex = NULL;
    int64_t w = 0;
    int rc;

    if (!calc || !withheld_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and withheld_fen are required");
    if (!calc->ctx)
        return fw__error_set(err, FW_EINVAL, NULL,
                             "a withholding quote reads the worker's figures: create the calculator over a context");
    if ((rc = fw__tax_quote(calc, worker_id, gross_fen, &w, &ex, err)) != FW_OK)
        return rc;
    cJSON_Delete(calc->explain);
    calc->explain = ex;
    *withheld_fen = w;
    return FW_OK;
}

/* ---- JSON front --------------------------------------------------------------------------- */

int fw_tax_calc_compute(fw_tax_calc *calc, const char *json, size_t json_len, char **out_json,
                        size_t *out_len, fw_error **err)
{
    static const char *const kinds[] = { "labour_payment", "labour_cumulative", "business", "vat",
                                         "surcharges", NULL };
    static const char *const f_pay[] = { "kind", "gross_fen", NULL };
    static const char *const f_cum[] = { "kind", "cum_income_fen", "months", "withheld_fen", NULL };
    static const char *const f_bus[] = { "kind", "amount_fen", "deemed_rate_ppm", "individual_business", NULL };
    static const char *const f_vat[] = { "kind", "month_gross_fen", NULL };
    static const char *const f_sur[] = { "kind", "vat_fen", NULL };
    cJSON *root = NULL;
    int64_t a = 0, b = 0, m = 0, out = 0, s = 0;
    int kind = 0, ind = 0, rc;

    if (!calc || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "calc, json and out_json are required");
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err);
    if (rc == FW_OK) {
        switch (kind) {
        case 0:
            if ((rc = fw__json_only(root, "$", f_pay, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "gross_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &a, err)) == FW_OK)
                rc = fw_tax_calc_labour_payment(calc, a, &out, err);
            break;
        case 1:
            if ((rc = fw__json_only(root, "$", f_cum, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "cum_income_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &a, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "months", FW__REQUIRED, 1, 12, &m, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "withheld_fen", FW__OPTIONAL, 0, FW__JSON_MAX_INT, &b, err)) == FW_OK)
                rc = fw_tax_calc_labour_cumulative(calc, a, (uint32_t)m, b, &out, err);
            break;
        case 2:
            if ((rc = fw__json_only(root, "$", f_bus, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "amount_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &a, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "deemed_rate_ppm", FW__OPTIONAL, 0, FW__PPM, &b, err)) == FW_OK &&
                (rc = fw__json_bool(root, "$", "individual_business", FW__OPTIONAL, &ind, err)) == FW_OK)
                rc = fw_tax_calc_business(calc, a, b, ind ? FW_TAX_BUSINESS_INDIVIDUAL : 0, &out, err);
            break;
        case 3:
            if ((rc = fw__json_only(root, "$", f_vat, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "month_gross_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &a, err)) == FW_OK)
                rc = fw_tax_calc_vat(calc, a, &out, &s, err);
            break;
        default:
            if ((rc = fw__json_only(root, "$", f_sur, err)) == FW_OK &&
                (rc = fw__json_i64(root, "$", "vat_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &a, err)) == FW_OK)
                rc = fw_tax_calc_surcharges(calc, a, &out, err);
            break;
        }
    }
    cJSON_Delete(root);
    if (rc != FW_OK)
        return rc;
    return fw_tax_calc_explain(calc, out_json, out_len, err);
}

int fw_tax_calc_explain(const fw_tax_calc *calc, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *copy;

    if (!calc || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and out_json are required");
    if (!calc->explain)
        return fw__error_set(err, FW_ESTATE, NULL, "the calculator has not computed anything yet");
    if (!(copy = cJSON_Duplicate(calc->explain, 1)))
        return fw__error_nomem(err);
    return fw__json_out(copy, out_json, out_len, err);
}

int fw_tax_calc_rules(const fw_tax_calc *calc, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *arr, *o;
    size_t i;

    if (!calc || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and out_json are required");
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    for (i = 0; i < calc->nrules; i++) {
        const struct fw__tax_rule *r = &calc->rules[i];
        if (rule(calc, r->kind) != r)   /* in force and not overridden by a newer file */
            continue;
        if (!(o = cJSON_CreateObject())) {
            cJSON_Delete(arr);
            return fw__error_nomem(err);
        }
        cJSON_AddStringToObject(o, "id", r->id);
        cJSON_AddStringToObject(o, "kind", fw__tax_kind_name(r->kind));
        cJSON_AddStringToObject(o, "valid_from", r->valid_from);
        if (r->valid_to[0])
            cJSON_AddStringToObject(o, "valid_to", r->valid_to);
        else
            cJSON_AddNullToObject(o, "valid_to");
        cJSON_AddStringToObject(o, "source", r->source);
        cJSON_AddStringToObject(o, "origin", r->host ? "host" : "shipped");
        cJSON_AddItemToArray(arr, o);
    }
    return fw__json_out(arr, out_json, out_len, err);
}
