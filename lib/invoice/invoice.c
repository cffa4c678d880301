/*
 * Invoices for the service actually rendered (R-3.3.g). What an enterprise was served is what
 * its paid payouts cost it (amount and fee), less those the bank returned; the invoices that
 * are requested or issued never add up to more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"
#include "core/json.h"
#include "core/money.h"
#include <flexwork/invoice.h>
#include "payout/payout.h"

#define NO_MAX 64
#define TEXT_MAX 200

static const char *const kinds[] = { "vat_special", "vat_normal", NULL };
static const char *const state_names[] = { NULL, "requested", "issued", "reversed", "cancelled" };

struct inv {
    fw_id id, enterprise_id;
    uint32_t kind, state;
    int64_t amount, rate, tax;
    char title[TEXT_MAX + 1], no[NO_MAX + 1];
};

static int load(fw_ctx *ctx, fw_id id, struct inv *v, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, kind, state, amount_fen, "
                          "tax_rate_ppm, tax_fen, coalesce(title, ''), coalesce(invoice_no, '') "
                          "FROM fw_invoice WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        memset(v, 0, sizeof(*v));
        v->id = id;
        v->enterprise_id = fw__db_col_i64(s, 0);
        v->kind = (uint32_t)fw__db_col_i64(s, 1);
        v->state = (uint32_t)fw__db_col_i64(s, 2);
        v->amount = fw__db_col_i64(s, 3);
        v->rate = fw__db_col_i64(s, 4);
        v->tax = fw__db_col_i64(s, 5);
        snprintf(v->title, sizeof(v->title), "%s", fw__db_col_text(s, 6));
        snprintf(v->no, sizeof(v->no), "%s", fw__db_col_text(s, 7));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "invoice_id", "no invoice %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static int invoiced(fw_ctx *ctx, fw_id enterprise_id, int64_t *out, fw_error **err)
{
    return fw__db_i64(ctx, out, err, "SELECT coalesce(sum(amount_fen), 0) FROM fw_invoice WHERE "
                      "enterprise_id=? AND state IN (1, 2)", "i", enterprise_id);
}

static int audit(fw_ctx *ctx, const char *action, const struct inv *v, uint32_t state,
                 fw_error **err)
{
    char detail[256];
    int n = snprintf(detail, sizeof(detail), "{\"enterprise_id\":%lld,\"amount_fen\":%lld,"
                     "\"tax_fen\":%lld,\"state\":\"%s\"}", (long long)v->enterprise_id,
                     (long long)v->amount, (long long)v->tax, state_names[state]);
    return fw__audit_append(ctx, action, "invoice", v->id, detail, (size_t)n, err);
}

/* ---- requests ------------------------------------------------------------------------------- */

static int request_work(fw_ctx *ctx, fw_id ent, int kind, int64_t amount, int64_t rate,
                        const char *title, fw_id *out_id, fw_error **err)
{
    struct inv v;
    int64_t served = 0, done = 0, left, tax = 0;
    char a[32], b[32], c[32], d[32];
    int rc;

    if ((rc = fw__payout_served(ctx, ent, &served, err)) != FW_OK ||
        (rc = invoiced(ctx, ent, &done, err)) != FW_OK)
        return rc;
    left = served - done;
    if (amount > left)
        return fw__error_set(err, FW_ELIMIT, "$.amount_fen",
                             "an invoice of %s yuan exceeds what is left to invoice by %s yuan "
                             "(served %s, invoiced %s)", fw__money_format(amount, a, sizeof(a)),
                             fw__money_format(amount - left, b, sizeof(b)),
                             fw__money_format(served, c, sizeof(c)),
                             fw__money_format(done, d, sizeof(d)));
    if ((rc = fw__money_muldiv(amount, rate, FW__PPM + rate, FW__ROUND_HALF_UP, &tax)) != FW_OK)
        return fw__error_set(err, rc, "$.amount_fen", "the tax of %lld fen overflows",
                             (long long)amount);
    rc = fw__db_exec(ctx, err, "INSERT INTO fw_invoice(enterprise_id, kind, state, amount_fen, "
                     "tax_rate_ppm, tax_fen, title, requested_ms) VALUES (?,?,1,?,?,?,?,?)",
                     "iiiiiti", ent, (int64_t)(kind + 1), amount, rate, tax, title,
                     fw_ctx_now(ctx));
    if (rc != FW_OK)
        return rc;
    memset(&v, 0, sizeof(v));
    v.id = fw__db_last_id(ctx);
    v.enterprise_id = ent;
    v.amount = amount;
    v.tax = tax;
    if ((rc = audit(ctx, "invoice.request", &v, FW_INVOICE_REQUESTED, err)) == FW_OK)
        *out_id = v.id;
    return rc;
}

static const char *const request_fields[] = { "idempotency_key", "enterprise_id", "kind",
                                              "amount_fen", "tax_rate_ppm", "title", NULL };

int fw_invoice_request(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                       fw_error **err)
{
    cJSON *root = NULL;
    const char *key = NULL, *title = NULL;
    char keybuf[FW__IDEM_KEY_MAX + 1];
    fw_id ent = 0, id = 0;
    int64_t amount = 0, rate = 60000;
    int kind = 0, rc;
    char *canon = NULL;
    fw__idem idem;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "invoice.request", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", request_fields, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "idempotency_key", FW__REQUIRED, 1, FW__IDEM_KEY_MAX, &key,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &ent,
                           err)) != FW_OK ||
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "amount_fen", FW__REQUIRED, 1, FW__JSON_MAX_INT, &amount,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "tax_rate_ppm", FW__OPTIONAL, 0, FW__PPM, &rate,
                           err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "title", FW__OPTIONAL, 0, TEXT_MAX, &title, err)) != FW_OK ||
        (rc = fw__authz_require_owner(ctx, "invoice.request", ent, 0, err)) != FW_OK)
        goto done;
    snprintf(keybuf, sizeof(keybuf), "%s", key);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "idempotency_key");
    if (!(canon = fw__json_print(root))) {
        rc = fw__error_nomem(err);
        goto done;
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        goto done;
    rc = fw__idem_begin(ctx, &idem, "invoice.request", keybuf, canon, strlen(canon), err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = request_work(ctx, ent, kind, amount, rate, title, &id, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_id = id;
done:
    free(canon);
    cJSON_Delete(root);
    return rc;
}

/* ---- issue ------------------------------------------------------------------------------------ */

static int set_issued(fw_ctx *ctx, struct inv *v, const char *no, const char *date, int origin,
                      int64_t tax, fw_error **err)
{
    int64_t other = 0;
    int rc = fw__db_i64(ctx, &other, NULL, "SELECT id FROM fw_invoice WHERE invoice_no=?", "t", no);
    if (rc == FW_OK)
        return fw__error_set(err, FW_EEXISTS, "invoice_no", "invoice number \"%s\" is on invoice "
                             "%lld already", no, (long long)other);
    rc = fw__db_exec(ctx, err, "UPDATE fw_invoice SET state=2, invoice_no=?, issued_date=?, "
                     "origin=?, tax_fen=?, issued_ms=? WHERE id=?", "ttiiii", no, date,
                     (int64_t)origin, tax, fw_ctx_now(ctx), v->id);
    v->tax = tax;
    if (rc == FW_OK)
        rc = audit(ctx, "invoice.issue", v, FW_INVOICE_ISSUED, err);
    return rc;
}

static int need_requested(const struct inv *v, fw_error **err)
{
    if (v->state != FW_INVOICE_REQUESTED)
        return fw__error_set(err, FW_ESTATE, "invoice_id", "invoice %lld is %s; only a "
                             "requested invoice is issued", (long long)v->id,
                             state_names[v->state]);
    return FW_OK;
}

int fw_invoice_issue(fw_ctx *ctx, fw_id invoice_id, uint32_t *out_state, fw_error **err)
{
    struct fw_reply reply = { NULL, 0 };
    struct inv v;
    cJSON *req = NULL, *ans = NULL;
    char *text = NULL;
    const char *no = NULL;
    int64_t date_ms = 0;
    char date[16] = "";
    int rc, prc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "invoice.issue", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    if ((rc = load(ctx, invoice_id, &v, err)) != FW_OK || (rc = need_requested(&v, err)) != FW_OK)
        goto end;
    if (!ctx->invoice.issue) {
        rc = fw__error_set(err, FW_EPENDING, NULL, "no invoice provider: invoice %lld waits for "
                           "an operator to record it", (long long)v.id);
        goto end;
    }
    if (!(req = cJSON_CreateObject()) || !fw__json_add_i64(req, "invoice_id", v.id) ||
        !fw__json_add_i64(req, "enterprise_id", v.enterprise_id) ||
        !cJSON_AddStringToObject(req, "kind", kinds[v.kind - 1]) ||
        !fw__json_add_i64(req, "amount_fen", v.amount) || !fw__json_add_i64(req, "tax_fen", v.tax) ||
        !fw__json_add_i64(req, "tax_rate_ppm", v.rate) ||
        !cJSON_AddStringToObject(req, "title", v.title) || !(text = fw__json_print(req))) {
        rc = fw__error_nomem(err);
        goto end;
    }
    prc = fw__provider_call(ctx->invoice.issue, ctx->invoice.payload, text, strlen(text), &reply);
    if (prc != FW_OK) {
        rc = prc == FW_EPENDING || prc == FW_ETIMEOUT ? prc : FW_EPROVIDER;
        rc = fw__error_set(err, rc, NULL, "the invoice provider did not issue invoice %lld (%s)",
                           (long long)v.id, fw_strerror(prc));
        goto end;
    }
    if (fw__json_parse(&ans, reply.json, reply.len, NULL) != FW_OK ||
        fw__json_str(ans, "$", "invoice_no", FW__REQUIRED, 1, NO_MAX, &no, NULL) != FW_OK ||
        fw__json_date(ans, "$", "issued_date", FW__OPTIONAL, &date_ms, NULL) != FW_OK) {
        rc = fw__error_set(err, FW_EPROVIDER, NULL, "the invoice provider's answer lacks a valid "
                           "invoice_no or issued_date");
        goto end;
    }
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(ans, "issued_date");
        snprintf(date, sizeof(date), "%s", cJSON_IsString(d) ? d->valuestring : "");
    }
    rc = set_issued(ctx, &v, no, date[0] ? date : NULL, 1, v.tax, err);
end:
    cJSON_Delete(req);
    cJSON_Delete(ans);
    cJSON_free(text);
    fw__reply_clear(&reply);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = FW_INVOICE_ISSUED;
    return rc;
}

static const char *const record_fields[] = { "kind", "invoice_no", "amount_fen", "tax_fen", "date",
                                             NULL };

int fw_invoice_record(fw_ctx *ctx, fw_id invoice_id, const char *json, size_t json_len,
                      fw_error **err)
{
    struct inv v;
    cJSON *root = NULL;
    const char *no = NULL;
    int64_t amount = 0, tax = 0, date_ms = 0;
    int kind = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "invoice.issue", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", record_fields, err)) != FW_OK ||
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "invoice_no", FW__REQUIRED, 1, NO_MAX, &no, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "amount_fen", FW__REQUIRED, 1, FW__JSON_MAX_INT, &amount,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "tax_fen", FW__REQUIRED, 0, amount, &tax, err)) != FW_OK ||
        (rc = fw__json_date(root, "$", "date", FW__REQUIRED, &date_ms, err)) != FW_OK)
        goto done;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        goto done;
    rc = load(ctx, invoice_id, &v, err);
    if (rc == FW_OK)
        rc = need_requested(&v, err);
    if (rc == FW_OK && amount != v.amount)
        rc = fw__error_set(err, FW_EINVAL, "$.amount_fen", "must be the requested %lld fen, got "
                           "%lld", (long long)v.amount, (long long)amount);
    if (rc == FW_OK && (uint32_t)kind + 1 != v.kind)
        rc = fw__error_set(err, FW_EINVAL, "$.kind", "must be the requested \"%s\", got \"%s\"",
                           kinds[v.kind - 1], kinds[kind]);
    if (rc == FW_OK)
        rc = set_issued(ctx, &v, no, cJSON_GetObjectItemCaseSensitive(root, "date")->valuestring,
                        2, tax, err);
    rc = fw__tx_end(ctx, rc, err);
done:
    cJSON_Delete(root);
    return rc;
}

/* ---- red-letter reversal ---------------------------------------------------------------------- */

static const char *const reverse_fields[] = { "reason", "red_invoice_no", NULL };

static int red_letter(fw_ctx *ctx, const struct inv *v, const char *reason, const char *manual_no,
                      char *red_no, size_t size, fw_error **err)
{
    struct fw_reply reply = { NULL, 0 };
    cJSON *req = NULL, *ans = NULL;
    char *text = NULL;
    const char *no = NULL;
    int rc = FW_OK, prc;

    if (!ctx->invoice.cancel) {
        if (!manual_no)
            return fw__error_set(err, FW_EINVAL, "$.red_invoice_no", "is required without an "
                                 "invoice provider: the number of the red-letter invoice issued "
                                 "by hand");
        snprintf(red_no, size, "%s", manual_no);
        return FW_OK;
    }
    if (!(req = cJSON_CreateObject()) || !fw__json_add_i64(req, "invoice_id", v->id) ||
        !cJSON_AddStringToObject(req, "invoice_no", v->no) ||
        !fw__json_add_i64(req, "amount_fen", v->amount) || !fw__json_add_i64(req, "tax_fen", v->tax) ||
        !cJSON_AddStringToObject(req, "reason", reason) || !(text = fw__json_print(req))) {
        rc = fw__error_nomem(err);
        goto end;
    }
    prc = fw__provider_call(ctx->invoice.cancel, ctx->invoice.payload, text, strlen(text), &reply);
    if (prc != FW_OK) {
        rc = fw__error_set(err, prc == FW_EPENDING || prc == FW_ETIMEOUT ? prc : FW_EPROVIDER, NULL,
                           "the invoice provider did not confirm the red-letter invoice for %s (%s)",
                           v->no, fw_strerror(prc));
        goto end;
    }
    if (fw__json_parse(&ans, reply.json, reply.len, NULL) != FW_OK ||
        fw__json_str(ans, "$", "red_invoice_no", FW__REQUIRED, 1, NO_MAX, &no, NULL) != FW_OK) {
        rc = fw__error_set(err, FW_EPROVIDER, NULL, "the invoice provider's answer lacks "
                           "red_invoice_no");
        goto end;
    }
    snprintf(red_no, size, "%s", no);
end:
    cJSON_Delete(req);
    cJSON_Delete(ans);
    cJSON_free(text);
    fw__reply_clear(&reply);
    return rc;
}

int fw_invoice_reverse(fw_ctx *ctx, fw_id invoice_id, const char *json, size_t json_len,
                       uint32_t *out_state, fw_error **err)
{
    struct inv v;
    cJSON *root = NULL;
    const char *reason = NULL, *manual = NULL;
    char red[NO_MAX + 1] = "";
    uint32_t to = 0;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "invoice.reverse", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", reverse_fields, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, TEXT_MAX, &reason, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "red_invoice_no", FW__OPTIONAL, 1, NO_MAX, &manual,
                           err)) != FW_OK)
        goto done;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        goto done;
    rc = load(ctx, invoice_id, &v, err);
    if (rc == FW_OK && v.state != FW_INVOICE_REQUESTED && v.state != FW_INVOICE_ISSUED)
        rc = fw__error_set(err, FW_ESTATE, "invoice_id", "invoice %lld is %s already",
                           (long long)v.id, state_names[v.state]);
    if (rc == FW_OK && v.state == FW_INVOICE_ISSUED)
        rc = red_letter(ctx, &v, reason, manual, red, sizeof(red), err);
    if (rc == FW_OK) {
        to = v.state == FW_INVOICE_ISSUED ? FW_INVOICE_REVERSED : FW_INVOICE_CANCELLED;
        rc = fw__db_exec(ctx, err, "UPDATE fw_invoice SET state=?, red_invoice_no=?, reason=?, "
                         "reversed_ms=? WHERE id=?", "ittii", (int64_t)to, red[0] ? red : NULL,
                         reason, fw_ctx_now(ctx), v.id);
    }
    if (rc == FW_OK)
        rc = audit(ctx, "invoice.reverse", &v, to, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = to;
done:
    cJSON_Delete(root);
    return rc;
}

/* ---- reading -------------------------------------------------------------------------------- */

#define INVOICE_COLS                                                                             \
    "id, enterprise_id, kind, state, amount_fen, tax_rate_ppm, tax_fen, title, invoice_no, "     \
    "origin, issued_date, red_invoice_no, reason, requested_ms, issued_ms, reversed_ms"

static void opt_text(cJSON *o, const char *name, fw__stmt *s, int col)
{
    const char *t = fw__db_col_text(s, col);
    if (t)
        cJSON_AddStringToObject(o, name, t);
    else
        cJSON_AddNullToObject(o, name);
}

static void opt_i64(cJSON *o, const char *name, fw__stmt *s, int col)
{
    if (fw__db_col_is_null(s, col))
        cJSON_AddNullToObject(o, name);
    else
        fw__json_add_i64(o, name, fw__db_col_i64(s, col));
}

static cJSON *invoice_json(fw__stmt *s)
{
    static const char *const origins[] = { NULL, "provider", "manual" };
    cJSON *o = cJSON_CreateObject();
    int64_t kind = fw__db_col_i64(s, 2), st = fw__db_col_i64(s, 3), origin = fw__db_col_i64(s, 9);

    if (!o)
        return NULL;
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 1));
    cJSON_AddStringToObject(o, "kind", kinds[kind == 1 ? 0 : 1]);
    cJSON_AddStringToObject(o, "state", state_names[st >= 1 && st <= 4 ? st : 1]);
    fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 4));
    fw__json_add_i64(o, "tax_rate_ppm", fw__db_col_i64(s, 5));
    fw__json_add_i64(o, "tax_fen", fw__db_col_i64(s, 6));
    opt_text(o, "title", s, 7);
    opt_text(o, "invoice_no", s, 8);
    if (origin == 1 || origin == 2)
        cJSON_AddStringToObject(o, "origin", origins[origin]);
    else
        cJSON_AddNullToObject(o, "origin");
    opt_text(o, "issued_date", s, 10);
    opt_text(o, "red_invoice_no", s, 11);
    opt_text(o, "reason", s, 12);
    fw__json_add_i64(o, "requested_ms", fw__db_col_i64(s, 13));
    opt_i64(o, "issued_ms", s, 14);
    opt_i64(o, "reversed_ms", s, 15);
    return o;
}

int fw_invoice_get(fw_ctx *ctx, fw_id invoice_id, char **out_json, size_t *out_len,
                   fw_error **err)
{
    fw__stmt *s;
    cJSON *o = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "invoice.read", err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT " INVOICE_COLS " FROM fw_invoice WHERE id=?",
                           "i", invoice_id)) != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        rc = fw__authz_require_owner(ctx, "invoice.read", fw__db_col_i64(s, 1), 0, err);
        if (rc == FW_OK && !(o = invoice_json(s)))
            rc = fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "invoice_id", "no invoice %lld",
                           (long long)invoice_id);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    return fw__json_out(o, out_json, out_len, err);
}

int fw_invoice_list(fw_ctx *ctx, fw_id enterprise_id, char **out_json, size_t *out_len,
                    fw_error **err)
{
    int64_t served = 0, done = 0;
    cJSON *root, *arr;
    fw__stmt *s;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "invoice.read", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = fw__payout_served(ctx, enterprise_id, &served, err)) != FW_OK ||
        (rc = invoiced(ctx, enterprise_id, &done, err)) != FW_OK)
        return rc;
    if (!(root = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(root, "enterprise_id", enterprise_id);
    fw__json_add_i64(root, "served_fen", served);
    fw__json_add_i64(root, "invoiced_fen", done);
    fw__json_add_i64(root, "available_fen", served - done);
    if (!(arr = cJSON_AddArrayToObject(root, "invoices"))) {
        cJSON_Delete(root);
        return fw__error_nomem(err);
    }
    rc = fw__db_query(ctx, &s, err, "SELECT " INVOICE_COLS " FROM fw_invoice WHERE "
                      "enterprise_id=? ORDER BY id", "i", enterprise_id);
    if (rc == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *o = invoice_json(s);
            if (!o) {
                rc = fw__error_nomem(err);
                break;
            }
            cJSON_AddItemToArray(arr, o);
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    return fw__json_out(root, out_json, out_len, err);
}
