/*
 * The gate (R-7.10.h, R-7.10.c-e): one decision for every action, from a few index look-ups.
 * Payout limits read per-day and per-month counters that each recorded payout updates, so a
 * check never sums history. A reserving check counts its amount in the same write transaction
 * that checked it: BEGIN IMMEDIATE serialises writers, so no two contexts both see room.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/money.h"
#include "core/vault.h"
#include "party/party.h"
#include "risk/risk_int.h"

/* Thresholds the warnings watch (cn-rules §7): a worker's monthly sales at 100,000 yuan
 * (VAT, small-scale exemption) and 5,000,000 yuan in 12 months (16号: market-entity
 * registration). "Near" is 90% of each. */
#define VAT_MONTH_FEN   10000000LL
#define VAT_NEAR_FEN     9000000LL
#define Y12_FEN        500000000LL
#define Y12_NEAR_FEN   450000000LL

struct code_info {
    const char *code;
    const char *rule;
    const char *clause;
};

/* Every reason the gate gives; docs/api/risk.md lists the same table. */
static const struct code_info codes[] = {
    { "ENTERPRISE_NOT_VERIFIED",   "enterprise.verified",    "R-7.10.a" },
    { "ENTERPRISE_NOT_ACTIVE",     "enterprise.active",      "R-6.g" },
    { "ENTERPRISE_SUSPENDED",      "enterprise.active",      "R-6.g" },
    { "ENTERPRISE_CANCELLED",      "enterprise.active",      "R-6.g" },
    { "QUALIFICATION_FAILED",      "qualification.review",   "R-7.10.a" },
    { "QUALIFICATION_NOT_REVIEWED","qualification.review",   "R-7.10.a" },
    { "RATING_D",                  "rating.grade",           "R-7.10.b" },
    { "LIST_PERSON_BLACK",         "list.black",             "R-7.10.c" },
    { "LIST_BANK_CARD_BLACK",      "list.black",             "R-7.10.c" },
    { "LIST_PHONE_BLACK",          "list.black",             "R-7.10.c" },
    { "LIST_ENTERPRISE_BLACK",     "list.black",             "R-7.10.c" },
    { "WORKER_NOT_VERIFIED",       "worker.identity",        "R-7.10.d" },
    { "WORKER_SUSPENDED",          "worker.identity",        "R-7.10.d" },
    { "WORKER_CLOSED",             "worker.identity",        "R-7.10.d" },
    { "LIMIT_PER_PAYMENT",         "limit.per_payment",      "R-7.10.e" },
    { "LIMIT_WORKER_DAY",          "limit.worker_day",       "R-7.10.e" },
    { "LIMIT_WORKER_MONTH",        "limit.worker_month",     "R-7.10.e" },
    { "LIMIT_WORKER_12M",          "limit.worker_12m",       "R-7.10.e" },
    { "LIMIT_WORKER_DAY_COUNT",    "limit.worker_day_count", "R-7.10.e" },
    { "LIMIT_WORKER_MONTH_COUNT",  "limit.worker_month_count","R-7.10.e" },
    { "LIMIT_ENTERPRISE_DAY",      "limit.enterprise_day",   "R-7.10.e" },
    { "LIMIT_ENTERPRISE_MONTH",    "limit.enterprise_month", "R-7.10.e" },
    { "LIMIT_ENTERPRISE_DAY_COUNT","limit.enterprise_day_count","R-7.10.e" },
    { "VAT_THRESHOLD_NEAR",        "threshold.vat_month",    "R-7.10.e" },
    { "VAT_THRESHOLD_REACHED",     "threshold.vat_month",    "R-7.10.e" },
    { "THRESHOLD_12M_NEAR",        "threshold.sales_12m",    "R-7.10.e" },
    { "THRESHOLD_12M_REACHED",     "threshold.sales_12m",    "R-7.10.e" },
};

static void reason(struct fw_risk_decision *d, const char *code, uint32_t severity,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void reason(struct fw_risk_decision *d, const char *code, uint32_t severity,
                   const char *fmt, ...)
{
    struct risk_reason *r;
    va_list ap;
    size_t i;

    if (d->n >= RISK_MAX_REASONS)
        return;
    r = &d->r[d->n++];
    r->code = code;
    r->rule = "";
    r->clause = "";
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i].code, code) == 0) {
            r->code = codes[i].code;
            r->rule = codes[i].rule;
            r->clause = codes[i].clause;
            break;
        }
    r->severity = severity;
    r->waived_by = 0;
    va_start(ap, fmt);
    vsnprintf(r->inputs, sizeof(r->inputs), fmt, ap);
    va_end(ap);
}

const char *fw__risk_action_name(uint32_t action)
{
    static const char *const names[] = { "", "enterprise_activate", "worker_activate",
                                         "task_take", "funding", "payout" };
    return action >= 1 && action <= 5 ? names[action] : "";
}

/* ---- counters ---------------------------------------------------------------------------- */

static int count_one(fw_ctx *ctx, int64_t kind, fw_id id, int64_t period, int64_t start,
                     int64_t amount, int64_t n, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_risk_counter(party_kind, party_id, period, start_ms, amount_fen, n) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(party_kind, party_id, period, start_ms) "
                       "DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, n = n + excluded.n",
                       "iiiiii", kind, id, period, start, amount, n);
}

/* The CST month start k months after the month containing ms. */
static int64_t month_plus(int64_t ms, int k)
{
    int y, m, d;
    int64_t out = 0;
    fw__cst_date(ms, &y, &m, &d);
    m += k;
    while (m > 12) {
        m -= 12;
        y++;
    }
    while (m < 1) {
        m += 12;
        y--;
    }
    fw__cst_from_date(y, m, 1, &out);
    return out;
}

/*
 * Counts a payout: per day and per month for the worker and the enterprise. A check reads the
 * worker's rolling 12 months as the sum of the month rows M-11 .. M: a range of one primary
 * key, cheaper than the 12 window rows (period 3) the write once kept up to date, which stores
 * may still hold and nothing reads.
 */
static int count_payout(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, int64_t amount,
                        int64_t at_ms, int reserved, fw_error **err)
{
    int64_t ds, de, ms, me, n = amount < 0 ? -1 : 1;
    int rc;

    fw__cst_period(at_ms, FW__PERIOD_DAY, &ds, &de);
    fw__cst_period(at_ms, FW__PERIOD_MONTH, &ms, &me);
    rc = count_one(ctx, 2, worker_id, 1, ds, amount, n, err);
    if (rc == FW_OK)
        rc = count_one(ctx, 2, worker_id, 2, ms, amount, n, err);
    if (rc == FW_OK && enterprise_id)
        rc = count_one(ctx, 1, enterprise_id, 1, ds, amount, n, err);
    if (rc == FW_OK && enterprise_id)
        rc = count_one(ctx, 1, enterprise_id, 2, ms, amount, n, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_payout(worker_id, enterprise_id, amount_fen, at_ms, "
                         "reservation) VALUES (?, ?, ?, ?, ?)", "iiiii", worker_id, enterprise_id, amount,
                         at_ms, (int64_t)reserved);
    return rc;
}

int fw__risk_record_payout(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, int64_t amount_fen,
                           int64_t at_ms, fw_error **err)
{
    if (worker_id <= 0 || enterprise_id < 0)
        return fw__error_set(err, FW_EINVAL, NULL, "a worker id is required, got %lld", (long long)worker_id);
    if (amount_fen == 0)
        return fw__error_set(err, FW_EINVAL, NULL, "amount_fen must not be 0");
    return count_payout(ctx, worker_id, enterprise_id, amount_fen, at_ms, 0, err);
}

/* ---- limits ------------------------------------------------------------------------------ */

#define NLIMITS 9
static const char *const scope_names[] = { "", "platform", "rating", "enterprise" };

struct limits {
    int64_t v[NLIMITS];
    int scope[NLIMITS];
};

static int load_limits(fw_ctx *ctx, int64_t grade, fw_id enterprise_id, struct limits *l,
                       fw_error **err)
{
    fw__stmt *s;
    int rc, i;

    memset(l, 0, sizeof(*l));
    rc = fw__db_query(ctx, &s, err,
                      "SELECT scope, per_payment_fen, worker_day_fen, worker_month_fen, worker_12m_fen, "
                      "worker_day_count, worker_month_count, enterprise_day_fen, enterprise_month_fen, "
                      "enterprise_day_count FROM fw_risk_limit WHERE scope = 1 AND key = 0 UNION ALL "
                      "SELECT scope, per_payment_fen, worker_day_fen, worker_month_fen, worker_12m_fen, "
                      "worker_day_count, worker_month_count, enterprise_day_fen, enterprise_month_fen, "
                      "enterprise_day_count FROM fw_risk_limit WHERE scope = 2 AND key = ? UNION ALL "
                      "SELECT scope, per_payment_fen, worker_day_fen, worker_month_fen, worker_12m_fen, "
                      "worker_day_count, worker_month_count, enterprise_day_fen, enterprise_month_fen, "
                      "enterprise_day_count FROM fw_risk_limit WHERE scope = 3 AND key = ?",
                      "ii", grade, enterprise_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int scope = (int)fw__db_col_i64(s, 0);
        for (i = 0; i < NLIMITS; i++)   /* the most specific scope that sets a limit wins */
            if (!fw__db_col_is_null(s, i + 1) && scope > l->scope[i]) {
                l->v[i] = fw__db_col_i64(s, i + 1);
                l->scope[i] = scope;
            }
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw__risk_limit(fw_ctx *ctx, fw_id enterprise_id, int which, int64_t *out, fw_error **err)
{
    struct limits l;
    int64_t grade = 0;
    int rc = fw__db_i64(ctx, &grade, err, "SELECT grade FROM fw_risk_rating WHERE enterprise_id = ?", "i", enterprise_id);

    if (rc == FW_ENOTFOUND)
        rc = FW_OK;
    if (rc == FW_OK)
        rc = load_limits(ctx, grade, enterprise_id, &l, err);
    if (rc == FW_OK)
        *out = which >= 0 && which < NLIMITS ? l.v[which] : 0;
    return rc;
}

static void check_limit(struct fw_risk_decision *d, const struct limits *l, int i, const char *code,
                        int64_t used, int64_t add)
{
    int64_t total;
    if (l->v[i] <= 0)
        return;
    if (fw__money_add(used, add, &total) != FW_OK || total > l->v[i])
        reason(d, code, FW_RISK_BLOCK, "{\"limit\":%lld,\"used\":%lld,\"adding\":%lld,\"scope\":\"%s\"}",
               (long long)l->v[i], (long long)used, (long long)add, scope_names[l->scope[i]]);
}

struct usage {
    int64_t wd, wdn, wm, wmn, w12, ed, edn, em;
};

static int load_usage(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, int64_t now,
                      struct usage *u, fw_error **err)
{
    int64_t ds, de, ms, me;
    fw__stmt *s;
    int rc;

    memset(u, 0, sizeof(*u));
    fw__cst_period(now, FW__PERIOD_DAY, &ds, &de);
    fw__cst_period(now, FW__PERIOD_MONTH, &ms, &me);
    /* Four primary-key point look-ups and one range of the worker's last 12 months. */
#define BRANCH "SELECT party_kind, period, amount_fen, n FROM fw_risk_counter WHERE party_kind = ? AND " \
               "party_id = ? AND period = ? AND start_ms = ?"
    rc = fw__db_query(ctx, &s, err,
                      BRANCH " UNION ALL " BRANCH " UNION ALL "
                      "SELECT 2, 3, COALESCE(SUM(amount_fen), 0), 0 FROM fw_risk_counter WHERE party_kind = 2 "
                      "AND party_id = ? AND period = 2 AND start_ms >= ? AND start_ms <= ?"
                      " UNION ALL " BRANCH " UNION ALL " BRANCH,
                      "iiiiiiiiiiiiiiiiiii", (int64_t)2, worker_id, (int64_t)1, ds, (int64_t)2, worker_id,
                      (int64_t)2, ms, worker_id, month_plus(ms, -11), ms, (int64_t)1, enterprise_id,
                      (int64_t)1, ds, (int64_t)1, enterprise_id, (int64_t)2, ms);
#undef BRANCH
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t kind = fw__db_col_i64(s, 0), per = fw__db_col_i64(s, 1);
        int64_t a = fw__db_col_i64(s, 2), n = fw__db_col_i64(s, 3);
        if (kind == 2 && per == 1) {
            u->wd = a;
            u->wdn = n;
        } else if (kind == 2 && per == 2) {
            u->wm = a;
            u->wmn = n;
        } else if (kind == 2) {
            u->w12 = a;
        } else if (per == 1) {
            u->ed = a;
            u->edn = n;
        } else {
            u->em = a;
        }
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int check_limits(fw_ctx *ctx, struct fw_risk_decision *d, int64_t grade, fw_id worker_id,
                        fw_id enterprise_id, int64_t amount, fw_error **err)
{
    struct limits l;
    struct usage u;
    int64_t wm, w12;
    int rc;

    if ((rc = load_limits(ctx, grade, enterprise_id, &l, err)) != FW_OK ||
        (rc = load_usage(ctx, worker_id, enterprise_id, fw_ctx_now(ctx), &u, err)) != FW_OK)
        return rc;
    check_limit(d, &l, 0, "LIMIT_PER_PAYMENT", 0, amount);
    check_limit(d, &l, 1, "LIMIT_WORKER_DAY", u.wd, amount);
    check_limit(d, &l, 2, "LIMIT_WORKER_MONTH", u.wm, amount);
    check_limit(d, &l, 3, "LIMIT_WORKER_12M", u.w12, amount);
    check_limit(d, &l, 4, "LIMIT_WORKER_DAY_COUNT", u.wdn, 1);
    check_limit(d, &l, 5, "LIMIT_WORKER_MONTH_COUNT", u.wmn, 1);
    check_limit(d, &l, 6, "LIMIT_ENTERPRISE_DAY", u.ed, amount);
    check_limit(d, &l, 7, "LIMIT_ENTERPRISE_MONTH", u.em, amount);
    check_limit(d, &l, 8, "LIMIT_ENTERPRISE_DAY_COUNT", u.edn, 1);

    if (fw__money_add(u.wm, amount, &wm) != FW_OK)
        wm = INT64_MAX;
    if (fw__money_add(u.w12, amount, &w12) != FW_OK)
        w12 = INT64_MAX;
    if (wm >= VAT_MONTH_FEN)
        reason(d, "VAT_THRESHOLD_REACHED", FW_RISK_FLAG, "{\"month_total\":%lld,\"threshold\":%lld}",
               (long long)wm, VAT_MONTH_FEN);
    else if (wm >= VAT_NEAR_FEN)
        reason(d, "VAT_THRESHOLD_NEAR", FW_RISK_WARN, "{\"month_total\":%lld,\"threshold\":%lld}",
               (long long)wm, VAT_MONTH_FEN);
    if (w12 >= Y12_FEN)
        reason(d, "THRESHOLD_12M_REACHED", FW_RISK_FLAG, "{\"total_12m\":%lld,\"threshold\":%lld}",
               (long long)w12, Y12_FEN);
    else if (w12 >= Y12_NEAR_FEN)
        reason(d, "THRESHOLD_12M_NEAR", FW_RISK_WARN, "{\"total_12m\":%lld,\"threshold\":%lld}",
               (long long)w12, Y12_FEN);
    return FW_OK;
}

/* ---- parties and lists ------------------------------------------------------------------- */

struct keys {
    unsigned char b[6][FW__BLIND_BYTES];
    int have[6];
};

static int load_enterprise(fw_ctx *ctx, fw_id id, int64_t *state, int64_t *grade, struct keys *k,
                           fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT e.state, e.uscc, coalesce(r.grade, 0) FROM fw_party_enterprise e "
                          "LEFT JOIN fw_risk_rating r ON r.enterprise_id = e.id WHERE e.id = ?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        const char *uscc = fw__db_col_text(s, 1);
        *state = fw__db_col_i64(s, 0);
        *grade = fw__db_col_i64(s, 2);
        fw__vault_blind(ctx, "uscc", uscc, strlen(uscc), k->b[3]);
        k->have[3] = 1;
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "$.enterprise_id", "no enterprise %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static int load_worker(fw_ctx *ctx, fw_id id, int64_t *state, struct keys *k, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT w.state, w.id_blind, k.card_blind, k.phone_blind FROM fw_party_worker w "
                          "LEFT JOIN fw_risk_worker_key k ON k.worker_id = w.id WHERE w.id = ?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int i;
        *state = fw__db_col_i64(s, 0);
        for (i = 0; i < 3; i++)
            if (fw__db_col_bytes(s, i + 1) == FW__BLIND_BYTES) {
                memcpy(k->b[i], fw__db_col_blob(s, i + 1), FW__BLIND_BYTES);
                k->have[i] = 1;
            }
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "$.worker_id", "no worker %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static const char *const black_codes[] = { "", "LIST_PERSON_BLACK", "LIST_BANK_CARD_BLACK",
                                           "LIST_PHONE_BLACK", "LIST_ENTERPRISE_BLACK" };
static const char *const kind_names[] = { "", "person", "bank_card", "phone", "enterprise" };

/* White entries found for the parties: they waive the reason codes they name. */
struct whites {
    fw_id id[8];
    char waives[8][400];
    int n;
};

static int screen_lists(fw_ctx *ctx, struct fw_risk_decision *d, const struct keys *k,
                        struct whites *w, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    fw__stmt *s;
    int rc, i, any = 0;

    for (i = 0; i < 6; i++)
        any |= k->have[i];
    if (!any)
        return FW_OK;
    /* Point look-ups joined in one statement: no temporary structures on the hot path. */
#define BRANCH "SELECT id, list, kind, waives, expires_ms FROM fw_risk_list WHERE blind = ? AND removed_ms IS NULL"
    rc = fw__db_query(ctx, &s, err,
                      BRANCH " UNION ALL " BRANCH " UNION ALL " BRANCH " UNION ALL " BRANCH " UNION ALL "
                      BRANCH " UNION ALL " BRANCH,
                      "bbbbbb",
                      k->have[0] ? k->b[0] : NULL, (size_t)FW__BLIND_BYTES,
                      k->have[1] ? k->b[1] : NULL, (size_t)FW__BLIND_BYTES,
                      k->have[2] ? k->b[2] : NULL, (size_t)FW__BLIND_BYTES,
                      k->have[3] ? k->b[3] : NULL, (size_t)FW__BLIND_BYTES,
                      k->have[4] ? k->b[4] : NULL, (size_t)FW__BLIND_BYTES,
                      k->have[5] ? k->b[5] : NULL, (size_t)FW__BLIND_BYTES);
#undef BRANCH
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id id = fw__db_col_i64(s, 0);
        int64_t kind = fw__db_col_i64(s, 2);
        if (kind < 1 || kind > 4 || (!fw__db_col_is_null(s, 4) && fw__db_col_i64(s, 4) <= now)) {
            rc = FW_OK;
            continue;
        }
        if (fw__db_col_i64(s, 1) == FW_RISK_LIST_BLACK) {
            reason(d, black_codes[kind], FW_RISK_BLOCK, "{\"entry_id\":%lld,\"kind\":\"%s\"}",
                   (long long)id, kind_names[kind]);
        } else if (w->n < 8) {
            w->id[w->n] = id;
            snprintf(w->waives[w->n], sizeof(w->waives[0]), "%s", fw__db_col_text(s, 3));
            w->n++;
        }
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static void apply_whites(struct fw_risk_decision *d, const struct whites *w)
{
    char quoted[64];
    size_t i;
    int j;

    for (i = 0; i < d->n; i++) {
        snprintf(quoted, sizeof(quoted), "\"%s\"", d->r[i].code);
        for (j = 0; j < w->n; j++)
            if (d->r[i].severity != FW_RISK_WARN && strstr(w->waives[j], quoted)) {
                d->r[i].severity = FW_RISK_WAIVED;
                d->r[i].waived_by = w->id[j];
                break;
            }
    }
}

/* ---- states ------------------------------------------------------------------------------ */

static void enterprise_state_reason(struct fw_risk_decision *d, uint32_t action, fw_id id, int64_t st)
{
    if (action == FW_RISK_ACTION_ENTERPRISE_ACTIVATE) {
        if (st != FW_ENTERPRISE_SIGNED && st != FW_ENTERPRISE_ACTIVE && st != FW_ENTERPRISE_VERIFIED)
            reason(d, "ENTERPRISE_NOT_VERIFIED", FW_RISK_BLOCK, "{\"enterprise_id\":%lld,\"state\":%lld}",
                   (long long)id, (long long)st);
        return;
    }
    if (st == FW_ENTERPRISE_ACTIVE)
        return;
    reason(d, st == FW_ENTERPRISE_SUSPENDED ? "ENTERPRISE_SUSPENDED"
              : st == FW_ENTERPRISE_CANCELLED ? "ENTERPRISE_CANCELLED" : "ENTERPRISE_NOT_ACTIVE",
           FW_RISK_BLOCK, "{\"enterprise_id\":%lld,\"state\":%lld}", (long long)id, (long long)st);
}

static void worker_state_reason(struct fw_risk_decision *d, fw_id id, int64_t st)
{
    if (st == FW_WORKER_VERIFIED || st == FW_WORKER_SIGNED || st == FW_WORKER_ACTIVE)
        return;
    reason(d, st == FW_WORKER_SUSPENDED ? "WORKER_SUSPENDED"
              : st == FW_WORKER_CLOSED ? "WORKER_CLOSED" : "WORKER_NOT_VERIFIED",
           FW_RISK_BLOCK, "{\"worker_id\":%lld,\"state\":%lld}", (long long)id, (long long)st);
}

static int qualification_reason(fw_ctx *ctx, struct fw_risk_decision *d, fw_id id, fw_error **err)
{
    int64_t passed = -1, required = 0;
    int rc = fw__db_i64(ctx, &passed, err, "SELECT passed FROM fw_risk_qualification WHERE enterprise_id = ? "
                        "ORDER BY id DESC LIMIT 1", "i", id);
    if (rc == FW_ENOTFOUND) {
        passed = -1;
        rc = FW_OK;
    }
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &required, err, "SELECT require_qualification FROM fw_risk_config WHERE id = 1", "");
    if (rc != FW_OK)
        return rc;
    if (passed == 0)
        reason(d, "QUALIFICATION_FAILED", FW_RISK_BLOCK, "{\"enterprise_id\":%lld}", (long long)id);
    else if (passed < 0)
        reason(d, "QUALIFICATION_NOT_REVIEWED", required ? FW_RISK_BLOCK : FW_RISK_WARN,
               "{\"enterprise_id\":%lld,\"required\":%s}", (long long)id, required ? "true" : "false");
    return FW_OK;
}

/* ---- the gate ---------------------------------------------------------------------------- */

static int needs_enterprise(uint32_t a)
{
    return a != FW_RISK_ACTION_WORKER_ACTIVATE;
}

static int needs_worker(uint32_t a)
{
    return a == FW_RISK_ACTION_WORKER_ACTIVATE || a == FW_RISK_ACTION_TASK_TAKE ||
           a == FW_RISK_ACTION_PAYOUT;
}

static int extra_key(fw_ctx *ctx, uint32_t kind, const char *v, const char *path, unsigned char *out,
                     int *have, fw_error **err)
{
    char masked[64];
    int rc;
    if (!v)
        return FW_OK;
    rc = fw__risk_blind(ctx, kind, v, path, out, masked, sizeof(masked), err);
    if (rc == FW_OK)
        *have = 1;
    return rc;
}

static int decide(fw_ctx *ctx, uint32_t action, const fw_risk_parties *p, int64_t amount,
                  struct fw_risk_decision *d, fw_error **err)
{
    struct keys k;
    struct whites w;
    int64_t est = 0, grade = 0, wst = 0;
    size_t i;
    int rc = FW_OK;

    k.have[0] = k.have[1] = k.have[2] = k.have[3] = k.have[4] = k.have[5] = 0;
    w.n = 0;
    if (needs_enterprise(action) && (rc = load_enterprise(ctx, p->enterprise_id, &est, &grade, &k, err)) != FW_OK)
        return rc;
    if (needs_worker(action) && (rc = load_worker(ctx, p->worker_id, &wst, &k, err)) != FW_OK)
        return rc;
    if ((rc = extra_key(ctx, FW_RISK_KIND_BANK_CARD, p->bank_card, "$.bank_card", k.b[4], &k.have[4], err)) != FW_OK ||
        (rc = extra_key(ctx, FW_RISK_KIND_PHONE, p->phone, "$.phone", k.b[5], &k.have[5], err)) != FW_OK)
        return rc;

    if (needs_enterprise(action))
        enterprise_state_reason(d, action, p->enterprise_id, est);
    if (needs_worker(action))
        worker_state_reason(d, p->worker_id, wst);
    if ((rc = screen_lists(ctx, d, &k, &w, err)) != FW_OK)
        return rc;
    if (action == FW_RISK_ACTION_ENTERPRISE_ACTIVATE &&
        (rc = qualification_reason(ctx, d, p->enterprise_id, err)) != FW_OK)
        return rc;
    if (grade == FW_RISK_GRADE_D && action != FW_RISK_ACTION_ENTERPRISE_ACTIVATE)
        reason(d, "RATING_D", FW_RISK_FLAG, "{\"enterprise_id\":%lld,\"grade\":\"D\"}",
               (long long)p->enterprise_id);
    if (action == FW_RISK_ACTION_PAYOUT &&
        (rc = check_limits(ctx, d, grade, p->worker_id, p->enterprise_id, amount, err)) != FW_OK)
        return rc;
    if (w.n)
        apply_whites(d, &w);

    d->outcome = FW_RISK_ALLOW;
    for (i = 0; i < d->n; i++) {
        if (d->r[i].severity == FW_RISK_BLOCK)
            d->outcome = FW_RISK_DENY;
        else if (d->r[i].severity == FW_RISK_FLAG && d->outcome == FW_RISK_ALLOW)
            d->outcome = FW_RISK_REVIEW;
    }
    return FW_OK;
}

static const char *outcome_name(uint32_t o)
{
    return o == FW_RISK_ALLOW ? "allow" : o == FW_RISK_REVIEW ? "review" : "deny";
}

static const char *severity_name(uint32_t s)
{
    static const char *const n[] = { "", "warn", "review", "deny", "waived" };
    return s <= 4 ? n[s] : "";
}

static cJSON *decision_json(const struct fw_risk_decision *d)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    size_t i;

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "action", fw__risk_action_name(d->action));
    cJSON_AddStringToObject(o, "outcome", outcome_name(d->outcome));
    fw__json_add_i64(o, "reservation_id", d->reservation);
    arr = cJSON_AddArrayToObject(o, "reasons");
    for (i = 0; arr && i < d->n; i++) {
        cJSON *r = cJSON_CreateObject();
        if (!r)
            break;
        cJSON_AddStringToObject(r, "code", d->r[i].code);
        cJSON_AddStringToObject(r, "severity", severity_name(d->r[i].severity));
        cJSON_AddStringToObject(r, "rule", d->r[i].rule);
        cJSON_AddStringToObject(r, "clause", d->r[i].clause);
        cJSON_AddItemToObject(r, "inputs", cJSON_Parse(d->r[i].inputs));
        if (d->r[i].waived_by)
            fw__json_add_i64(r, "waived_by", d->r[i].waived_by);
        cJSON_AddItemToArray(arr, r);
    }
    return o;
}

/* Audits a decision that is not a plain allow (waivers included: an exception is used). */
static int audit_decision(fw_ctx *ctx, const struct fw_risk_decision *d, const fw_risk_parties *p,
                          int64_t amount, fw_error **err)
{
    cJSON *o = decision_json(d);
    char *text;
    int rc;

    if (!o)
        return fw__error_nomem(err);
    fw__json_add_i64(o, "enterprise_id", p->enterprise_id);
    fw__json_add_i64(o, "worker_id", p->worker_id);
    fw__json_add_i64(o, "task_id", p->task_id);
    fw__json_add_i64(o, "amount_fen", amount);
    text = fw__json_print(o);
    cJSON_Delete(o);
    if (!text)
        return fw__error_nomem(err);
    rc = fw__audit_append(ctx, d->outcome == FW_RISK_ALLOW ? "risk.check.waived"
                               : d->outcome == FW_RISK_REVIEW ? "risk.check.review" : "risk.check.deny",
                          p->worker_id ? "worker" : "enterprise",
                          p->worker_id ? p->worker_id : p->enterprise_id, text, strlen(text), err);
    free(text);
    return rc;
}

static int reserve(fw_ctx *ctx, struct fw_risk_decision *d, const fw_risk_parties *p, int64_t amount,
                   fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    int rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_reservation(worker_id, enterprise_id, amount_fen, at_ms) "
                         "VALUES (?, ?, ?, ?)", "iiii", p->worker_id, p->enterprise_id, amount, now);
    if (rc == FW_OK) {
        d->reservation = fw__db_last_id(ctx);
        rc = count_payout(ctx, p->worker_id, p->enterprise_id, amount, now, 1, err);
    }
    return rc;
}

static int has_waiver(const struct fw_risk_decision *d)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        if (d->r[i].severity == FW_RISK_WAIVED)
            return 1;
    return 0;
}

static int validate(uint32_t action, const fw_risk_parties *p, int64_t amount, fw_error **err)
{
    if (!p)
        return fw__error_set(err, FW_EINVAL, NULL, "parties are required");
    if (p->version != FW_RISK_PARTIES_VERSION)
        return fw__error_set(err, FW_EVERSION, NULL, "fw_risk_parties version must be %d, got %u",
                             FW_RISK_PARTIES_VERSION, p->version);
    if (action < FW_RISK_ACTION_ENTERPRISE_ACTIVATE || action > FW_RISK_ACTION_PAYOUT)
        return fw__error_set(err, FW_EINVAL, "$.action", "must be one of FW_RISK_ACTION_* (1..5), got %u", action);
    if (amount < 0 || amount > FW__JSON_MAX_INT)
        return fw__error_set(err, FW_EINVAL, "$.amount_fen", "must be 0 .. 2^53-1 fen, got %lld", (long long)amount);
    if (action == FW_RISK_ACTION_PAYOUT && amount == 0)
        return fw__error_set(err, FW_EINVAL, "$.amount_fen", "a payout must have a positive amount, got 0");
    if (needs_enterprise(action) && p->enterprise_id <= 0)
        return fw__error_set(err, FW_EINVAL, "$.enterprise_id", "is required for %s", fw__risk_action_name(action));
    if (needs_worker(action) && p->worker_id <= 0)
        return fw__error_set(err, FW_EINVAL, "$.worker_id", "is required for %s", fw__risk_action_name(action));
    if ((p->flags & FW_RISK_RESERVE) && action != FW_RISK_ACTION_PAYOUT)
        return fw__error_set(err, FW_EINVAL, "$.reserve", "only a payout check reserves");
    if (p->flags & ~FW_RISK_RESERVE)
        return fw__error_set(err, FW_EINVAL, "$.flags", "unknown flags 0x%x", p->flags);
    return FW_OK;
}

int fw__risk_gate(fw_ctx *ctx, uint32_t action, const fw_risk_parties *p, int64_t amount,
                  fw_risk_decision **out, fw_error **err)
{
    struct fw_risk_decision *d;
    int rc, write, snap;

    if ((rc = validate(action, p, amount, err)) != FW_OK)
        return rc;
    if (!(d = malloc(sizeof(*d))))
        return fw__error_nomem(err);
    d->action = action;
    d->outcome = FW_RISK_ALLOW;
    d->reservation = 0;
    d->n = 0;

    /* A plain check that allows only reads, from one snapshot (a deferred transaction: one lock
     * for all its look-ups); anything that writes runs in one write transaction. */
    write = (p->flags & FW_RISK_RESERVE) != 0;
    snap = !write && ctx->tx_depth == 0;
    rc = write ? fw__tx_begin(ctx, err) : snap ? fw__db_exec(ctx, err, "BEGIN DEFERRED", "") : FW_OK;
    if (rc != FW_OK) {
        free(d);
        return rc;
    }
    rc = decide(ctx, action, p, amount, d, err);
    if (snap) {
        int crc = fw__db_exec(ctx, NULL, "COMMIT", "");
        if (crc != FW_OK)
            fw__db_exec(ctx, NULL, "ROLLBACK", "");
        if (rc == FW_OK && crc != FW_OK)
            rc = fw__error_set(err, crc, NULL, "cannot end the gate's read transaction");
    }
    if (rc == FW_OK && !write && (d->outcome != FW_RISK_ALLOW || has_waiver(d))) {
        write = 1;
        rc = fw__tx_begin(ctx, err);
    }
    if (rc == FW_OK && d->outcome == FW_RISK_ALLOW && (p->flags & FW_RISK_RESERVE))
        rc = reserve(ctx, d, p, amount, err);
    if (rc == FW_OK && (d->outcome != FW_RISK_ALLOW || has_waiver(d)))
        rc = audit_decision(ctx, d, p, amount, err);
    if (write)
        rc = fw__tx_end(ctx, rc, err);
    if (rc != FW_OK) {
        free(d);
        return rc;
    }
    *out = d;
    return FW_OK;
}

int fw_risk_check(fw_ctx *ctx, uint32_t action, const fw_risk_parties *parties, int64_t amount_fen,
                  fw_risk_decision **out, fw_error **err)
{
    int rc;
    if (!ctx || !out)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out are required");
    if ((rc = fw__authz_require(ctx, "risk.check", err)) != FW_OK)
        return rc;
    return fw__risk_gate(ctx, action, parties, amount_fen, out, err);
}

int fw_risk_check_json(fw_ctx *ctx, const char *json, size_t json_len, char **out_json,
                       size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "action", "enterprise_id", "worker_id", "task_id", "amount_fen",
                                          "reserve", "bank_card", "phone", NULL };
    static const char *const actions[] = { "enterprise_activate", "worker_activate", "task_take", "funding",
                                           "payout", NULL };
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    cJSON *root = NULL;
    int64_t amount = 0;
    int act = 0, res = 0, rc;

    if (!ctx || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.check", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "action", FW__REQUIRED, actions, &act, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 1, INT64_MAX, &p.enterprise_id, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "worker_id", FW__OPTIONAL, 1, INT64_MAX, &p.worker_id, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "task_id", FW__OPTIONAL, 1, INT64_MAX, &p.task_id, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "amount_fen", FW__OPTIONAL, 0, FW__JSON_MAX_INT, &amount, err)) == FW_OK &&
        (rc = fw__json_bool(root, "$", "reserve", FW__OPTIONAL, &res, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "bank_card", FW__OPTIONAL, 1, 32, &p.bank_card, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "phone", FW__OPTIONAL, 1, 32, &p.phone, err)) == FW_OK) {
        p.flags = res ? FW_RISK_RESERVE : 0;
        rc = fw__risk_gate(ctx, (uint32_t)act + 1, &p, amount, &d, err);
    }
    if (rc == FW_OK)
        rc = fw_risk_decision_to_json(d, out_json, out_len, err);
    fw_risk_decision_free(d);
    cJSON_Delete(root);
    return rc;
}

int fw_risk_release(fw_ctx *ctx, fw_id reservation_id, fw_error **err)
{
    fw__stmt *s;
    fw_id worker = 0, ent = 0;
    int64_t amount = 0, at = 0;
    int rc, released = 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "risk.release", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT worker_id, enterprise_id, amount_fen, at_ms, released_ms IS NOT NULL "
                      "FROM fw_risk_reservation WHERE id = ?", "i", reservation_id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        worker = fw__db_col_i64(s, 0);
        ent = fw__db_col_i64(s, 1);
        amount = fw__db_col_i64(s, 2);
        at = fw__db_col_i64(s, 3);
        released = (int)fw__db_col_i64(s, 4);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no reservation %lld", (long long)reservation_id);
    }
    fw__db_done(s);
    if (rc == FW_OK && released)
        rc = fw__error_set(err, FW_ESTATE, NULL, "reservation %lld is already released", (long long)reservation_id);
    /* The release counts against the day and month the reservation was counted in. */
    if (rc == FW_OK)
        rc = count_payout(ctx, worker, ent, -amount, at, 1, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_risk_reservation SET released_ms = ? WHERE id = ?", "ii",
                         fw_ctx_now(ctx), reservation_id);
    if (rc == FW_OK)
        rc = fw__risk_audit(ctx, err, "risk.release", "reservation", reservation_id,
                            "{\"worker_id\":%lld,\"enterprise_id\":%lld,\"amount_fen\":%lld}",
                            (long long)worker, (long long)ent, (long long)amount);
    return fw__tx_end(ctx, rc, err);
}

uint32_t fw_risk_decision_outcome(const fw_risk_decision *d)
{
    return d ? d->outcome : 0;
}

fw_id fw_risk_decision_reservation(const fw_risk_decision *d)
{
    return d ? d->reservation : 0;
}

size_t fw_risk_decision_count(const fw_risk_decision *d)
{
    return d ? d->n : 0;
}

const char *fw_risk_decision_code(const fw_risk_decision *d, size_t i)
{
    return d && i < d->n ? d->r[i].code : NULL;
}

uint32_t fw_risk_decision_severity(const fw_risk_decision *d, size_t i)
{
    return d && i < d->n ? d->r[i].severity : 0;
}

int fw_risk_decision_to_json(const fw_risk_decision *d, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o;
    if (!d || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "d and out_json are required");
    if (!(o = decision_json(d)))
        return fw__error_nomem(err);
    return fw__json_out(o, out_json, out_len, err);
}

void fw_risk_decision_free(fw_risk_decision *d)
{
    free(d);
}
