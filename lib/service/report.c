/*
 * Service KPIs (R-8.1.d, R-8.2.a), the periodic service-quality report (R-8.2.b) with the
 * analysis of evaluation results against the previous month (R-8.2.d), and its HTML form.
 * All figures are integers: percentages and averages x100 (rounded half up), times in ms.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "service/service.h"

static int64_t ratio(int64_t num, int64_t mul, int64_t den)
{
    int64_t out = 0;
    if (den <= 0 || fw__money_muldiv(num, mul, den, FW__ROUND_HALF_UP, &out) != FW_OK)
        return 0;
    return out;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values (0 when n is 0). */
static int64_t percentile(const int64_t *v, size_t n, int p)
{
    size_t rank;
    if (n == 0)
        return 0;
    rank = ((size_t)p * n + 99) / 100;
    return v[rank ? rank - 1 : 0];
}

struct series {
    int64_t *v;
    size_t n;
};

static int push(struct series *s, int64_t x)
{
    int64_t *p = realloc(s->v, (s->n + 1) * sizeof(*p));
    if (!p)
        return -1;
    s->v = p;
    s->v[s->n++] = x;
    return 0;
}

static void add_spread(cJSON *o, const char *median, const char *p90, struct series *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof(*s->v), cmp_i64);
    fw__json_add_i64(o, median, percentile(s->v, s->n, 50));
    fw__json_add_i64(o, p90, percentile(s->v, s->n, 90));
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* The KPI object of [from, to); orders < 0 when unknown. */
static int kpis(fw_ctx *ctx, const char *month, int64_t from, int64_t to, int64_t orders, cJSON **out,
                fw_error **err)
{
    int64_t now = fw_ctx_now(ctx), complaints = 0, enquiries = 0, acked = 0, ack_in_time = 0, closed = 0,
            closed_in_time = 0, reopened = 0, escalated = 0, sat_n = 0, sat_sum = 0, overdue = 0;
    struct series ack = { 0 }, respond = { 0 }, close = { 0 };
    cJSON *o;
    fw__stmt *s;
    int rc, oom = 0;

    rc = fw__db_query(ctx, &s, err, "SELECT kind, received_ms, coalesce(ack_ms, 0), ack_due_ms, coalesce(responded_ms, 0), "
                      "respond_due_ms, coalesce(closed_ms, 0), close_due_ms, reopen_count, escalation_level, "
                      "coalesce(satisfaction, 0), state FROM fw_service_case WHERE received_ms >= ? AND received_ms < ?",
                      "ii", from, to);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t rec = fw__db_col_i64(s, 1), a = fw__db_col_i64(s, 2), a_due = fw__db_col_i64(s, 3),
                r = fw__db_col_i64(s, 4), r_due = fw__db_col_i64(s, 5), c = fw__db_col_i64(s, 6),
                c_due = fw__db_col_i64(s, 7), sat = fw__db_col_i64(s, 10), state = fw__db_col_i64(s, 11);
        if (fw__db_col_i64(s, 0) != FW_SERVICE_COMPLAINT) {
            enquiries++;
            continue;
        }
        complaints++;
        if (a) {
            acked++;
            ack_in_time += a <= a_due;
            oom |= push(&ack, a - rec);
        }
        if (r)
            oom |= push(&respond, r - rec);
        if (c) {
            closed++;
            closed_in_time += c <= c_due;
            oom |= push(&close, c - rec);
        }
        reopened += fw__db_col_i64(s, 8) > 0;
        escalated += fw__db_col_i64(s, 9) > 0;
        if (sat) {
            sat_n++;
            sat_sum += sat;
        }
        if (state != FW_SERVICE_CLOSED && ((!a && now > a_due) || (!r && now > r_due) || now > c_due))
            overdue++;
    }
    fw__db_done(s);
    if (rc == FW_OK && oom)
        rc = fw__error_nomem(err);
    if (rc != FW_OK || !(o = cJSON_CreateObject())) {
        free(ack.v);
        free(respond.v);
        free(close.v);
        return rc != FW_OK ? rc : fw__error_nomem(err);
    }
    cJSON_AddStringToObject(o, "period", month);
    fw__json_add_i64(o, "complaints", complaints);
    fw__json_add_i64(o, "enquiries", enquiries);
    fw__json_add_i64(o, "acknowledged", acked);
    fw__json_add_i64(o, "ack_in_time_pct_x100", ratio(ack_in_time, 10000, complaints));
    add_spread(o, "ack_ms_median", "ack_ms_p90", &ack);
    add_spread(o, "respond_ms_median", "respond_ms_p90", &respond);
    add_spread(o, "close_ms_median", "close_ms_p90", &close);
    fw__json_add_i64(o, "closed", closed);
    fw__json_add_i64(o, "closed_in_time_pct_x100", ratio(closed_in_time, 10000, complaints));
    fw__json_add_i64(o, "reopen_rate_pct_x100", ratio(reopened, 10000, complaints));
    fw__json_add_i64(o, "escalation_rate_pct_x100", ratio(escalated, 10000, complaints));
    fw__json_add_i64(o, "satisfaction_count", sat_n);
    fw__json_add_i64(o, "satisfaction_avg_x100", ratio(sat_sum, 100, sat_n));
    fw__json_add_i64(o, "complaints_per_1000_orders_x100", orders > 0 ? ratio(complaints, 100000, orders)
                                                                     : orders == 0 ? 0 : -1);
    fw__json_add_i64(o, "overdue_open", overdue);
    *out = o;
    return FW_OK;
}

static int parse_opts(const char *json, size_t len, int64_t *orders, int64_t *prev_orders, int allow_prev,
                      fw_error **err)
{
    static const char *const fields[] = { "orders", "previous_orders", NULL };
    static const char *const fields1[] = { "orders", NULL };
    cJSON *root;
    int rc;

    *orders = -1;
    if (prev_orders)
        *prev_orders = -1;
    if (!json)
        return FW_OK;
    if ((rc = fw__service_parse(&root, json, len, allow_prev ? fields : fields1, err)) != FW_OK)
        return rc;
    rc = fw__json_i64(root, "$", "orders", FW__OPTIONAL, 0, FW__JSON_MAX_INT, orders, err);
    if (rc == FW_OK && allow_prev)
        rc = fw__json_i64(root, "$", "previous_orders", FW__OPTIONAL, 0, FW__JSON_MAX_INT, prev_orders, err);
    cJSON_Delete(root);
    return rc;
}

int fw_service_kpis(fw_ctx *ctx, const char *month, const char *opts_json, size_t opts_len, char **out_json,
                    size_t *out_len, fw_error **err)
{
    int64_t from, to, orders;
    cJSON *o = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__service_month(month, &from, &to, err)) != FW_OK)
        return rc;
    if ((rc = parse_opts(opts_json, opts_len, &orders, NULL, 0, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "service.report", err)) != FW_OK)
        return rc;
    if ((rc = kpis(ctx, month, from, to, orders, &o, err)) != FW_OK)
        return rc;
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- report --------------------------------------------------------------------------- */

/* {key: count} of a grouped query over [from, to). */
static int counts(fw_ctx *ctx, const char *sql, int64_t from, int64_t to, cJSON *into, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, sql, "ii", from, to);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW)
        fw__json_add_i64(into, fw__db_col_text(s, 0) ? fw__db_col_text(s, 0) : "(none)", fw__db_col_i64(s, 1));
    fw__db_done(s);
    return rc;
}

static int64_t count1(fw_ctx *ctx, const char *sql, int64_t a, int64_t b, int *rc, fw_error **err)
{
    int64_t n = 0;
    if (*rc == FW_OK)
        *rc = fw__db_i64(ctx, &n, err, sql, "ii", a, b);
    return n;
}

static int causes(fw_ctx *ctx, int64_t from, int64_t to, int64_t pfrom, int64_t pto, cJSON **out, fw_error **err)
{
    static const char sql[] = "SELECT cause, count(*) FROM fw_service_case WHERE kind=2 AND cause IS NOT NULL "
                              "AND received_ms >= ? AND received_ms < ? GROUP BY cause";
    cJSON *now = cJSON_CreateObject(), *prev = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *c;
    int rc = counts(ctx, sql, from, to, now, err);

    if (rc == FW_OK)
        rc = counts(ctx, sql, pfrom, pto, prev, err);
    /* Every cause of either month, by count this month (descending), then name. */
    for (c = prev->child; rc == FW_OK && c; c = c->next)
        if (!cJSON_GetObjectItemCaseSensitive(now, c->string))
            fw__json_add_i64(now, c->string, 0);
    while (rc == FW_OK && now->child) {
        cJSON *best = now->child, *o;
        int64_t n, p, open = 0;
        for (c = now->child; c; c = c->next)
            if (c->valuedouble > best->valuedouble ||
                (c->valuedouble == best->valuedouble && strcmp(c->string, best->string) < 0))
                best = c;
        n = (int64_t)best->valuedouble;
        c = cJSON_GetObjectItemCaseSensitive(prev, best->string);
        p = c ? (int64_t)c->valuedouble : 0;
        rc = fw__db_i64(ctx, &open, err, "SELECT count(*) FROM fw_service_action WHERE cause=? AND state IN (1, 2)",
                        "t", best->string);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "cause", best->string);
        fw__json_add_i64(o, "count", n);
        fw__json_add_i64(o, "previous", p);
        fw__json_add_i64(o, "change", n - p);
        fw__json_add_i64(o, "open_actions", open);
        cJSON_AddBoolToObject(o, "needs_action", n > p && open == 0);
        cJSON_AddItemToArray(arr, o);
        cJSON_Delete(cJSON_DetachItemViaPointer(now, best));
    }
    cJSON_Delete(now);
    cJSON_Delete(prev);
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    *out = arr;
    return FW_OK;
}

static int satisfaction(fw_ctx *ctx, int64_t from, int64_t to, cJSON *into, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT process, count(*), sum(score) FROM fw_service_evaluation "
                          "WHERE at_ms >= ? AND at_ms < ? GROUP BY process ORDER BY process", "ii", from, to);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_AddObjectToObject(into, fw__db_col_text(s, 0));
        fw__json_add_i64(o, "count", fw__db_col_i64(s, 1));
        fw__json_add_i64(o, "avg_x100", ratio(fw__db_col_i64(s, 2), 100, fw__db_col_i64(s, 1)));
    }
    fw__db_done(s);
    return rc;
}

static int build_report(fw_ctx *ctx, const char *month, const char *opts_json, size_t opts_len, cJSON **out,
                        fw_error **err)
{
    int64_t from, to, pfrom, pto, orders, prev_orders, now;
    char prev_month[16];
    cJSON *r = NULL, *k = NULL, *pk = NULL, *trend, *c, *arr = NULL, *o;
    int rc;

    if ((rc = fw__service_month(month, &from, &to, err)) != FW_OK)
        return rc;
    if ((rc = parse_opts(opts_json, opts_len, &orders, &prev_orders, 1, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "service.report", err)) != FW_OK)
        return rc;
    fw__service_prev_month(month, prev_month, sizeof(prev_month));
    fw__service_month(prev_month, &pfrom, &pto, NULL);
    now = fw_ctx_now(ctx);

    if (!(r = cJSON_CreateObject()))
        return fw__error_nomem(err);
    cJSON_AddStringToObject(r, "period", month);
    fw__json_add_i64(r, "generated_ms", now);
    rc = kpis(ctx, month, from, to, orders, &k, err);
    if (rc == FW_OK)
        rc = kpis(ctx, prev_month, pfrom, pto, prev_orders, &pk, err);
    if (rc == FW_OK) {
        cJSON_AddItemToObject(r, "kpis", k);
        cJSON_AddItemToObject(r, "previous", pk);
        trend = cJSON_AddObjectToObject(r, "trend");
        for (c = k->child; c; c = c->next)
            if (cJSON_IsNumber(c))
                fw__json_add_i64(trend, c->string, (int64_t)c->valuedouble -
                                 (int64_t)cJSON_GetObjectItemCaseSensitive(pk, c->string)->valuedouble);
        rc = causes(ctx, from, to, pfrom, pto, &arr, err);
    }
    if (rc == FW_OK) {
        cJSON_AddItemToObject(r, "causes", arr);
        rc = counts(ctx, "SELECT category, count(*) FROM fw_service_case WHERE kind=2 AND received_ms >= ? "
                    "AND received_ms < ? GROUP BY category ORDER BY category", from, to,
                    cJSON_AddObjectToObject(r, "categories"), err);
    }
    if (rc == FW_OK)
        rc = satisfaction(ctx, from, to, cJSON_AddObjectToObject(r, "satisfaction"), err);
    if (rc == FW_OK) {
        o = cJSON_AddObjectToObject(r, "incidents");
        fw__json_add_i64(o, "opened", count1(ctx, "SELECT count(*) FROM fw_service_incident WHERE opened_ms >= ? "
                                             "AND opened_ms < ?", from, to, &rc, err));
        fw__json_add_i64(o, "closed", count1(ctx, "SELECT count(*) FROM fw_service_incident WHERE closed_ms >= ? "
                                             "AND closed_ms < ?", from, to, &rc, err));
        fw__json_add_i64(o, "open_now", count1(ctx, "SELECT count(*) FROM fw_service_incident WHERE closed_ms IS NULL "
                                               "AND opened_ms >= ? AND opened_ms < ?", 0, INT64_MAX, &rc, err));
        if (rc == FW_OK)
            rc = counts(ctx, "SELECT severity, count(*) FROM fw_service_incident WHERE opened_ms >= ? AND opened_ms < ? "
                        "GROUP BY severity ORDER BY severity", from, to, cJSON_AddObjectToObject(o, "by_severity"), err);
    }
    if (rc == FW_OK) {
        o = cJSON_AddObjectToObject(r, "corrective_actions");
        fw__json_add_i64(o, "opened", count1(ctx, "SELECT count(*) FROM fw_service_action WHERE created_ms >= ? "
                                             "AND created_ms < ?", from, to, &rc, err));
        fw__json_add_i64(o, "completed", count1(ctx, "SELECT count(*) FROM fw_service_action WHERE completed_ms >= ? "
                                                "AND completed_ms < ?", from, to, &rc, err));
        fw__json_add_i64(o, "verified_effective", count1(ctx, "SELECT count(*) FROM fw_service_action WHERE state=3 "
                                                         "AND verified_ms >= ? AND verified_ms < ?", from, to, &rc, err));
        fw__json_add_i64(o, "ineffective", count1(ctx, "SELECT count(*) FROM fw_service_action WHERE state=1 "
                                                  "AND verified_ms >= ? AND verified_ms < ?", from, to, &rc, err));
        fw__json_add_i64(o, "overdue_now", count1(ctx, "SELECT count(*) FROM fw_service_action WHERE state=1 "
                                                  "AND due_ms < ? AND due_ms >= ?", now, 0, &rc, err));
    }
    if (rc == FW_OK && (rc = fw__service_supervision(ctx, from, to, &arr, err)) == FW_OK)
        cJSON_AddItemToObject(r, "supervision", arr);
    if (rc != FW_OK) {
        if (!cJSON_GetObjectItemCaseSensitive(r, "kpis")) {
            cJSON_Delete(k);
            cJSON_Delete(pk);
        }
        cJSON_Delete(r);
        return rc;
    }
    *out = r;
    return FW_OK;
}

int fw_service_report(fw_ctx *ctx, const char *month, const char *opts_json, size_t opts_len, char **out_json,
                      size_t *out_len, fw_error **err)
{
    cJSON *r = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = build_report(ctx, month, opts_json, opts_len, &r, err)) != FW_OK)
        return rc;
    return fw__json_out(r, out_json, out_len, err);
}

/* ---- HTML ----------------------------------------------------------------------------- */

struct buf {
    char *p;
    size_t n, cap;
    int oom;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->oom)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && b->n + (size_t)n < b->cap) {
            b->n += (size_t)n;
            return;
        }
        {
            size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
            char *p = realloc(b->p, cap);
            if (!p) {
                b->oom = 1;
                return;
            }
            b->p = p;
            b->cap = cap;
        }
    }
}

static void put_text(struct buf *b, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': put(b, "&amp;"); break;
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '"': put(b, "&quot;"); break;
        case '\'': put(b, "&#39;"); break;
        default: put(b, "%c", *s);
        }
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, name);
    return c ? (int64_t)c->valuedouble : 0;
}

/* A horizontal bar chart: one bar per (label, value). */
static void bars(struct buf *b, const char *title, const char *const *labels, const int64_t *values, size_t n,
                 int64_t max, const char *unit_div)
{
    size_t i;
    put(b, "<h2>");
    put_text(b, title);
    put(b, "</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%zu\" role=\"img\">\n",
        n * 28 + 8);
    for (i = 0; i < n; i++) {
        int64_t w = max > 0 ? values[i] * 400 / max : 0;
        put(b, "<text x=\"0\" y=\"%zu\" font-size=\"13\">", i * 28 + 20);
        put_text(b, labels[i]);
        put(b, "</text><rect x=\"180\" y=\"%zu\" width=\"%lld\" height=\"18\" fill=\"#3b6ea5\"/>"
               "<text x=\"%lld\" y=\"%zu\" font-size=\"13\">%lld%s</text>\n",
            i * 28 + 6, (long long)w, (long long)(186 + w), i * 28 + 20, (long long)values[i], unit_div);
    }
    put(b, "</svg>\n");
}

static void pct(struct buf *b, const char *label, int64_t x100)
{
    put(b, "<tr><td>");
    put_text(b, label);
    put(b, "</td><td>%lld.%02lld%%</td></tr>\n", (long long)(x100 / 100), (long long)(x100 % 100));
}

static void ms(struct buf *b, const char *label, int64_t v)
{
    put(b, "<tr><td>");
    put_text(b, label);
    put(b, "</td><td>%lld h %02lld min</td></tr>\n", (long long)(v / 3600000), (long long)(v / 60000 % 60));
}

int fw_service_report_html(fw_ctx *ctx, const char *month, const char *opts_json, size_t opts_len,
                           char **out_html, size_t *out_len, fw_error **err)
{
    const char *labels[64];
    int64_t values[64], max = 0;
    struct buf b = { 0 };
    cJSON *r = NULL, *k, *c;
    size_t n = 0;
    int rc;

    if (!ctx || !out_html)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_html are required");
    if ((rc = build_report(ctx, month, opts_json, opts_len, &r, err)) != FW_OK)
        return rc;
    k = cJSON_GetObjectItemCaseSensitive(r, "kpis");
    put(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Service quality report ");
    put_text(&b, month);
    put(&b, "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td{border:1px solid #ccc;padding:4px 10px}</style></head><body>\n<h1>Service quality report ");
    put_text(&b, month);
    put(&b, "</h1>\n<h2>KPIs</h2>\n<table>\n<tr><td>complaints</td><td>%lld</td></tr>\n"
            "<tr><td>enquiries</td><td>%lld</td></tr>\n", (long long)num(k, "complaints"), (long long)num(k, "enquiries"));
    pct(&b, "acknowledged within the limit", num(k, "ack_in_time_pct_x100"));
    pct(&b, "closed within the limit", num(k, "closed_in_time_pct_x100"));
    pct(&b, "reopened", num(k, "reopen_rate_pct_x100"));
    pct(&b, "escalated", num(k, "escalation_rate_pct_x100"));
    ms(&b, "time to acknowledge (median)", num(k, "ack_ms_median"));
    ms(&b, "time to respond (median)", num(k, "respond_ms_median"));
    ms(&b, "time to close (median)", num(k, "close_ms_median"));
    ms(&b, "time to close (90th percentile)", num(k, "close_ms_p90"));
    put(&b, "<tr><td>satisfaction (1-5)</td><td>%lld.%02lld</td></tr>\n</table>\n",
        (long long)(num(k, "satisfaction_avg_x100") / 100), (long long)(num(k, "satisfaction_avg_x100") % 100));

    for (c = cJSON_GetObjectItemCaseSensitive(r, "causes")->child; c && n < 64; c = c->next, n++) {
        labels[n] = cJSON_GetObjectItemCaseSensitive(c, "cause")->valuestring;
        values[n] = num(c, "count");
        if (values[n] > max)
            max = values[n];
    }
    bars(&b, "Complaints by cause", labels, values, n, max, "");
    n = 0;
    max = 500;
    for (c = cJSON_GetObjectItemCaseSensitive(r, "satisfaction")->child; c && n < 64; c = c->next, n++) {
        labels[n] = c->string;
        values[n] = num(c, "avg_x100");
    }
    bars(&b, "Satisfaction by process (x100, of 500)", labels, values, n, max, "");
    put(&b, "</body></html>\n");
    cJSON_Delete(r);
    if (b.oom) {
        free(b.p);
        return fw__error_nomem(err);
    }
    *out_html = b.p;
    if (out_len)
        *out_len = b.n;
    return FW_OK;
}
