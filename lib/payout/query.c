/*
 * Reading payouts: orders with their timelines, queries, the worker's income statement
 * (R-5.6, R-6.b), the enterprise's totals and accounting vouchers (R-7.5.c, R-7.5.e).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "payout/payout.h"

/* A growing text buffer for CSV output. */
struct buf {
    char *p;
    size_t len, cap;
    int failed;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->failed)
        return;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->p && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        {
            size_t cap = b->cap ? b->cap * 2 : 4096;
            char *m;
            while (cap - b->len <= (size_t)n)
                cap *= 2;
            if (!(m = realloc(b->p, cap))) {
                b->failed = 1;
                return;
            }
            b->p = m;
            b->cap = cap;
        }
    }
}

static int buf_out(struct buf *b, char **out, size_t *out_len, fw_error **err)
{
    char *copy;
    if (b->failed || !(copy = malloc(b->len + 1))) {
        free(b->p);
        return fw__error_nomem(err);
    }
    if (b->len)
        memcpy(copy, b->p, b->len);
    copy[b->len] = '\0';
    free(b->p);
    *out = copy;
    if (out_len)
        *out_len = b->len;
    return FW_OK;
}

/* A CSV field: quoted, inner quotes doubled, always (the field may be free text). */
static void put_csv(struct buf *b, const char *s)
{
    put(b, "\"");
    for (; s && *s; s++)
        put(b, *s == '"' ? "\"\"" : "%c", *s);
    put(b, "\"");
}

static const char *yuan(int64_t fen, char *buf)
{
    return fw__money_format(fen, buf, 32);
}

static int month_range(const char *month, int64_t *from, int64_t *to, fw_error **err)
{
    int y, m;
    if (!month || fw__month_key_parse(month, &y, &m) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "month", "must be \"YYYY-MM\", got \"%s\"",
                             month ? month : "(null)");
    fw__cst_from_date(y, m, 1, from);
    fw__cst_from_date(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, to);
    return FW_OK;
}

/* ---- one order ------------------------------------------------------------------------------ */

#define ORDER_COLS                                                                                \
    "id, batch_id, enterprise_id, worker_id, task_ref, external_ref, amount_fen, state, reason, " \
    "fee_fen, fee_bearer, enterprise_pays_fen, gross_fen, iit_fen, vat_fen, surcharge_fen, "      \
    "net_fen, channel_ref, created_ms, paid_ms, returned_ms"

static void add_opt_i64(cJSON *o, const char *name, fw__stmt *s, int col)
{
    if (fw__db_col_is_null(s, col))
        cJSON_AddNullToObject(o, name);
    else
        fw__json_add_i64(o, name, fw__db_col_i64(s, col));
}

static void add_opt_text(cJSON *o, const char *name, fw__stmt *s, int col)
{
    const char *t = fw__db_col_text(s, col);
    if (t)
        cJSON_AddStringToObject(o, name, t);
    else
        cJSON_AddNullToObject(o, name);
}

static cJSON *order_json(fw__stmt *s)
{
    static const char *const bearers[] = { "none", "on_top", "deducted" };
    cJSON *o = cJSON_CreateObject();
    int64_t b = fw__db_col_i64(s, 10);

    if (!o)
        return NULL;
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    add_opt_i64(o, "batch_id", s, 1);
    fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 2));
    fw__json_add_i64(o, "worker_id", fw__db_col_i64(s, 3));
    add_opt_text(o, "task_ref", s, 4);
    add_opt_text(o, "external_ref", s, 5);
    fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 6));
    cJSON_AddStringToObject(o, "state", fw_payout_state_name((uint32_t)fw__db_col_i64(s, 7)));
    add_opt_text(o, "reason", s, 8);
    fw__json_add_i64(o, "fee_fen", fw__db_col_i64(s, 9));
    cJSON_AddStringToObject(o, "fee_bearer", bearers[b >= 0 && b <= 2 ? b : 0]);
    fw__json_add_i64(o, "enterprise_pays_fen", fw__db_col_i64(s, 11));
    fw__json_add_i64(o, "gross_fen", fw__db_col_i64(s, 12));
    fw__json_add_i64(o, "iit_fen", fw__db_col_i64(s, 13));
    fw__json_add_i64(o, "vat_fen", fw__db_col_i64(s, 14));
    fw__json_add_i64(o, "surcharge_fen", fw__db_col_i64(s, 15));
    fw__json_add_i64(o, "net_fen", fw__db_col_i64(s, 16));
    add_opt_text(o, "channel_ref", s, 17);
    fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 18));
    add_opt_i64(o, "paid_ms", s, 19);
    add_opt_i64(o, "returned_ms", s, 20);
    return o;
}

static int add_timeline(fw_ctx *ctx, cJSON *o, fw_id id, fw_error **err)
{
    cJSON *arr = cJSON_AddArrayToObject(o, "timeline");
    fw__stmt *s;
    int rc;

    if (!arr)
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err, "SELECT at_ms, from_state, to_state, role, note FROM "
                      "fw_payout_event WHERE order_id=? ORDER BY id", "i", id);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *e = cJSON_CreateObject();
        const char *from = fw_payout_state_name((uint32_t)fw__db_col_i64(s, 1));
        if (!e) {
            rc = fw__error_nomem(err);
            break;
        }
        cJSON_AddItemToArray(arr, e);
        fw__json_add_i64(e, "at_ms", fw__db_col_i64(s, 0));
        if (from)
            cJSON_AddStringToObject(e, "from", from);
        else
            cJSON_AddNullToObject(e, "from");
        cJSON_AddStringToObject(e, "to", fw_payout_state_name((uint32_t)fw__db_col_i64(s, 2)));
        cJSON_AddStringToObject(e, "by", fw__role_name((uint32_t)fw__db_col_i64(s, 3)));
        add_opt_text(e, "note", s, 4);
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw_payout_get(fw_ctx *ctx, fw_id order_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *o = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "payout.read", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT " ORDER_COLS " FROM fw_payout_order WHERE id=?", "i",
                      order_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        rc = fw__authz_require_owner(ctx, "payout.read", fw__db_col_i64(s, 2),
                                     fw__db_col_i64(s, 3), err);
        if (rc == FW_OK && !(o = order_json(s)))
            rc = fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "order_id", "no payout order %lld",
                           (long long)order_id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = add_timeline(ctx, o, order_id, err);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- queries -------------------------------------------------------------------------------- */

static const char *const query_fields[] = { "enterprise_id", "worker_id", "state", "batch_id",
                                            "from_ms", "to_ms", "min_amount_fen", "max_amount_fen",
                                            "after_id", "limit", NULL };
static const char *const states[] = { "suspended", "held", "submitted", "paid", "failed",
                                      "returned", "cancelled", NULL };

int fw_payout_list(fw_ctx *ctx, const char *query_json, size_t query_len, char **out_json,
                   size_t *out_len, fw_error **err)
{
    int64_t ent = 0, worker = 0, batch = 0, from = 0, to = INT64_MAX, min = 0, max = INT64_MAX,
            after = 0, limit = 100, n = 0, last = 0;
    int state = -1, rc;
    cJSON *q = NULL, *out = NULL, *arr;
    fw__stmt *s;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "payout.read", err)) != FW_OK)
        return rc;
    if (query_json && (rc = fw__json_parse(&q, query_json, query_len, err)) != FW_OK)
        return rc;
    if (q && ((rc = fw__json_only(q, "$", query_fields, err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "enterprise_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &ent,
                                 err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "worker_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &worker,
                                 err)) != FW_OK ||
              (rc = fw__json_enum(q, "$", "state", FW__OPTIONAL, states, &state, err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "batch_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &batch,
                                 err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "from_ms", FW__OPTIONAL, 0, INT64_MAX, &from, err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "to_ms", FW__OPTIONAL, 0, INT64_MAX, &to, err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "min_amount_fen", FW__OPTIONAL, 0, INT64_MAX, &min,
                                 err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "max_amount_fen", FW__OPTIONAL, 0, INT64_MAX, &max,
                                 err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "after_id", FW__OPTIONAL, 0, INT64_MAX, &after,
                                 err)) != FW_OK ||
              (rc = fw__json_i64(q, "$", "limit", FW__OPTIONAL, 1, 1000, &limit, err)) != FW_OK)) {
        cJSON_Delete(q);
        return rc;
    }
    cJSON_Delete(q);
    /* A party-bound actor sees its own orders: the filter defaults to it and may not differ. */
    if (ctx->role == FW_ROLE_ENTERPRISE_USER && !ent)
        ent = ctx->party_id;
    if (ctx->role == FW_ROLE_WORKER && !worker)
        worker = ctx->party_id;
    if ((ctx->role == FW_ROLE_ENTERPRISE_USER || ctx->role == FW_ROLE_WORKER) &&
        (rc = fw__authz_require_owner(ctx, "payout.read", ctx->role == FW_ROLE_ENTERPRISE_USER ? ent : 0,
                                      ctx->role == FW_ROLE_WORKER ? worker : 0, err)) != FW_OK)
        return rc;

    rc = fw__db_query(ctx, &s, err,
                      "SELECT " ORDER_COLS " FROM fw_payout_order WHERE id > ? "
                      "AND (? = 0 OR enterprise_id = ?) AND (? = 0 OR worker_id = ?) "
                      "AND (? = 0 OR state = ?) AND (? = 0 OR batch_id = ?) "
                      "AND created_ms >= ? AND created_ms < ? AND amount_fen >= ? AND amount_fen <= ? "
                      "ORDER BY id LIMIT ?",
                      "iiiiiiiiiiiiii", after, ent, ent, worker, worker, (int64_t)(state + 1),
                      (int64_t)(state + 1), batch, batch, from, to, min, max, limit);
    if (rc != FW_OK)
        return rc;
    if (!(out = cJSON_CreateObject()) || !(arr = cJSON_AddArrayToObject(out, "orders"))) {
        fw__db_done(s);
        cJSON_Delete(out);
        return fw__error_nomem(err);
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = order_json(s);
        if (!o) {
            rc = fw__error_nomem(err);
            break;
        }
        cJSON_AddItemToArray(arr, o);
        last = fw__db_col_i64(s, 0);
        n++;
    }
    fw__db_done(s);
    if (rc < 0) {
        cJSON_Delete(out);
        return rc;
    }
    if (n == limit)
        fw__json_add_i64(out, "next_after_id", last);
    else
        cJSON_AddNullToObject(out, "next_after_id");
    return fw__json_out(out, out_json, out_len, err);
}

/* ---- the worker's statement ----------------------------------------------------------------- */

int fw_payout_statement(fw_ctx *ctx, fw_id worker_id, const char *month, uint32_t format,
                        char **out, size_t *out_len, fw_error **err)
{
    int64_t from, to, t[8] = { 0 }, returned = 0, returned_net = 0;
    cJSON *root = NULL, *lines = NULL;
    struct buf b = { NULL, 0, 0, 0 };
    fw__stmt *s;
    char y[9][32];
    int rc;

    if (!ctx || !out)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out are required");
    if (format != FW_PAYOUT_FORMAT_JSON && format != FW_PAYOUT_FORMAT_CSV)
        return fw__error_set(err, FW_EINVAL, "format", "must be FW_PAYOUT_FORMAT_JSON (1) or "
                             "_CSV (2), got %u", format);
    if ((rc = month_range(month, &from, &to, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "payout.read", 0, worker_id, err)) != FW_OK)
        return rc;

    /* Paid in the month (a later return does not rewrite the month it was paid in). */
    rc = fw__db_query(ctx, &s, err,
                      "SELECT id, enterprise_id, task_ref, paid_ms, gross_fen, "
                      "CASE fee_bearer WHEN 2 THEN fee_fen ELSE 0 END, iit_fen, vat_fen, "
                      "surcharge_fen, net_fen, state FROM fw_payout_order WHERE worker_id=? AND "
                      "paid_ms >= ? AND paid_ms < ? ORDER BY paid_ms, id", "iii", worker_id, from, to);
    if (rc != FW_OK)
        return rc;
    if (format == FW_PAYOUT_FORMAT_JSON) {
        root = cJSON_CreateObject();
        lines = cJSON_CreateArray();
        if (!root || !lines) {
            cJSON_Delete(root);
            cJSON_Delete(lines);
            fw__db_done(s);
            return fw__error_nomem(err);
        }
    } else {
        put(&b, "period,order_id,enterprise_id,task_ref,paid_date,gross,fee_borne,iit,vat,"
                "surcharges,net,state\n");
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t v[6];
        int i;
        for (i = 0; i < 6; i++)
            v[i] = fw__db_col_i64(s, 4 + i);
        t[0]++;
        for (i = 0; i < 6; i++)
            t[1 + i] += v[i];
        if (lines) {
            cJSON *l = cJSON_CreateObject();
            if (!l) {
                rc = fw__error_nomem(err);
                break;
            }
            cJSON_AddItemToArray(lines, l);
            fw__json_add_i64(l, "order_id", fw__db_col_i64(s, 0));
            fw__json_add_i64(l, "enterprise_id", fw__db_col_i64(s, 1));
            add_opt_text(l, "task_ref", s, 2);
            fw__json_add_i64(l, "paid_ms", fw__db_col_i64(s, 3));
            fw__json_add_i64(l, "gross_fen", v[0]);
            fw__json_add_i64(l, "fee_borne_fen", v[1]);
            fw__json_add_i64(l, "iit_fen", v[2]);
            fw__json_add_i64(l, "vat_fen", v[3]);
            fw__json_add_i64(l, "surcharge_fen", v[4]);
            fw__json_add_i64(l, "net_fen", v[5]);
            cJSON_AddStringToObject(l, "state",
                                    fw_payout_state_name((uint32_t)fw__db_col_i64(s, 10)));
        } else {
            int yy, mm, dd;
            fw__cst_date(fw__db_col_i64(s, 3), &yy, &mm, &dd);
            put(&b, "%s,%lld,%lld,", month, (long long)fw__db_col_i64(s, 0),
                (long long)fw__db_col_i64(s, 1));
            put_csv(&b, fw__db_col_text(s, 2));
            put(&b, ",%04d-%02d-%02d,%s,%s,%s,%s,%s,%s,%s\n", yy, mm, dd, yuan(v[0], y[0]),
                yuan(v[1], y[1]), yuan(v[2], y[2]), yuan(v[3], y[3]), yuan(v[4], y[4]),
                yuan(v[5], y[5]), fw_payout_state_name((uint32_t)fw__db_col_i64(s, 10)));
        }
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        rc = fw__db_query(ctx, &s, err, "SELECT count(*), coalesce(sum(net_fen), 0) FROM "
                          "fw_payout_order WHERE worker_id=? AND returned_ms >= ? AND "
                          "returned_ms < ?", "iii", worker_id, from, to);
    if (rc == FW_OK) {
        if ((rc = fw__db_step(s, err)) == FW__ROW) {
            returned = fw__db_col_i64(s, 0);
            returned_net = fw__db_col_i64(s, 1);
            rc = FW_OK;
        }
        fw__db_done(s);
    }
    if (rc != FW_OK) {
        cJSON_Delete(root);
        cJSON_Delete(lines);
        free(b.p);
        return rc;
    }
    if (format == FW_PAYOUT_FORMAT_CSV) {
        put(&b, "%s,total,,,,%s,%s,%s,%s,%s,%s,\n", month, yuan(t[1], y[0]), yuan(t[2], y[1]),
            yuan(t[3], y[2]), yuan(t[4], y[3]), yuan(t[5], y[4]), yuan(t[6], y[5]));
        put(&b, "%s,returned,,,,,,,,,%s,\n", month, yuan(-returned_net, y[6]));
        return buf_out(&b, out, out_len, err);
    }
    fw__json_add_i64(root, "worker_id", worker_id);
    cJSON_AddStringToObject(root, "period", month);
    fw__json_add_i64(root, "orders", t[0]);
    fw__json_add_i64(root, "gross_fen", t[1]);
    fw__json_add_i64(root, "fee_borne_fen", t[2]);
    fw__json_add_i64(root, "iit_fen", t[3]);
    fw__json_add_i64(root, "vat_fen", t[4]);
    fw__json_add_i64(root, "surcharge_fen", t[5]);
    fw__json_add_i64(root, "withheld_fen", t[3] + t[4] + t[5]);
    fw__json_add_i64(root, "net_fen", t[6]);
    fw__json_add_i64(root, "returned_orders", returned);
    fw__json_add_i64(root, "returned_net_fen", returned_net);
    cJSON_AddItemToObject(root, "lines", lines);
    return fw__json_out(root, out, out_len, err);
}

/* ---- the enterprise's totals ---------------------------------------------------------------- */

int fw_payout_enterprise_summary(fw_ctx *ctx, fw_id enterprise_id, const char *month,
                                 char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const paid_names[] = { "orders", "amount_fen", "fee_fen", "iit_fen",
                                              "vat_fen", "surcharge_fen", "net_fen",
                                              "enterprise_pays_fen" };
    int64_t from, to, total = 0;
    cJSON *root, *by, *paid, *ret;
    fw__stmt *s;
    int rc, i;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = month_range(month, &from, &to, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "payout.read", enterprise_id, 0, err)) != FW_OK)
        return rc;
    root = cJSON_CreateObject();
    by = cJSON_CreateObject();
    paid = cJSON_CreateObject();
    ret = cJSON_CreateObject();
    if (!root || !by || !paid || !ret) {
        cJSON_Delete(root);
        cJSON_Delete(by);
        cJSON_Delete(paid);
        cJSON_Delete(ret);
        return fw__error_nomem(err);
    }
    fw__json_add_i64(root, "enterprise_id", enterprise_id);
    cJSON_AddStringToObject(root, "period", month);
    cJSON_AddItemToObject(root, "by_state", by);
    cJSON_AddItemToObject(root, "paid", paid);
    cJSON_AddItemToObject(root, "returned", ret);
    rc = fw__db_query(ctx, &s, err, "SELECT state, count(*) FROM fw_payout_order WHERE "
                      "enterprise_id=? AND created_ms >= ? AND created_ms < ? GROUP BY state "
                      "ORDER BY state", "iii", enterprise_id, from, to);
    if (rc == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            const char *name = fw_payout_state_name((uint32_t)fw__db_col_i64(s, 0));
            if (name)
                fw__json_add_i64(by, name, fw__db_col_i64(s, 1));
            total += fw__db_col_i64(s, 1);
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT count(*), coalesce(sum(amount_fen), 0), "
                          "coalesce(sum(fee_fen), 0), coalesce(sum(iit_fen), 0), "
                          "coalesce(sum(vat_fen), 0), coalesce(sum(surcharge_fen), 0), "
                          "coalesce(sum(net_fen), 0), coalesce(sum(enterprise_pays_fen), 0) "
                          "FROM fw_payout_order WHERE enterprise_id=? AND paid_ms >= ? AND "
                          "paid_ms < ?", "iii", enterprise_id, from, to);
    if (rc == FW_OK) {
        if ((rc = fw__db_step(s, err)) == FW__ROW) {
            for (i = 0; i < 8; i++)
                fw__json_add_i64(paid, paid_names[i], fw__db_col_i64(s, i));
            rc = FW_OK;
        }
        fw__db_done(s);
    }
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT count(*), coalesce(sum(enterprise_pays_fen), 0) "
                          "FROM fw_payout_order WHERE enterprise_id=? AND returned_ms >= ? AND "
                          "returned_ms < ?", "iii", enterprise_id, from, to);
    if (rc == FW_OK) {
        if ((rc = fw__db_step(s, err)) == FW__ROW) {
            fw__json_add_i64(ret, "orders", fw__db_col_i64(s, 0));
            fw__json_add_i64(ret, "enterprise_pays_fen", fw__db_col_i64(s, 1));
            rc = FW_OK;
        }
        fw__db_done(s);
    }
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    fw__json_add_i64(root, "orders", total);
    return fw__json_out(root, out_json, out_len, err);
}

/* ---- vouchers --------------------------------------------------------------------------------- */

static const char *summary_of(const char *reason)
{
    if (strcmp(reason, "payout.paid") == 0)
        return "代发劳务报酬：分配服务费、代扣税费及实发";
    if (strcmp(reason, "payout.hold") == 0)
        return "代发劳务报酬：企业备付金转应付劳务报酬";
    if (strcmp(reason, "payout.returned") == 0)
        return "退汇冲回";
    if (strcmp(reason, "payout.tax_adjusted") == 0)
        return "代扣税费重算调整";
    return reason;
}

int fw_payout_vouchers(fw_ctx *ctx, fw_id enterprise_id, const char *month, uint32_t format,
                       char **out, size_t *out_len, fw_error **err)
{
    int64_t from, to, cur = 0, no = 0, dr = 0, cr = 0;
    cJSON *root = NULL, *vs = NULL, *v = NULL, *lines = NULL;
    struct buf b = { NULL, 0, 0, 0 };
    fw__stmt *s;
    char y1[32], y2[32], date[16] = "";
    const char *summary = "";
    int rc;

    if (!ctx || !out)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out are required");
    if (format != FW_PAYOUT_FORMAT_JSON && format != FW_PAYOUT_FORMAT_CSV)
        return fw__error_set(err, FW_EINVAL, "format", "must be FW_PAYOUT_FORMAT_JSON (1) or "
                             "_CSV (2), got %u", format);
    if ((rc = month_range(month, &from, &to, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "payout.read", enterprise_id, 0, err)) != FW_OK)
        return rc;
    /*
     * The journal's entries of the enterprise's orders paid or returned in the month (the post
     * of each hold, its distribution, and their reversals), one voucher per entry, with the
     * chart of accounts' codes and names.
     */
    rc = fw__db_query(ctx, &s, err,
                      "WITH ents(id) AS ("
                      " SELECT post_entry FROM fw_payout_order WHERE enterprise_id = ? AND "
                      " paid_ms >= ? AND paid_ms < ?"
                      " UNION ALL SELECT dist_entry FROM fw_payout_order WHERE enterprise_id = ? AND "
                      " paid_ms >= ? AND paid_ms < ? AND dist_entry IS NOT NULL"
                      " UNION ALL SELECT r.id FROM fw_payout_order o JOIN fw_ledger_entry r ON "
                      " r.kind = 6 AND r.related_id IN (o.post_entry, o.dist_entry) "
                      " WHERE o.enterprise_id = ? AND o.returned_ms >= ? AND o.returned_ms < ?"
                      " UNION ALL SELECT e.id FROM fw_payout_order o JOIN fw_ledger_entry e ON "
                      " e.ref_kind = 'payout' AND e.ref_id = CAST(o.id AS TEXT) AND "
                      " e.reason = 'payout.tax_adjusted' WHERE o.enterprise_id = ? AND "
                      " e.effective_ms >= ? AND e.effective_ms < ?) "
                      "SELECT e.id, e.effective_ms, e.reason, coalesce(c.code, ''), "
                      "coalesce(c.name, ''), p.amount FROM ents "
                      "JOIN fw_ledger_entry e ON e.id = ents.id "
                      "JOIN fw_ledger_posting p ON p.entry_id = e.id AND p.pending = 0 "
                      "JOIN fw_ledger_account a ON a.id = p.account_id "
                      "LEFT JOIN fw_ledger_coa c ON c.type = a.type "
                      "ORDER BY e.effective_ms, e.id, p.seq", "iiiiiiiiiiii", enterprise_id, from, to,
                      enterprise_id, from, to, enterprise_id, from, to, enterprise_id, from, to);
    if (rc != FW_OK)
        return rc;
    if (format == FW_PAYOUT_FORMAT_JSON) {
        root = cJSON_CreateObject();
        vs = cJSON_CreateArray();
        if (!root || !vs) {
            fw__db_done(s);
            cJSON_Delete(root);
            cJSON_Delete(vs);
            return fw__error_nomem(err);
        }
        fw__json_add_i64(root, "enterprise_id", enterprise_id);
        cJSON_AddStringToObject(root, "period", month);
        cJSON_AddItemToObject(root, "vouchers", vs);
    } else {
        put(&b, "voucher_no,date,summary,account_code,account_name,debit,credit\n");
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t entry = fw__db_col_i64(s, 0), amount = fw__db_col_i64(s, 5);
        if (entry != cur) {
            int yy, mm, dd;
            if (v) {
                fw__json_add_i64(v, "debit_fen", dr);
                fw__json_add_i64(v, "credit_fen", cr);
            }
            cur = entry;
            no++;
            dr = cr = 0;
            fw__cst_date(fw__db_col_i64(s, 1), &yy, &mm, &dd);
            snprintf(date, sizeof(date), "%04d-%02d-%02d", yy, mm, dd);
            summary = summary_of(fw__db_col_text(s, 2));
            if (vs) {
                if (!(v = cJSON_CreateObject())) {
                    rc = fw__error_nomem(err);
                    break;
                }
                cJSON_AddItemToArray(vs, v);
                fw__json_add_i64(v, "no", no);
                fw__json_add_i64(v, "entry_id", entry);
                cJSON_AddStringToObject(v, "date", date);
                cJSON_AddStringToObject(v, "summary", summary);
                lines = cJSON_AddArrayToObject(v, "lines");
            }
        }
        if (amount > 0)
            dr += amount;
        else
            cr -= amount;
        if (lines) {
            cJSON *l = cJSON_CreateObject();
            if (!l) {
                rc = fw__error_nomem(err);
                break;
            }
            cJSON_AddItemToArray(lines, l);
            cJSON_AddStringToObject(l, "account_code", fw__db_col_text(s, 3));
            cJSON_AddStringToObject(l, "account_name", fw__db_col_text(s, 4));
            fw__json_add_i64(l, "debit_fen", amount > 0 ? amount : 0);
            fw__json_add_i64(l, "credit_fen", amount < 0 ? -amount : 0);
        } else if (!vs) {
            put(&b, "%lld,%s,", (long long)no, date);
            put_csv(&b, summary);
            put(&b, ",");
            put_csv(&b, fw__db_col_text(s, 3));
            put(&b, ",");
            put_csv(&b, fw__db_col_text(s, 4));
            put(&b, ",%s,%s\n", amount > 0 ? yuan(amount, y1) : "",
                amount < 0 ? yuan(-amount, y2) : "");
        }
    }
    fw__db_done(s);
    if (rc < 0) {
        cJSON_Delete(root);
        free(b.p);
        return rc;
    }
    if (format == FW_PAYOUT_FORMAT_CSV)
        return buf_out(&b, out, out_len, err);
    if (v) {
        fw__json_add_i64(v, "debit_fen", dr);
        fw__json_add_i64(v, "credit_fen", cr);
    }
    return fw__json_out(root, out, out_len, err);
}

/* ---- for other modules ------------------------------------------------------------------------ */

int fw__payout_served(fw_ctx *ctx, fw_id enterprise_id, int64_t *served_fen, fw_error **err)
{
    return fw__db_i64(ctx, served_fen, err,
                      "SELECT coalesce(sum(enterprise_pays_fen), 0) FROM fw_payout_order "
                      "WHERE enterprise_id=? AND state=4", "i", enterprise_id);
}

int fw__payout_batch_json(fw_ctx *ctx, fw_id batch_id, char **out_json, size_t *out_len,
                          fw_error **err)
{
    int64_t counts[8] = { 0 }, amount = 0, rejected = 0;
    cJSON *root = cJSON_CreateObject(), *items = cJSON_CreateArray();
    fw__stmt *s;
    int rc, i;

    if (!root || !items) {
        cJSON_Delete(root);
        cJSON_Delete(items);
        return fw__error_nomem(err);
    }
    rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, mode FROM fw_payout_batch WHERE id=?",
                      "i", batch_id);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            fw__json_add_i64(root, "batch_id", batch_id);
            fw__json_add_i64(root, "enterprise_id", fw__db_col_i64(s, 0));
            cJSON_AddStringToObject(root, "mode", fw__db_col_i64(s, 1) == 2 ? "partial" : "all");
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ENOTFOUND, "batch_id", "no payout batch %lld",
                               (long long)batch_id);
        }
        fw__db_done(s);
    }
    /* Orders and rejections, merged by their index in the request. */
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err,
                          "SELECT batch_index, id, state, amount_fen, 0, NULL, NULL FROM "
                          "fw_payout_order WHERE batch_id=? UNION ALL SELECT batch_index, 0, 0, 0, "
                          "code, path, message FROM fw_payout_rejection WHERE batch_id=? "
                          "ORDER BY 1", "ii", batch_id, batch_id);
    if (rc == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *it = cJSON_CreateObject();
            int64_t st = fw__db_col_i64(s, 2);
            if (!it) {
                rc = fw__error_nomem(err);
                break;
            }
            cJSON_AddItemToArray(items, it);
            fw__json_add_i64(it, "index", fw__db_col_i64(s, 0));
            if (fw__db_col_i64(s, 1)) {
                fw__json_add_i64(it, "order_id", fw__db_col_i64(s, 1));
                cJSON_AddStringToObject(it, "state", fw_payout_state_name((uint32_t)st));
                if (st > 0 && st < 8)
                    counts[st]++;
                amount += fw__db_col_i64(s, 3);
            } else {
                cJSON *e = cJSON_AddObjectToObject(it, "error");
                rejected++;
                if (e) {
                    fw__json_add_i64(e, "code", fw__db_col_i64(s, 4));
                    add_opt_text(e, "path", s, 5);
                    add_opt_text(e, "message", s, 6);
                }
            }
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    if (rc != FW_OK) {
        cJSON_Delete(root);
        cJSON_Delete(items);
        return rc;
    }
    fw__json_add_i64(root, "orders", cJSON_GetArraySize(items) - rejected);
    for (i = 1; i < 8; i++)
        fw__json_add_i64(root, fw_payout_state_name((uint32_t)i), counts[i]);
    fw__json_add_i64(root, "rejected", rejected);
    fw__json_add_i64(root, "amount_fen", amount);
    cJSON_AddItemToObject(root, "items", items);
    return fw__json_out(root, out_json, out_len, err);
}
