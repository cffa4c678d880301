/*
 * Reconciliation benchmark. Prints figures beside their targets; it never fails on them.
 *
 *   bench_recon [N=100000] [STORE=/tmp/fw-bench-recon.db]
 *
 * Seeds N payouts on the bank-clearing account (written straight through the statement layer,
 * with their balance chain, so that seeding does not dominate the run), writes a generic bank
 * CSV statement of N lines for them with a few planted differences, then times the import and
 * one recorded run with the default rules. Target for N = 1,000,000: under 10 s in all, peak
 * RSS under 128 MB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <flexwork.h>

#include "core/ctx.h"
#include "core/db.h"
#include "ledger/ledger.h"

#define DAY_MS 86400000LL
#define START_MS 1773417600000LL          /* 2026-03-14 00:00 CST */
#define NOW_MS (START_MS + 2 * DAY_MS)

static int64_t clock_fn(void *payload)
{
    (void)payload;
    return NOW_MS;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, int rc, fw_error *err)
{
    fprintf(stderr, "%s: %s (%s)\n", what, err ? fw_error_message(err) : "", fw_strerror(rc));
    exit(1);
}

static int64_t amount_of(long i)
{
    return 1000 + (i * 7919) % 500000;
}

static void seed(fw_ctx *ctx, long n)
{
    fw_error *err = NULL;
    fw_id bank = 0, other = 0;
    int64_t credits = 0, prev = 0;
    long i;
    int rc;

    if ((rc = fw__tx_begin(ctx, &err)) != FW_OK)
        die("begin", rc, err);
    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, "CNY", 1, &bank,
                                 &err)) != FW_OK ||
        (rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_PAYOUT_CLEARING, "CNY", 1,
                                 &other, &err)) != FW_OK)
        die("accounts", rc, err);
    for (i = 0; i < n; i++) {
        char ref[32];
        int64_t ms = START_MS + (i * 80) % DAY_MS, a = amount_of(i);
        fw_id e;
        snprintf(ref, sizeof(ref), "P%ld", i);
        rc = fw__db_exec(ctx, &err,
                         "INSERT INTO fw_ledger_entry(kind, reason, effective_ms, created_ms, ref_kind, ref_id) "
                         "VALUES (1, 'payout.paid', ?, ?, 'payout', ?)", "iit", ms, ms, ref);
        e = fw__db_last_id(ctx);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, &err,
                             "INSERT INTO fw_ledger_posting(entry_id, seq, account_id, amount, pending, "
                             "effective_ms, created_ms, prev_entry, prev_seq) VALUES (?, 0, ?, ?, 0, ?, ?, ?, ?)",
                             "iiiiiii", e, bank, -a, ms, ms, prev, (int64_t)0);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, &err,
                             "INSERT INTO fw_ledger_posting(entry_id, seq, account_id, amount, pending, "
                             "effective_ms, created_ms, prev_entry, prev_seq) VALUES (?, 1, ?, ?, 0, ?, ?, 0, 0)",
                             "iiiii", e, other, a, ms, ms);
        if (rc != FW_OK)
            die("seed", rc, err);
        prev = e;
        credits += a;
    }
    rc = fw__db_exec(ctx, &err,
                     "UPDATE fw_ledger_balance SET credits_posted = ?, postings = ?, last_entry = ?, "
                     "last_seq = 0 WHERE account_id = ?", "iiii", credits, (int64_t)n, prev, bank);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, &err, "UPDATE fw_ledger_balance SET debits_posted = ?, postings = ? "
                                    "WHERE account_id = ?", "iii", credits, (int64_t)n, other);
    if ((rc = fw__tx_end(ctx, rc, &err)) != FW_OK)
        die("seed commit", rc, err);
}

/* The bank's view: every payout, except a few planted differences. */
static long write_statement(const char *path, long n, long *planted)
{
    FILE *f = fopen(path, "w");
    int64_t balance = 0;
    long i, lines = 0;

    if (!f)
        die(path, FW_EIO, NULL);
    fputs("交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要\n", f);
    *planted = 0;
    for (i = 0; i < n; i++) {
        int64_t ms = START_MS + (i * 80) % DAY_MS, a = amount_of(i), sec = (ms - START_MS) / 1000;
        if (i % 200000 == 199999) {             /* the bank did not pay it: missing on the statement */
            (*planted)++;
            continue;
        }
        if (i % 200000 == 99999) {              /* the bank paid one fen more */
            a += 1;
            (*planted)++;
        }
        balance -= a;
        fprintf(f, "20260314,%02d:%02d:%02d,T%ld,P%ld,%lld.%02lld,,%lld.%02lld,,,代发\n", (int)(sec / 3600),
                (int)(sec / 60 % 60), (int)(sec % 60), i, i, (long long)(a / 100), (long long)(a % 100),
                (long long)(balance / 100), (long long)(-balance % 100));
        lines++;
    }
    balance -= 500;
    fprintf(f, "20260314,23:59:00,TFEE,,5.00,,%lld.%02lld,,,手续费\n", (long long)(balance / 100),
            (long long)(-balance % 100));   /* a bank charge the books lack */
    (*planted)++;
    fclose(f);
    return lines + 1;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, lines, planted = 0;
    const char *path = argc > 2 ? argv[2] : "/tmp/fw-bench-recon.db";
    char csv[4096], *summary = NULL;
    static const uint8_t key[32] = { 7 };
    fw_open_options o = FW_OPEN_OPTIONS_INIT;
    fw_error *err = NULL;
    fw_ctx *ctx = NULL;
    fw_recon *r = NULL;
    fw_id st = 0;
    double t0, t1, t2, c0, c1, c2;
    struct rusage ru;
    int rc;

    if (n < 1) {
        fprintf(stderr, "usage: %s [N] [STORE]\n", argv[0]);
        return 2;
    }
    snprintf(csv, sizeof(csv), "%s.csv", path);
    unlink(path);
    o.master_key = key;
    o.clock = clock_fn;
    o.synchronous = getenv("FW_BENCH_FULL") ? FW_SYNC_FULL : FW_SYNC_NORMAL;
    if ((rc = fw_ctx_open(&ctx, path, &o, &err)) != FW_OK ||
        (rc = fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "bench", &err)) != FW_OK)
        die("open", rc, err);
    printf("seeding %ld ledger records and a %ld-line statement...\n", n, n);
    seed(ctx, n);
    lines = write_statement(csv, n, &planted);
    printf("peak RSS after seeding: %.1f MB (SQLite's page cache is at most 64 MiB)\n", rss_mb());

    t0 = now_s();
    c0 = cpu_s();
    if ((rc = fw_recon_import_file(ctx, &st, csv, "{\"format\":\"csv\",\"encoding\":\"utf-8\"}", 35, &err)) != FW_OK)
        die("import", rc, err);
    t1 = now_s();
    c1 = cpu_s();
    printf("peak RSS after the import: %.1f MB\n", rss_mb());
    if ((rc = fw_recon_run(&r, ctx, st, NULL, 0, &err)) != FW_OK)
        die("run", rc, err);
    t2 = now_s();
    c2 = cpu_s();
    getrusage(RUSAGE_SELF, &ru);
    fw_recon_summary(r, &summary, NULL, NULL);

    printf("import:    %ld lines in %.2f s (CPU %.2f s): %.0f lines/s\n", lines, t1 - t0, c1 - c0,
           lines / (t1 - t0));
    printf("reconcile: %ld lines x %ld records in %.2f s (CPU %.2f s): %.0f lines/s\n", lines, n, t2 - t1,
           c2 - c1, lines / (t2 - t1));
    printf("total:     %.2f s, CPU %.2f s (target for 1,000,000: < 10 s); %.0f lines/s end to end\n",
           t2 - t0, c2 - c0, lines / (t2 - t0));
    printf("peak RSS:  %.1f MB (target: < 128 MB)\n", ru.ru_maxrss / 1024.0);
    printf("CPU:       %.2f s user + %.2f s system for the whole program (seeding included)\n",
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
    printf("planted differences: %ld; summary: %s\n", planted, summary ? summary : "?");
    fw_free(summary);
    fw_recon_free(r);
    fw_ctx_free(ctx);
    unlink(csv);
    return 0;
}
