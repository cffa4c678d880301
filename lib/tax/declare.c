/*
 * Declarations (R-7.7.b, R-5.7), payment of withheld tax, certificates (R-7.7.c), and
 * the read side of withholding records.
 *
 * A declaration is built per CST month from the withholding records of that month (reversals
 * included, so a correction appears in the period it was made). States: draft -> submitted ->
 * accepted / rejected; building again supersedes a draft or, after an answer, amends (a new
 * version). The tax provider is used where registered; otherwise an operator records answers.
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
#include "core/idem.h"
#include "core/json.h"
#include "core/money.h"
#include "contract/contract.h"
#include "core/vault.h"
#include "ledger/ledger.h"
#include "party/party.h"
#include "tax/tax.h"

#define DOC_MAX (8u * 1024u * 1024u)

static const char *const decl_states[] = { "", "draft", "submitted", "accepted", "rejected", "superseded" };
static const char *const pay_states[] = { "", "pending", "paid", "failed" };

static int check_period(const char *period, fw_error **err)
{
    int y, m;

    if (!period || strlen(period) != 7 || fw__month_key_parse(period, &y, &m) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "period", "must be a month \"YYYY-MM\", got \"%s\"",
                             period ? period : "(null)");
    return FW_OK;
}

static int audit_simple(fw_ctx *ctx, const char *action, const char *entity, fw_id id, cJSON *d,
                        fw_error **err)
{
    char *text = d ? fw__json_print(d) : NULL;
    int rc;

    cJSON_Delete(d);
    if (!text)
        return fw__error_nomem(err);
    rc = fw__audit_append(ctx, action, entity, id, text, strlen(text), err);
    cJSON_free(text);
    return rc;
}

/* ---- declarations ------------------------------------------------------------------------- */

struct decl {
    fw_id id, supersedes;
    char period[8];
    int64_t version, state, workers, gross, income, iit, vat, surcharge, kind;
};

static int decl_read(fw_ctx *ctx, fw_id id, struct decl *d, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT period, version, state, supersedes_id, workers, gross_fen, income_fen, iit_fen, "
                           "vat_fen, surcharge_fen, kind FROM fw_tax_declaration WHERE id = ?", "i", id)) != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        d->id = id;
        snprintf(d->period, sizeof(d->period), "%s", fw__db_col_text(s, 0));
        d->version = fw__db_col_i64(s, 1);
        d->state = fw__db_col_i64(s, 2);
        d->supersedes = fw__db_col_i64(s, 3);
        d->workers = fw__db_col_i64(s, 4);
        d->gross = fw__db_col_i64(s, 5);
        d->income = fw__db_col_i64(s, 6);
        d->iit = fw__db_col_i64(s, 7);
        d->vat = fw__db_col_i64(s, 8);
        d->surcharge = fw__db_col_i64(s, 9);
        d->kind = fw__db_col_i64(s, 10);
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "declaration_id", "no tax declaration %lld", (long long)id);
    return rc < 0 ? rc : FW_OK;
}

/* Copies the period's per-worker sums, with each worker's year-to-date figures at the last record. */
static int build_lines(fw_ctx *ctx, fw_id decl, char months[3][8], fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT worker_id, COUNT(*), SUM(gross_fen), SUM(income_fen), SUM(iit_fen), SUM(vat_fen), "
                           "SUM(city_fen), SUM(education_fen), SUM(local_fen), MAX(id) FROM fw_tax_withholding "
                           "WHERE period IN (?, ?, ?) GROUP BY worker_id ORDER BY worker_id", "ttt", months[0],
                           months[1], months[2])) != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_tax_declaration_line(declaration_id, worker_id, records, gross_fen, "
                         "income_fen, iit_fen, vat_fen, city_fen, education_fen, local_fen, cum_income_fen, "
                         "cum_expense_fen, cum_deduction_fen, cum_withheld_fen) "
                         "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cum_income_fen, cum_expense_fen, cum_deduction_fen, "
                         "cum_withheld_fen FROM fw_tax_withholding WHERE id = ?",
                         "iiiiiiiiiii", decl, fw__db_col_i64(s, 0), fw__db_col_i64(s, 1), fw__db_col_i64(s, 2),
                         fw__db_col_i64(s, 3), fw__db_col_i64(s, 4), fw__db_col_i64(s, 5),
                         fw__db_col_i64(s, 6), fw__db_col_i64(s, 7), fw__db_col_i64(s, 8),
                         fw__db_col_i64(s, 9));
        if (rc != FW_OK)
            break;
    }
    fw__db_done(s);
    if (rc != FW__DONE && rc != FW_OK)
        return rc;
    return fw__db_exec(ctx, err,
                       "UPDATE fw_tax_declaration SET "
                       "workers = (SELECT COUNT(*) FROM fw_tax_declaration_line WHERE declaration_id = ?1), "
                       "gross_fen = (SELECT COALESCE(SUM(gross_fen), 0) FROM fw_tax_declaration_line WHERE declaration_id = ?1), "
                       "income_fen = (SELECT COALESCE(SUM(income_fen), 0) FROM fw_tax_declaration_line WHERE declaration_id = ?1), "
                       "iit_fen = (SELECT COALESCE(SUM(iit_fen), 0) FROM fw_tax_declaration_line WHERE declaration_id = ?1), "
                       "vat_fen = (SELECT COALESCE(SUM(vat_fen), 0) FROM fw_tax_declaration_line WHERE declaration_id = ?1), "
                       "surcharge_fen = (SELECT COALESCE(SUM(city_fen + education_fen + local_fen), 0) "
                       "FROM fw_tax_declaration_line WHERE declaration_id = ?1) WHERE id = ?1",
                       "i", decl);
}

static int decl_build(fw_ctx *ctx, const char *period, int64_t kind, char months[3][8], fw_id *out_id,
                      fw_error **err)
{
    fw__stmt *s = NULL;
    fw_id prev = 0, id = 0;
    int64_t version = 0, state = 0, now;
    cJSON *d;
    int rc;

    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT id, version, state FROM fw_tax_declaration WHERE period = ? "
                      "ORDER BY version DESC LIMIT 1", "t", period);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        prev = fw__db_col_i64(s, 0);
        version = fw__db_col_i64(s, 1);
        state = fw__db_col_i64(s, 2);
    }
    fw__db_done(s);
    if (rc == FW__ROW || rc == FW__DONE)
        rc = FW_OK;
    if (rc == FW_OK && state == FW_TAX_DECL_SUBMITTED)
        rc = fw__error_set(err, FW_ESTATE, "period", "declaration %lld of %s is submitted and awaits the tax "
                           "bureau's answer; record it with fw_tax_declaration_resolve() first", (long long)prev, period);
    if (rc == FW_OK && state == FW_TAX_DECL_DRAFT)
        rc = fw__db_exec(ctx, err, "UPDATE fw_tax_declaration SET state = ?, updated_ms = ? WHERE id = ?", "iii",
                         (int64_t)FW_TAX_DECL_SUPERSEDED, fw_ctx_now(ctx), prev);
    now = fw_ctx_now(ctx);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_tax_declaration(period, version, state, supersedes_id, workers, gross_fen, "
                         "income_fen, iit_fen, vat_fen, surcharge_fen, created_ms, updated_ms, kind) "
                         "VALUES(?, ?, ?, NULLIF(?, 0), 0, 0, 0, 0, 0, 0, ?, ?, ?)",
                         "tiiiiii", period, version + 1, (int64_t)FW_TAX_DECL_DRAFT, prev, now, now, kind);
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        rc = build_lines(ctx, id, months, err);
    }
    if (rc == FW_OK) {
        d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "period", period);
        cJSON_AddStringToObject(d, "kind", kind == FW_TAX_DECL_KIND_INCOME_REPORT ? "income_report" : "withholding");
        fw__json_add_i64(d, "version", version + 1);
        fw__json_add_i64(d, "supersedes_id", prev);
        rc = audit_simple(ctx, kind == FW_TAX_DECL_KIND_INCOME_REPORT ? "tax.report.build" : "tax.declaration.build", "tax_declaration", id, d, err);
    }
    if ((rc = fw__tx_end(ctx, rc, err)) == FW_OK)
        *out_id = id;
    return rc;
}

int fw_tax_declaration_build(fw_ctx *ctx, const char *period, fw_id *out_id, fw_error **err)
{
    char months[3][8];
    int rc, i;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if ((rc = fw__authz_require(ctx, "tax.declare", err)) != FW_OK || (rc = check_period(period, err)) != FW_OK)
        return rc;
    for (i = 0; i < 3; i++)
        snprintf(months[i], sizeof(months[i]), "%s", period);
    return decl_build(ctx, period, FW_TAX_DECL_KIND_WITHHOLDING, months, out_id, err);
}

/*
 * The quarterly information report of State Council Decree 810 art. 4: the workers' income of a
 * CST quarter, from the same withholding records, filed in the month after the quarter ends.
 */
int fw_tax_income_report_build(fw_ctx *ctx, const char *quarter, fw_id *out_id, fw_error **err)
{
    char months[3][8];
    int rc, y = 0, q = 0, i;
    char tail = 0;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if ((rc = fw__authz_require(ctx, "tax.declare", err)) != FW_OK)
        return rc;
    if (!quarter || strlen(quarter) != 7 || sscanf(quarter, "%4d-Q%1d%c", &y, &q, &tail) != 2 || y < 1970 ||
        q < 1 || q > 4)
        return fw__error_set(err, FW_EINVAL, "quarter", "must be a quarter \"YYYY-Qn\" (n 1..4), got \"%s\"",
                             quarter ? quarter : "(null)");
    for (i = 0; i < 3; i++)
        snprintf(months[i], sizeof(months[i]), "%04u-%02u", (unsigned)y % 10000u, (unsigned)((q - 1) * 3 + i + 1) % 100u);
    return decl_build(ctx, quarter, FW_TAX_DECL_KIND_INCOME_REPORT, months, out_id, err);
}

static cJSON *decl_json(fw_ctx *ctx, const struct decl *d, fw_error **err, int *rc)
{
    cJSON *o = cJSON_CreateObject(), *t, *lines, *l;
    fw__stmt *s = NULL;
    const char *txt;

    *rc = FW_ENOMEM;
    if (!o)
        return NULL;
    fw__json_add_i64(o, "id", d->id);
    cJSON_AddStringToObject(o, "kind", d->kind == FW_TAX_DECL_KIND_INCOME_REPORT ? "income_report" : "withholding");
    cJSON_AddStringToObject(o, "period", d->period);
    fw__json_add_i64(o, "version", d->version);
    cJSON_AddStringToObject(o, "state", decl_states[d->state]);
    if (d->supersedes)
        fw__json_add_i64(o, "supersedes_id", d->supersedes);
    else
        cJSON_AddNullToObject(o, "supersedes_id");
    if ((*rc = fw__db_query(ctx, &s, err, "SELECT receipt_no, reason FROM fw_tax_declaration WHERE id = ?", "i",
                            d->id)) != FW_OK)
        goto fail;
    if ((*rc = fw__db_step(s, err)) == FW__ROW) {
        if ((txt = fw__db_col_text(s, 0)))
            cJSON_AddStringToObject(o, "receipt_no", txt);
        else
            cJSON_AddNullToObject(o, "receipt_no");
        if ((txt = fw__db_col_text(s, 1)))
            cJSON_AddStringToObject(o, "reason", txt);
        else
            cJSON_AddNullToObject(o, "reason");
    }
    fw__db_done(s);
    if (*rc < 0)
        goto fail;
    t = cJSON_AddObjectToObject(o, "totals");
    fw__json_add_i64(t, "workers", d->workers);
    fw__json_add_i64(t, "gross_fen", d->gross);
    fw__json_add_i64(t, "income_fen", d->income);
    fw__json_add_i64(t, "iit_fen", d->iit);
    fw__json_add_i64(t, "vat_fen", d->vat);
    fw__json_add_i64(t, "surcharge_fen", d->surcharge);
    fw__json_add_i64(t, "total_fen", d->iit + d->vat + d->surcharge);
    lines = cJSON_AddArrayToObject(o, "lines");
    if ((*rc = fw__db_query(ctx, &s, err,
                            "SELECT worker_id, records, gross_fen, income_fen, iit_fen, vat_fen, city_fen, education_fen, "
                            "local_fen, cum_income_fen, cum_expense_fen, cum_deduction_fen, cum_withheld_fen "
                            "FROM fw_tax_declaration_line WHERE declaration_id = ? ORDER BY worker_id", "i",
                            d->id)) != FW_OK)
        goto fail;
    while ((*rc = fw__db_step(s, err)) == FW__ROW) {
        static const char *const names[] = { "worker_id", "records", "gross_fen", "income_fen", "iit_fen",
                                             "vat_fen", "city_maintenance_fen", "education_fen",
                                             "local_education_fen", "cum_income_fen", "cum_expense_fen",
                                             "cum_deduction_fen", "cum_withheld_fen" };
        int i;
        if (!(l = cJSON_CreateObject()))
            break;
        for (i = 0; i < 13; i++)
            fw__json_add_i64(l, names[i], fw__db_col_i64(s, i));
        cJSON_AddItemToArray(lines, l);
    }
    fw__db_done(s);
    if (*rc != FW__DONE)
        goto fail;
    *rc = FW_OK;
    return o;
fail:
    cJSON_Delete(o);
    if (*rc == FW_ENOMEM || *rc == FW__ROW)
        *rc = fw__error_nomem(err);
    return NULL;
}

int fw_tax_declaration_get(fw_ctx *ctx, fw_id declaration_id, char **out_json, size_t *out_len,
                           fw_error **err)
{
    struct decl d;
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "tax.declare_read", err)) != FW_OK ||
        (rc = decl_read(ctx, declaration_id, &d, err)) != FW_OK)
        return rc;
    if (!(o = decl_json(ctx, &d, err, &rc)))
        return rc;
    return fw__json_out(o, out_json, out_len, err);
}

int fw_tax_declaration_latest(fw_ctx *ctx, const char *period, fw_id *out_id, fw_error **err)
{
    int64_t id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if ((rc = fw__authz_require(ctx, "tax.declare_read", err)) != FW_OK || (rc = check_period(period, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &id, err, "SELECT id FROM fw_tax_declaration WHERE period = ? ORDER BY version DESC LIMIT 1",
                    "t", period);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "period", "no declaration was built for %s", period);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/* Applies an answer {"status":"accepted","receipt_no"} / {"status":"rejected","reason"}. */
static int decl_answer(fw_ctx *ctx, fw_id id, const cJSON *root, const char *path, int allow_pending,
                       int *state, fw_error **err)
{
    static const char *const fields[] = { "status", "receipt_no", "reason", NULL };
    static const char *const statuses[] = { "accepted", "rejected", "submitted", NULL };
    const char *receipt = NULL, *reason = NULL;
    char p[64];
    int status = 0, rc;

    if ((rc = fw__json_only(root, path, fields, err)) != FW_OK ||
        (rc = fw__json_enum(root, path, "status", FW__REQUIRED, statuses, &status, err)) != FW_OK ||
        (rc = fw__json_str(root, path, "receipt_no", FW__OPTIONAL, 1, 200, &receipt, err)) != FW_OK ||
        (rc = fw__json_str(root, path, "reason", FW__OPTIONAL, 1, 2000, &reason, err)) != FW_OK)
        return rc;
    if (status == 2 && !allow_pending)
        return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, "status"),
                             "must be \"accepted\" or \"rejected\", got \"submitted\"");
    if (status == 0 && !receipt)
        return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, "receipt_no"),
                             "is required when the declaration is accepted");
    if (status == 1 && !reason)
        return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, "reason"),
                             "is required when the declaration is rejected");
    *state = status == 0 ? FW_TAX_DECL_ACCEPTED : status == 1 ? FW_TAX_DECL_REJECTED : FW_TAX_DECL_SUBMITTED;
    return fw__db_exec(ctx, err, "UPDATE fw_tax_declaration SET state = ?, receipt_no = ?, reason = ?, "
                       "updated_ms = ? WHERE id = ?", "ittii", (int64_t)*state, receipt, reason,
                       fw_ctx_now(ctx), id);
}

/*
 * the platform files for a worker only as the worker's authorised tax agent. Every worker
 * on the declaration needs an authorisation in force when it is submitted; the refusal names all
 * of those without one (up to 20), so that an operator sees the whole list at once.
 */
static int check_authorisations(fw_ctx *ctx, const struct decl *d, fw_error **err)
{
    fw__stmt *s = NULL;
    char names[256];
    size_t len = 0;
    int64_t missing = 0;
    fw_id auth;
    int rc, n;

    names[0] = '\0';
    if ((rc = fw__db_query(ctx, &s, err, "SELECT worker_id FROM fw_tax_declaration_line WHERE declaration_id = ? "
                           "ORDER BY worker_id", "i", d->id)) != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id w = fw__db_col_i64(s, 0);
        if (fw__contract_tax_authorisation(ctx, w, &auth, NULL) == FW_OK)
            continue;
        if (++missing <= 20 && len < sizeof(names)) {
            n = snprintf(names + len, sizeof(names) - len, "%s%lld", len ? ", " : "", (long long)w);
            len += n > 0 ? (size_t)n : 0;
        }
    }
    fw__db_done(s);
    if (rc != FW__DONE)
        return rc;
    if (missing == 0)
        return FW_OK;
    return fw__error_set(err, FW_EDENIED, "declaration_id", "WORKER_NO_TAX_AUTHORISATION: worker(s) %s%s of "
                         "declaration %lld (%s) have no tax-agency authorisation in force; the declaration stays "
                         "a draft", names, missing > 20 ? ", ..." : "", (long long)d->id, d->period);
}

int fw_tax_declaration_submit(fw_ctx *ctx, fw_id declaration_id, fw_error **err)
{
    struct decl d;
    struct fw_reply reply = { NULL, 0 };
    cJSON *req = NULL, *ans = NULL, *a;
    char *text = NULL;
    int state = FW_TAX_DECL_SUBMITTED, rc, prc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "tax.declare", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    if ((rc = decl_read(ctx, declaration_id, &d, err)) != FW_OK)
        goto done;
    if (d.state != FW_TAX_DECL_DRAFT) {
        rc = fw__error_set(err, FW_ESTATE, "declaration_id", "declaration %lld is %s; only a draft can be submitted",
                           (long long)declaration_id, decl_states[d.state]);
        goto done;
    }
    if (d.kind == FW_TAX_DECL_KIND_WITHHOLDING && (rc = check_authorisations(ctx, &d, err)) != FW_OK)
        goto done;
    rc = fw__db_exec(ctx, err, "UPDATE fw_tax_declaration SET state = ?, updated_ms = ? WHERE id = ?", "iii",
                     (int64_t)FW_TAX_DECL_SUBMITTED, fw_ctx_now(ctx), declaration_id);
    if (rc == FW_OK && ctx->tax.declare) {
        if (!(req = decl_json(ctx, &d, err, &rc)))
            goto done;
        if (!(text = fw__json_print(req))) {
            rc = fw__error_nomem(err);
            goto done;
        }
        prc = fw__provider_call(ctx->tax.declare, ctx->tax.payload, text, strlen(text), &reply);
        if (prc == FW_OK) {
            if (fw__json_parse(&ans, reply.json, reply.len, NULL) != FW_OK ||
                decl_answer(ctx, declaration_id, ans, "$", 1, &state, NULL) != FW_OK)
                rc = fw__error_set(err, FW_EPROVIDER, NULL, "the tax provider's declare answer is not "
                                   "{\"status\":\"accepted|rejected|submitted\",...}: %.200s", reply.json);
        } else if (prc != FW_EPENDING) {
            rc = fw__error_set(err, prc, NULL, "the tax provider's declare callback failed (%s); the "
                               "declaration stays a draft", fw_strerror(prc));
        }
    }
    if (rc == FW_OK) {
        a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "period", d.period);
        cJSON_AddStringToObject(a, "state", decl_states[state]);
        cJSON_AddStringToObject(a, "via", ctx->tax.declare ? "provider" : "operator");
        rc = audit_simple(ctx, "tax.declaration.submit", "tax_declaration", declaration_id, a, err);
    }
done:
    cJSON_Delete(req);
    cJSON_Delete(ans);
    cJSON_free(text);
    fw__reply_clear(&reply);
    return fw__tx_end(ctx, rc, err);
}

int fw_tax_declaration_resolve(fw_ctx *ctx, fw_id declaration_id, const char *json, size_t json_len,
                               fw_error **err)
{
    struct decl d;
    cJSON *root = NULL, *a;
    int state = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "tax.declare", err)) != FW_OK ||
        (rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = decl_read(ctx, declaration_id, &d, err);
    if (rc == FW_OK && d.state != FW_TAX_DECL_SUBMITTED)
        rc = fw__error_set(err, FW_ESTATE, "declaration_id", "declaration %lld is %s; only a submitted one "
                           "takes an answer", (long long)declaration_id, decl_states[d.state]);
    if (rc == FW_OK)
        rc = decl_answer(ctx, declaration_id, root, "$", 0, &state, err);
    if (rc == FW_OK) {
        a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "period", d.period);
        cJSON_AddStringToObject(a, "state", decl_states[state]);
        rc = audit_simple(ctx, "tax.declaration.resolve", "tax_declaration", declaration_id, a, err);
    }
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

/* ---- payment of withheld tax (R-7.8) ------------------------------------------------------ */

static int pay_answer(fw_ctx *ctx, fw_id id, const cJSON *root, int allow_pending, int *state,
                      fw_error **err)
{
    static const char *const fields[] = { "status", "bank_ref", "reason", NULL };
    static const char *const statuses[] = { "paid", "failed", "pending", NULL };
    const char *ref = NULL, *reason = NULL;
    int status = 0, rc;

    if ((rc = fw__json_only(root, "$", fields, err)) != FW_OK ||
        (rc = fw__json_enum(root, "$", "status", FW__REQUIRED, statuses, &status, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "bank_ref", FW__OPTIONAL, 1, 200, &ref, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "reason", FW__OPTIONAL, 1, 2000, &reason, err)) != FW_OK)
        return rc;
    if (status == 2 && !allow_pending)
        return fw__error_set(err, FW_EINVAL, "$.status", "must be \"paid\" or \"failed\", got \"pending\"");
    if (status == 0 && !ref)
        return fw__error_set(err, FW_EINVAL, "$.bank_ref", "is required when the payment is paid");
    if (status == 1 && !reason)
        return fw__error_set(err, FW_EINVAL, "$.reason", "is required when the payment failed");
    *state = status == 0 ? FW_TAX_PAY_PAID : status == 1 ? FW_TAX_PAY_FAILED : FW_TAX_PAY_PENDING;
    return fw__db_exec(ctx, err, "UPDATE fw_tax_payment SET state = ?, bank_ref = ?, reason = ?, updated_ms = ? "
                       "WHERE id = ?", "ittii", (int64_t)*state, ref, reason, fw_ctx_now(ctx), id);
}

/*
 * The money leaves the bank when the payment is paid: the tax liabilities that payout
 * credited when it withheld are settled against bank clearing, one entry per payment. Only the
 * pending -> paid transition calls this, so it posts exactly once; a failed payment posts nothing.
 */
static int post_paid(fw_ctx *ctx, fw_id payment_id, fw_error **err)
{
    static const uint32_t types[] = { FW_ACCT_IIT_WITHHELD, FW_ACCT_VAT_PAYABLE, FW_ACCT_SURCHARGES_PAYABLE };
    struct fw__posting p[4];
    struct fw__entry_meta m;
    int64_t amounts[3] = { 0, 0, 0 }, decl = 0, total = 0;
    char ref[24], memo[64];
    size_t i, n = 0;
    fw_id entry = 0;
    int rc;

    if ((rc = fw__tax_payment_amounts(ctx, payment_id, &amounts[0], &amounts[1], &amounts[2], NULL, err)) != FW_OK ||
        (rc = fw__db_i64(ctx, &decl, err, "SELECT declaration_id FROM fw_tax_payment WHERE id = ?", "i",
                         payment_id)) != FW_OK)
        return rc;
    for (i = 0; i < 3; i++) {
        if (amounts[i] == 0)
            continue;
        if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, types[i], NULL, 1, &p[n].account_id,
                                     err)) != FW_OK ||
            (rc = fw__money_add(total, amounts[i], &total)) != FW_OK)
            return rc == FW_EOVERFLOW ? fw__error_set(err, rc, "payment_id", "tax payment %lld overflows",
                                                      (long long)payment_id) : rc;
        p[n++].amount = amounts[i];
    }
    if (n == 0)
        return FW_OK;
    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL, 1,
                                 &p[n].account_id, err)) != FW_OK)
        return rc;
    p[n++].amount = -total;
    snprintf(ref, sizeof(ref), "%lld", (long long)payment_id);
    snprintf(memo, sizeof(memo), "withheld tax of declaration %lld", (long long)decl);
    memset(&m, 0, sizeof(m));
    m.kind = FW_LEDGER_ENTRY_POSTED;
    m.reason = "tax.paid";
    m.ref_kind = "tax_payment";
    m.ref_id = ref;
    m.memo = memo;
    return fw__ledger_post(ctx, p, n, &m, &entry, err);
}

static int pay_work(fw_ctx *ctx, fw_id declaration_id, fw_id *out_id, fw_error **err)
{
    struct decl d;
    struct fw_reply reply = { NULL, 0 };
    cJSON *req = NULL, *ans = NULL, *a;
    char *text = NULL;
    int64_t other = 0;
    int state = FW_TAX_PAY_PENDING, rc, prc;
    fw_id id = 0;

    if ((rc = decl_read(ctx, declaration_id, &d, err)) != FW_OK)
        return rc;
    if (d.kind != FW_TAX_DECL_KIND_WITHHOLDING)
        return fw__error_set(err, FW_ESTATE, "declaration_id", "declaration %lld is an income information "
                             "report; tax is paid under the month's withholding declaration", (long long)declaration_id);
    if (d.state != FW_TAX_DECL_ACCEPTED)
        return fw__error_set(err, FW_ESTATE, "declaration_id", "declaration %lld is %s; withheld tax is paid "
                             "under an accepted declaration", (long long)declaration_id, decl_states[d.state]);
    if (fw__db_i64(ctx, &other, NULL, "SELECT id FROM fw_tax_payment WHERE declaration_id = ? AND state IN (1, 2)",
                   "i", declaration_id) == FW_OK)
        return fw__error_set(err, FW_ESTATE, "declaration_id", "declaration %lld already has payment %lld "
                             "pending or paid", (long long)declaration_id, (long long)other);
    if ((rc = fw__db_exec(ctx, err, "INSERT INTO fw_tax_payment(declaration_id, state, iit_fen, vat_fen, "
                          "surcharge_fen, created_ms, updated_ms) VALUES(?, ?, ?, ?, ?, ?, ?)", "iiiiiii",
                          declaration_id, (int64_t)FW_TAX_PAY_PENDING, d.iit, d.vat, d.surcharge,
                          fw_ctx_now(ctx), fw_ctx_now(ctx))) != FW_OK)
        return rc;
    id = fw__db_last_id(ctx);
    if (ctx->tax.pay) {
        rc = FW_ENOMEM;
        if (!(req = cJSON_CreateObject()))
            goto done;
        fw__json_add_i64(req, "payment_id", id);
        fw__json_add_i64(req, "declaration_id", declaration_id);
        cJSON_AddStringToObject(req, "period", d.period);
        fw__json_add_i64(req, "iit_fen", d.iit);
        fw__json_add_i64(req, "vat_fen", d.vat);
        fw__json_add_i64(req, "surcharge_fen", d.surcharge);
        fw__json_add_i64(req, "total_fen", d.iit + d.vat + d.surcharge);
        if (!(text = fw__json_print(req)))
            goto done;
        rc = FW_OK;
        prc = fw__provider_call(ctx->tax.pay, ctx->tax.payload, text, strlen(text), &reply);
        if (prc == FW_OK) {
            if (fw__json_parse(&ans, reply.json, reply.len, NULL) != FW_OK ||
                pay_answer(ctx, id, ans, 1, &state, NULL) != FW_OK)
                rc = fw__error_set(err, FW_EPROVIDER, NULL, "the tax provider's pay answer is not "
                                   "{\"status\":\"paid|failed|pending\",...}: %.200s", reply.json);
            else if (state == FW_TAX_PAY_PAID)
                rc = post_paid(ctx, id, err);
        } else if (prc != FW_EPENDING && prc != FW_ETIMEOUT) {
            /* A timeout may have moved money: the payment stays pending for the operator. */
            rc = fw__error_set(err, prc, NULL, "the tax provider's pay callback failed (%s); nothing was paid",
                               fw_strerror(prc));
        }
    }
    if (rc == FW_OK) {
        a = cJSON_CreateObject();
        fw__json_add_i64(a, "declaration_id", declaration_id);
        fw__json_add_i64(a, "total_fen", d.iit + d.vat + d.surcharge);
        cJSON_AddStringToObject(a, "state", pay_states[state]);
        rc = audit_simple(ctx, "tax.pay", "tax_payment", id, a, err);
    }
    if (rc == FW_OK)
        *out_id = id;
done:
    cJSON_Delete(req);
    cJSON_Delete(ans);
    cJSON_free(text);
    fw__reply_clear(&reply);
    return rc == FW_ENOMEM ? fw__error_nomem(err) : rc;
}

int fw_tax_pay(fw_ctx *ctx, fw_id declaration_id, const char *idem_key, fw_id *out_id, fw_error **err)
{
    fw__idem idem;
    char req[64];
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if (!idem_key || !*idem_key || strlen(idem_key) > FW__IDEM_KEY_MAX)
        return fw__error_set(err, FW_EINVAL, "idem_key", "must be 1..%d bytes", FW__IDEM_KEY_MAX);
    if ((rc = fw__authz_require(ctx, "tax.pay", err)) != FW_OK)
        return rc;
    snprintf(req, sizeof(req), "{\"declaration_id\":%lld}", (long long)declaration_id);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "tax.pay", idem_key, req, strlen(req), err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = pay_work(ctx, declaration_id, &id, err);
    } else {
        return fw__tx_end(ctx, rc, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

int fw_tax_payment_resolve(fw_ctx *ctx, fw_id payment_id, const char *json, size_t json_len,
                           fw_error **err)
{
    cJSON *root = NULL, *a;
    int64_t state = 0;
    int st = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "tax.pay", err)) != FW_OK ||
        (rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__db_i64(ctx, &state, err, "SELECT state FROM fw_tax_payment WHERE id = ?", "i", payment_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, "payment_id", "no tax payment %lld", (long long)payment_id);
    if (rc == FW_OK && state != FW_TAX_PAY_PENDING)
        rc = fw__error_set(err, FW_ESTATE, "payment_id", "tax payment %lld is %s; only a pending one is settled",
                           (long long)payment_id, pay_states[state]);
    if (rc == FW_OK)
        rc = pay_answer(ctx, payment_id, root, 0, &st, err);
    if (rc == FW_OK && st == FW_TAX_PAY_PAID)
        rc = post_paid(ctx, payment_id, err);
    if (rc == FW_OK) {
        a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "state", pay_states[st]);
        rc = audit_simple(ctx, "tax.payment.resolve", "tax_payment", payment_id, a, err);
    }
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

int fw__tax_payment_amounts(fw_ctx *ctx, fw_id payment_id, int64_t *iit_fen, int64_t *vat_fen,
                            int64_t *surcharge_fen, uint32_t *state, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    if ((rc = fw__db_query(ctx, &s, err, "SELECT iit_fen, vat_fen, surcharge_fen, state FROM fw_tax_payment "
                           "WHERE id = ?", "i", payment_id)) != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *iit_fen = fw__db_col_i64(s, 0);
        *vat_fen = fw__db_col_i64(s, 1);
        *surcharge_fen = fw__db_col_i64(s, 2);
        if (state)
            *state = (uint32_t)fw__db_col_i64(s, 3);
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "payment_id", "no tax payment %lld", (long long)payment_id);
    return rc < 0 ? rc : FW_OK;
}

int fw_tax_payment_get(fw_ctx *ctx, fw_id payment_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s = NULL;
    cJSON *o;
    const char *t;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "tax.declare_read", err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT declaration_id, state, iit_fen, vat_fen, surcharge_fen, bank_ref, "
                           "reason FROM fw_tax_payment WHERE id = ?", "i", payment_id)) != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc == FW__DONE ? fw__error_set(err, FW_ENOTFOUND, "payment_id", "no tax payment %lld",
                                              (long long)payment_id) : rc;
    }
    if (!(o = cJSON_CreateObject())) {
        fw__db_done(s);
        return fw__error_nomem(err);
    }
    fw__json_add_i64(o, "id", payment_id);
    fw__json_add_i64(o, "declaration_id", fw__db_col_i64(s, 0));
    cJSON_AddStringToObject(o, "state", pay_states[fw__db_col_i64(s, 1)]);
    fw__json_add_i64(o, "iit_fen", fw__db_col_i64(s, 2));
    fw__json_add_i64(o, "vat_fen", fw__db_col_i64(s, 3));
    fw__json_add_i64(o, "surcharge_fen", fw__db_col_i64(s, 4));
    fw__json_add_i64(o, "total_fen", fw__db_col_i64(s, 2) + fw__db_col_i64(s, 3) + fw__db_col_i64(s, 4));
    if ((t = fw__db_col_text(s, 5)))
        cJSON_AddStringToObject(o, "bank_ref", t);
    else
        cJSON_AddNullToObject(o, "bank_ref");
    if ((t = fw__db_col_text(s, 6)))
        cJSON_AddStringToObject(o, "reason", t);
    else
        cJSON_AddNullToObject(o, "reason");
    fw__db_done(s);
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- certificates (R-7.7.c) ---------------------------------------------------------------- */

/* Validates {"worker_id","period","certificate_no","content_type","document_b64"} and stores it. */
static int cert_store(fw_ctx *ctx, const cJSON *root, int origin, fw_id want_worker, const char *want_period,
                      fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "worker_id", "period", "certificate_no", "content_type",
                                          "document_b64", NULL };
    const char *period = want_period, *no = NULL, *type = NULL, *b64 = NULL;
    int64_t worker = want_worker;
    unsigned char *doc = NULL, digest[32];
    size_t cap, len = 0;
    cJSON *a;
    fw_id id;
    int rc;

    if (origin == 2 &&
        ((rc = fw__json_only(root, "$", fields, err)) != FW_OK ||
         (rc = fw__json_i64(root, "$", "worker_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &worker, err)) != FW_OK ||
         (rc = fw__json_str(root, "$", "period", FW__REQUIRED, 7, 7, &period, err)) != FW_OK))
        return rc;
    if (origin == 2 && check_period(period, NULL) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "$.period", "must be a month \"YYYY-MM\", got \"%s\"", period);
    if ((rc = fw__json_str(root, "$", "certificate_no", FW__REQUIRED, 1, 100, &no, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "content_type", FW__REQUIRED, 1, 100, &type, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "document_b64", FW__REQUIRED, 1, (DOC_MAX / 3 + 1) * 4, &b64, err)) != FW_OK)
        return rc;
    cap = strlen(b64) / 4 * 3 + 3;
    if (!(doc = malloc(cap)))
        return fw__error_nomem(err);
    if (sodium_base642bin(doc, cap, b64, strlen(b64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len == 0) {
        free(doc);
        return fw__error_set(err, FW_EINVAL, "$.document_b64", "must be standard base64 of a non-empty document");
    }
    crypto_hash_sha256(digest, doc, len);
    if (fw__db_i64(ctx, &id, NULL, "SELECT id FROM fw_tax_certificate WHERE certificate_no = ?", "t", no) == FW_OK) {
        free(doc);
        return fw__error_set(err, FW_EEXISTS, "$.certificate_no", "certificate \"%s\" is stored already (%lld)",
                             no, (long long)id);
    }
    rc = fw__db_exec(ctx, err, "INSERT INTO fw_tax_certificate(worker_id, period, certificate_no, origin, "
                     "content_type, document, digest, created_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?)", "ittitbbi",
                     worker, period, no, (int64_t)origin, type, doc, len, digest, sizeof(digest),
                     fw_ctx_now(ctx));
    free(doc);
    if (rc != FW_OK)
        return rc;
    id = fw__db_last_id(ctx);
    a = cJSON_CreateObject();
    fw__json_add_i64(a, "worker_id", worker);
    cJSON_AddStringToObject(a, "period", period);
    cJSON_AddStringToObject(a, "certificate_no", no);
    fw__json_add_hex(a, "sha256", digest, sizeof(digest));
    if ((rc = audit_simple(ctx, "tax.certificate", "tax_certificate", id, a, err)) == FW_OK)
        *out_id = id;
    return rc;
}

int fw_tax_certificate_record(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    cJSON *root = NULL;
    fw_id id = 0;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "tax.certificate", err)) != FW_OK ||
        (rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = cert_store(ctx, root, 2, 0, NULL, &id, err);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

int fw_tax_certificate_query(fw_ctx *ctx, fw_id worker_id, const char *period, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "certificate_no", "content_type", "document_b64", NULL };
    struct fw_reply reply = { NULL, 0 };
    cJSON *ans = NULL;
    char req[128];
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if (worker_id <= 0)
        return fw__error_set(err, FW_EINVAL, "worker_id", "must be a worker's id (> 0), got %lld", (long long)worker_id);
    if ((rc = fw__authz_require(ctx, "tax.certificate", err)) != FW_OK || (rc = check_period(period, err)) != FW_OK)
        return rc;
    if (!ctx->tax.certificate)
        return fw__error_set(err, FW_EPENDING, NULL, "no tax provider answers certificate queries; an operator "
                             "records the certificate with fw_tax_certificate_record()");
    snprintf(req, sizeof(req), "{\"worker_id\":%lld,\"period\":\"%s\"}", (long long)worker_id, period);
    rc = fw__provider_call(ctx->tax.certificate, ctx->tax.payload, req, strlen(req), &reply);
    if (rc == FW_EPENDING) {
        rc = fw__error_set(err, FW_EPENDING, NULL, "the tax provider will answer the certificate query later");
    } else if (rc != FW_OK) {
        rc = fw__error_set(err, rc, NULL, "the tax provider's certificate callback failed (%s)", fw_strerror(rc));
    } else if (fw__json_parse(&ans, reply.json, reply.len, NULL) != FW_OK ||
               fw__json_only(ans, "$", fields, NULL) != FW_OK) {
        rc = fw__error_set(err, FW_EPROVIDER, NULL, "the tax provider's certificate answer is not "
                           "{\"certificate_no\",\"content_type\",\"document_b64\"}");
    } else if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = cert_store(ctx, ans, 1, worker_id, period, &id, err);
        if (rc == FW_EINVAL)
            rc = fw__error_set(err, FW_EPROVIDER, NULL, "the tax provider's certificate answer is unusable: %s",
                               "a field is missing or malformed");
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(ans);
    fw__reply_clear(&reply);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

static int cert_owner(fw_ctx *ctx, fw_id id, int64_t *worker, fw_error **err)
{
    int rc;

    if ((rc = fw__authz_require(ctx, "tax.read", err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, worker, err, "SELECT worker_id FROM fw_tax_certificate WHERE id = ?", "i", id);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "certificate_id", "no tax certificate %lld", (long long)id);
    if (rc != FW_OK)
        return rc;
    return fw__authz_require_owner(ctx, "tax.read", 0, *worker, err);
}

int fw_tax_certificate_get(fw_ctx *ctx, fw_id certificate_id, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const origins[] = { "", "provider", "operator", "platform" };
    fw__stmt *s = NULL;
    int64_t worker = 0;
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = cert_owner(ctx, certificate_id, &worker, err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT period, certificate_no, origin, content_type, LENGTH(document), "
                           "digest FROM fw_tax_certificate WHERE id = ?", "i", certificate_id)) != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) != FW__ROW) {
        fw__db_done(s);
        return rc < 0 ? rc : fw__error_set(err, FW_ENOTFOUND, "certificate_id", "no tax certificate %lld",
                                           (long long)certificate_id);
    }
    if (!(o = cJSON_CreateObject())) {
        fw__db_done(s);
        return fw__error_nomem(err);
    }
    fw__json_add_i64(o, "id", certificate_id);
    fw__json_add_i64(o, "worker_id", worker);
    cJSON_AddStringToObject(o, "period", fw__db_col_text(s, 0));
    cJSON_AddStringToObject(o, "certificate_no", fw__db_col_text(s, 1));
    cJSON_AddStringToObject(o, "origin", origins[fw__db_col_i64(s, 2) >= 1 && fw__db_col_i64(s, 2) <= 3
                                                     ? fw__db_col_i64(s, 2) : 2]);
    cJSON_AddStringToObject(o, "content_type", fw__db_col_text(s, 3));
    fw__json_add_i64(o, "size", fw__db_col_i64(s, 4));
    fw__json_add_hex(o, "sha256", fw__db_col_blob(s, 5), fw__db_col_bytes(s, 5));
    fw__db_done(s);
    return fw__json_out(o, out_json, out_len, err);
}

int fw_tax_certificate_download(fw_ctx *ctx, fw_id certificate_id, uint8_t **out_doc, size_t *out_len,
                                fw_error **err)
{
    fw__stmt *s = NULL;
    int64_t worker = 0;
    uint8_t *doc;
    size_t n;
    int rc;

    if (!ctx || !out_doc || !out_len)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_doc and out_len are required");
    if ((rc = cert_owner(ctx, certificate_id, &worker, err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT document FROM fw_tax_certificate WHERE id = ?", "i",
                           certificate_id)) != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) != FW__ROW) {
        fw__db_done(s);
        return rc < 0 ? rc : fw__error_set(err, FW_ENOTFOUND, "certificate_id", "no tax certificate %lld",
                                           (long long)certificate_id);
    }
    n = fw__db_col_bytes(s, 0);
    if (!(doc = malloc(n ? n : 1))) {
        fw__db_done(s);
        return fw__error_nomem(err);
    }
    memcpy(doc, fw__db_col_blob(s, 0), n);
    fw__db_done(s);
    *out_doc = doc;
    *out_len = n;
    return FW_OK;
}

/* ---- reading withholding records ---------------------------------------------------------- */

static cJSON *record_json(fw__stmt *s)
{
    static const char *const methods[] = { "auto", "cumulative", "per_payment" };
    static const char *const collections[] = { "", "agency", "withholding" };
    cJSON *o = cJSON_CreateObject(), *ex;
    int64_t m;

    if (!o)
        return NULL;
    /* columns: id, worker_id, payment_ref, kind, reverses_id, at_ms, period, method, collection,
     * gross, income, iit, vat, city, education, local, explain */
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    fw__json_add_i64(o, "worker_id", fw__db_col_i64(s, 1));
    cJSON_AddStringToObject(o, "payment_ref", fw__db_col_text(s, 2));
    cJSON_AddStringToObject(o, "kind", fw__db_col_i64(s, 3) == FW_TAX_RECORD_REVERSAL ? "reversal" : "withholding");
    if (fw__db_col_is_null(s, 4))
        cJSON_AddNullToObject(o, "reverses_id");
    else
        fw__json_add_i64(o, "reverses_id", fw__db_col_i64(s, 4));
    fw__json_add_i64(o, "at_ms", fw__db_col_i64(s, 5));
    cJSON_AddStringToObject(o, "period", fw__db_col_text(s, 6));
    m = fw__db_col_i64(s, 7);
    cJSON_AddStringToObject(o, "method", methods[m >= 0 && m <= 2 ? m : 0]);
    cJSON_AddStringToObject(o, "vat_collection", collections[fw__db_col_i64(s, 8) == 2 ? 2 : 1]);
    fw__json_add_i64(o, "gross_fen", fw__db_col_i64(s, 9));
    fw__json_add_i64(o, "income_fen", fw__db_col_i64(s, 10));
    fw__json_add_i64(o, "iit_fen", fw__db_col_i64(s, 11));
    fw__json_add_i64(o, "vat_fen", fw__db_col_i64(s, 12));
    fw__json_add_i64(o, "city_maintenance_fen", fw__db_col_i64(s, 13));
    fw__json_add_i64(o, "education_fen", fw__db_col_i64(s, 14));
    fw__json_add_i64(o, "local_education_fen", fw__db_col_i64(s, 15));
    fw__json_add_i64(o, "withheld_fen", fw__db_col_i64(s, 11) + fw__db_col_i64(s, 12) + fw__db_col_i64(s, 13) +
                                            fw__db_col_i64(s, 14) + fw__db_col_i64(s, 15));
    ex = cJSON_Parse(fw__db_col_text(s, 16));
    if (ex)
        cJSON_AddItemToObject(o, "explain", ex);
    else
        cJSON_AddNullToObject(o, "explain");
    return o;
}

int fw_tax_withholding_get(fw_ctx *ctx, const char *payment_ref, char **out_json, size_t *out_len,
                           fw_error **err)
{
    fw__stmt *s = NULL;
    cJSON *o, *rec;
    int64_t worker = 0;
    int rc, kind;

    if (!ctx || !payment_ref || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, payment_ref and out_json are required");
    if ((rc = fw__authz_require(ctx, "tax.read", err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &worker, err, "SELECT worker_id FROM fw_tax_withholding WHERE payment_ref = ? AND kind = 1",
                    "t", payment_ref);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "payment_ref", "no withholding is recorded for payment \"%s\"",
                             payment_ref);
    if (rc != FW_OK || (rc = fw__authz_require_owner(ctx, "tax.read", 0, worker, err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    cJSON_AddNullToObject(o, "withholding");
    cJSON_AddNullToObject(o, "reversal");
    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT id, worker_id, payment_ref, kind, reverses_id, at_ms, period, method, collection, "
                           "gross_fen, income_fen, iit_fen, vat_fen, city_fen, education_fen, local_fen, explain "
                           "FROM fw_tax_withholding WHERE payment_ref = ? ORDER BY kind", "t", payment_ref)) != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        kind = (int)fw__db_col_i64(s, 3);
        if (!(rec = record_json(s))) {
            rc = FW_ENOMEM;
            break;
        }
        cJSON_ReplaceItemInObject(o, kind == FW_TAX_RECORD_REVERSAL ? "reversal" : "withholding", rec);
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        cJSON_Delete(o);
        return rc == FW_ENOMEM ? fw__error_nomem(err) : rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_tax_cumulative_get(fw_ctx *ctx, fw_id worker_id, int32_t year, char **out_json, size_t *out_len,
                          fw_error **err)
{
    fw__stmt *s = NULL;
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "tax.read", 0, worker_id, err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT last_month, month_count, income_fen, expense_fen, deduction_fen, withheld_fen "
                           "FROM fw_tax_cumulative WHERE worker_id = ? AND year = ?", "ii", worker_id,
                           (int64_t)year)) != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) != FW__ROW) {
        fw__db_done(s);
        return rc < 0 ? rc : fw__error_set(err, FW_ENOTFOUND, "worker_id", "worker %lld has no cumulative "
                                           "withholding in %d", (long long)worker_id, year);
    }
    if (!(o = cJSON_CreateObject())) {
        fw__db_done(s);
        return fw__error_nomem(err);
    }
    fw__json_add_i64(o, "worker_id", worker_id);
    fw__json_add_i64(o, "year", year);
    fw__json_add_i64(o, "last_month", fw__db_col_i64(s, 0));
    fw__json_add_i64(o, "month_count", fw__db_col_i64(s, 1));
    fw__json_add_i64(o, "income_fen", fw__db_col_i64(s, 2));
    fw__json_add_i64(o, "expense_fen", fw__db_col_i64(s, 3));
    fw__json_add_i64(o, "deduction_fen", fw__db_col_i64(s, 4));
    fw__json_add_i64(o, "withheld_fen", fw__db_col_i64(s, 5));
    fw__db_done(s);
    return fw__json_out(o, out_json, out_len, err);
}

int fw_tax_warnings(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s = NULL;
    cJSON *arr, *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "tax.read", 0, worker_id, err)) != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    if ((rc = fw__db_query(ctx, &s, err, "SELECT code, period, amount_fen, created_ms FROM fw_tax_warning "
                           "WHERE worker_id = ? ORDER BY period, code", "i", worker_id)) != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        if (!(o = cJSON_CreateObject()))
            break;
        cJSON_AddStringToObject(o, "code", fw__db_col_text(s, 0));
        cJSON_AddStringToObject(o, "period", fw__db_col_text(s, 1));
        fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 2));
        fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 3));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        cJSON_Delete(arr);
        return rc == FW__ROW ? fw__error_nomem(err) : rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- certificates issued by the platform --------------------------------------------------- */

#define CERT_HEAD "{\"certificate\":"
#define CERT_SIG ",\"signature\":\""

/*
 * The document is {"certificate":<payload>,"signature":"<hex>"}; the Ed25519 signature covers
 * the payload's exact bytes, so a verifier needs no JSON canonicalisation and any edit fails.
 */
static int cert_issue_work(fw_ctx *ctx, fw_id worker_id, const char *period, fw_id *out_id, fw_error **err)
{
    fw__stmt *s = NULL;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    unsigned char digest[32];
    char no[96], sig_hex[2 * crypto_sign_BYTES + 1], *payload = NULL, *doc = NULL;
    const char *receipt, *bank;
    int64_t decl = 0, version = 0, income = 0, iit = 0, vat = 0, sur = 0, paid = 0;
    cJSON *p = NULL, *a;
    size_t plen, dlen;
    fw_id id = 0;
    int rc;

    rc = fw__db_query(ctx, &s, err,
                      "SELECT d.id, d.version, d.receipt_no, l.income_fen, l.iit_fen, l.vat_fen, "
                      "l.city_fen + l.education_fen + l.local_fen FROM fw_tax_declaration d "
                      "JOIN fw_tax_declaration_line l ON l.declaration_id = d.id "
                      "WHERE d.period = ? AND d.state = 3 AND l.worker_id = ? ORDER BY d.version DESC LIMIT 1",
                      "ti", period, worker_id);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) != FW__ROW) {
        fw__db_done(s);
        return rc < 0 ? rc : fw__error_set(err, FW_ENOTFOUND, "period", "no accepted declaration of %s has a "
                                           "line for worker %lld", period, (long long)worker_id);
    }
    decl = fw__db_col_i64(s, 0);
    version = fw__db_col_i64(s, 1);
    receipt = fw__db_col_text(s, 2);
    if (!(p = cJSON_CreateObject())) {
        fw__db_done(s);
        return fw__error_nomem(err);
    }
    snprintf(no, sizeof(no), "FW-%s-%lld-%lld", period, (long long)worker_id, (long long)decl);
    cJSON_AddStringToObject(p, "format", "flexwork-tax-certificate");
    fw__json_add_i64(p, "version", 1);
    cJSON_AddStringToObject(p, "certificate_no", no);
    fw__json_add_i64(p, "worker_id", worker_id);
    cJSON_AddStringToObject(p, "period", period);
    fw__json_add_i64(p, "declaration_id", decl);
    fw__json_add_i64(p, "declaration_version", version);
    cJSON_AddStringToObject(p, "receipt_no", receipt ? receipt : "");
    income = fw__db_col_i64(s, 3);
    iit = fw__db_col_i64(s, 4);
    vat = fw__db_col_i64(s, 5);
    sur = fw__db_col_i64(s, 6);
    fw__db_done(s);
    if (fw__db_i64(ctx, &id, NULL, "SELECT id FROM fw_tax_certificate WHERE certificate_no = ?", "t", no) == FW_OK) {
        cJSON_Delete(p);
        *out_id = id;    /* issued before: the same certificate */
        return FW_OK;
    }
    rc = fw__db_query(ctx, &s, err, "SELECT bank_ref FROM fw_tax_payment WHERE declaration_id = ? AND state = 2",
                      "i", decl);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        bank = fw__db_col_text(s, 0);
        cJSON_AddStringToObject(p, "bank_ref", bank ? bank : "");
        paid = 1;
    }
    fw__db_done(s);
    if (rc < 0) {
        cJSON_Delete(p);
        return rc;
    }
    if (!paid) {
        cJSON_Delete(p);
        return fw__error_set(err, FW_ESTATE, "period", "the tax withheld under declaration %lld is not paid yet; "
                             "a certificate follows the payment (fw_tax_pay)", (long long)decl);
    }
    fw__json_add_i64(p, "income_fen", income);
    fw__json_add_i64(p, "iit_fen", iit);
    fw__json_add_i64(p, "vat_fen", vat);
    fw__json_add_i64(p, "surcharge_fen", sur);
    fw__json_add_i64(p, "total_fen", iit + vat + sur);
    fw__json_add_i64(p, "issued_ms", fw_ctx_now(ctx));
    crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
    fw__json_add_hex(p, "public_key", pk, sizeof(pk));
    payload = fw__json_print(p);
    cJSON_Delete(p);
    if (!payload) {
        sodium_memzero(sk, sizeof(sk));
        return fw__error_nomem(err);
    }
    plen = strlen(payload);
    crypto_sign_detached(sig, NULL, (const unsigned char *)payload, plen, sk);
    sodium_memzero(sk, sizeof(sk));
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    dlen = strlen(CERT_HEAD) + plen + strlen(CERT_SIG) + strlen(sig_hex) + 2;
    if (!(doc = malloc(dlen + 1))) {
        cJSON_free(payload);
        return fw__error_nomem(err);
    }
    snprintf(doc, dlen + 1, "%s%s%s%s\"}", CERT_HEAD, payload, CERT_SIG, sig_hex);
    cJSON_free(payload);
    crypto_hash_sha256(digest, (const unsigned char *)doc, dlen);
    rc = fw__db_exec(ctx, err, "INSERT INTO fw_tax_certificate(worker_id, period, certificate_no, origin, "
                     "content_type, document, digest, created_ms) VALUES(?, ?, ?, 3, 'application/json', ?, ?, ?)",
                     "ittbbi", worker_id, period, no, doc, dlen, digest, sizeof(digest), fw_ctx_now(ctx));
    free(doc);
    if (rc != FW_OK)
        return rc;
    id = fw__db_last_id(ctx);
    a = cJSON_CreateObject();
    fw__json_add_i64(a, "worker_id", worker_id);
    cJSON_AddStringToObject(a, "period", period);
    cJSON_AddStringToObject(a, "certificate_no", no);
    fw__json_add_hex(a, "sha256", digest, sizeof(digest));
    if ((rc = audit_simple(ctx, "tax.certificate.issue", "tax_certificate", id, a, err)) == FW_OK)
        *out_id = id;
    return rc;
}

int fw_tax_certificate_issue(fw_ctx *ctx, fw_id worker_id, const char *period, fw_id *out_id, fw_error **err)
{
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if (worker_id <= 0)
        return fw__error_set(err, FW_EINVAL, "worker_id", "must be a worker's id (> 0), got %lld", (long long)worker_id);
    if ((rc = fw__authz_require(ctx, "tax.certificate", err)) != FW_OK || (rc = check_period(period, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = cert_issue_work(ctx, worker_id, period, &id, err);
    if ((rc = fw__tx_end(ctx, rc, err)) == FW_OK)
        *out_id = id;
    return rc;
}

int fw_tax_certificate_verify(const uint8_t *doc, size_t len, const uint8_t public_key[32], fw_error **err)
{
    const char *text = (const char *)doc, *sig_at = NULL, *s;
    unsigned char sig[crypto_sign_BYTES];
    size_t head = strlen(CERT_HEAD), tail = strlen(CERT_SIG), hexlen = 2 * crypto_sign_BYTES, plen;
    size_t bin = 0;

    if (!doc || !public_key)
        return fw__error_set(err, FW_EINVAL, NULL, "doc and public_key are required");
    if (len < head + tail + hexlen + 2 || memcmp(text, CERT_HEAD, head) != 0 ||
        memcmp(text + len - 2, "\"}", 2) != 0)
        return fw__error_set(err, FW_EINVAL, "doc", "is not a platform tax certificate "
                             "({\"certificate\":{...},\"signature\":\"...\"})");
    s = text + len - 2 - hexlen - tail;
    if (memcmp(s, CERT_SIG, tail) == 0)
        sig_at = s;
    if (!sig_at || sodium_hex2bin(sig, sizeof(sig), sig_at + tail, hexlen, NULL, &bin, NULL) != 0 ||
        bin != sizeof(sig))
        return fw__error_set(err, FW_EINVAL, "doc", "the certificate's signature must be %zu hex digits", hexlen);
    plen = (size_t)(sig_at - text) - head;
    if (crypto_sign_verify_detached(sig, (const unsigned char *)text + head, plen, public_key) != 0)
        return fw__error_set(err, FW_EAUTH, "doc", "the certificate's signature does not verify with this key: "
                             "it was altered or signed by another platform");
    return FW_OK;
}

/* A growing text buffer for the renderings; on ENOMEM it keeps failing and the caller checks once. */
struct buf {
    char *p;
    size_t len, cap;
    int nomem;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
    char *grown;
    size_t cap;

    if (b->nomem)
        return;
    if (b->cap - b->len <= n) {
        cap = b->cap ? b->cap : 1024;
        while (cap - b->len <= n)
            cap *= 2;
        if (!(grown = realloc(b->p, cap))) {
            b->nomem = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

/* Text into HTML element content or a quoted attribute: the five characters that can end either. */
static void buf_html(struct buf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;"
                      : *s == '\'' ? "&#39;" : NULL;
        if (!e)
            continue;
        buf_put(b, run, (size_t)(s - run));
        buf_str(b, e);
        run = s + 1;
    }
    buf_put(b, run, (size_t)(s - run));
}

#define CERT_TEXT 0
#define CERT_HTML 1

static int cert_render(fw_ctx *ctx, fw_id certificate_id, int format, char **out, size_t *out_len, fw_error **err)
{
    /* label, JSON member, 'm' money / 'i' integer / 's' string */
    static const struct { const char *label, *name; char type; } rows[] = {
        { "Certificate no.", "certificate_no", 's' }, { "Worker", "worker_id", 'i' },
        { "Tax period", "period", 's' }, { "Declaration", "declaration_id", 'i' },
        { "Declaration version", "declaration_version", 'i' }, { "Tax bureau receipt", "receipt_no", 's' },
        { "Paid, bank reference", "bank_ref", 's' }, { "Income", "income_fen", 'm' },
        { "IIT withheld", "iit_fen", 'm' }, { "VAT", "vat_fen", 'm' }, { "Surcharges", "surcharge_fen", 'm' },
        { "Total paid", "total_fen", 'm' }, { "Platform key", "public_key", 's' },
    };
    struct buf b = { NULL, 0, 0, 0 };
    uint8_t *doc = NULL;
    size_t len = 0, i;
    cJSON *root = NULL, *p, *v;
    char val[64], val2[64], line[64];
    const char *text;
    int rc;

    if (!out)
        return fw__error_set(err, FW_EINVAL, NULL, "out_text is required");
    if ((rc = fw_tax_certificate_download(ctx, certificate_id, &doc, &len, err)) != FW_OK)
        return rc;
    root = cJSON_ParseWithLength((const char *)doc, len);
    free(doc);
    p = cJSON_GetObjectItemCaseSensitive(root, "certificate");
    if (!cJSON_IsObject(p) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p, "certificate_no"))) {
        cJSON_Delete(root);
        return fw__error_set(err, FW_ESTATE, "certificate_id", "certificate %lld was not issued by the platform; "
                             "download its document instead", (long long)certificate_id);
    }
    if (format == CERT_HTML)
        buf_str(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\">"
                    "<title>Tax payment certificate (完税证明)</title></head>\n<body>\n"
                    "<h1>Tax payment certificate (完税证明)</h1>\n<table>\n");
    else
        buf_str(&b, "Tax payment certificate (完税证明)\n");
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        v = cJSON_GetObjectItemCaseSensitive(p, rows[i].name);
        if (rows[i].type == 's')
            text = cJSON_IsString(v) ? v->valuestring : "";
        else if (rows[i].type == 'i')
            text = (snprintf(val, sizeof(val), "%lld", (long long)cJSON_GetNumberValue(v)), val);
        else
            text = fw__money_format((int64_t)cJSON_GetNumberValue(v), val, sizeof(val));
        if (format == CERT_HTML) {
            buf_str(&b, "<tr><th>");
            buf_html(&b, rows[i].label);
            buf_str(&b, "</th><td>");
            buf_html(&b, text);
            buf_str(&b, "</td></tr>\n");
        } else {
            snprintf(val2, sizeof(val2), "%s:", rows[i].label);
            snprintf(line, sizeof(line), "%-22s", val2);
            buf_str(&b, line);
            buf_str(&b, text);
            buf_str(&b, "\n");
        }
    }
    if (format == CERT_HTML)
        buf_str(&b, "</table>\n<p>Signed by the platform key (Ed25519); verify the downloaded document with "
                    "fw_tax_certificate_verify().</p>\n</body>\n</html>\n");
    else
        buf_str(&b, "Signed by the platform key (Ed25519); verify with fw_tax_certificate_verify().\n");
    cJSON_Delete(root);
    if (b.nomem) {
        free(b.p);
        return fw__error_nomem(err);
    }
    *out = b.p;
    if (out_len)
        *out_len = b.len;
    return FW_OK;
}

int fw_tax_certificate_render(fw_ctx *ctx, fw_id certificate_id, char **out_text, size_t *out_len,
                              fw_error **err)
{
    return cert_render(ctx, certificate_id, CERT_TEXT, out_text, out_len, err);
}

int fw_tax_certificate_render_html(fw_ctx *ctx, fw_id certificate_id, char **out_html, size_t *out_len,
                                   fw_error **err)
{
    return cert_render(ctx, certificate_id, CERT_HTML, out_html, out_len, err);
}

/* ---- export --------------------------------------------------------------------------------- */

int fw_tax_declaration_export_csv(fw_ctx *ctx, fw_id declaration_id, char **out_csv, size_t *out_len,
                                  fw_error **err)
{
    static const char header[] = "period,version,worker_id,records,income,cum_income,cum_expense,"
                                 "cum_deduction,iit_withheld,cum_iit_withheld,vat,city_maintenance,"
                                 "education,local_education\r\n";
    struct decl d;
    fw__stmt *s = NULL;
    char *buf, *grown, b[10][32];
    size_t len, cap = 4096;
    int n, i, rc;

    if (!ctx || !out_csv)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_csv are required");
    if ((rc = fw__authz_require(ctx, "tax.declare_read", err)) != FW_OK ||
        (rc = decl_read(ctx, declaration_id, &d, err)) != FW_OK)
        return rc;
    if (!(buf = malloc(cap)))
        return fw__error_nomem(err);
    memcpy(buf, header, sizeof(header));
    len = sizeof(header) - 1;
    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT worker_id, records, income_fen, cum_income_fen, cum_expense_fen, cum_deduction_fen, "
                           "iit_fen, cum_withheld_fen, vat_fen, city_fen, education_fen, local_fen "
                           "FROM fw_tax_declaration_line WHERE declaration_id = ? ORDER BY worker_id", "i",
                           declaration_id)) != FW_OK) {
        free(buf);
        return rc;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        for (i = 0; i < 10; i++)
            fw__money_format(fw__db_col_i64(s, i + 2), b[i], sizeof(b[i]));
        if (cap - len < 512) {
            if (!(grown = realloc(buf, cap * 2))) {
                rc = FW_ENOMEM;
                break;
            }
            buf = grown;
            cap *= 2;
        }
        n = snprintf(buf + len, cap - len, "%s,%lld,%lld,%lld,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", d.period,
                     (long long)d.version, (long long)fw__db_col_i64(s, 0), (long long)fw__db_col_i64(s, 1),
                     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]);
        len += (size_t)n;
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        free(buf);
        return rc == FW_ENOMEM ? fw__error_nomem(err) : rc;
    }
    *out_csv = buf;
    if (out_len)
        *out_len = len;
    return FW_OK;
}

/* A CSV field: quoted, quotes doubled, and a leading = + - @ neutralised so that a spreadsheet
 * does not evaluate a name as a formula. */
static void csv_text(struct buf *b, const char *s)
{
    const char *run;

    buf_str(b, "\"");
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
        buf_str(b, "'");
    for (run = s; *s; s++) {
        if (*s != '"')
            continue;
        buf_put(b, run, (size_t)(s - run + 1));
        buf_str(b, "\"");
        run = s + 1;
    }
    buf_put(b, run, (size_t)(s - run));
    buf_str(b, "\"");
}

int fw_tax_declaration_export(fw_ctx *ctx, fw_id declaration_id, uint32_t format, char **out, size_t *out_len,
                              fw_error **err)
{
    static const char header[] = "period,version,worker_id,name,id_number,income,cum_income,cum_expense,"
                                 "cum_deductions,cum_tax,withheld,vat,surcharges\r\n";
    struct buf b = { NULL, 0, 0, 0 };
    struct decl d;
    fw__stmt *s = NULL;
    cJSON *root = NULL, *lines = NULL, *l;
    char *name = NULL, *idn = NULL, mname[64], mid[64], m[7][32], row[512];
    const char *shown_name, *shown_id;
    int64_t v[7];
    fw_id w;
    int rc, i, pii;

    if (!ctx || !out)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out are required");
    if (format != FW_TAX_EXPORT_CSV && format != FW_TAX_EXPORT_JSON)
        return fw__error_set(err, FW_EINVAL, "format", "must be FW_TAX_EXPORT_CSV (1) or FW_TAX_EXPORT_JSON (2), "
                             "got %u", (unsigned)format);
    if ((rc = fw__authz_require(ctx, "tax.declare_read", err)) != FW_OK ||
        (rc = decl_read(ctx, declaration_id, &d, err)) != FW_OK)
        return rc;
    if (format == FW_TAX_EXPORT_JSON) {
        if (!(root = cJSON_CreateObject()))
            return fw__error_nomem(err);
        fw__json_add_i64(root, "declaration_id", d.id);
        cJSON_AddStringToObject(root, "period", d.period);
        fw__json_add_i64(root, "version", d.version);
        cJSON_AddStringToObject(root, "state", decl_states[d.state]);
        lines = cJSON_AddArrayToObject(root, "lines");
    } else {
        buf_str(&b, header);
    }
    if ((rc = fw__db_query(ctx, &s, err,
                           "SELECT worker_id, income_fen, cum_income_fen, cum_expense_fen, cum_deduction_fen, "
                           "cum_withheld_fen, iit_fen, vat_fen, city_fen + education_fen + local_fen "
                           "FROM fw_tax_declaration_line WHERE declaration_id = ? ORDER BY worker_id", "i",
                           declaration_id)) != FW_OK)
        goto fail;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        w = fw__db_col_i64(s, 0);
        /* income, cum income, cum expense, cum deductions, cum tax, withheld, vat; surcharges below */
        for (i = 0; i < 7; i++)
            v[i] = fw__db_col_i64(s, i + 1);
        name = idn = NULL;
        rc = fw__party_worker_identity(ctx, w, &name, &idn, NULL);
        pii = fw__authz_may_see_pii(ctx, w);
        shown_name = rc != FW_OK ? NULL : pii ? name : fw__mask_name(name, mname, sizeof(mname));
        shown_id = rc != FW_OK ? NULL : pii ? idn : fw__mask_id_number(idn, mid, sizeof(mid));
        if (format == FW_TAX_EXPORT_JSON) {
            static const char *const names[] = { "income_fen", "cum_income_fen", "cum_expense_fen",
                                                 "cum_deduction_fen", "cum_tax_fen", "withheld_fen", "vat_fen" };
            if ((l = cJSON_CreateObject())) {
                fw__json_add_i64(l, "worker_id", w);
                if (shown_name)
                    cJSON_AddStringToObject(l, "name", shown_name);
                else
                    cJSON_AddNullToObject(l, "name");
                if (shown_id)
                    cJSON_AddStringToObject(l, "id_number", shown_id);
                else
                    cJSON_AddNullToObject(l, "id_number");
                for (i = 0; i < 7; i++)
                    fw__json_add_i64(l, names[i], v[i]);
                fw__json_add_i64(l, "surcharge_fen", fw__db_col_i64(s, 8));
                cJSON_AddItemToArray(lines, l);
            } else {
                b.nomem = 1;
            }
        } else {
            snprintf(row, sizeof(row), "%s,%lld,%lld,", d.period, (long long)d.version, (long long)w);
            buf_str(&b, row);
            csv_text(&b, shown_name ? shown_name : "");
            buf_str(&b, ",");
            csv_text(&b, shown_id ? shown_id : "");
            for (i = 0; i < 7; i++)
                fw__money_format(v[i], m[i], sizeof(m[i]));
            snprintf(row, sizeof(row), ",%s,%s,%s,%s,%s,%s,%s,", m[0], m[1], m[2], m[3], m[4], m[5], m[6]);
            buf_str(&b, row);
            buf_str(&b, fw__money_format(fw__db_col_i64(s, 8), m[0], sizeof(m[0])));
            buf_str(&b, "\r\n");
        }
        if (name)
            sodium_memzero(name, strlen(name));
        if (idn)
            sodium_memzero(idn, strlen(idn));
        fw_free(name);
        fw_free(idn);
        sodium_memzero(mname, sizeof(mname));
        if (b.nomem)
            break;
    }
    fw__db_done(s);
    if (b.nomem)
        rc = fw__error_nomem(err);
    else if (rc == FW__DONE)
        rc = FW_OK;
    if (rc != FW_OK)
        goto fail;
    if (root)
        return fw__json_out(root, out, out_len, err);
    *out = b.p;
    if (out_len)
        *out_len = b.len;
    return FW_OK;
fail:
    cJSON_Delete(root);
    free(b.p);
    return rc;
}
