/*
 * Submission to the payment channel and its results (R-7.5.d, R-6.d).
 *
 * Postings (debit / credit), for an order with E = enterprise_pays, F = fee, I = IIT,
 * V = VAT, S = surcharges, N = net:
 *   paid:      post the hold          enterprise_funds(E) / worker_payable(W)        E
 *              distribute             worker_payable(W) E / fee_revenue F, iit_withheld I,
 *                                     vat_payable V, surcharges_payable S, bank_clearing N
 *   failed:    void the hold (no postings)
 *   returned:  reverse the distribution, then the post
 *
 * A submission carries a request number derived from the order, so a channel that sees it twice
 * (the process died after the channel accepted and before the commit) pays once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"
#include "core/json.h"
#include "ledger/ledger.h"
#include "party/party.h"
#include "payout/payout.h"
#include "task/task.h"
#include "tax/tax.h"

static int platform_account(fw_ctx *ctx, uint32_t type, fw_id *out, fw_error **err)
{
    return fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, type, NULL, 1, out, err);
}

static int post_paid(fw_ctx *ctx, struct fw__payout_order *o, fw_error **err)
{
    static const uint32_t types[] = { FW_ACCT_FEE_REVENUE, FW_ACCT_IIT_WITHHELD,
                                      FW_ACCT_VAT_PAYABLE, FW_ACCT_SURCHARGES_PAYABLE,
                                      FW_ACCT_BANK_CLEARING };
    const int64_t amounts[] = { o->fee, o->iit, o->vat, o->surcharge, o->net };
    struct fw__posting p[6];
    struct fw__entry_meta m;
    fw_id payable = 0, post = 0, dist = 0;
    char ref[24];
    size_t i, n = 1;
    int rc;

    if ((rc = fw__ledger_hold_post(ctx, &post, o->hold_id, FW_LEDGER_AMOUNT_FULL, err)) != FW_OK)
        return rc;
    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_WORKER, o->worker_id,
                                 FW_ACCT_WORKER_PAYABLE, NULL, 0, &payable, err)) != FW_OK)
        return rc;
    p[0].account_id = payable;
    p[0].amount = o->enterprise_pays;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (amounts[i] == 0)
            continue;
        if ((rc = platform_account(ctx, types[i], &p[n].account_id, err)) != FW_OK)
            return rc;
        p[n++].amount = -amounts[i];
    }
    snprintf(ref, sizeof(ref), "%lld", (long long)o->id);
    memset(&m, 0, sizeof(m));
    m.kind = FW_LEDGER_ENTRY_POSTED;
    m.reason = "payout.paid";
    m.related_id = post;
    m.ref_kind = "payout";
    m.ref_id = ref;
    if (n > 1 && (rc = fw__ledger_post(ctx, p, n, &m, &dist, err)) != FW_OK)
        return rc;
    o->post_entry = post;
    o->dist_entry = dist;
    return fw__db_exec(ctx, err, "UPDATE fw_payout_order SET post_entry=?, dist_entry=?, paid_ms=? "
                       "WHERE id=?", dist ? "iiii" : "inii", post, dist, fw_ctx_now(ctx), o->id);
}

/*
 * Reverses the order's withholding. The tax module recomputes the worker's cumulative figures
 * without the payment, so the reversal may differ from what the order withheld (under the
 * cumulative method a later payment's tax depended on this one). The ledger follows the tax
 * records: the difference moves between the tax liabilities and the worker's payable (tax
 * withheld in excess is owed back to the worker).
 */
static int reverse_tax(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err)
{
    static const uint32_t types[] = { FW_ACCT_IIT_WITHHELD, FW_ACCT_VAT_PAYABLE,
                                      FW_ACCT_SURCHARGES_PAYABLE };
    struct fw__tax_result r;
    struct fw__posting p[4];
    struct fw__entry_meta m;
    int64_t d[3], total = 0;
    fw_id entry = 0;
    char ref[32];
    size_t i, n = 0;
    int rc;

    if (o->gross == 0)
        return FW_OK;
    snprintf(ref, sizeof(ref), "payout:%lld", (long long)o->id);
    if ((rc = fw__tax_reverse_ex(ctx, ref, fw_ctx_now(ctx), &r, err)) != FW_OK)
        return rc;
    d[0] = o->iit + r.iit_fen;
    d[1] = o->vat + r.vat_fen;
    d[2] = o->surcharge + r.surcharge_fen;
    for (i = 0; i < 3; i++) {
        if (d[i] == 0)
            continue;
        if ((rc = platform_account(ctx, types[i], &p[n].account_id, err)) != FW_OK)
            return rc;
        p[n++].amount = -d[i];
        total += d[i];
    }
    if (n == 0 || total == 0)
        return FW_OK;
    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_WORKER, o->worker_id,
                                 FW_ACCT_WORKER_PAYABLE, NULL, 1, &p[n].account_id, err)) != FW_OK)
        return rc;
    p[n++].amount = total;
    snprintf(ref, sizeof(ref), "%lld", (long long)o->id);
    memset(&m, 0, sizeof(m));
    m.kind = FW_LEDGER_ENTRY_POSTED;
    m.reason = "payout.tax_adjusted";
    m.ref_kind = "payout";
    m.ref_id = ref;
    m.memo = "withholding recomputed without the payment";
    return fw__ledger_post(ctx, p, n, &m, &entry, err);
}

/* Voids the hold and reverses the withholding: the order comes to nothing. */
static int unwind_held(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err)
{
    int rc = fw__ledger_hold_void(ctx, o->hold_id, err);
    if (rc == FW_OK)
        rc = reverse_tax(ctx, o, err);
    if (rc == FW_OK)
        rc = fw__payout_volume_sub(ctx, o, err);
    if (rc == FW_OK)
        rc = fw__payout_risk_unrecord(ctx, o, err);
    if (rc == FW_OK && o->payable_id)     /* the work is still owed: a later order pays it */
        rc = fw__task_payable_release(ctx, o->payable_id, o->id, err);
    return rc;
}

static int post_returned(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err)
{
    fw_id id = 0;
    int rc = FW_OK;

    if (o->dist_entry)
        rc = fw__ledger_reverse(ctx, &id, o->dist_entry, "payout.returned", err);
    if (rc == FW_OK)
        rc = fw__ledger_reverse(ctx, &id, o->post_entry, "payout.returned", err);
    if (rc == FW_OK)
        rc = reverse_tax(ctx, o, err);
    if (rc == FW_OK)
        rc = fw__payout_volume_sub(ctx, o, err);
    if (rc == FW_OK)
        rc = fw__payout_risk_unrecord(ctx, o, err);
    if (rc == FW_OK && o->payable_id)
        rc = fw__task_payable_release(ctx, o->payable_id, o->id, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET returned_ms=? WHERE id=?", "ii",
                         fw_ctx_now(ctx), o->id);
    return rc;
}

static const char *const result_names[] = { NULL, "success", "failed", "returned" };

int fw__payout_apply(fw_ctx *ctx, fw_id order_id, uint32_t result, const char *channel_ref,
                     const char *reason, uint32_t *state, fw_error **err)
{
    struct fw__payout_order o;
    uint32_t to;
    int rc;

    if ((rc = fw__payout_order_load(ctx, order_id, &o, err)) != FW_OK)
        return rc;
    switch (result) {
    case FW_PAYOUT_RESULT_SUCCESS: to = FW_PAYOUT_PAID; break;
    case FW_PAYOUT_RESULT_FAILED: to = FW_PAYOUT_FAILED; break;
    default: to = FW_PAYOUT_RETURNED; break;
    }
    /* Channels notify more than once: the state already reached is accepted again. */
    if (o.state == to || (to == FW_PAYOUT_PAID && o.state == FW_PAYOUT_RETURNED)) {
        if (state)
            *state = o.state;
        return FW_OK;
    }
    if (to == FW_PAYOUT_RETURNED ? o.state != FW_PAYOUT_PAID
                                 : o.state != FW_PAYOUT_HELD && o.state != FW_PAYOUT_SUBMITTED) {
        const char *hint = to == FW_PAYOUT_FAILED && o.state == FW_PAYOUT_PAID
                               ? "; money coming back after payment is a return (RETURNED)"
                               : "";
        return fw__error_set(err, FW_ESTATE, "result",
                             "payout order %lld is %s; a result \"%s\" needs %s%s", (long long)o.id,
                             fw_payout_state_name(o.state), result_names[result],
                             to == FW_PAYOUT_RETURNED ? "a paid order" : "a held or submitted order",
                             hint);
    }
    if (to == FW_PAYOUT_PAID)
        rc = post_paid(ctx, &o, err);
    else if (to == FW_PAYOUT_FAILED)
        rc = unwind_held(ctx, &o, err);
    else
        rc = post_returned(ctx, &o, err);
    if (rc == FW_OK && channel_ref)
        rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET channel_ref=? WHERE id=?", "ti",
                         channel_ref, o.id);
    if (rc == FW_OK && reason && to != FW_PAYOUT_PAID)
        rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET reason=? WHERE id=?", "ti", reason,
                         o.id);
    if (rc == FW_OK)
        rc = fw__payout_transition(ctx, o.id, o.state, to, reason, err);
    if (rc == FW_OK && state)
        *state = to;
    return rc;
}

/* ---- the channel ---------------------------------------------------------------------------- */

/* Reads {"status":"success|failed|pending","channel_ref","reason"}; 0 for pending or unusable. */
static uint32_t parse_answer(const struct fw_reply *reply, char *ref, size_t ref_size, char *why,
                             size_t why_size)
{
    static const char *const statuses[] = { "pending", "success", "failed", NULL };
    cJSON *j = NULL;
    const char *r = NULL, *w = NULL;
    int st = 0;

    ref[0] = why[0] = '\0';
    if (!reply->json || fw__json_parse(&j, reply->json, reply->len, NULL) != FW_OK)
        return 0;
    if (fw__json_enum(j, "$", "status", FW__REQUIRED, statuses, &st, NULL) != FW_OK)
        st = 0;
    fw__json_str(j, "$", "channel_ref", FW__OPTIONAL, 0, FW__PAYOUT_REF_MAX, &r, NULL);
    fw__json_str(j, "$", "reason", FW__OPTIONAL, 0, FW__PAYOUT_NOTE_MAX, &w, NULL);
    snprintf(ref, ref_size, "%s", r ? r : "");
    snprintf(why, why_size, "%s", w ? w : "");
    cJSON_Delete(j);
    return st == 1 ? FW_PAYOUT_RESULT_SUCCESS : st == 2 ? FW_PAYOUT_RESULT_FAILED : 0;
}

static int call_channel(fw_ctx *ctx, fw_provider_fn fn, const struct fw__payout_order *o,
                        int with_card, uint32_t *result, char *ref, char *why, char *note,
                        fw_error **err)
{
    struct fw_reply reply = { NULL, 0 };
    char *card = NULL, req[512];
    int n, prc, rc;

    *result = 0;
    if (with_card && (rc = fw__party_worker_bank_card(ctx, o->worker_id, &card, err)) != FW_OK)
        return rc;
    n = snprintf(req, sizeof(req),
                 "{\"order_id\":%lld,\"request_no\":\"FWP%lld\",\"enterprise_id\":%lld,"
                 "\"worker_id\":%lld,\"amount_fen\":%lld%s%s%s}", (long long)o->id,
                 (long long)o->id, (long long)o->enterprise_id, (long long)o->worker_id,
                 (long long)o->net, card ? ",\"bank_card\":\"" : "", card ? card : "",
                 card ? "\"" : "");
    if (card) {
        sodium_memzero(card, strlen(card));
        fw_free(card);
    }
    prc = fw__provider_call(fn, ctx->payment.payload, req, (size_t)n, &reply);
    sodium_memzero(req, sizeof(req));
    if (prc == FW_OK) {
        *result = parse_answer(&reply, ref, FW__PAYOUT_REF_MAX + 1, why, FW__PAYOUT_NOTE_MAX + 1);
        snprintf(note, 128, "%s", *result ? "" : "the channel's answer is pending");
    } else if (prc == FW_ETIMEOUT) {
        snprintf(note, 128, "the channel did not answer in time");
    } else if (prc == FW_EPENDING) {
        snprintf(note, 128, "the channel will answer later");
    } else {
        snprintf(note, 128, "the channel failed (%s); the outcome is unknown until queried",
                 fw_strerror(prc));
    }
    fw__reply_clear(&reply);
    return FW_OK;
}

int fw__payout_submit_one(fw_ctx *ctx, fw_id order_id, uint32_t *state, fw_error **err)
{
    struct fw__payout_order o;
    char ref[FW__PAYOUT_REF_MAX + 1], why[FW__PAYOUT_NOTE_MAX + 1], note[128];
    uint32_t result = 0;
    int rc;

    if ((rc = fw__payout_order_load(ctx, order_id, &o, err)) != FW_OK)
        return rc;
    if (o.state == FW_PAYOUT_SUSPENDED || o.state == FW_PAYOUT_CANCELLED)
        return fw__error_set(err, FW_ESTATE, "order_id",
                             "payout order %lld is %s; only a held order is submitted",
                             (long long)o.id, fw_payout_state_name(o.state));
    if (o.state != FW_PAYOUT_HELD) {
        if (state)
            *state = o.state;
        return FW_OK;
    }
    if (!ctx->payment.submit) {
        rc = fw__payout_transition(ctx, o.id, o.state, FW_PAYOUT_SUBMITTED,
                                   "no payment provider: an operator records the result", err);
        if (rc == FW_OK && state)
            *state = FW_PAYOUT_SUBMITTED;
        return rc;
    }
    if ((rc = call_channel(ctx, ctx->payment.submit, &o, 1, &result, ref, why, note, err)) != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET submitted_ms=? WHERE id=?", "ii",
                     fw_ctx_now(ctx), o.id);
    if (rc == FW_OK)
        rc = fw__payout_transition(ctx, o.id, o.state, FW_PAYOUT_SUBMITTED, note[0] ? note : NULL,
                                   err);
    if (rc == FW_OK && result)
        return fw__payout_apply(ctx, o.id, result, ref[0] ? ref : NULL, why[0] ? why : NULL,
                                state, err);
    if (rc == FW_OK && state)
        *state = FW_PAYOUT_SUBMITTED;
    return rc;
}

static int audit_state(fw_ctx *ctx, const char *action, fw_id id, uint32_t state, fw_error **err)
{
    char detail[96];
    int n = snprintf(detail, sizeof(detail), "{\"state\":\"%s\"}", fw_payout_state_name(state));
    return fw__audit_append(ctx, action, "payout_order", id, detail, (size_t)n, err);
}

int fw_payout_submit(fw_ctx *ctx, fw_id order_id, uint32_t *out_state, fw_error **err)
{
    uint32_t st = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "payout.submit", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__payout_submit_one(ctx, order_id, &st, err);
    if (rc == FW_OK)
        rc = audit_state(ctx, "payout.submit", order_id, st, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = st;
    return rc;
}

int fw_payout_batch_submit(fw_ctx *ctx, fw_id batch_id, char **out_json, size_t *out_len,
                           fw_error **err)
{
    fw__stmt *s;
    fw_id *ids = NULL;
    size_t n = 0, cap = 0, i;
    char detail[96];
    int rc, len;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "payout.submit", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT id FROM fw_payout_batch WHERE id=?", "i", batch_id);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__DONE)
            rc = fw__error_set(err, FW_ENOTFOUND, "batch_id", "no payout batch %lld",
                               (long long)batch_id);
        fw__db_done(s);
    }
    if (rc == FW__ROW)
        rc = fw__db_query(ctx, &s, err, "SELECT id FROM fw_payout_order WHERE batch_id=? AND "
                          "state=2 ORDER BY batch_index", "i", batch_id);
    if (rc == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            if (n == cap) {
                fw_id *m = realloc(ids, (cap = cap ? 2 * cap : 256) * sizeof(*ids));
                if (!m) {
                    rc = fw__error_nomem(err);
                    break;
                }
                ids = m;
            }
            ids[n++] = fw__db_col_i64(s, 0);
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
    }
    for (i = 0; i < n && rc == FW_OK; i++)
        rc = fw__payout_submit_one(ctx, ids[i], NULL, err);
    free(ids);
    if (rc == FW_OK) {
        len = snprintf(detail, sizeof(detail), "{\"submitted\":%zu}", n);
        rc = fw__audit_append(ctx, "payout.batch_submit", "payout_batch", batch_id, detail,
                              (size_t)len, err);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        rc = fw__payout_batch_json(ctx, batch_id, out_json, out_len, err);
    return rc;
}

static int check_text(const char *s, size_t max, int required, const char *path, fw_error **err)
{
    size_t n = s ? strlen(s) : 0;
    if ((required && n == 0) || n > max)
        return fw__error_set(err, FW_EINVAL, path, "must be %s%zu bytes, got %zu",
                             required ? "1.." : "at most ", max, n);
    return FW_OK;
}

int fw_payout_result(fw_ctx *ctx, fw_id order_id, uint32_t result, const char *channel_ref,
                     const char *reason, uint32_t *out_state, fw_error **err)
{
    uint32_t st = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (result < FW_PAYOUT_RESULT_SUCCESS || result > FW_PAYOUT_RESULT_RETURNED)
        return fw__error_set(err, FW_EINVAL, "result", "must be FW_PAYOUT_RESULT_SUCCESS (1), "
                             "_FAILED (2) or _RETURNED (3), got %u", result);
    if ((rc = check_text(channel_ref, FW__PAYOUT_REF_MAX, 0, "channel_ref", err)) != FW_OK ||
        (rc = check_text(reason, FW__PAYOUT_NOTE_MAX, 0, "reason", err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "payout.result", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__payout_apply(ctx, order_id, result, channel_ref, reason, &st, err);
    if (rc == FW_OK)
        rc = audit_state(ctx, "payout.result", order_id, st, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = st;
    return rc;
}

int fw_payout_sweep(fw_ctx *ctx, uint32_t max_orders, int64_t *out_resolved, fw_error **err)
{
    fw__stmt *s;
    fw_id *ids = NULL;
    size_t n = 0, i;
    int64_t resolved = 0;
    fw_error *e = NULL;
    int rc, arc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (max_orders == 0 || max_orders > FW__PAYOUT_BATCH_MAX)
        return fw__error_set(err, FW_EINVAL, "max_orders", "must be 1..%d, got %u",
                             FW__PAYOUT_BATCH_MAX, max_orders);
    if ((rc = fw__authz_require(ctx, "payout.submit", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    if (!ctx->payment.query)
        goto end;
    if (!(ids = malloc(max_orders * sizeof(*ids)))) {
        rc = fw__error_nomem(err);
        goto end;
    }
    rc = fw__db_query(ctx, &s, err, "SELECT id FROM fw_payout_order WHERE state=3 ORDER BY id "
                      "LIMIT ?", "i", (int64_t)max_orders);
    if (rc == FW_OK) {
        while (n < max_orders && (rc = fw__db_step(s, err)) == FW__ROW)
            ids[n++] = fw__db_col_i64(s, 0);
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    for (i = 0; i < n && rc == FW_OK; i++) {
        struct fw__payout_order o;
        char ref[FW__PAYOUT_REF_MAX + 1], why[FW__PAYOUT_NOTE_MAX + 1], note[128];
        uint32_t result = 0;

        if ((rc = fw__payout_order_load(ctx, ids[i], &o, err)) != FW_OK ||
            (rc = call_channel(ctx, ctx->payment.query, &o, 0, &result, ref, why, note,
                               err)) != FW_OK || !result)
            continue;
        /*
         * Each answer in its own savepoint: one that cannot be applied (its period is closed,
         * say) stays submitted with a note, and the sweep goes on with the others.
         */
        if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
            break;
        arc = fw__payout_apply(ctx, o.id, result, ref[0] ? ref : NULL, why[0] ? why : NULL, NULL,
                               &e);
        if (arc == FW_OK)
            arc = audit_state(ctx, "payout.result", o.id,
                              result == FW_PAYOUT_RESULT_SUCCESS ? FW_PAYOUT_PAID : FW_PAYOUT_FAILED,
                              &e);
        rc = fw__tx_end(ctx, arc, NULL);
        if (arc == FW_OK) {
            resolved++;
        } else if (arc == rc && fw__idem_is_final(arc)) {
            char text[FW__PAYOUT_NOTE_MAX + 1];
            snprintf(text, sizeof(text), "the channel's answer could not be applied: %s",
                     fw_error_message(e));
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_payout_event(order_id, at_ms, from_state, "
                             "to_state, role, note) VALUES (?,?,3,3,?,?)", "iiit", o.id,
                             fw_ctx_now(ctx), (int64_t)ctx->role, text);
        } else {
            fw__error_copy(err, arc, fw_error_path(e), fw_error_message(e));
            rc = arc;
        }
        fw_error_free(e);
        e = NULL;
    }
end:
    free(ids);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_resolved)
        *out_resolved = resolved;
    return rc;
}

int fw_payout_release(fw_ctx *ctx, fw_id order_id, const char *note, uint32_t *out_state,
                      fw_error **err)
{
    struct fw__payout_order o;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = check_text(note, FW__PAYOUT_NOTE_MAX, 1, "note", err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "payout.release", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__payout_order_load(ctx, order_id, &o, err);
    if (rc == FW_OK && o.state != FW_PAYOUT_SUSPENDED)
        rc = fw__error_set(err, FW_ESTATE, "order_id",
                           "payout order %lld is %s; only a suspended order is released",
                           (long long)o.id, fw_payout_state_name(o.state));
    if (rc == FW_OK)
        rc = fw__payout_hold(ctx, o.id, note, err);
    if (rc == FW_OK)
        rc = audit_state(ctx, "payout.release", o.id, FW_PAYOUT_HELD, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = FW_PAYOUT_HELD;
    return rc;
}

int fw_payout_cancel(fw_ctx *ctx, fw_id order_id, const char *reason, fw_error **err)
{
    struct fw__payout_order o;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = check_text(reason, FW__PAYOUT_NOTE_MAX, 1, "reason", err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "payout.cancel", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__payout_order_load(ctx, order_id, &o, err);
    if (rc == FW_OK && o.state != FW_PAYOUT_SUSPENDED && o.state != FW_PAYOUT_HELD)
        rc = fw__error_set(err, FW_ESTATE, "order_id",
                           "payout order %lld is %s; only a suspended or held order is cancelled",
                           (long long)o.id, fw_payout_state_name(o.state));
    if (rc == FW_OK && o.state == FW_PAYOUT_HELD)
        rc = unwind_held(ctx, &o, err);
    else if (rc == FW_OK && o.payable_id)
        rc = fw__task_payable_release(ctx, o.payable_id, o.id, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_payout_order SET reason=? WHERE id=?", "ti", reason,
                         o.id);
    if (rc == FW_OK)
        rc = fw__payout_transition(ctx, o.id, o.state, FW_PAYOUT_CANCELLED, reason, err);
    if (rc == FW_OK)
        rc = audit_state(ctx, "payout.cancel", o.id, FW_PAYOUT_CANCELLED, err);
    return fw__tx_end(ctx, rc, err);
}
