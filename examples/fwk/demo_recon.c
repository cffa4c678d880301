/*
 * Reconciliation: today's bank statement, generated with a few planted differences, is
 * imported and matched against the ledger; every difference becomes a case and is closed (an
 * adjustment under four eyes, a timing difference, a write-off); the fee check and the
 * enterprise's reconciliation file close the day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"

struct text {
    const char *p;
    size_t n, off;
};

static int64_t text_read(void *payload, uint8_t *buf, size_t size)
{
    struct text *t = payload;
    size_t k = t->n - t->off < size ? t->n - t->off : size;
    memcpy(buf, t->p + t->off, k);
    t->off += k;
    return (int64_t)k;
}

/* The first case of a kind, from the open-case list. */
static fw_id case_of(fw_ctx *ctx, const char *kind, fw_error **err)
{
    char *out = NULL, needle[64];
    const char *p;
    fw_id id = 0;

    if (fw_recon_case_list(ctx, "{\"state\":\"open\"}", 16, &out, NULL, err) != FW_OK)
        return 0;
    snprintf(needle, sizeof(needle), "\"kind\":\"%s\"", kind);
    if ((p = strstr(out, needle)) != NULL) {
        while (p > out && strncmp(p, "{\"id\":", 6) != 0)
            p--;
        id = atoll(p + 6);
    }
    fw_free(out);
    return id;
}

static int act(fw_ctx *ctx, fw_id c, const char *action, const char *note, fw_error **err)
{
    char json[256];
    snprintf(json, sizeof(json), "{\"action\":\"%s\",\"note\":\"%s\"}", action, note);
    return fw_recon_case_act(ctx, c, json, strlen(json), err);
}

static int adjust(fw_ctx *ctx, fw_id c, const char *key, fw_id debit, fw_id credit, int64_t fen,
                  const char *memo, fw_error **err)
{
    char json[512];
    fw_id adj = 0, entry = 0;
    int rc;

    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"%s\",\"reason\":\"recon.adjust\",\"memo\":\"%s\",\"postings\":"
             "[{\"account_id\":%lld,\"debit_fen\":%lld},{\"account_id\":%lld,\"credit_fen\":%lld}]}",
             key, memo, (long long)debit, (long long)fen, (long long)credit, (long long)fen);
    rc = fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "alice", err);
    if (rc == FW_OK)
        rc = fw_recon_adjust_propose(ctx, &adj, c, json, strlen(json), err);
    if (rc == FW_OK && fw_recon_adjust_approve(ctx, adj, NULL, &entry, err) == FW_EDENIED) {
        printf("    alice cannot approve her own adjustment %lld: %s\n", (long long)adj, fw_error_message(*err));
        fw_error_free(*err);
        *err = NULL;
    }
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "bob", err);
    if (rc == FW_OK)
        rc = fw_recon_adjust_approve(ctx, adj, "checked against the bank's advice", &entry, err);
    if (rc == FW_OK)
        printf("    case %lld: adjustment %lld proposed by alice, approved by bob, entry %lld posted\n",
               (long long)c, (long long)adj, (long long)entry);
    return rc;
}

/* Splits one CSV row of the ledger export (no commas inside these columns) into fields. */
static int split(char *row, char **f, int max)
{
    int n = 0;
    char *p = row;
    while (n < max) {
        f[n++] = p;
        if (!(p = strchr(p, ',')))
            break;
        *p++ = '\0';
    }
    for (int i = 0; i < n; i++) {           /* the export quotes its text fields */
        size_t k = strlen(f[i]);
        if (k >= 2 && f[i][0] == '"' && f[i][k - 1] == '"') {
            f[i][k - 1] = '\0';
            f[i]++;
        }
    }
    return n;
}

/*
 * The bank's statement for today as the bank would print it: every posting on bank clearing
 * from the ledger's export, then the planted differences: PAY-1 left out (not yet paid by the
 * bank), PAY-2 paid 0.50 more, a bank charge, a new payment from enterprise 1's account, and
 * that payment's row repeated.
 */
static char *bank_statement(fw_ctx *ctx, fw_id bank, int64_t day_start, const char *date,
                            size_t *lines, fw_error **err)
{
    char *journal = NULL, *out, *row, *next;
    size_t cap, len = 0;
    int rc;

    rc = fw_ledger_export(ctx, FW_LEDGER_EXPORT_CSV, day_start, fw_ctx_now(ctx) + 1, &journal, NULL, err);
    if (rc != FW_OK)
        return NULL;
    cap = strlen(journal) + 4096;
    if (!(out = malloc(cap))) {
        fw_free(journal);
        return NULL;
    }
    len = (size_t)snprintf(out, cap, "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,"
                                     "对方账号,摘要\n");
    *lines = 0;
    for (row = strchr(journal, '\n') + 1; row && *row; row = next) {
        char *f[16], hms[16];
        int64_t eff, sec;
        if ((next = strchr(row, '\n')) != NULL)
            *next++ = '\0';
        if (split(row, f, 16) < 15 || atoll(f[7]) != bank || strcmp(f[6], "PAY-1") == 0)
            continue;
        eff = atoll(f[2]);
        sec = (eff + 8LL * 3600000) / 1000 % 86400;
        snprintf(hms, sizeof(hms), "%02d:%02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
        /* the ledger's debit on bank clearing is money in: the statement's credit column */
        len += (size_t)snprintf(out + len, cap - len, "%s,%s,B%s,%s,%s,%s,,,,%s\n", date, hms, f[0],
                                strcmp(f[5], "bank_txn") == 0 ? "" : f[6],
                                strcmp(f[6], "PAY-2") == 0 ? "500.50" : f[14], f[13], f[4]);
        (*lines)++;
    }
    len += (size_t)snprintf(out + len, cap - len,
                            "%s,23:59:00,B-FEE,,12.00,,,,,手续费\n"
                            "%s,00:00:06,DEMO-4,,,800.00,,北京某某科技有限公司,6222020012345678009,second payment\n"
                            "%s,00:00:06,DEMO-4,,,800.00,,北京某某科技有限公司,6222020012345678009,second payment\n",
                            date, date, date);
    *lines += 3;
    fw_free(journal);
    return out;
}

int demo_recon(struct demo *d)
{
    fw_ctx *ctx = d->ctx;
    fw_error *err = NULL;
    fw_recon *r = NULL;
    char *csv = NULL, date[16], json[512], *out = NULL;
    size_t nlines = 0;
    fw_id st = 0, bank = 0, clearing = 0, revenue = 0, e = d->enterprise_id ? d->enterprise_id : 1, id = 0;
    int64_t now = fw_ctx_now(ctx), count = 0, sum = 0;
    time_t t = (time_t)(now / 1000 + 8 * 3600);
    struct tm tm;
    struct text src;
    static const char *const names[] = { "", "matched", "missing in ledger (长款)", "missing in statement (短款)",
                                         "amount differs", "duplicate", "late" };
    uint32_t k;
    int rc;

    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y%m%d", &tm);
    rc = fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err);
    if (rc == FW_OK)
        rc = fw_ledger_account_find(ctx, &bank, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL, &err);
    if (rc == FW_OK)
        rc = fw_ledger_account_find(ctx, &revenue, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE, NULL, &err);
    if (rc == FW_OK && fw_ledger_account_find(ctx, &clearing, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_PAYOUT_CLEARING,
                                              NULL, &err) == FW_ENOTFOUND) {
        const char *open = "{\"owner_kind\":\"platform\",\"owner_id\":0,\"type\":\"payout_clearing\"}";
        fw_error_free(err);
        err = NULL;
        rc = fw_ledger_account_open(ctx, &clearing, open, strlen(open), &err);
    }
    /* Two payouts the books show as paid today. */
    if (rc == FW_OK) {
        snprintf(json, sizeof(json), "{\"idempotency_key\":\"demo-pay-1\",\"reason\":\"payout.paid\",\"ref_kind\":"
                 "\"payout\",\"ref_id\":\"PAY-1\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":100000},"
                 "{\"account_id\":%lld,\"credit_fen\":100000}]}", (long long)clearing, (long long)bank);
        rc = fw_ledger_entry_post(ctx, &id, json, strlen(json), &err);
    }
    if (rc == FW_OK) {
        snprintf(json, sizeof(json), "{\"idempotency_key\":\"demo-pay-2\",\"reason\":\"payout.paid\",\"ref_kind\":"
                 "\"payout\",\"ref_id\":\"PAY-2\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":50000},"
                 "{\"account_id\":%lld,\"credit_fen\":50000}]}", (long long)clearing, (long long)bank);
        rc = fw_ledger_entry_post(ctx, &id, json, strlen(json), &err);
    }
    if (rc == FW_OK && !(csv = bank_statement(ctx, bank, now - (now + 8LL * 3600000) % 86400000, date, &nlines,
                                            &err)))
        rc = err ? fw_error_code(err) : FW_ENOMEM;
    if (rc == FW_OK) {
        src.p = csv;
        src.n = strlen(csv);
        src.off = 0;
    }
    if (rc == FW_OK)
        rc = fw_recon_import(ctx, &st, text_read, &src, "{\"format\":\"csv\",\"encoding\":\"utf-8\"}", 35, &err);
    if (rc == FW_OK)
        printf("  imported today's bank statement as statement %lld (%zu lines, generic_bank profile)\n",
               (long long)st, nlines);
    if (rc == FW_OK && fw_recon_import(ctx, &id, text_read, &(struct text){ csv, strlen(csv), 0 },
                                       "{\"format\":\"csv\",\"encoding\":\"utf-8\"}", 35, &err) == FW_EEXISTS) {
        printf("  the same file again is refused: %s\n", fw_error_message(err));
        fw_error_free(err);
        err = NULL;
    }
    if (rc == FW_OK)
        rc = fw_recon_run(&r, ctx, st, NULL, 0, &err);
    for (k = 1; rc == FW_OK && k <= FW_RECON_OUTCOME_COUNT; k++) {
        char y[32];
        if ((rc = fw_recon_outcome(r, k, &count, &sum, &err)) == FW_OK && count)
            printf("    %s: %lld line(s), %s fen\n", names[k], (long long)count,
                   (snprintf(y, sizeof(y), "%lld", (long long)sum), y));
    }
    if (rc == FW_OK)
        rc = fw_recon_summary(r, &out, NULL, &err);
    if (rc == FW_OK) {
        const char *b = strstr(out, "\"balance\":");
        printf("  run %lld: the new 800.00 went to funding's recognition; %s\n", (long long)fw_recon_id(r),
               b ? b : out);
    }
    fw_free(out);
    out = NULL;
    fw_recon_free(r);
    /* Each difference is closed. */
    if (rc == FW_OK) {
        fw_id c = case_of(ctx, "missing_in_ledger", &err);
        rc = c ? adjust(ctx, c, "demo-adj-fee", revenue, bank, 1200, "bank charge", &err) : FW_ENOTFOUND;
    }
    if (rc == FW_OK) {
        fw_id c = case_of(ctx, "amount_differs", &err);
        rc = c ? adjust(ctx, c, "demo-adj-pay2", clearing, bank, 50, "PAY-2 paid 0.50 over", &err) : FW_ENOTFOUND;
    }
    if (rc == FW_OK) {
        fw_id c = case_of(ctx, "missing_in_statement", &err);
        rc = c ? act(ctx, c, "resolve_timing", "PAY-1 left the bank after the cut-off; on tomorrow's statement", &err)
               : FW_ENOTFOUND;
        if (rc == FW_OK)
            printf("    case %lld: PAY-1 resolved as a timing difference\n", (long long)c);
    }
    if (rc == FW_OK) {
        fw_id c = case_of(ctx, "duplicate", &err);
        rc = c ? act(ctx, c, "write_off", "the bank's export repeated DEMO-4; reported to the bank", &err)
               : FW_ENOTFOUND;
        if (rc == FW_OK)
            printf("    case %lld: the repeated DEMO-4 row written off\n", (long long)c);
    }
    if (rc == FW_OK)
        rc = fw_recon_case_list(ctx, "{\"state\":\"open\"}", 16, &out, NULL, &err);
    if (rc == FW_OK)
        printf("  open cases left: %s\n", strstr(out, "\"cases\":[]") ? "none" : out);
    fw_free(out);
    out = NULL;
    if (rc == FW_OK)
        rc = fw_recon_fee_check(ctx, now - 31LL * 86400000, now + 1, 0, 0, &out, NULL, &err);
    if (rc == FW_OK) {
        long long checked = 0, booked = 0, expected = 0;
        const char *c = strstr(out, "\"checked\":");
        if (c)
            sscanf(c, "\"checked\":%lld,\"booked_fen\":%lld,\"expected_fen\":%lld", &checked, &booked,
                   &expected);
        printf("  fee check over the last 31 days: %lld fees taken at funding, booked %lld fen, "
               "recomputed %lld fen: %s\n", checked, booked, expected,
               strstr(out, "\"differences\":[]") ? "no differences" : out);
    }
    fw_free(out);
    out = NULL;
    if (rc == FW_OK) {
        strftime(date, sizeof(date), "%Y-%m-%d", &tm);
        rc = fw_recon_file(ctx, e, date, FW_RECON_FILE_CSV, &out, NULL, &err);
    }
    if (rc == FW_OK) {
        const char *p;
        int lines = 0;
        for (p = out; *p; p++)
            lines += *p == '\n';
        printf("  enterprise %lld's reconciliation file for %s: %d CSV rows, e.g.\n    %.*s\n", (long long)e, date,
               lines - 1, (int)(strchr(strchr(out, '\n') + 1, '\n') - strchr(out, '\n') - 1), strchr(out, '\n') + 1);
    }
    fw_free(out);
    free(csv);
    return rc == FW_OK ? 0 : fwk_fail("recon", rc, err);
}
