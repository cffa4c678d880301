/*
 * Ledger, fees and funding: the enterprise pays in, the payments are recognised (by its
 * registered account, by its reference code, and one by an operator from suspense), a fee is
 * charged at funding, and the books balance.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

/* Fen as yuan text, without floating point. */
static const char *yuan(int64_t fen, char *buf, size_t size)
{
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, size, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(m / 100),
             (unsigned long long)(m % 100));
    return buf;
}

static int show_balance(fw_ctx *ctx, const char *label, uint32_t kind, fw_id owner, uint32_t type,
                        fw_error **err)
{
    fw_id id = 0;
    int64_t posted = 0, available = 0;
    char a[32], b[32];
    int rc = fw_ledger_account_find(ctx, &id, kind, owner, type, "CNY", err);

    if (rc == FW_OK)
        rc = fw_ledger_balance(ctx, id, &posted, NULL, &available, err);
    if (rc == FW_OK)
        printf("    %-20s %12s yuan (available %s)\n", label, yuan(posted, a, sizeof(a)),
               yuan(available, b, sizeof(b)));
    return rc;
}

int demo_ledger(struct demo *d)
{
    static const char schedule_fmt[] =
        "{\"enterprise_id\":%lld,\"valid_from\":\"2020-01-01\",\"rate_ppm\":5000,"
        "\"min_fen\":100,\"charge\":\"before\"}";
    fw_error *err = NULL;
    fw_id e, id = 0, unknown = 0;
    char json[512], *code = NULL, *out = NULL;
    int rc;

    if (!d->enterprise_id)
        d->enterprise_id = 1;
    e = d->enterprise_id;
    rc = fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err);
    if (rc == FW_OK)
        rc = fw_ledger_open_party_accounts(d->ctx, FW_LEDGER_OWNER_ENTERPRISE, e, &err);
    if (rc == FW_OK) {
        snprintf(json, sizeof(json), schedule_fmt, (long long)e);
        rc = fw_fee_schedule_set(d->ctx, &id, json, strlen(json), &err);
    }
    if (rc == FW_OK) {
        printf("  enterprise %lld: funds account open; fee schedule 0.5%% (min 1.00) charged at funding\n",
               (long long)e);
        snprintf(json, sizeof(json), "{\"payer_account\":\"6222 0200 1234 5678 009\"}");
        rc = fw_funding_register_source(d->ctx, &id, e, json, strlen(json), &err);
    }
    if (rc == FW_OK)
        rc = fw_funding_reference_code(d->ctx, e, &code, &err);
    if (rc == FW_OK) {
        printf("  registered payer account 6222***********8009 and reference code %s\n", code);
        snprintf(json, sizeof(json), "{\"bank_txn_id\":\"DEMO-1\",\"amount_fen\":2000000,"
                 "\"payer_account\":\"6222020012345678009\",\"remark\":\"prepayment\"}");
        rc = fw_funding_notice(d->ctx, &id, json, strlen(json), &err);
    }
    if (rc == FW_OK) {
        snprintf(json, sizeof(json), "{\"bank_txn_id\":\"DEMO-2\",\"amount_fen\":500000,"
                 "\"payer_account\":\"6217000011112222\",\"remark\":\"%s top-up\"}", code);
        rc = fw_funding_notice(d->ctx, &id, json, strlen(json), &err);
    }
    if (rc == FW_OK) {
        snprintf(json, sizeof(json), "{\"bank_txn_id\":\"DEMO-3\",\"amount_fen\":30000,"
                 "\"remark\":\"no reference\"}");
        rc = fw_funding_notice(d->ctx, &unknown, json, strlen(json), &err);
    }
    if (rc == FW_OK)
        rc = fw_funding_incoming_get(d->ctx, unknown, &out, NULL, &err);
    if (rc == FW_OK) {
        printf("  three incoming transfers: 20,000.00 by payer account, 5,000.00 by reference code, "
               "300.00 %s\n", strstr(out, "\"state\":\"suspense\"") ? "unrecognised -> suspense"
                                                                   : "recognised");
        fw_free(out);
        out = NULL;
        rc = fw_funding_assign(d->ctx, unknown, e, "demo-assign-1", &err);
    }
    if (rc == FW_OK) {
        printf("  operator assigned the suspense item to enterprise %lld\n  balances:\n", (long long)e);
        rc = show_balance(d->ctx, "bank clearing", FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, &err);
    }
    if (rc == FW_OK)
        rc = show_balance(d->ctx, "enterprise funds", FW_LEDGER_OWNER_ENTERPRISE, e,
                          FW_ACCT_ENTERPRISE_FUNDS, &err);
    if (rc == FW_OK)
        rc = show_balance(d->ctx, "fee revenue", FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE, &err);
    if (rc == FW_OK)
        rc = show_balance(d->ctx, "suspense", FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_SUSPENSE, &err);
    if (rc == FW_OK)
        rc = fw_ledger_trial_balance(d->ctx, &out, NULL, &err);
    if (rc == FW_OK)
        printf("  trial balance: %s\n", out);
    fw_free(out);
    fw_free(code);
    return rc == FW_OK ? 0 : fwk_fail("ledger", rc, err);
}
