/*
 * Ledger reads: entries, per-account history and past balances (by walking an account's chain
 * of postings from the newest), the trial balance and the invariant check, income per worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "ledger/ledger.h"

/* One link of an account's chain. */
struct link {
    fw_id entry;
    int64_t seq;
    int64_t amount;
    int pending;
    int64_t effective_ms, created_ms;
    fw_id prev_entry;
    int64_t prev_seq;
};

static int read_link(fw_ctx *ctx, fw_id entry, int64_t seq, struct link *l, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT amount, pending, effective_ms, created_ms, prev_entry, prev_seq "
                          "FROM fw_ledger_posting WHERE entry_id=? AND seq=?", "ii", entry, seq);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        l->entry = entry;
        l->seq = seq;
        l->amount = fw__db_col_i64(s, 0);
        l->pending = (int)fw__db_col_i64(s, 1);
        l->effective_ms = fw__db_col_i64(s, 2);
        l->created_ms = fw__db_col_i64(s, 3);
        l->prev_entry = fw__db_col_i64(s, 4);
        l->prev_seq = fw__db_col_i64(s, 5);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ECORRUPT, NULL, "posting (%lld, %lld) of an account chain is missing",
                           (long long)entry, (long long)seq);
    }
    fw__db_done(s);
    return rc;
}

static int authz_owner(fw_ctx *ctx, const char *action, uint32_t kind, fw_id owner, fw_error **err)
{
    return fw__authz_require_owner(ctx, action, kind == FW_LEDGER_OWNER_ENTERPRISE ? owner : 0,
                                   kind == FW_LEDGER_OWNER_WORKER ? owner : 0, err);
}

int fw_ledger_balance_at(fw_ctx *ctx, fw_id account_id, int64_t at_ms, int64_t *posted,
                         fw_error **err)
{
    struct fw__account a;
    struct link l;
    fw_id e;
    int64_t s, now_posted;
    __int128 later = 0, v;
    int rc;

    if (!ctx || !posted)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and posted are required");
    if ((rc = fw__ledger_account_load(ctx, account_id, "account_id", &a, err)) != FW_OK)
        return rc;
    if ((rc = authz_owner(ctx, "ledger.read", a.owner_kind, a.owner_id, err)) != FW_OK)
        return rc;
    fw__ledger_account_balances(&a, &now_posted, NULL, NULL);
    /*
     * Entries are never dated in the future, so a posting recorded at or before at_ms is also
     * effective by then, and so is everything older in the chain: the walk stops there.
     */
    for (e = a.last_entry, s = a.last_seq; e != 0; e = l.prev_entry, s = l.prev_seq) {
        if ((rc = read_link(ctx, e, s, &l, err)) != FW_OK)
            return rc;
        if (l.created_ms <= at_ms)
            break;
        if (!l.pending && l.effective_ms > at_ms)
            later += a.normal_side == FW_LEDGER_CREDIT ? -(__int128)l.amount : (__int128)l.amount;
    }
    v = (__int128)now_posted - later;
    *posted = v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
    return FW_OK;
}

/* ---- entries ---- */

static cJSON *entry_json(fw_ctx *ctx, fw_id id, fw_error **err)
{
    static const char *const kinds[] = { "", "posted", "hold", "post", "void", "expire", "reversal" };
    cJSON *o = NULL, *arr;
    fw__stmt *s;
    int rc, kind;

    rc = fw__db_query(ctx, &s, err,
                      "SELECT kind, reason, effective_ms, created_ms, related_id, ref_kind, ref_id, "
                      "memo FROM fw_ledger_entry WHERE id=?", "i", id);
    if (rc != FW_OK)
        return NULL;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW && (o = cJSON_CreateObject()) != NULL) {
        kind = (int)fw__db_col_i64(s, 0);
        fw__json_add_i64(o, "id", id);
        cJSON_AddStringToObject(o, "kind", kind >= 1 && kind <= 6 ? kinds[kind] : "unknown");
        cJSON_AddStringToObject(o, "reason", fw__db_col_text(s, 1));
        fw__json_add_i64(o, "effective_ms", fw__db_col_i64(s, 2));
        fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 3));
        if (fw__db_col_is_null(s, 4))
            cJSON_AddNullToObject(o, "related_id");
        else
            fw__json_add_i64(o, "related_id", fw__db_col_i64(s, 4));
        if (fw__db_col_is_null(s, 5)) {
            cJSON_AddNullToObject(o, "ref_kind");
            cJSON_AddNullToObject(o, "ref_id");
        } else {
            cJSON_AddStringToObject(o, "ref_kind", fw__db_col_text(s, 5));
            cJSON_AddStringToObject(o, "ref_id", fw__db_col_text(s, 6));
        }
        if (fw__db_col_is_null(s, 7))
            cJSON_AddNullToObject(o, "memo");
        else
            cJSON_AddStringToObject(o, "memo", fw__db_col_text(s, 7));
    } else if (rc == FW__ROW) {
        fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        fw__error_set(err, FW_ENOTFOUND, "entry_id", "no ledger entry %lld", (long long)id);
    }
    fw__db_done(s);
    if (!o)
        return NULL;
    arr = cJSON_AddArrayToObject(o, "postings");
    rc = fw__db_query(ctx, &s, err,
                      "SELECT account_id, amount, pending FROM fw_ledger_posting WHERE entry_id=? "
                      "ORDER BY seq", "i", id);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return NULL;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *p = cJSON_CreateObject();
        int64_t amount = fw__db_col_i64(s, 1);
        if (!p)
            break;
        fw__json_add_i64(p, "account_id", fw__db_col_i64(s, 0));
        fw__json_add_i64(p, amount > 0 ? "debit_fen" : "credit_fen", amount > 0 ? amount : -amount);
        cJSON_AddBoolToObject(p, "pending", fw__db_col_i64(s, 2) != 0);
        cJSON_AddItemToArray(arr, p);
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        if (rc >= 0)
            fw__error_nomem(err);
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Read access to an entry: staff always; a party when one of the postings is on its account. */
static int authz_entry(fw_ctx *ctx, fw_id id, fw_error **err)
{
    int64_t n = 0;
    int rc;

    if (ctx->role != FW_ROLE_ENTERPRISE_USER && ctx->role != FW_ROLE_WORKER)
        return fw__authz_require(ctx, "ledger.read", err);
    if ((rc = fw__authz_require(ctx, "ledger.read", err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &n, err,
                    "SELECT count(*) FROM fw_ledger_posting p JOIN fw_ledger_account a ON "
                    "a.id = p.account_id WHERE p.entry_id=? AND a.owner_kind=? AND a.owner_id=?",
                    "iii", id,
                    (int64_t)(ctx->role == FW_ROLE_WORKER ? FW_LEDGER_OWNER_WORKER
                                                         : FW_LEDGER_OWNER_ENTERPRISE),
                    ctx->party_id);
    if (rc == FW_OK && n == 0)
        rc = fw__error_set(err, FW_EPERM, "entry_id",
                           "ledger.read: entry %lld does not touch the actor's accounts", (long long)id);
    return rc;
}

int fw_ledger_entry_get(fw_ctx *ctx, fw_id entry_id, char **out_json, size_t *out_len,
                        fw_error **err)
{
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = authz_entry(ctx, entry_id, err)) != FW_OK)
        return rc;
    if (!(o = entry_json(ctx, entry_id, err)))
        return err && *err ? fw_error_code(*err) : FW_ENOMEM;
    return fw__json_out(o, out_json, out_len, err);
}

struct filter {
    fw_id account_id;
    int owner_kind;
    int64_t owner_id;
    const char *reason, *ref_kind, *ref_id;
    int64_t from_ms, to_ms, limit, before_id;
};

/* Does entry id pass the filters (reason, reference, effective range)? */
static int entry_matches(fw_ctx *ctx, fw_id id, const struct filter *f, int *match, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT reason, ref_kind, ref_id, effective_ms FROM fw_ledger_entry "
                          "WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    *match = 0;
    if (rc == FW__ROW) {
        const char *rk = fw__db_col_text(s, 1), *ri = fw__db_col_text(s, 2);
        int64_t eff = fw__db_col_i64(s, 3);
        *match = (!f->reason || strcmp(f->reason, fw__db_col_text(s, 0)) == 0) &&
                 (!f->ref_kind || (rk && strcmp(f->ref_kind, rk) == 0)) &&
                 (!f->ref_id || (ri && strcmp(f->ref_id, ri) == 0)) &&
                 eff >= f->from_ms && eff < f->to_ms;
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc;
}

#define MAX_CHAINS 16

/* Entries touching a set of accounts, newest first: a merge of their chains. */
static int chain_entries(fw_ctx *ctx, const fw_id *accounts, size_t k, const struct filter *f,
                         fw_id *ids, size_t *n, fw_error **err)
{
    struct link head[MAX_CHAINS];
    int live[MAX_CHAINS];
    fw_id last = 0;
    size_t i;
    int rc;

    *n = 0;
    for (i = 0; i < k; i++) {
        struct fw__account a;
        if ((rc = fw__ledger_account_load(ctx, accounts[i], "$.account_id", &a, err)) != FW_OK)
            return rc;
        live[i] = a.last_entry != 0;
        if (live[i] && (rc = read_link(ctx, a.last_entry, a.last_seq, &head[i], err)) != FW_OK)
            return rc;
    }
    while (*n < (size_t)f->limit) {
        size_t best = k;
        for (i = 0; i < k; i++)
            if (live[i] && (best == k || head[i].entry > head[best].entry))
                best = i;
        if (best == k)
            break;
        if (head[best].created_ms < f->from_ms)
            break;          /* older postings are effective before the range */
        if (head[best].entry < f->before_id && head[best].entry != last) {
            int match = 0;
            if ((rc = entry_matches(ctx, head[best].entry, f, &match, err)) != FW_OK)
                return rc;
            if (match)
                ids[(*n)++] = head[best].entry;
            last = head[best].entry;
        }
        if (head[best].prev_entry == 0)
            live[best] = 0;
        else if ((rc = read_link(ctx, head[best].prev_entry, head[best].prev_seq, &head[best],
                                 err)) != FW_OK)
            return rc;
    }
    return FW_OK;
}

static int scan_entries(fw_ctx *ctx, const struct filter *f, fw_id *ids, size_t *n, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT id FROM fw_ledger_entry WHERE id < ? AND effective_ms >= ? AND "
                          "effective_ms < ? AND (? IS NULL OR reason = ?) AND "
                          "(? IS NULL OR ref_kind = ?) AND (? IS NULL OR ref_id = ?) "
                          "ORDER BY id DESC LIMIT ?",
                          "iiitttttti", f->before_id, f->from_ms, f->to_ms, f->reason, f->reason,
                          f->ref_kind, f->ref_kind, f->ref_id, f->ref_id, f->limit);
    *n = 0;
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW)
        ids[(*n)++] = fw__db_col_i64(s, 0);
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw_ledger_entries(fw_ctx *ctx, const char *query_json, size_t query_len, char **out_json,
                      size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "account_id", "owner_kind", "owner_id", "reason",
                                          "ref_kind", "ref_id", "from_ms", "to_ms", "limit",
                                          "before_id", NULL };
    static const char *const owners[] = { "platform", "enterprise", "worker", NULL };
    struct filter f = { 0, -1, 0, NULL, NULL, NULL, INT64_MIN, INT64_MAX, 100, INT64_MAX };
    fw_id accounts[MAX_CHAINS], *ids = NULL;
    size_t k = 0, n = 0, i;
    cJSON *root = NULL, *out = NULL, *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__json_parse(&root, query_json ? query_json : "{}",
                             query_json ? query_len : 2, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "account_id", FW__OPTIONAL, 1, INT64_MAX, &f.account_id, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "owner_kind", FW__OPTIONAL, owners, &f.owner_kind, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "owner_id", f.owner_kind >= 0 ? FW__REQUIRED : FW__OPTIONAL,
                          0, INT64_MAX, &f.owner_id, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reason", FW__OPTIONAL, 1, FW__LEDGER_REASON_MAX, &f.reason, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "ref_kind", FW__OPTIONAL, 1, FW__LEDGER_REF_MAX, &f.ref_kind, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "ref_id", FW__OPTIONAL, 1, FW__LEDGER_REF_MAX, &f.ref_id, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "from_ms", FW__OPTIONAL, INT64_MIN, INT64_MAX, &f.from_ms, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "to_ms", FW__OPTIONAL, INT64_MIN, INT64_MAX, &f.to_ms, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "limit", FW__OPTIONAL, 1, 1000, &f.limit, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "before_id", FW__OPTIONAL, 1, INT64_MAX, &f.before_id, err);
    if (rc == FW_OK && f.owner_kind < 0 && root && cJSON_GetObjectItemCaseSensitive(root, "owner_id"))
        rc = fw__error_set(err, FW_EINVAL, "$.owner_kind", "is required with owner_id");
    if (rc == FW_OK && f.account_id && f.owner_kind >= 0)
        rc = fw__error_set(err, FW_EINVAL, "$.owner_kind", "give account_id or an owner, not both");

    /* Authorise against the owner asked for; parties must ask for their own. */
    if (rc == FW_OK && f.account_id) {
        struct fw__account a;
        rc = fw__ledger_account_load(ctx, f.account_id, "$.account_id", &a, err);
        if (rc == FW_OK)
            rc = authz_owner(ctx, "ledger.read", a.owner_kind, a.owner_id, err);
        accounts[k++] = f.account_id;
    } else if (rc == FW_OK && f.owner_kind >= 0) {
        fw__stmt *s;
        rc = authz_owner(ctx, "ledger.read", (uint32_t)f.owner_kind + 1, f.owner_id, err);
        if (rc == FW_OK)
            rc = fw__db_query(ctx, &s, err,
                              "SELECT id FROM fw_ledger_account WHERE owner_kind=? AND owner_id=? "
                              "ORDER BY id LIMIT 16", "ii", (int64_t)f.owner_kind + 1, f.owner_id);
        if (rc == FW_OK) {
            while ((rc = fw__db_step(s, err)) == FW__ROW)
                accounts[k++] = fw__db_col_i64(s, 0);
            fw__db_done(s);
            rc = rc < 0 ? rc : FW_OK;
        }
    } else if (rc == FW_OK) {
        rc = ctx->role == FW_ROLE_ENTERPRISE_USER || ctx->role == FW_ROLE_WORKER
                 ? fw__error_set(err, FW_EPERM, "$.owner_kind",
                                 "ledger.read: an enterprise user or worker must ask for its own "
                                 "owner_kind and owner_id")
                 : fw__authz_require(ctx, "ledger.read", err);
    }
    if (rc == FW_OK && !(ids = malloc((size_t)f.limit * sizeof(*ids))))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = k > 0 || f.account_id || f.owner_kind >= 0 ? chain_entries(ctx, accounts, k, &f, ids, &n, err)
                                                       : scan_entries(ctx, &f, ids, &n, err);
    if (rc == FW_OK && !(out = cJSON_CreateObject()))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        arr = cJSON_AddArrayToObject(out, "entries");
        for (i = 0; i < n && rc == FW_OK; i++) {
            cJSON *e = entry_json(ctx, ids[i], err);
            if (!e)
                rc = err && *err ? fw_error_code(*err) : FW_ENOMEM;
            else
                cJSON_AddItemToArray(arr, e);
        }
        if (n == (size_t)f.limit && n > 0)
            fw__json_add_i64(out, "next_before_id", ids[n - 1]);
        else
            cJSON_AddNullToObject(out, "next_before_id");
    }
    free(ids);
    cJSON_Delete(root);
    if (rc != FW_OK) {
        cJSON_Delete(out);
        return rc;
    }
    return fw__json_out(out, out_json, out_len, err);
}

/* ---- trial balance and invariants ---- */

struct cur_sum {
    char cur[4];
    __int128 d, c, dp, cp;
};

struct acct_sum {
    __int128 d, c, dp, cp;   /* from postings and holds */
    int64_t sd, sc, sdp, scp;  /* stored */
    int present;
};

static int64_t clamp(__int128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

/* Sums every account and posting; cur[] gets the per-currency totals (up to 16). */
static int compute(fw_ctx *ctx, struct cur_sum *cur, size_t *ncur, int64_t *accounts,
                   fw_id *bad, size_t *nbad, size_t max_bad, fw_error **err)
{
    struct acct_sum *as = NULL;
    int64_t max_id = 0;
    fw__stmt *s;
    size_t i;
    int rc;

    *ncur = 0;
    *nbad = 0;
    *accounts = 0;
    if ((rc = fw__db_i64(ctx, &max_id, err, "SELECT coalesce(max(id), 0) FROM fw_ledger_account",
                         "")) != FW_OK)
        return rc;
    if (!(as = calloc((size_t)max_id + 1, sizeof(*as))))
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err,
                      "SELECT id, currency, debits_posted, credits_posted, debits_pending, "
                      "credits_pending FROM fw_ledger_account", "");
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id id = fw__db_col_i64(s, 0);
        const char *c = fw__db_col_text(s, 1);
        for (i = 0; i < *ncur && strcmp(cur[i].cur, c) != 0; i++)
            ;
        if (i == *ncur && *ncur < 16) {
            memset(&cur[i], 0, sizeof(cur[i]));
            snprintf(cur[i].cur, sizeof(cur[i].cur), "%s", c);
            (*ncur)++;
        }
        if (i < *ncur) {
            cur[i].d += fw__db_col_i64(s, 2);
            cur[i].c += fw__db_col_i64(s, 3);
            cur[i].dp += fw__db_col_i64(s, 4);
            cur[i].cp += fw__db_col_i64(s, 5);
        }
        as[id].present = 1;
        as[id].sd = fw__db_col_i64(s, 2);
        as[id].sc = fw__db_col_i64(s, 3);
        as[id].sdp = fw__db_col_i64(s, 4);
        as[id].scp = fw__db_col_i64(s, 5);
        (*accounts)++;
        rc = FW_OK;
    }
    if (rc == FW__DONE)
        rc = FW_OK;
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err,
                          "SELECT account_id, amount FROM fw_ledger_posting WHERE pending=0", "");
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id id = fw__db_col_i64(s, 0);
        int64_t a = fw__db_col_i64(s, 1);
        if (id >= 1 && id <= max_id) {
            if (a > 0)
                as[id].d += a;
            else
                as[id].c -= a;
        }
        rc = FW_OK;
    }
    if (rc == FW__DONE)
        rc = FW_OK;
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err,
                          "SELECT debit_account, credit_account, amount FROM fw_ledger_hold "
                          "WHERE state=1", "");
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id d = fw__db_col_i64(s, 0), c = fw__db_col_i64(s, 1);
        int64_t a = fw__db_col_i64(s, 2);
        if (d >= 1 && d <= max_id)
            as[d].dp += a;
        if (c >= 1 && c <= max_id)
            as[c].cp += a;
        rc = FW_OK;
    }
    if (rc == FW__DONE)
        rc = FW_OK;
    fw__db_done(s);
    for (i = 1; rc == FW_OK && i <= (size_t)max_id; i++)
        if (as[i].present && (as[i].d != as[i].sd || as[i].c != as[i].sc ||
                              as[i].dp != as[i].sdp || as[i].cp != as[i].scp) && *nbad < max_bad)
            bad[(*nbad)++] = (fw_id)i;
    free(as);
    return rc;
}

int fw__ledger_check(fw_ctx *ctx, int *balanced, int *consistent, fw_error **err)
{
    struct cur_sum cur[16];
    fw_id bad[1];
    size_t ncur, nbad, i;
    int64_t accounts;
    int rc = compute(ctx, cur, &ncur, &accounts, bad, &nbad, 1, err);

    if (rc != FW_OK)
        return rc;
    *balanced = 1;
    for (i = 0; i < ncur; i++)
        if (cur[i].d != cur[i].c || cur[i].dp != cur[i].cp)
            *balanced = 0;
    *consistent = nbad == 0;
    return FW_OK;
}

int fw_ledger_trial_balance(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    struct cur_sum cur[16];
    fw_id bad[100];
    size_t ncur, nbad, i;
    int64_t accounts;
    cJSON *o, *arr, *mism;
    int rc, balanced = 1;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "ledger.trial_balance", err)) != FW_OK)
        return rc;
    if ((rc = compute(ctx, cur, &ncur, &accounts, bad, &nbad, 100, err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    for (i = 0; i < ncur; i++)
        if (cur[i].d != cur[i].c || cur[i].dp != cur[i].cp)
            balanced = 0;
    cJSON_AddBoolToObject(o, "balanced", balanced);
    cJSON_AddBoolToObject(o, "consistent", nbad == 0);
    fw__json_add_i64(o, "accounts", accounts);
    arr = cJSON_AddArrayToObject(o, "currencies");
    for (i = 0; i < ncur; i++) {
        cJSON *c = cJSON_CreateObject();
        if (!c)
            break;
        cJSON_AddStringToObject(c, "currency", cur[i].cur);
        fw__json_add_i64(c, "debits_fen", clamp(cur[i].d));
        fw__json_add_i64(c, "credits_fen", clamp(cur[i].c));
        fw__json_add_i64(c, "pending_debits_fen", clamp(cur[i].dp));
        fw__json_add_i64(c, "pending_credits_fen", clamp(cur[i].cp));
        cJSON_AddItemToArray(arr, c);
    }
    mism = cJSON_AddArrayToObject(o, "mismatched_accounts");
    for (i = 0; i < nbad; i++)
        cJSON_AddItemToArray(mism, cJSON_CreateNumber((double)bad[i]));
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- income per worker (R-7.5.c) ---- */

struct by_reason {
    char reason[FW__LEDGER_REASON_MAX + 1];
    int64_t credited, debited;
};

int fw_ledger_worker_income(fw_ctx *ctx, fw_id worker_id, int64_t from_ms, int64_t to_ms,
                            char **out_json, size_t *out_len, fw_error **err)
{
    struct by_reason r[32];
    struct fw__account a;
    struct link l;
    size_t nr = 0, i;
    int64_t credited = 0, debited = 0, entries = 0, balance = 0, s;
    fw_id id = 0, e;
    cJSON *o, *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "ledger.read", 0, worker_id, err)) != FW_OK)
        return rc;
    if (from_ms > to_ms)
        return fw__error_set(err, FW_EINVAL, "to_ms", "must not be before from_ms (%lld), got %lld",
                             (long long)from_ms, (long long)to_ms);
    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_WORKER, worker_id, FW_ACCT_WORKER_PAYABLE,
                                 "CNY", 0, &id, err)) != FW_OK)
        return rc;
    if ((rc = fw__ledger_account_load(ctx, id, NULL, &a, err)) != FW_OK)
        return rc;
    fw__ledger_account_balances(&a, &balance, NULL, NULL);
    for (e = a.last_entry, s = a.last_seq; e != 0; e = l.prev_entry, s = l.prev_seq) {
        fw__stmt *st;
        if ((rc = read_link(ctx, e, s, &l, err)) != FW_OK)
            return rc;
        if (l.created_ms < from_ms)
            break;
        if (l.pending || l.effective_ms < from_ms || l.effective_ms >= to_ms)
            continue;
        entries++;
        if (l.amount < 0)
            credited += -l.amount;
        else
            debited += l.amount;
        if ((rc = fw__db_query(ctx, &st, err, "SELECT reason FROM fw_ledger_entry WHERE id=?", "i",
                               l.entry)) != FW_OK)
            return rc;
        if ((rc = fw__db_step(st, err)) == FW__ROW) {
            const char *reason = fw__db_col_text(st, 0);
            for (i = 0; i < nr && strcmp(r[i].reason, reason) != 0; i++)
                ;
            if (i == nr && nr < 32) {
                snprintf(r[i].reason, sizeof(r[i].reason), "%s", reason);
                r[i].credited = r[i].debited = 0;
                nr++;
            }
            if (i < nr) {
                if (l.amount < 0)
                    r[i].credited += -l.amount;
                else
                    r[i].debited += l.amount;
            }
            rc = FW_OK;
        }
        fw__db_done(st);
        if (rc < 0)
            return rc;
    }
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "worker_id", worker_id);
    fw__json_add_i64(o, "from_ms", from_ms);
    fw__json_add_i64(o, "to_ms", to_ms);
    fw__json_add_i64(o, "credited_fen", credited);
    fw__json_add_i64(o, "debited_fen", debited);
    fw__json_add_i64(o, "net_fen", credited - debited);
    fw__json_add_i64(o, "entries", entries);
    arr = cJSON_AddArrayToObject(o, "by_reason");
    for (i = 0; i < nr; i++) {
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddStringToObject(x, "reason", r[i].reason);
        fw__json_add_i64(x, "credited_fen", r[i].credited);
        fw__json_add_i64(x, "debited_fen", r[i].debited);
        cJSON_AddItemToArray(arr, x);
    }
    fw__json_add_i64(o, "balance_fen", balance);
    return fw__json_out(o, out_json, out_len, err);
}
