/*
 * Withholding at payout (R-7.7.a, R-5.7): per worker the year-to-date cumulative figures and
 * the month figures are kept in the store, so a payout reads and writes O(1) rows; every
 * withholding and reversal is an append-only record carrying its full explanation.
 * Also: host rule files and the store's policies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "tax/tax.h"

#define REF_MAX 255

/* ---- rule files and policies -------------------------------------------------------------- */

int fw_tax_rules_load(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    fw_tax_calc *known = NULL;
    struct fw__tax_rule *rules = NULL;
    unsigned char digest[32];
    char detail[256];
    size_t n = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "tax.rules_load", err)) != FW_OK)
        return rc;
    if (json_len == (size_t)-1)
        json_len = strlen(json);
    if ((rc = fw__tax_calc_open(&known, ctx, 0, err)) != FW_OK)
        return rc;
    rc = fw__tax_rules_parse(json, json_len, 1, known->rules, known->nrules, &rules, &n, err);
    fw_tax_calc_free(known);
    free(rules);
    if (rc != FW_OK)
        return rc;
    crypto_generichash(digest, sizeof(digest), (const unsigned char *)json, json_len, NULL, 0);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "INSERT INTO fw_tax_rule_file(json, digest, loaded_ms) VALUES(?, ?, ?)",
                     "tbi", json, digest, sizeof(digest), fw_ctx_now(ctx));
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        snprintf(detail, sizeof(detail), "{\"rules\":%zu}", n);
        rc = fw__audit_append(ctx, "tax.rules_load", "tax_rule_file", id, detail, strlen(detail), err);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_id)
        *out_id = id;
    return rc;
}

int fw_tax_set_policy(fw_ctx *ctx, const char *name, const char *value, fw_error **err)
{
    struct fw__tax_policies p;
    char detail[256];
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "tax.policy", err)) != FW_OK)
        return rc;
    fw__tax_policies_default(&p);
    if ((rc = fw__tax_policy_set(&p, name, value, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "INSERT INTO fw_tax_policy(name, value, updated_ms) VALUES(?, ?, ?) "
                     "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms",
                     "tti", name, value, fw_ctx_now(ctx));
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"name\":\"%s\",\"value\":\"%s\"}", name, value);
        rc = fw__audit_append(ctx, "tax.policy", "tax_policy", 0, detail, strlen(detail), err);
    }
    return fw__tx_end(ctx, rc, err);
}

int fw_tax_policies(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    struct fw__tax_policies p;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "tax.calc", err)) != FW_OK ||
        (rc = fw__tax_policies_load(ctx, &p, err)) != FW_OK)
        return rc;
    if (!(arr = fw__tax_policies_json(&p)))
        return fw__error_nomem(err);
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- the worker's figures ------------------------------------------------------------------ */

struct cum {
    int64_t last_month, count, income, expense, deduction, withheld;
};

struct month {
    int64_t gross, income, iit, vat, city, education, local;
};

static int cum_read(fw_ctx *ctx, fw_id worker, int year, struct cum *c, int *found, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    memset(c, 0, sizeof(*c));
    *found = 0;
    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT last_month, month_count, income_fen, expense_fen, deduction_fen, withheld_fen "
                           "FROM fw_tax_cumulative WHERE worker_id = ? AND year = ?",
                           "ii", worker, (int64_t)year)) != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) == FW__ROW) {
        c->last_month = fw__db_col_i64(s, 0);
        c->count = fw__db_col_i64(s, 1);
        c->income = fw__db_col_i64(s, 2);
        c->expense = fw__db_col_i64(s, 3);
        c->deduction = fw__db_col_i64(s, 4);
        c->withheld = fw__db_col_i64(s, 5);
        *found = 1;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int cum_write(fw_ctx *ctx, fw_id worker, int year, const struct cum *c, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_tax_cumulative(worker_id, year, last_month, month_count, income_fen, "
                       "expense_fen, deduction_fen, withheld_fen, updated_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(worker_id, year) DO UPDATE SET last_month = excluded.last_month, "
                       "month_count = excluded.month_count, income_fen = excluded.income_fen, "
                       "expense_fen = excluded.expense_fen, deduction_fen = excluded.deduction_fen, "
                       "withheld_fen = excluded.withheld_fen, updated_ms = excluded.updated_ms",
                       "iiiiiiiii", worker, (int64_t)year, c->last_month, c->count, c->income, c->expense,
                       c->deduction, c->withheld, fw_ctx_now(ctx));
}

static int month_read(fw_ctx *ctx, fw_id worker, const char *period, struct month *m, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    memset(m, 0, sizeof(*m));
    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT gross_fen, income_fen, iit_fen, vat_fen, city_fen, education_fen, local_fen "
                           "FROM fw_tax_month WHERE worker_id = ? AND period = ?", "it", worker, period)) != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) == FW__ROW) {
        m->gross = fw__db_col_i64(s, 0);
        m->income = fw__db_col_i64(s, 1);
        m->iit = fw__db_col_i64(s, 2);
        m->vat = fw__db_col_i64(s, 3);
        m->city = fw__db_col_i64(s, 4);
        m->education = fw__db_col_i64(s, 5);
        m->local = fw__db_col_i64(s, 6);
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int month_write(fw_ctx *ctx, fw_id worker, const char *period, const struct month *m,
                       fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_tax_month(worker_id, period, gross_fen, income_fen, iit_fen, vat_fen, "
                       "city_fen, education_fen, local_fen, updated_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(worker_id, period) DO UPDATE SET gross_fen = excluded.gross_fen, "
                       "income_fen = excluded.income_fen, iit_fen = excluded.iit_fen, vat_fen = excluded.vat_fen, "
                       "city_fen = excluded.city_fen, education_fen = excluded.education_fen, "
                       "local_fen = excluded.local_fen, updated_ms = excluded.updated_ms",
                       "itiiiiiiii", worker, period, m->gross, m->income, m->iit, m->vat, m->city,
                       m->education, m->local, fw_ctx_now(ctx));
}

/* ---- planning a withholding -------------------------------------------------------------- */

struct plan {
    fw_id worker;
    int64_t gross;
    char period[8];
    int year, month;
    int method;             /* FW_TAX_METHOD_CUMULATIVE or _PER_PAYMENT */
    struct cum cum;         /* after (cumulative method) */
    struct month mon;       /* after */
    int64_t income, iit, vat, city, education, local;
    int64_t month_sales;
    cJSON *explain;         /* owned */
};

static int64_t sur_total(const struct plan *p)
{
    return p->city + p->education + p->local;
}

/* Consecutive months with income right before `month` in the year (policy iit.months_before_rule). */
static int months_before(fw_ctx *ctx, fw_id worker, int year, int month, int64_t *count, fw_error **err)
{
    char key[16];
    int64_t gross;
    int m, rc;

    *count = 0;
    for (m = month - 1; m >= 1; m--) {
        snprintf(key, sizeof(key), "%04u-%02u", (unsigned)year % 10000u, (unsigned)m % 100u);
        rc = fw__db_i64(ctx, &gross, err, "SELECT gross_fen FROM fw_tax_month WHERE worker_id = ? AND period = ?",
                        "it", worker, key);
        if (rc == FW_ENOTFOUND || (rc == FW_OK && gross <= 0))
            break;
        if (rc != FW_OK)
            return rc;
        (*count)++;
    }
    return FW_OK;
}

/*
 * Computes what a payment of `gross` at the calculator's date withholds for the worker, from
 * the stored figures, without writing. p->cum / p->mon are the figures after the payment.
 */
static int plan_payment(fw_tax_calc *c, fw_id worker, int64_t gross, struct plan *p, fw_error **err)
{
    fw_ctx *ctx = c->ctx;
    struct month before;
    struct fw__tax_sur sur;
    cJSON *steps, *a;
    int64_t vat_total, month_income, tax, extra, expense, deduction, cum_tax;
    char b1[32], b2[32];
    int d, found, rc;

    memset(p, 0, sizeof(*p));
    p->worker = worker;
    p->gross = gross;
    fw__cst_date(c->at_ms, &p->year, &p->month, &d);
    fw__cst_month_key(c->at_ms, p->period, sizeof(p->period));
    if (!(p->explain = cJSON_CreateObject()))
        return fw__error_nomem(err);
    cJSON_AddStringToObject(p->explain, "date", c->date);
    cJSON_AddStringToObject(p->explain, "kind", "withholding");
    cJSON_AddStringToObject(p->explain, "period", p->period);
    fw__json_add_i64(p->explain, "worker_id", worker);
    fw__json_add_i64(p->explain, "gross_fen", gross);
    if (!(steps = cJSON_AddArrayToObject(p->explain, "steps")))
        return fw__error_nomem(err);

    /* VAT and surcharges work on the month: the month's tax less what the month withheld. */
    if ((rc = month_read(ctx, worker, p->period, &before, err)) != FW_OK)
        return rc;
    p->mon = before;
    if ((rc = fw__money_add(before.gross, gross, &p->mon.gross)) != FW_OK)
        return fw__error_set(err, rc, "gross_fen", "the month's income leaves the int64 fen range");
    fw__tax_step(steps, "month_gross", NULL, p->mon.gross, "%s earlier this month + %s this payment",
                 fw__money_format(before.gross, b1, sizeof(b1)), fw__money_format(gross, b2, sizeof(b2)));
    if ((rc = fw__tax_vat_month(c, p->mon.gross, &p->month_sales, &vat_total, steps, err)) != FW_OK ||
        (rc = fw__tax_surcharges(c, vat_total, &sur, steps, err)) != FW_OK)
        return rc;
    p->vat = vat_total - before.vat;
    p->city = sur.city - before.city;
    p->education = sur.education - before.education;
    p->local = sur.local - before.local;
    p->mon.vat = vat_total;
    p->mon.city = sur.city;
    p->mon.education = sur.education;
    p->mon.local = sur.local;
    fw__tax_step(steps, "vat_now", NULL, p->vat, "month VAT %s - %s withheld earlier this month",
                 fw__money_format(vat_total, b1, sizeof(b1)), fw__money_format(before.vat, b2, sizeof(b2)));
    fw__tax_step(steps, "surcharges_now", NULL, sur_total(p), "month surcharges %s - %s withheld earlier this month",
                 fw__money_format(sur.city + sur.education + sur.local, b1, sizeof(b1)),
                 fw__money_format(before.city + before.education + before.local, b2, sizeof(b2)));

    /* The IIT income of this payment. */
    if (c->pol.v[FW__TAX_POL_INCOME_BASE] == 0) {
        month_income = p->mon.gross - vat_total;
        p->income = month_income - before.income;
        fw__tax_step(steps, "income", NULL, p->income,
                     "VAT-exclusive month income %s - %s earlier (policy iit.income_base = vat_exclusive)",
                     fw__money_format(month_income, b1, sizeof(b1)), fw__money_format(before.income, b2, sizeof(b2)));
    } else {
        p->income = gross;
        fw__tax_step(steps, "income", NULL, p->income, "the gross payment (policy iit.income_base = gross)");
    }
    p->mon.income = before.income + p->income;

    if (fw__tax_use_cumulative(c)) {
        p->method = FW_TAX_METHOD_CUMULATIVE;
        if ((rc = cum_read(ctx, worker, p->year, &p->cum, &found, err)) != FW_OK)
            return rc;
        if (!found) {
            p->cum.count = 1;
            if (c->pol.v[FW__TAX_POL_BEFORE_RULE] == 1) {
                if ((rc = months_before(ctx, worker, p->year, p->month, &extra, err)) != FW_OK)
                    return rc;
                p->cum.count += extra;
            }
        } else if (p->month < p->cum.last_month) {
            return fw__error_set(err, FW_ESTATE, "at_ms",
                                 "%s is before worker %lld's last withholding month %04d-%02lld; withholdings "
                                 "are recorded in time order", p->period, (long long)worker, p->year,
                                 (long long)p->cum.last_month);
        } else if (p->month == p->cum.last_month + 1) {
            p->cum.count++;
        } else if (p->month > p->cum.last_month + 1) {
            switch (c->pol.v[FW__TAX_POL_GAP_MONTH]) {
            case FW__TAX_GAP_RESET_ALL:
                memset(&p->cum, 0, sizeof(p->cum));
                p->cum.count = 1;
                break;
            case FW__TAX_GAP_RESET_COUNT:
                p->cum.count = 1;
                break;
            default:
                p->cum.count++;
                break;
            }
            fw__tax_step(steps, "gap_month", NULL, p->cum.count,
                         "no income in a month since %04d-%02lld: policy iit.gap_month = %s", p->year,
                         (long long)p->cum.last_month, fw__tax_policy_value(&c->pol, FW__TAX_POL_GAP_MONTH));
        }
        p->cum.last_month = p->month;
        if ((rc = fw__money_add(p->cum.income, p->income, &p->cum.income)) != FW_OK)
            return fw__error_set(err, rc, "gross_fen", "the year's income leaves the int64 fen range");
        if ((rc = fw__tax_iit_cumulative(c, p->cum.income, p->cum.count, p->cum.withheld, &expense,
                                         &deduction, &cum_tax, &p->iit, steps, err)) != FW_OK)
            return rc;
        p->cum.expense = expense;
        p->cum.deduction = deduction;
        p->cum.withheld += p->iit;
    } else {
        p->method = FW_TAX_METHOD_PER_PAYMENT;
        if (c->pol.v[FW__TAX_POL_PER_PAYMENT_SCOPE] == 1) {
            if ((rc = fw__tax_iit_per_payment(c, p->mon.income, &tax, steps, err)) != FW_OK)
                return rc;
            p->iit = tax - before.iit > 0 ? tax - before.iit : 0;
            fw__tax_step(steps, "withhold_now", NULL, p->iit,
                         "max(0, month tax %s - %s withheld earlier this month) (policy iit.per_payment_scope = month)",
                         fw__money_format(tax, b1, sizeof(b1)), fw__money_format(before.iit, b2, sizeof(b2)));
        } else if ((rc = fw__tax_iit_per_payment(c, p->income, &p->iit, steps, err)) != FW_OK) {
            return rc;
        }
    }
    p->mon.iit = before.iit + p->iit;

    cJSON_AddStringToObject(p->explain, "method", p->method == FW_TAX_METHOD_CUMULATIVE ? "cumulative" : "per_payment");
    cJSON_AddStringToObject(p->explain, "vat_collection",
                            fw__tax_policy_value(&c->pol, FW__TAX_POL_VAT_COLLECTION));
    if (!(a = cJSON_AddObjectToObject(p->explain, "amounts")))
        return fw__error_nomem(err);
    fw__json_add_i64(a, "income_fen", p->income);
    fw__json_add_i64(a, "iit_fen", p->iit);
    fw__json_add_i64(a, "vat_fen", p->vat);
    fw__json_add_i64(a, "city_maintenance_fen", p->city);
    fw__json_add_i64(a, "education_fen", p->education);
    fw__json_add_i64(a, "local_education_fen", p->local);
    fw__json_add_i64(a, "withheld_fen", p->iit + p->vat + sur_total(p));
    fw__json_add_i64(a, "net_fen", gross - p->iit - p->vat - sur_total(p));
    fw__json_add_i64(p->explain, "result_fen", p->iit + p->vat + sur_total(p));
    return FW_OK;
}

static int check_worker_ref(fw_id worker, const char *ref, fw_error **err)
{
    size_t n;

    if (worker <= 0)
        return fw__error_set(err, FW_EINVAL, "worker_id", "must be a worker's id (> 0), got %lld",
                             (long long)worker);
    if (!ref || (n = strlen(ref)) == 0 || n > REF_MAX)
        return fw__error_set(err, FW_EINVAL, "payment_ref", "must be 1..%d bytes, got %zu", REF_MAX,
                             ref ? strlen(ref) : (size_t)0);
    return FW_OK;
}

int fw__tax_quote(fw_tax_calc *c, fw_id worker_id, int64_t gross_fen, int64_t *withheld_fen,
                  cJSON **explain, fw_error **err)
{
    struct plan p;
    int rc;

    if ((rc = check_worker_ref(worker_id, "quote", err)) != FW_OK)
        return rc;
    if (gross_fen <= 0)
        return fw__error_set(err, FW_EINVAL, "gross_fen", "must be a positive number of fen, got %lld",
                             (long long)gross_fen);
    if ((rc = fw__authz_require_owner(c->ctx, "tax.read", 0, worker_id, err)) != FW_OK)
        return rc;
    rc = plan_payment(c, worker_id, gross_fen, &p, err);
    if (rc == FW_OK) {
        *withheld_fen = p.iit + p.vat + sur_total(&p);
        *explain = p.explain;
    } else {
        cJSON_Delete(p.explain);
    }
    return rc;
}

/* ---- records -------------------------------------------------------------------------------- */

int fw__tax_period_state(fw_ctx *ctx, const char *period, int *state, fw_error **err)
{
    int64_t v = 0;
    int rc = fw__db_i64(ctx, &v, err,
                        "SELECT state FROM fw_tax_declaration WHERE period = ? ORDER BY version DESC LIMIT 1",
                        "t", period);
    if (rc == FW_ENOTFOUND) {
        *state = 0;
        return FW_OK;
    }
    *state = (int)v;
    return rc;
}

static int check_open_period(fw_ctx *ctx, const char *period, fw_error **err)
{
    int state, rc;

    if ((rc = fw__tax_period_state(ctx, period, &state, err)) != FW_OK)
        return rc;
    if (state == FW_TAX_DECL_SUBMITTED || state == FW_TAX_DECL_ACCEPTED)
        return fw__error_set(err, FW_ECLOSED, "at_ms",
                             "the tax period %s is %s; record the change in a later period", period,
                             state == FW_TAX_DECL_SUBMITTED ? "declared (submitted)" : "declared (accepted)");
    return FW_OK;
}

static void result_from_row(fw__stmt *s, struct fw__tax_result *r)
{
    /* columns: id, period, gross, income, iit, vat, city, education, local */
    memset(r, 0, sizeof(*r));
    r->record_id = fw__db_col_i64(s, 0);
    snprintf(r->period, sizeof(r->period), "%s", fw__db_col_text(s, 1));
    r->gross_fen = fw__db_col_i64(s, 2);
    r->income_fen = fw__db_col_i64(s, 3);
    r->iit_fen = fw__db_col_i64(s, 4);
    r->vat_fen = fw__db_col_i64(s, 5);
    r->surcharge_fen = fw__db_col_i64(s, 6) + fw__db_col_i64(s, 7) + fw__db_col_i64(s, 8);
    r->withheld_fen = r->iit_fen + r->vat_fen + r->surcharge_fen;
    r->net_fen = r->gross_fen - r->withheld_fen;
}

int fw__tax_record_get(fw_ctx *ctx, const char *payment_ref, int kind, struct fw__tax_result *result,
                       fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT id, period, gross_fen, income_fen, iit_fen, vat_fen, city_fen, education_fen, "
                           "local_fen FROM fw_tax_withholding WHERE payment_ref = ? AND kind = ?",
                           "ti", payment_ref, (int64_t)kind)) != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        result_from_row(s, result);
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "payment_ref", "no %s is recorded for payment \"%s\"",
                             kind == FW_TAX_RECORD_WITHHOLDING ? "withholding" : "reversal", payment_ref);
    return rc < 0 ? rc : FW_OK;
}

static int insert_record(fw_ctx *ctx, fw_id worker, const char *ref, int kind, fw_id reverses,
                         int64_t at_ms, const char *period, int method, int collection, int64_t gross,
                         int64_t income, int64_t iit, int64_t vat, int64_t city, int64_t education,
                         int64_t local, const struct cum *cum, cJSON *explain, fw_id *id,
                         fw_error **err)
{
    char *text = fw__json_print(explain);
    int rc;

    if (!text)
        return fw__error_nomem(err);
    rc = fw__db_exec(ctx, err,
                     "INSERT INTO fw_tax_withholding(worker_id, payment_ref, kind, reverses_id, at_ms, period, "
                     "method, collection, gross_fen, income_fen, iit_fen, vat_fen, city_fen, education_fen, "
                     "local_fen, cum_income_fen, cum_expense_fen, cum_deduction_fen, cum_withheld_fen, explain, created_ms) "
                     "VALUES(?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "itiiitiiiiiiiiiiiiiti", worker, ref, (int64_t)kind, reverses, at_ms, period, (int64_t)method,
                     (int64_t)collection, gross, income, iit, vat, city, education, local, cum->income,
                     cum->expense, cum->deduction, cum->withheld, text, fw_ctx_now(ctx));
    cJSON_free(text);
    if (rc == FW_OK)
        *id = fw__db_last_id(ctx);
    return rc;
}

static int warn(fw_ctx *ctx, fw_id worker, const char *code, const char *period, int64_t amount,
                fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_tax_warning(worker_id, code, period, amount_fen, created_ms) "
                       "VALUES(?, ?, ?, ?, ?) ON CONFLICT(worker_id, code, period) DO UPDATE SET "
                       "amount_fen = excluded.amount_fen",
                       "ittii", worker, code, period, amount, fw_ctx_now(ctx));
}

/* Warnings after a withholding: the month's sales reached the VAT threshold; 5,000,000 over
 * 12 months (16号). */
static int add_warnings(fw_tax_calc *c, const struct plan *p, fw_error **err)
{
    const struct fw__tax_rule *g = fw__tax_rule_at(c->rules, c->nrules, FW__TAX_RULE_PLATFORM_GUIDANCE, c->at_ms);
    const struct fw__tax_rule *v = fw__tax_rule_at(c->rules, c->nrules, FW__TAX_RULE_VAT_RELIEF, c->at_ms);
    char from[16];
    int64_t sum = 0;
    int y = p->year, m = p->month - 11, rc;

    if (v && v->threshold_fen > 0 && p->mon.vat > 0 && p->month_sales >= v->threshold_fen &&
        (rc = warn(c->ctx, p->worker, "vat_threshold_reached", p->period, p->mon.gross, err)) != FW_OK)
        return rc;
    if (!g)
        return FW_OK;
    if (m < 1) {
        m += 12;
        y -= 1;
    }
    snprintf(from, sizeof(from), "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
    if ((rc = fw__db_i64(c->ctx, &sum, err,
                         "SELECT COALESCE(SUM(gross_fen), 0) FROM fw_tax_month WHERE worker_id = ? "
                         "AND period >= ? AND period <= ?", "itt", p->worker, from, p->period)) != FW_OK)
        return rc;
    if (sum > g->guidance_fen)
        return warn(c->ctx, p->worker, "market_entity_guidance", p->period, sum, err);
    return FW_OK;
}

static int audit_record(fw_ctx *ctx, const char *action, fw_id id, fw_id worker, const char *ref,
                        const struct fw__tax_result *r, fw_error **err)
{
    cJSON *d = cJSON_CreateObject();
    char *text;
    int rc;

    if (!d)
        return fw__error_nomem(err);
    fw__json_add_i64(d, "worker_id", worker);
    cJSON_AddStringToObject(d, "payment_ref", ref);
    cJSON_AddStringToObject(d, "period", r->period);
    fw__json_add_i64(d, "gross_fen", r->gross_fen);
    fw__json_add_i64(d, "iit_fen", r->iit_fen);
    fw__json_add_i64(d, "vat_fen", r->vat_fen);
    fw__json_add_i64(d, "surcharge_fen", r->surcharge_fen);
    text = fw__json_print(d);
    cJSON_Delete(d);
    if (!text)
        return fw__error_nomem(err);
    rc = fw__audit_append(ctx, action, "tax_withholding", id, text, strlen(text), err);
    cJSON_free(text);
    return rc;
}

/* ---- withhold ------------------------------------------------------------------------------ */

static int replay(fw_ctx *ctx, fw_id worker, const char *ref, int64_t gross, struct fw__tax_result *result,
                  int *found, fw_error **err)
{
    int64_t w = 0;
    int rc;

    *found = 0;
    rc = fw__db_i64(ctx, &w, err, "SELECT worker_id FROM fw_tax_withholding WHERE payment_ref = ? AND kind = 1",
                    "t", ref);
    if (rc == FW_ENOTFOUND)
        return FW_OK;
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__tax_record_get(ctx, ref, FW_TAX_RECORD_WITHHOLDING, result, err)) != FW_OK)
        return rc;
    if (w != worker)
        return fw__error_set(err, FW_ECONFLICT, "worker_id",
                             "payment \"%s\" was withheld for worker %lld, not %lld", ref, (long long)w,
                             (long long)worker);
    if (result->gross_fen != gross)
        return fw__error_set(err, FW_ECONFLICT, "gross_fen", "payment \"%s\" was withheld on %lld fen, not %lld",
                             ref, (long long)result->gross_fen, (long long)gross);
    result->replayed = 1;
    *found = 1;
    return FW_OK;
}

static int withhold_work(fw_ctx *ctx, fw_id worker, const char *ref, int64_t gross, int64_t at_ms,
                         struct fw__tax_result *out, fw_error **err)
{
    fw_tax_calc *c = NULL;
    struct plan p;
    struct fw__tax_result r;
    fw_id id = 0;
    int found, rc;

    memset(&p, 0, sizeof(p));
    if ((rc = replay(ctx, worker, ref, gross, out, &found, err)) != FW_OK || found)
        return rc;
    if ((rc = fw__tax_calc_open(&c, ctx, at_ms, err)) != FW_OK)
        return rc;
    rc = plan_payment(c, worker, gross, &p, err);
    if (rc == FW_OK)
        rc = check_open_period(ctx, p.period, err);
    if (rc == FW_OK)
        rc = insert_record(ctx, worker, ref, FW_TAX_RECORD_WITHHOLDING, 0, at_ms, p.period, p.method,
                           c->pol.v[FW__TAX_POL_VAT_COLLECTION] + 1, gross, p.income, p.iit, p.vat, p.city,
                           p.education, p.local, &p.cum, p.explain, &id, err);
    if (rc == FW_OK)
        rc = month_write(ctx, worker, p.period, &p.mon, err);
    if (rc == FW_OK && p.method == FW_TAX_METHOD_CUMULATIVE)
        rc = cum_write(ctx, worker, p.year, &p.cum, err);
    if (rc == FW_OK)
        rc = add_warnings(c, &p, err);
    if (rc == FW_OK) {
        memset(&r, 0, sizeof(r));
        r.record_id = id;
        snprintf(r.period, sizeof(r.period), "%s", p.period);
        r.gross_fen = gross;
        r.income_fen = p.income;
        r.iit_fen = p.iit;
        r.vat_fen = p.vat;
        r.surcharge_fen = sur_total(&p);
        r.withheld_fen = p.iit + p.vat + sur_total(&p);
        r.net_fen = gross - r.withheld_fen;
        rc = audit_record(ctx, "tax.withhold", id, worker, ref, &r, err);
        if (rc == FW_OK)
            *out = r;
    }
    cJSON_Delete(p.explain);
    fw_tax_calc_free(c);
    return rc;
}

int fw__tax_withhold(fw_ctx *ctx, fw_id worker_id, const char *payment_ref, int64_t gross_fen,
                     int64_t at_ms, struct fw__tax_result *result, fw_error **err)
{
    struct fw__tax_result r;
    int rc;

    if (!ctx || !result)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and result are required");
    if ((rc = check_worker_ref(worker_id, payment_ref, err)) != FW_OK)
        return rc;
    if (gross_fen <= 0)
        return fw__error_set(err, FW_EINVAL, "gross_fen", "must be a positive number of fen, got %lld",
                             (long long)gross_fen);
    if (at_ms < 0)
        return fw__error_set(err, FW_EINVAL, "at_ms", "must be an instant at or after 1970-01-01, got %lld",
                             (long long)at_ms);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = withhold_work(ctx, worker_id, payment_ref, gross_fen, at_ms, &r, err);
    if ((rc = fw__tx_end(ctx, rc, err)) == FW_OK)
        *result = r;
    return rc;
}

int fw_tax_withhold(fw_ctx *ctx, fw_id worker_id, const char *payment_ref, int64_t gross_fen,
                    int64_t at_ms, int64_t *withheld_fen, fw_error **err)
{
    struct fw__tax_result r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "tax.withhold", err)) != FW_OK)
        return rc;
    if ((rc = fw__tax_withhold(ctx, worker_id, payment_ref, gross_fen, at_ms, &r, err)) == FW_OK &&
        withheld_fen)
        *withheld_fen = r.withheld_fen;
    return rc;
}

/* ---- reverse ------------------------------------------------------------------------------- */

struct original {
    fw_id id, worker;
    int64_t at_ms, gross, income, iit;
    int method;
    char period[8];
};

static int original_read(fw_ctx *ctx, const char *ref, struct original *o, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT id, worker_id, at_ms, gross_fen, income_fen, iit_fen, method, period "
                           "FROM fw_tax_withholding WHERE payment_ref = ? AND kind = 1", "t", ref)) != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        o->id = fw__db_col_i64(s, 0);
        o->worker = fw__db_col_i64(s, 1);
        o->at_ms = fw__db_col_i64(s, 2);
        o->gross = fw__db_col_i64(s, 3);
        o->income = fw__db_col_i64(s, 4);
        o->iit = fw__db_col_i64(s, 5);
        o->method = (int)fw__db_col_i64(s, 6);
        snprintf(o->period, sizeof(o->period), "%s", fw__db_col_text(s, 7));
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "payment_ref", "no withholding is recorded for payment \"%s\"", ref);
    return rc < 0 ? rc : FW_OK;
}

static int reverse_work(fw_ctx *ctx, const char *ref, int64_t at_ms, struct fw__tax_result *out,
                        fw_error **err)
{
    struct original o;
    struct month m;
    struct cum cum;
    struct fw__tax_sur sur, adj;
    struct fw__tax_result r;
    fw_tax_calc *c = NULL;
    cJSON *ex = NULL, *steps, *a;
    int64_t vat_total, new_income, iit_adj = 0, tax, cum_tax, expense, deduction, due;
    char period[8];
    int y, mo, d, found, rc;
    fw_id id = 0;

    memset(&o, 0, sizeof(o));
    memset(&cum, 0, sizeof(cum));
    if ((rc = original_read(ctx, ref, &o, err)) != FW_OK)
        return rc;
    if (fw__db_i64(ctx, &id, NULL, "SELECT id FROM fw_tax_withholding WHERE payment_ref = ? AND kind = 2",
                   "t", ref) == FW_OK)
        return fw__error_set(err, FW_ESTATE, "payment_ref", "payment \"%s\" was reversed already (record %lld)",
                             ref, (long long)id);
    if (at_ms < o.at_ms)
        return fw__error_set(err, FW_ESTATE, "at_ms", "a reversal cannot precede its payment (%lld < %lld)",
                             (long long)at_ms, (long long)o.at_ms);
    fw__cst_month_key(at_ms, period, sizeof(period));
    if ((rc = check_open_period(ctx, period, err)) != FW_OK)
        return rc;

    /* The original period is recomputed under the rules in force on the payment's date. */
    if ((rc = fw__tax_calc_open(&c, ctx, o.at_ms, err)) != FW_OK)
        return rc;
    rc = FW_ENOMEM;
    if (!(ex = cJSON_CreateObject()) || !(steps = cJSON_AddArrayToObject(ex, "steps")))
        goto done;
    cJSON_AddStringToObject(ex, "date", c->date);
    cJSON_AddStringToObject(ex, "kind", "reversal");
    cJSON_AddStringToObject(ex, "period", period);
    cJSON_AddStringToObject(ex, "original_period", o.period);
    if ((rc = month_read(ctx, o.worker, o.period, &m, err)) != FW_OK)
        goto done;
    memset(&r, 0, sizeof(r));
    m.gross -= o.gross;
    fw__tax_step(steps, "month_gross", NULL, m.gross, "the original month's income without the payment");
    if ((rc = fw__tax_vat_month(c, m.gross, NULL, &vat_total, steps, err)) != FW_OK ||
        (rc = fw__tax_surcharges(c, vat_total, &sur, steps, err)) != FW_OK)
        goto done;
    r.vat_fen = vat_total - m.vat;
    adj.city = sur.city - m.city;
    adj.education = sur.education - m.education;
    adj.local = sur.local - m.local;
    r.surcharge_fen = adj.city + adj.education + adj.local;
    new_income = c->pol.v[FW__TAX_POL_INCOME_BASE] == 0 ? m.gross - vat_total : m.income - o.income;
    r.income_fen = new_income - m.income;

    if (o.method == FW_TAX_METHOD_CUMULATIVE) {
        fw__cst_date(o.at_ms, &y, &mo, &d);
        if ((rc = cum_read(ctx, o.worker, y, &cum, &found, err)) != FW_OK)
            goto done;
        cum.income += r.income_fen;
        if ((rc = fw__tax_iit_cumulative(c, cum.income, cum.count, 0, &expense, &deduction, &cum_tax, &due,
                                         steps, err)) != FW_OK)
            goto done;
        iit_adj = cum_tax - cum.withheld;
        fw__tax_step(steps, "iit_adjustment", NULL, iit_adj, "year-to-date tax without the payment - withheld so far");
        cum.expense = expense;
        cum.deduction = deduction;
        cum.withheld += iit_adj;
        if (found && (rc = cum_write(ctx, o.worker, y, &cum, err)) != FW_OK)
            goto done;
    } else if (c->pol.v[FW__TAX_POL_PER_PAYMENT_SCOPE] == 1) {
        if ((rc = fw__tax_iit_per_payment(c, new_income, &tax, steps, err)) != FW_OK)
            goto done;
        iit_adj = tax - m.iit;
    } else {
        iit_adj = -o.iit;
        fw__tax_step(steps, "iit_adjustment", NULL, iit_adj, "the IIT withheld on the payment is given back");
    }
    r.iit_fen = iit_adj;
    m.income = new_income;
    m.iit += iit_adj;
    m.vat = vat_total;
    m.city = sur.city;
    m.education = sur.education;
    m.local = sur.local;
    if ((rc = month_write(ctx, o.worker, o.period, &m, err)) != FW_OK)
        goto done;
    r.gross_fen = -o.gross;
    r.withheld_fen = r.iit_fen + r.vat_fen + r.surcharge_fen;
    r.net_fen = r.gross_fen - r.withheld_fen;
    snprintf(r.period, sizeof(r.period), "%s", period);
    if (!(a = cJSON_AddObjectToObject(ex, "amounts"))) {
        rc = FW_ENOMEM;
        goto done;
    }
    fw__json_add_i64(a, "income_fen", r.income_fen);
    fw__json_add_i64(a, "iit_fen", r.iit_fen);
    fw__json_add_i64(a, "vat_fen", r.vat_fen);
    fw__json_add_i64(a, "city_maintenance_fen", adj.city);
    fw__json_add_i64(a, "education_fen", adj.education);
    fw__json_add_i64(a, "local_education_fen", adj.local);
    fw__json_add_i64(a, "withheld_fen", r.withheld_fen);
    fw__json_add_i64(ex, "result_fen", r.withheld_fen);
    rc = insert_record(ctx, o.worker, ref, FW_TAX_RECORD_REVERSAL, o.id, at_ms, period, o.method,
                       c->pol.v[FW__TAX_POL_VAT_COLLECTION] + 1, r.gross_fen, r.income_fen, r.iit_fen,
                       r.vat_fen, adj.city, adj.education, adj.local, &cum, ex, &id, err);
    if (rc == FW_OK) {
        r.record_id = id;
        rc = audit_record(ctx, "tax.reverse", id, o.worker, ref, &r, err);
    }
    if (rc == FW_OK)
        *out = r;
done:
    cJSON_Delete(ex);
    fw_tax_calc_free(c);
    return rc == FW_ENOMEM ? fw__error_nomem(err) : rc;
}

int fw__tax_reverse_ex(fw_ctx *ctx, const char *payment_ref, int64_t at_ms,
                       struct fw__tax_result *result, fw_error **err)
{
    struct fw__tax_result r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!payment_ref || !*payment_ref || strlen(payment_ref) > REF_MAX)
        return fw__error_set(err, FW_EINVAL, "payment_ref", "must be 1..%d bytes", REF_MAX);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = reverse_work(ctx, payment_ref, at_ms, &r, err);
    if ((rc = fw__tx_end(ctx, rc, err)) == FW_OK && result)
        *result = r;
    return rc;
}

int fw__tax_reverse(fw_ctx *ctx, const char *payment_ref, int64_t at_ms, fw_error **err)
{
    return fw__tax_reverse_ex(ctx, payment_ref, at_ms, NULL, err);
}

int fw_tax_reverse(fw_ctx *ctx, const char *payment_ref, int64_t at_ms, int64_t *adjust_fen,
                   fw_error **err)
{
    struct fw__tax_result r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "tax.reverse", err)) != FW_OK)
        return rc;
    if ((rc = fw__tax_reverse_ex(ctx, payment_ref, at_ms, &r, err)) == FW_OK && adjust_fen)
        *adjust_fen = r.withheld_fen;
    return rc;
}
