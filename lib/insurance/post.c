/*
 * Due premiums to the ledger. Insurance sits above the ledger, so it posts its own
 * premiums: one entry per premium, the payer's account debited, insurance payable credited:
 *
 *   payer "enterprise":  enterprise_funds(E) / insurance_payable
 *   payer "worker":      worker_payable(W)   / insurance_payable
 *   payer "platform":    fee_revenue         / insurance_payable   (the platform bears it)
 *
 * and the premium is marked posted with the entry in the same transaction, so that it is
 * posted exactly once. A premium its payer cannot cover yet (funds short, no account) stays due
 * for a later run; the others are posted.
 */
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/idem.h"
#include "insurance/insurance.h"
#include "ledger/ledger.h"

struct run {
    fw_id payable;
    int64_t posted, posted_fen, skipped;
    fw_error **err;
};

static int payer_account(fw_ctx *ctx, const struct fw__insurance_premium *p, fw_id *out, fw_error **err)
{
    if (strcmp(p->payer, "enterprise") == 0)
        return fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, p->enterprise_id, FW_ACCT_ENTERPRISE_FUNDS,
                                  "CNY", 0, out, err);
    if (strcmp(p->payer, "worker") == 0)
        return fw__ledger_account(ctx, FW_LEDGER_OWNER_WORKER, p->worker_id, FW_ACCT_WORKER_PAYABLE, "CNY", 0,
                                  out, err);
    return fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE, "CNY", 1, out, err);
}

static int post_one(fw_ctx *ctx, const struct fw__insurance_premium *p, void *payload)
{
    struct run *r = payload;
    fw_error *e = NULL;
    fw_id from = 0, entry = 0;
    char ref[32], jref[48];
    int rc;

    if (p->amount_fen == 0) {   /* nothing to book; the premium is settled as it stands */
        if ((rc = fw__insurance_premium_mark_posted(ctx, p->id, "none", r->err)) == FW_OK)
            r->posted++;
        return rc;
    }
    snprintf(ref, sizeof(ref), "%lld", (long long)p->id);
    if ((rc = fw__tx_begin(ctx, r->err)) != FW_OK)
        return rc;
    rc = payer_account(ctx, p, &from, &e);
    if (rc == FW_OK)
        rc = fw__ledger_transfer(ctx, &entry, from, r->payable, p->amount_fen, "insurance.premium",
                                 "insurance_premium", ref, &e);
    if (rc == FW_OK) {
        snprintf(jref, sizeof(jref), "ledger_entry:%lld", (long long)entry);
        rc = fw__insurance_premium_mark_posted(ctx, p->id, jref, &e);
    }
    rc = fw__tx_end(ctx, rc, &e);
    if (rc == FW_EFUNDS || rc == FW_ENOTFOUND) {
        fw_error_free(e);       /* the payer cannot cover it yet: left due */
        r->skipped++;
        return FW_OK;
    }
    if (rc != FW_OK) {
        if (r->err && !*r->err)
            *r->err = e;
        else
            fw_error_free(e);
        return rc;
    }
    r->posted++;
    r->posted_fen += p->amount_fen;
    return FW_OK;
}

int fw_insurance_post_premiums(fw_ctx *ctx, int64_t before_ms, const char *idem_key, fw_error **err)
{
    struct run r = { 0, 0, 0, 0, err };
    char req[64], detail[160];
    fw__idem idem;
    int rc, n;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (before_ms < 0)
        return fw__error_set(err, FW_EINVAL, "before_ms", "must be 0 (every due premium) or a time in ms, got %lld",
                             (long long)before_ms);
    if (!idem_key || !*idem_key || strlen(idem_key) > FW__IDEM_KEY_MAX)
        return fw__error_set(err, FW_EINVAL, "idem_key", "an idempotency key of 1 to %d bytes is required",
                             FW__IDEM_KEY_MAX);
    if ((rc = fw__authz_require(ctx, "insurance.post", err)) != FW_OK)
        return rc;
    n = snprintf(req, sizeof(req), "{\"before_ms\":%lld}", (long long)before_ms);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "insurance.post", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed)
        return fw__idem_end(ctx, &idem, idem.rc, idem.result_id, NULL, err);
    if (rc == FW_OK)
        rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_INSURANCE_PAYABLE, "CNY", 1, &r.payable,
                                err);
    if (rc == FW_OK)
        rc = fw__insurance_premiums_due(ctx, before_ms, post_one, &r, err);
    if (rc == FW_OK) {
        n = snprintf(detail, sizeof(detail), "{\"before_ms\":%lld,\"posted\":%lld,\"amount_fen\":%lld,"
                     "\"left_due\":%lld}", (long long)before_ms, (long long)r.posted, (long long)r.posted_fen,
                     (long long)r.skipped);
        rc = fw__audit_append(ctx, "insurance.post", "insurance_premium", 0, detail, (size_t)n, err);
    }
    return fw__idem_end(ctx, &idem, rc, 0, NULL, err);
}
