/*
 * fwk ledger: double-entry accounts in fen. Every movement is one balanced entry;
 * the trial balance shows debits equal credits; a closed month is sealed by a hash chain.
 */
#include <stdio.h>

#include "fwk.h"

static int account_open(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_ledger_account_open(f->ctx, &id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"account_id\":%lld}", (long long)id);
}

static int account_get(struct fwk *f, fw_error **err)
{
    return fwk_get_json(f, fw_ledger_account_get, err);
}

static int account_close(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_ledger_account_close(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"account_id\":%lld,\"state\":\"closed\"}", (long long)id);
}

static int balance(struct fwk *f, fw_error **err)
{
    int64_t id, posted = 0, pending = 0, available = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_ledger_balance(f->ctx, id, &posted, &pending, &available, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"account_id\":%lld,\"posted_fen\":%lld,\"pending_fen\":%lld,\"available_fen\":%lld}",
                      (long long)id, (long long)posted, (long long)pending, (long long)available);
}

/* The typed hot path: amounts are whole fen; --idem KEY makes a retry safe. */
static int transfer(struct fwk *f, fw_error **err)
{
    int64_t debit, credit, amount;
    char keybuf[64];
    fw_id entry = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &debit)) != FW_OK || (rc = fwk_arg_i64(f, 1, &credit)) != FW_OK ||
        (rc = fwk_arg_i64(f, 2, &amount)) != FW_OK)
        return rc;
    rc = fw_ledger_transfer(f->ctx, &entry, debit, credit, amount, f->argv[3], fwk_idem(f, keybuf, sizeof(keybuf)),
                            err);
    if (rc != FW_OK)
        return rc;
    return fwk_printf("{\"entry_id\":%lld,\"debit_account\":%lld,\"credit_account\":%lld,\"amount_fen\":%lld}",
                      (long long)entry, (long long)debit, (long long)credit, (long long)amount);
}

static int post(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id entry = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_ledger_entry_post(f->ctx, &entry, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"entry_id\":%lld}", (long long)entry);
}

static int reverse(struct fwk *f, fw_error **err)
{
    int64_t id;
    char keybuf[64];
    fw_id entry = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_ledger_entry_reverse(f->ctx, &entry, id, f->argv[1], fwk_idem(f, keybuf, sizeof(keybuf)), err)) !=
        FW_OK)
        return rc;
    return fwk_printf("{\"entry_id\":%lld,\"reverses\":%lld}", (long long)entry, (long long)id);
}

static int trial_balance(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_ledger_trial_balance(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

/* --json takes the query: {"account_id":N,"owner_kind":...,"limit":N,...}; none lists all. */
static int entries(struct fwk *f, fw_error **err)
{
    const char *query;
    char *out = NULL;
    size_t qlen, len = 0;
    int rc;

    if ((rc = fwk_json_opt(f, &query, &qlen)) != FW_OK)
        return rc;
    if ((rc = fw_ledger_entries(f->ctx, query, qlen, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int period_close(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_ledger_period_close(f->ctx, f->argv[0], &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int period_verify(struct fwk *f, fw_error **err)
{
    int rc = fw_ledger_period_verify(f->ctx, f->argv[0], err);

    return rc != FW_OK ? rc : fwk_printf("{\"month\":\"%s\",\"sealed\":\"verifies\"}", f->argv[0]);
}

static int period_reopen(struct fwk *f, fw_error **err)
{
    int rc = fw_ledger_period_reopen(f->ctx, f->argv[0], f->argv[1], err);

    return rc != FW_OK ? rc : fwk_printf("{\"month\":\"%s\",\"state\":\"open\"}", f->argv[0]);
}

static int export_text(struct fwk *f, fw_error **err)
{
    const char *fmt = fwk_opt(f, "format");
    uint32_t format = FW_LEDGER_EXPORT_CSV;
    int64_t from, to;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if (fmt && fmt[0] == 'l')
        format = FW_LEDGER_EXPORT_LEDGER;
    else if (fmt && fmt[0] != 'c')
        return FWK_USAGE;
    if ((rc = fwk_opt_time(f, "from", &from)) != FW_OK || (rc = fwk_opt_time(f, "to", &to)) != FW_OK)
        return rc;
    if (!fwk_opt(f, "from"))
        from = 0;
    if (!fwk_opt(f, "to"))
        to++; /* [from, to): up to and including now */
    if ((rc = fw_ledger_export(f->ctx, format, from, to, &out, &len, err)) != FW_OK)
        return rc;
    fwrite(out, 1, len, stdout);
    fw_free(out);
    return FW_OK;
}

static const struct fwk_verb verbs[] = {
    { "account open", "", "json!", account_open, "{\"owner_kind\",\"owner_id\",\"type\",\"currency\"?}", 0 },
    { "account get", "ID", "", account_get, NULL, 0 },
    { "account close", "ID", "", account_close, "only with a zero balance", 0 },
    { "balance", "ACCOUNT_ID", "", balance, "posted, pending and available, in fen", 0 },
    { "transfer", "DEBIT_ID CREDIT_ID AMOUNT_FEN REASON", "idem", transfer, "one posted entry", 0 },
    { "post", "", "json!", post, "an entry of several postings", 0 },
    { "reverse", "ENTRY_ID REASON", "idem", reverse, NULL, 0 },
    { "trial-balance", "", "", trial_balance, "debits and credits per currency; balanced is true when equal", 0 },
    { "entries", "", "json", entries, "newest first; --json gives the query", 0 },
    { "period close", "YYYY-MM", "", period_close, "seal a month that is over", 0 },
    { "period verify", "YYYY-MM", "", period_verify, "recompute a sealed month's hash", 0 },
    { "period reopen", "YYYY-MM REASON", "", period_reopen, NULL, 0 },
    { "export", "", "format from to", export_text, "--format csv|ledger; [--from, --to) as YYYY-MM-DD or ms", 0 },
};

int fwk_cmd_ledger(int argc, char **argv)
{
    return FWK_RUN("ledger", verbs, argc, argv);
}
