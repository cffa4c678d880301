/*
 * Payout orders: creation, singly or in batches, through the gates, the fee, the withholding
 * and the hold on the enterprise's funds (R-7.5.c, DESIGN §7).
 *
 * Posting at hold (pending):  enterprise_funds(E) / worker_payable(W)   enterprise_pays
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "fee/fee.h"
#include "ledger/ledger.h"
#include "party/party.h"
#include "payout/payout.h"
#include "risk/risk.h"
#include "task/task.h"
#include "tax/tax.h"

/* One order as requested; strings borrowed from the parsed JSON. */
struct order_req {
    const char *key;
    fw_id enterprise_id, worker_id, payable_id;
    int64_t amount;
    const char *task_ref, *external_ref, *memo;
    char task_buf[32];      /* task_ref of a payable item: "task:<id>" */
};

/*
 * What a call reuses across the orders of a batch: the enterprise-wide gates pass once, the
 * fee calculator and the accounts are looked up once.
 */
struct cache {
    fw_id enterprise_id;
    int gates_ok;
    int fee_loaded;
    fw_fee_calc *fee;          /* NULL: no "during" schedule in force */
    fw_id funds_account;
};

static void cache_clear(struct cache *c)
{
    fw_fee_calc_free(c->fee);
    memset(c, 0, sizeof(*c));
}

static const char *const state_names[] = { NULL, "suspended", "held", "submitted", "paid",
                                           "failed", "returned", "cancelled" };

const char *fw_payout_state_name(uint32_t state)
{
    return state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : NULL;
}

int fw__payout_order_load(fw_ctx *ctx, fw_id id, struct fw__payout_order *o, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT id, batch_id, enterprise_id, worker_id, amount_fen, fee_fen, "
                          "enterprise_pays_fen, gross_fen, iit_fen, vat_fen, surcharge_fen, net_fen, "
                          "state, fee_bearer, hold_id, post_entry, dist_entry, created_ms, month, "
                          "coalesce(payable_id, 0) "
                          "FROM fw_payout_order WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        memset(o, 0, sizeof(*o));
        o->id = fw__db_col_i64(s, 0);
        o->batch_id = fw__db_col_i64(s, 1);
        o->enterprise_id = fw__db_col_i64(s, 2);
        o->worker_id = fw__db_col_i64(s, 3);
        o->amount = fw__db_col_i64(s, 4);
        o->fee = fw__db_col_i64(s, 5);
        o->enterprise_pays = fw__db_col_i64(s, 6);
        o->gross = fw__db_col_i64(s, 7);
        o->iit = fw__db_col_i64(s, 8);
        o->vat = fw__db_col_i64(s, 9);
        o->surcharge = fw__db_col_i64(s, 10);
        o->net = fw__db_col_i64(s, 11);
        o->state = (uint32_t)fw__db_col_i64(s, 12);
        o->bearer = (uint32_t)fw__db_col_i64(s, 13);
        o->hold_id = fw__db_col_i64(s, 14);
        o->post_entry = fw__db_col_i64(s, 15);
        o->dist_entry = fw__db_col_i64(s, 16);
        o->created_ms = fw__db_col_i64(s, 17);
        snprintf(o->month, sizeof(o->month), "%s", fw__db_col_text(s, 18));
        o->payable_id = fw__db_col_i64(s, 19);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "order_id", "no payout order %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

int fw__payout_transition(fw_ctx *ctx, fw_id order_id, uint32_t from, uint32_t to,
                          const char *note, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    int rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_payout_event(order_id, at_ms, from_state, to_state, role, note) "
                         "VALUES (?,?,?,?,?,?)", "iiiiit", order_id, now, (int64_t)from, (int64_t)to,
                         (int64_t)ctx->role, note);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET state=?, updated_ms=? WHERE id=?",
                         "iii", (int64_t)to, now, order_id);
    return rc;
}

/* ---- gates -------------------------------------------------------------------------------- */

static int enterprise_gates(fw_ctx *ctx, struct cache *c, fw_id enterprise_id, fw_error **err)
{
    int rc;

    if (c->gates_ok && c->enterprise_id == enterprise_id)
        return FW_OK;
    cache_clear(c);
    if ((rc = fw__party_require_platform_ready(ctx, err)) != FW_OK ||
        (rc = fw__party_require_active_enterprise(ctx, enterprise_id, err)) != FW_OK ||
        (rc = fw__contract_require_signed(ctx, enterprise_id, 0, err)) != FW_OK)
        return rc;
    c->enterprise_id = enterprise_id;
    c->gates_ok = 1;
    return FW_OK;
}

static int worker_gates(fw_ctx *ctx, fw_id enterprise_id, fw_id worker_id, fw_error **err)
{
    int rc = fw__party_require_verified_worker(ctx, worker_id, err);
    if (rc == FW_OK)
        rc = fw__contract_require_signed(ctx, enterprise_id, worker_id, err);
    return rc;
}

/* ---- fee, tax, hold ------------------------------------------------------------------------ */

static int fee_calc(fw_ctx *ctx, struct cache *c, fw_id enterprise_id, fw_error **err)
{
    fw_fee_calc *calc = NULL;
    int rc;

    if (c->fee_loaded && c->enterprise_id == enterprise_id)
        return FW_OK;
    rc = fw__fee_calc_for(ctx, enterprise_id, fw_ctx_now(ctx), &calc, err);
    if (rc == FW_ENOTFOUND) {
        if (err) {
            fw_error_free(*err);
            *err = NULL;
        }
        rc = FW_OK;
    }
    if (rc != FW_OK)
        return rc;
    if (calc && fw_fee_calc_charge(calc) != FW_FEE_CHARGE_DURING) {
        fw_fee_calc_free(calc);     /* charged at funding or billed per month: nothing here */
        calc = NULL;
    }
    fw_fee_calc_free(c->fee);
    c->fee = calc;
    c->fee_loaded = 1;
    return FW_OK;
}

static int volume_add(fw_ctx *ctx, fw_id enterprise_id, const char *month, int64_t delta,
                      fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_payout_volume(enterprise_id, month, volume_fen) VALUES (?,?,?) "
                       "ON CONFLICT (enterprise_id, month) DO UPDATE SET volume_fen = volume_fen + ?",
                       "itii", enterprise_id, month, delta, delta);
}

int fw__payout_volume_sub(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err)
{
    return volume_add(ctx, o->enterprise_id, o->month, -o->amount, err);
}

static int hold_order(fw_ctx *ctx, struct cache *c, const struct fw__payout_order *o,
                      const char *note, fw_error **err)
{
    int64_t volume = 0, fee = 0, pays = o->amount, gross = o->amount;
    uint32_t bearer = 0;
    struct fw__tax_result tax;
    fw_id funds = 0, payable = 0, hold = 0;
    char ref[32];
    int rc;

    memset(&tax, 0, sizeof(tax));
    if ((rc = fee_calc(ctx, c, o->enterprise_id, err)) != FW_OK)
        return rc;
    if (c->fee) {
        rc = fw__db_i64(ctx, &volume, err,
                        "SELECT volume_fen FROM fw_payout_volume WHERE enterprise_id=? AND month=?",
                        "it", o->enterprise_id, o->month);
        if (rc == FW_ENOTFOUND)
            volume = 0;
        else if (rc != FW_OK)
            return rc;
        if ((rc = fw_fee_calc_compute(c->fee, o->amount, volume < 0 ? 0 : volume, &fee, &pays,
                                      &gross, err)) != FW_OK)
            return rc;
        bearer = fw_fee_calc_bearer(c->fee);
    }
    if ((rc = volume_add(ctx, o->enterprise_id, o->month, o->amount, err)) != FW_OK)
        return rc;

    snprintf(ref, sizeof(ref), "payout:%lld", (long long)o->id);
    if (gross > 0 && (rc = fw__tax_withhold(ctx, o->worker_id, ref, gross, fw_ctx_now(ctx), &tax,
                                            err)) != FW_OK)
        return rc;
    if (gross == 0)
        tax.net_fen = 0;

    if (c->funds_account && c->enterprise_id == o->enterprise_id)
        funds = c->funds_account;
    else if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, o->enterprise_id,
                                      FW_ACCT_ENTERPRISE_FUNDS, NULL, 1, &funds, err)) != FW_OK)
        return rc;
    c->funds_account = funds;
    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_WORKER, o->worker_id, FW_ACCT_WORKER_PAYABLE,
                                 NULL, 1, &payable, err)) != FW_OK)
        return rc;
    snprintf(ref, sizeof(ref), "%lld", (long long)o->id);
    rc = fw__ledger_hold(ctx, &hold, funds, payable, pays, 0, "payout.hold", "payout", ref, err);
    if (rc == FW_EFUNDS) {
        int64_t available = 0;
        char a[32], b[32];
        fw__ledger_balance(ctx, funds, NULL, NULL, &available, NULL);
        return fw__error_set(err, FW_EFUNDS, "amount_fen",
                             "enterprise %lld has %s yuan available; the payout needs %s yuan "
                             "(amount and fee)", (long long)o->enterprise_id,
                             fw__money_format(available, a, sizeof(a)),
                             fw__money_format(pays, b, sizeof(b)));
    }
    if (rc != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err,
                     "UPDATE fw_payout_order SET fee_fen=?, fee_bearer=?, enterprise_pays_fen=?, "
                     "gross_fen=?, iit_fen=?, vat_fen=?, surcharge_fen=?, net_fen=?, hold_id=? "
                     "WHERE id=?", "iiiiiiiiii", fee, (int64_t)bearer, pays, gross, tax.iit_fen,
                     tax.vat_fen, tax.surcharge_fen, tax.net_fen, hold, o->id);
    if (rc == FW_OK)
        rc = fw__payout_transition(ctx, o->id, o->state, FW_PAYOUT_HELD, note, err);
    return rc;
}

int fw__payout_hold(fw_ctx *ctx, fw_id order_id, const char *note, fw_error **err)
{
    struct fw__payout_order o;
    struct cache c;
    int rc;

    memset(&c, 0, sizeof(c));
    if ((rc = fw__payout_order_load(ctx, order_id, &o, err)) != FW_OK)
        return rc;
    /* an operator's release overrides the risk gate; the amount still counts against the limits */
    if ((rc = enterprise_gates(ctx, &c, o.enterprise_id, err)) == FW_OK &&
        (rc = worker_gates(ctx, o.enterprise_id, o.worker_id, err)) == FW_OK &&
        (rc = fw__risk_record_payout(ctx, o.worker_id, o.enterprise_id, o.amount, o.created_ms,
                                     err)) == FW_OK)
        rc = hold_order(ctx, &c, &o, note, err);
    cache_clear(&c);
    return rc;
}

/* ---- the risk gate -------------------------------------------------------------------------- */

/*
 * Asks the risk gate about the order, reserving its amount against the limits when it allows.
 * A review or a deny suspends the order (挂起) with the reasons, for an operator to release or
 * cancel: *suspended = 1.
 */
static int risk_gate(fw_ctx *ctx, struct fw__payout_order *o, int *suspended, fw_error **err)
{
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    char reason[FW__PAYOUT_NOTE_MAX + 1];
    size_t i, n, len;
    uint32_t outcome;
    int rc;

    p.flags = FW_RISK_RESERVE;
    p.enterprise_id = o->enterprise_id;
    p.worker_id = o->worker_id;
    if ((rc = fw__risk_gate(ctx, FW_RISK_ACTION_PAYOUT, &p, o->amount, &d, err)) != FW_OK)
        return rc;
    outcome = fw_risk_decision_outcome(d);
    *suspended = outcome != FW_RISK_ALLOW;
    if (*suspended) {
        len = (size_t)snprintf(reason, sizeof(reason), "risk %s:",
                               outcome == FW_RISK_DENY ? "deny" : "review");
        for (i = 0, n = fw_risk_decision_count(d); i < n && len < sizeof(reason); i++) {
            uint32_t sev = fw_risk_decision_severity(d, i);
            if (sev == FW_RISK_FLAG || sev == FW_RISK_BLOCK)
                len += (size_t)snprintf(reason + len, sizeof(reason) - len, " %s",
                                        fw_risk_decision_code(d, i));
        }
        rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET reason=? WHERE id=?", "ti", reason,
                         o->id);
        if (rc == FW_OK)
            rc = fw__payout_transition(ctx, o->id, 0, FW_PAYOUT_SUSPENDED, reason, err);
        o->state = FW_PAYOUT_SUSPENDED;
    }
    fw_risk_decision_free(d);
    return rc;
}

int fw__payout_risk_unrecord(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err)
{
    return fw__risk_record_payout(ctx, o->worker_id, o->enterprise_id, -o->amount, o->created_ms,
                                  err);
}

/* ---- creation ------------------------------------------------------------------------------ */

static int insert_order(fw_ctx *ctx, const struct order_req *rq, fw_id batch_id, int64_t index,
                        struct fw__payout_order *o, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    int rc;

    memset(o, 0, sizeof(*o));
    fw__cst_month_key(now, o->month, sizeof(o->month));
    rc = fw__db_exec(ctx, err,
                     "INSERT INTO fw_payout_order(batch_id, batch_index, enterprise_id, worker_id, "
                     "payable_id, task_ref, external_ref, amount_fen, state, reason, month, created_ms, "
                     "updated_ms) VALUES (NULLIF(?, 0),CASE WHEN ? = 0 THEN NULL ELSE ? END,?,?,"
                     "NULLIF(?, 0),?,?,?,0,?,?,?,?)",
                     "iiiiiittittii", batch_id, batch_id, index, rq->enterprise_id, rq->worker_id, rq->payable_id,
                     rq->task_ref, rq->external_ref, rq->amount, rq->memo, o->month, now, now);
    if (rc != FW_OK)
        return rc;
    o->id = fw__db_last_id(ctx);
    o->enterprise_id = rq->enterprise_id;
    o->worker_id = rq->worker_id;
    o->payable_id = rq->payable_id;
    o->amount = rq->amount;
    o->batch_id = batch_id;
    o->created_ms = now;
    return FW_OK;
}

static int create_work(fw_ctx *ctx, struct cache *c, const struct order_req *rq, fw_id batch_id,
                       int64_t index, fw_id *out_id, fw_error **err)
{
    struct fw__payout_order o;
    int rc, suspended = 0;

    if ((rc = enterprise_gates(ctx, c, rq->enterprise_id, err)) != FW_OK ||
        (rc = worker_gates(ctx, rq->enterprise_id, rq->worker_id, err)) != FW_OK)
        return rc;
    if ((rc = insert_order(ctx, rq, batch_id, index, &o, err)) != FW_OK)
        return rc;
    /* the claim is part of this order's savepoint: a refused order leaves the item unclaimed */
    if (rq->payable_id && (rc = fw__task_payable_claim(ctx, rq->payable_id, o.id, err)) != FW_OK)
        return rc;
    if ((rc = risk_gate(ctx, &o, &suspended, err)) != FW_OK)
        return rc;
    if (!suspended && (rc = hold_order(ctx, c, &o, NULL, err)) != FW_OK)
        return rc;
    *out_id = o.id;
    return FW_OK;
}

static char *order_canonical(const struct order_req *rq)
{
    cJSON *j = cJSON_CreateObject();
    char *text = NULL;

    if (j && (!rq->payable_id || fw__json_add_i64(j, "payable_id", rq->payable_id)) &&
        fw__json_add_i64(j, "enterprise_id", rq->enterprise_id) &&
        fw__json_add_i64(j, "worker_id", rq->worker_id) &&
        fw__json_add_i64(j, "amount_fen", rq->amount) &&
        cJSON_AddStringToObject(j, "task_ref", rq->task_ref) &&
        (!rq->external_ref || cJSON_AddStringToObject(j, "external_ref", rq->external_ref)))
        text = fw__json_print(j);
    cJSON_Delete(j);
    return text;
}

static int audit_order(fw_ctx *ctx, const char *action, fw_id id, fw_error **err);

/* An order paying a payable item takes the item's worker, amount and task. */
static int resolve_payable(fw_ctx *ctx, struct order_req *rq, fw_error **err)
{
    struct fw__task_payable p;
    int rc = fw__task_payable_get(ctx, rq->payable_id, &p, err);

    if (rc != FW_OK)
        return rc;
    if (rq->enterprise_id && rq->enterprise_id != p.enterprise_id)
        return fw__error_set(err, FW_EINVAL, "payable_id", "payable item %lld belongs to enterprise "
                             "%lld, not %lld", (long long)p.id, (long long)p.enterprise_id,
                             (long long)rq->enterprise_id);
    rq->enterprise_id = p.enterprise_id;
    rq->worker_id = p.worker_id;
    rq->amount = p.amount_fen;
    snprintf(rq->task_buf, sizeof(rq->task_buf), "task:%lld", (long long)p.task_id);
    rq->task_ref = rq->task_buf;
    return FW_OK;
}

/* One order in its own savepoint, idempotent by its key; audited alone unless in a batch. */
static int create_one(fw_ctx *ctx, struct cache *c, const struct order_req *rq, fw_id batch_id,
                      int64_t index, fw_id *out_id, fw_error **err)
{
    struct order_req r = *rq;
    fw__idem idem;
    fw_id id = 0;
    char *canon;
    int rc;

    if (r.payable_id && (rc = resolve_payable(ctx, &r, err)) != FW_OK)
        return rc;
    rq = &r;
    if (!(canon = order_canonical(rq)))
        return fw__error_nomem(err);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        free(canon);
        return rc;
    }
    rc = fw__idem_begin(ctx, &idem, "payout.order", rq->key, canon, strlen(canon), err);
    free(canon);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = create_work(ctx, c, rq, batch_id, index, &id, err);
        if (rc == FW_OK && !batch_id)
            rc = audit_order(ctx, "payout.create", id, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

static const char *const order_fields[] = { "idempotency_key", "enterprise_id", "worker_id",
                                            "amount_fen", "task_ref", "payable_id", "external_ref",
                                            "memo", NULL };

static int parse_order(const cJSON *o, const char *path, int need_enterprise, struct order_req *rq,
                       fw_error **err)
{
    int rc, direct;

    if ((rc = fw__json_i64(o, path, "payable_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT,
                           &rq->payable_id, err)) != FW_OK)
        return rc;
    /* a payable item brings its worker, amount and task; a direct order names them */
    direct = rq->payable_id == 0;
    if (!direct) {
        static const char *const implied[] = { "worker_id", "amount_fen", "task_ref", NULL };
        const char *const *f;
        char p[64];
        for (f = implied; *f; f++)
            if (cJSON_GetObjectItemCaseSensitive(o, *f))
                return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, *f),
                                     "must be absent with payable_id (the item gives it)");
        need_enterprise = 0;
    }

    if ((rc = fw__json_only(o, path, order_fields, err)) != FW_OK ||
        (rc = fw__json_str(o, path, "idempotency_key", FW__REQUIRED, 1, FW__IDEM_KEY_MAX, &rq->key,
                           err)) != FW_OK ||
        (rc = fw__json_i64(o, path, "enterprise_id", need_enterprise ? FW__REQUIRED : FW__OPTIONAL,
                           1, FW__JSON_MAX_INT, &rq->enterprise_id, err)) != FW_OK ||
        (rc = fw__json_i64(o, path, "worker_id", direct, 1, FW__JSON_MAX_INT, &rq->worker_id,
                           err)) != FW_OK ||
        (rc = fw__json_i64(o, path, "amount_fen", direct, 1, FW__JSON_MAX_INT, &rq->amount,
                           err)) != FW_OK ||
        (rc = fw__json_str(o, path, "task_ref", direct, 1, FW__PAYOUT_REF_MAX, &rq->task_ref,
                           err)) != FW_OK ||
        (rc = fw__json_str(o, path, "external_ref", FW__OPTIONAL, 0, FW__PAYOUT_REF_MAX,
                           &rq->external_ref, err)) != FW_OK ||
        (rc = fw__json_str(o, path, "memo", FW__OPTIONAL, 0, FW__PAYOUT_NOTE_MAX, &rq->memo,
                           err)) != FW_OK)
        return rc;
    return FW_OK;
}

static int audit_order(fw_ctx *ctx, const char *action, fw_id id, fw_error **err)
{
    struct fw__payout_order o;
    char detail[384];
    int n, rc = fw__payout_order_load(ctx, id, &o, err);

    if (rc != FW_OK)
        return rc;
    n = snprintf(detail, sizeof(detail),
                 "{\"enterprise_id\":%lld,\"worker_id\":%lld,\"amount_fen\":%lld,\"state\":\"%s\","
                 "\"fee_fen\":%lld,\"iit_fen\":%lld,\"vat_fen\":%lld,\"surcharge_fen\":%lld,"
                 "\"net_fen\":%lld}", (long long)o.enterprise_id, (long long)o.worker_id,
                 (long long)o.amount, fw_payout_state_name(o.state), (long long)o.fee,
                 (long long)o.iit, (long long)o.vat, (long long)o.surcharge, (long long)o.net);
    return fw__audit_append(ctx, action, "payout_order", id, detail, (size_t)n, err);
}

int fw_payout_create(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                     uint32_t *out_state, fw_error **err)
{
    struct order_req rq;
    struct fw__payout_order o;
    struct cache c;
    cJSON *root = NULL;
    fw_id id = 0;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "payout.create", err)) != FW_OK)
        return rc;
    memset(&rq, 0, sizeof(rq));
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = parse_order(root, "$", 1, &rq, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    memset(&c, 0, sizeof(c));
    rc = create_one(ctx, &c, &rq, 0, 0, &id, err);
    if (rc == FW_OK)
        rc = fw__payout_order_load(ctx, id, &o, err);
    cache_clear(&c);
    cJSON_Delete(root);
    if (rc == FW_OK) {
        if (out_id)
            *out_id = id;
        if (out_state)
            *out_state = o.state;
    }
    return rc;
}

/* ---- batches ------------------------------------------------------------------------------- */

static int record_rejection(fw_ctx *ctx, fw_id batch_id, size_t index, const fw_error *e,
                            int code, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_payout_rejection(batch_id, batch_index, code, path, message) "
                       "VALUES (?,?,?,?,?)", "iiitt", batch_id, (int64_t)index, (int64_t)code,
                       e ? fw_error_path(e) : NULL, e ? fw_error_message(e) : fw_strerror(code));
}

static int batch_work(fw_ctx *ctx, const cJSON *orders, fw_id enterprise_id, int partial,
                      int submit, fw_id *out_batch, fw_error **err)
{
    struct cache c;
    const cJSON *item;
    size_t i = 0, n = (size_t)cJSON_GetArraySize(orders);
    fw_id batch_id, first = 0, last = 0;
    int64_t held = 0, amount = 0, rejected = 0;
    char detail[256];
    int rc, len;

    rc = fw__db_exec(ctx, err, "INSERT INTO fw_payout_batch(enterprise_id, mode, items, created_ms) "
                     "VALUES (?,?,?,?)", "iiii", enterprise_id, (int64_t)(partial ? 2 : 1),
                     (int64_t)n, fw_ctx_now(ctx));
    if (rc != FW_OK)
        return rc;
    batch_id = fw__db_last_id(ctx);
    memset(&c, 0, sizeof(c));
    for (item = orders->child; item && rc == FW_OK; item = item->next, i++) {
        struct order_req rq;
        fw_error *e = NULL;
        fw_id id = 0;
        char path[48];
        int orc;

        memset(&rq, 0, sizeof(rq));
        fw__json_path_index(path, sizeof(path), "$.orders", i);
        parse_order(item, path, 0, &rq, NULL);     /* validated before the transaction */
        rq.enterprise_id = enterprise_id;
        orc = create_one(ctx, &c, &rq, batch_id, (int64_t)i, &id, &e);
        if (orc == FW_OK) {
            if (!first)
                first = id;
            last = id;
            held++;
            amount += rq.amount;
            if (submit) {           /* suspended orders wait for an operator */
                struct fw__payout_order o;
                orc = fw__payout_order_load(ctx, id, &o, &e);
                if (orc == FW_OK && o.state == FW_PAYOUT_HELD)
                    orc = fw__payout_submit_one(ctx, id, NULL, &e);
            }
            if (orc != FW_OK)
                rc = fw__error_set(err, orc, path, "order %zu: %s", i, fw_error_message(e));
        } else if (partial && fw__idem_is_final(orc)) {
            rejected++;
            rc = record_rejection(ctx, batch_id, i, e, orc, err);
        } else {
            rc = fw__error_set(err, orc, path, "order %zu: %s", i, e ? fw_error_message(e) : "");
        }
        fw_error_free(e);
    }
    cache_clear(&c);
    if (rc != FW_OK)
        return rc;
    len = snprintf(detail, sizeof(detail),
                   "{\"enterprise_id\":%lld,\"orders\":%zu,\"accepted\":%lld,\"rejected\":%lld,"
                   "\"amount_fen\":%lld,\"first_order\":%lld,\"last_order\":%lld}",
                   (long long)enterprise_id, n, (long long)held, (long long)rejected,
                   (long long)amount, (long long)first, (long long)last);
    rc = fw__audit_append(ctx, "payout.batch", "payout_batch", batch_id, detail, (size_t)len, err);
    if (rc == FW_OK)
        *out_batch = batch_id;
    return rc;
}

static const char *const batch_fields[] = { "idempotency_key", "enterprise_id", "mode", "submit",
                                            "orders", NULL };
static const char *const modes[] = { "all", "partial", NULL };

int fw_payout_batch(fw_ctx *ctx, const char *json, size_t json_len, char **out_json,
                    size_t *out_len, fw_error **err)
{
    cJSON *root = NULL;
    const cJSON *orders = NULL, *item;
    const char *key = NULL;
    fw_id enterprise_id = 0, batch_id = 0;
    int mode = 0, submit = 0, rc;
    char *canon = NULL, keybuf[FW__IDEM_KEY_MAX + 1];
    fw__idem idem;
    size_t i = 0;

    if (!ctx || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required");
    if ((rc = fw__authz_require(ctx, "payout.create", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", batch_fields, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "idempotency_key", FW__REQUIRED, 1, FW__IDEM_KEY_MAX, &key,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__REQUIRED, 1, FW__JSON_MAX_INT,
                           &enterprise_id, err)) != FW_OK ||
        (rc = fw__json_enum(root, "$", "mode", FW__OPTIONAL, modes, &mode, err)) != FW_OK ||
        (rc = fw__json_bool(root, "$", "submit", FW__OPTIONAL, &submit, err)) != FW_OK ||
        (rc = fw__json_arr(root, "$", "orders", FW__REQUIRED, FW__PAYOUT_BATCH_MAX, &orders,
                           err)) != FW_OK)
        goto done;
    if (cJSON_GetArraySize(orders) == 0) {
        rc = fw__error_set(err, FW_EINVAL, "$.orders", "must hold 1..%d orders, got none",
                           FW__PAYOUT_BATCH_MAX);
        goto done;
    }
    for (item = orders->child; item; item = item->next, i++) {
        struct order_req rq;
        char path[48];
        memset(&rq, 0, sizeof(rq));
        fw__json_path_index(path, sizeof(path), "$.orders", i);
        if (!cJSON_IsObject(item)) {
            rc = fw__error_set(err, FW_EINVAL, path, "must be an order object");
            goto done;
        }
        if ((rc = parse_order(item, path, 0, &rq, err)) != FW_OK)
            goto done;
        if (cJSON_GetObjectItemCaseSensitive(item, "enterprise_id") && rq.enterprise_id != enterprise_id) {
            rc = fw__error_set(err, FW_EINVAL, path, "enterprise_id must be the batch's (%lld), got %lld",
                               (long long)enterprise_id, (long long)rq.enterprise_id);
            goto done;
        }
    }
    /* the key names the request; the rest of it, canonically printed, is the request */
    snprintf(keybuf, sizeof(keybuf), "%s", key);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "idempotency_key");
    if (!(canon = fw__json_print(root))) {
        rc = fw__error_nomem(err);
        goto done;
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        goto done;
    rc = fw__idem_begin(ctx, &idem, "payout.batch", keybuf, canon, strlen(canon), err);
    if (rc == FW_OK && idem.replayed) {
        batch_id = idem.result_id;
        rc = idem.rc;       /* a replay submits nothing: fw_payout_batch_submit() does */
    } else if (rc == FW_OK) {
        rc = batch_work(ctx, orders, enterprise_id, mode == 1, submit, &batch_id, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, batch_id, NULL, err);
    if (rc == FW_OK)
        rc = fw__payout_batch_json(ctx, batch_id, out_json, out_len, err);
done:
    free(canon);
    cJSON_Delete(root);
    return rc;
}

/* The enterprise's unclaimed payable items as batch orders keyed "<batch key>/payable:<id>". */
static int payable_orders(fw_ctx *ctx, fw_id enterprise_id, int64_t max, const char *key,
                          cJSON **out, fw_error **err)
{
    struct fw__task_payable page[256];
    cJSON *arr = cJSON_CreateArray();
    fw_id after = 0;
    int64_t taken = 0;
    int rc = arr ? FW_OK : fw__error_nomem(err);

    while (rc == FW_OK && taken < max) {
        size_t n = 0, i, want = (size_t)(max - taken < 256 ? max - taken : 256);
        if ((rc = fw__task_payables_unclaimed(ctx, enterprise_id, after, page, want, &n,
                                              err)) != FW_OK || n == 0)
            break;
        for (i = 0; i < n && rc == FW_OK; i++) {
            cJSON *o = cJSON_CreateObject();
            char k[FW__IDEM_KEY_MAX + 40];
            snprintf(k, sizeof(k), "%s/payable:%lld", key, (long long)page[i].id);
            if (!o || !cJSON_AddItemToArray(arr, o) || strlen(k) > FW__IDEM_KEY_MAX ||
                !cJSON_AddStringToObject(o, "idempotency_key", k) ||
                !fw__json_add_i64(o, "payable_id", page[i].id))
                rc = strlen(k) > FW__IDEM_KEY_MAX
                         ? fw__error_set(err, FW_EINVAL, "idempotency_key", "must leave room for "
                                         "\"/payable:<id>\" within %d bytes", FW__IDEM_KEY_MAX)
                         : fw__error_nomem(err);
        }
        taken += (int64_t)n;
        after = page[n - 1].id;
        if (n < want)
            break;
    }
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    *out = arr;
    return FW_OK;
}

static const char *const payables_fields[] = { "idempotency_key", "enterprise_id", "max_orders",
                                               "mode", "submit", NULL };

int fw_payout_batch_payables(fw_ctx *ctx, const char *json, size_t json_len, char **out_json,
                             size_t *out_len, fw_error **err)
{
    cJSON *root = NULL, *orders = NULL;
    const char *key = NULL;
    fw_id enterprise_id = 0, batch_id = 0;
    int64_t max = 1000;
    int mode = 0, submit = 0, rc;
    char *canon = NULL, keybuf[FW__IDEM_KEY_MAX + 1];
    fw__idem idem;

    if (!ctx || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required");
    if ((rc = fw__authz_require(ctx, "payout.create", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", payables_fields, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "idempotency_key", FW__REQUIRED, 1, FW__IDEM_KEY_MAX, &key,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__REQUIRED, 1, FW__JSON_MAX_INT,
                           &enterprise_id, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "max_orders", FW__OPTIONAL, 1, FW__PAYOUT_BATCH_MAX, &max,
                           err)) != FW_OK ||
        (rc = fw__json_enum(root, "$", "mode", FW__OPTIONAL, modes, &mode, err)) != FW_OK ||
        (rc = fw__json_bool(root, "$", "submit", FW__OPTIONAL, &submit, err)) != FW_OK)
        goto done;
    snprintf(keybuf, sizeof(keybuf), "%s", key);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "idempotency_key");
    if (!(canon = fw__json_print(root))) {
        rc = fw__error_nomem(err);
        goto done;
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        goto done;
    rc = fw__idem_begin(ctx, &idem, "payout.batch_payables", keybuf, canon, strlen(canon), err);
    if (rc == FW_OK && idem.replayed) {
        batch_id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = payable_orders(ctx, enterprise_id, max, keybuf, &orders, err);
        if (rc == FW_OK && cJSON_GetArraySize(orders) == 0)
            rc = fw__error_set(err, FW_ENOTFOUND, "enterprise_id", "enterprise %lld has no "
                               "unclaimed payable items", (long long)enterprise_id);
        if (rc == FW_OK)
            rc = batch_work(ctx, orders, enterprise_id, mode == 1, submit, &batch_id, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, batch_id, NULL, err);
    if (rc == FW_OK)
        rc = fw__payout_batch_json(ctx, batch_id, out_json, out_len, err);
done:
    cJSON_Delete(orders);
    free(canon);
    cJSON_Delete(root);
    return rc;
}
