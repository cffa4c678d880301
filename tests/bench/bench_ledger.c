/*
 * Ledger write and read benchmark. Prints figures beside their targets; it never fails on them.
 *
 *   bench_ledger [N_TRANSFERS=200000] [random|ordered] [STORE=/tmp/fw-bench-ledger.db]
 *
 * N two-leg transfers among 10,000 accounts, batches of 1,000 per transaction
 * (fw_ledger_transfer_batch), file store, synchronous=FULL, each transfer with its own
 * idempotency key (time-ordered by default, random with "random"). Then: single unbatched
 * durable transfers (p50/p99), balance reads, the trial balance, peak RSS.
 *
 * With FW_BENCH_BASELINE set to a built ../shared/bench/sqlite_baseline, it is run with the same
 * N in both its variants and the ratios are printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <flexwork.h>

#include "core/db.h"

#define ACCOUNTS 10000
#define BATCH 1000

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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs the SQLite baseline binary and returns its transfers/s (0 when unavailable). */
static double baseline(const char *bin, long n, const char *variant)
{
    char cmd[1024], line[512];
    double rate = 0, dt = 0;
    long nn = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "%s /tmp/fw-bench-baseline.db %ld %d FULL %s", bin, n, BATCH, variant);
    if (!(p = popen(cmd, "r")))
        return 0;
    while (fgets(line, sizeof(line), p)) {
        const char *s = strstr(line, " transfers in ");
        if (s && sscanf(line, "%*s %*s %ld transfers in %lf s: %lf", &nn, &dt, &rate) == 3)
            printf("  %s", line);
    }
    pclose(p);
    return rate;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    int random_keys = argc > 2 && strcmp(argv[2], "random") == 0;
    const char *path = argc > 3 ? argv[3] : "/tmp/fw-bench-ledger.db";
    static const uint8_t key[32] = { 1, 2, 3 };
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_ledger_transfer_item *items;
    char (*keys)[40];
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    unsigned long long seed = 88172645463325252ULL;
    double t0, dt, rate, lat[200];
    char aux[600], *json = NULL;
    struct rusage ru;
    fw_id first_account = 0, id = 0;
    long i, done = 0, failed = 0;
    int rc, *rcs;
    const char *bin = getenv("FW_BENCH_BASELINE");

    if (n <= 0)
        n = 200000;
    unlink(path);
    snprintf(aux, sizeof(aux), "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof(aux), "%s-shm", path);
    unlink(aux);

    opts.master_key = key;
    opts.synchronous = getenv("FW_BENCH_NORMAL") ? FW_SYNC_NORMAL : FW_SYNC_FULL;
    if ((rc = fw_ctx_open(&ctx, path, &opts, &err)) != FW_OK)
        die("open", rc, err);
    if ((rc = fw_ctx_set_actor(ctx, FW_ROLE_SYSTEM, 0, "bench", &err)) != FW_OK)
        die("actor", rc, err);
    if (getenv("FW_BENCH_CHECKPOINT")) {
        /* A host's checkpoint policy: fewer, larger WAL checkpoints. */
        char pragma[64];
        fw__stmt *s;
        snprintf(pragma, sizeof(pragma), "PRAGMA wal_autocheckpoint=%d", atoi(getenv("FW_BENCH_CHECKPOINT")));
        if ((rc = fw__db_prepare(ctx, &s, pragma, &err)) == FW_OK) {
            while ((rc = fw__db_step(s, &err)) == FW__ROW)
                ;
            fw__db_done(s);
        }
        if (rc < 0)
            die("checkpoint pragma", rc, err);
        printf("wal_autocheckpoint=%s pages\n", getenv("FW_BENCH_CHECKPOINT"));
    }

    /* 10,000 accounts without limits, so random transfers never bounce. */
    if ((rc = fw_ctx_begin(ctx, &err)) != FW_OK)
        die("begin", rc, err);
    for (i = 1; i <= ACCOUNTS; i++) {
        int len = snprintf(aux, sizeof(aux), "{\"owner_kind\":\"enterprise\",\"owner_id\":%ld,"
                           "\"type\":\"enterprise_funds\",\"flags\":[]}", i);
        if ((rc = fw_ledger_account_open(ctx, &id, aux, (size_t)len, &err)) != FW_OK)
            die("account_open", rc, err);
        if (i == 1)
            first_account = id;
    }
    if ((rc = fw_ctx_commit(ctx, &err)) != FW_OK)
        die("commit", rc, err);

    items = calloc(BATCH, sizeof(*items));
    keys = calloc(BATCH, sizeof(*keys));
    rcs = calloc(BATCH, sizeof(*rcs));
    if (!items || !keys || !rcs)
        return 1;
    printf("libflexwork ledger bench: %ld transfers, %d accounts, batches of %d, synchronous=FULL, "
           "%s idempotency keys, store %s\n", n, ACCOUNTS, BATCH, random_keys ? "random" : "time-ordered",
           path);

    t0 = now_s();
    while (done < n) {
        long b = n - done < BATCH ? n - done : BATCH;
        for (i = 0; i < b; i++) {
            long k = done + i;
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
            items[i].debit_account = first_account + (fw_id)(seed % ACCOUNTS);
            items[i].credit_account = first_account + (fw_id)((seed >> 20) % ACCOUNTS);
            if (items[i].credit_account == items[i].debit_account)
                items[i].credit_account = first_account + (items[i].debit_account - first_account + 1) % ACCOUNTS;
            items[i].amount_fen = 1 + (int64_t)(seed % 100000);
            items[i].reason = "bench";
            if (random_keys)
                snprintf(keys[i], sizeof(keys[i]), "k-%016llx-%ld", seed, k);
            else
                snprintf(keys[i], sizeof(keys[i]), "k-%012ld-%016llx", k, seed);
            items[i].idem_key = keys[i];
        }
        if ((rc = fw_ledger_transfer_batch(ctx, items, (size_t)b, 0, NULL, rcs, &err)) != FW_OK)
            die("batch", rc, err);
        for (i = 0; i < b; i++)
            failed += rcs[i] != FW_OK;
        done += b;
    }
    dt = now_s() - t0;
    rate = (double)n / dt;
    printf("write: %ld transfers in %.2f s: %.0f transfers/s, %.0f postings/s (%ld refused)\n",
           n, dt, rate, 2 * rate, failed);
    printf("  targets: >= 3,750 transfers/s (50%% of the naive SQLite baseline); beat naive 10,700 "
           "(ordered) / 21,100 (autocheckpoint); issue: >= 100,000 postings/s\n");
    if (bin) {
        double naive = baseline(bin, n, "naive"), lean = baseline(bin, n, "lean");
        if (naive > 0 && lean > 0)
            printf("  ratio: %.2fx the naive baseline, %.2fx the lean append-only ceiling\n",
                   rate / naive, rate / lean);
    }

    if (getenv("FW_BENCH_WRITE_ONLY")) {
        fw_ctx_free(ctx);
        return 0;
    }

    /* Single unbatched durable transfers. */
    for (i = 0; i < 200; i++) {
        char k[40];
        double t;
        fw_id e;
        snprintf(k, sizeof(k), "single-%ld", i);
        t = now_s();
        rc = fw_ledger_transfer(ctx, &e, first_account + i, first_account + i + 1, 1, "bench", k, &err);
        lat[i] = (now_s() - t) * 1e3;
        if (rc != FW_OK)
            die("transfer", rc, err);
    }
    qsort(lat, 200, sizeof(lat[0]), cmp_double);
    printf("single durable transfer: p50 %.2f ms, p99 %.2f ms\n", lat[100], lat[198]);

    /* Balance reads. */
    t0 = now_s();
    for (i = 0; i < 1000000; i++) {
        int64_t p;
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
        if ((rc = fw_ledger_balance(ctx, first_account + (fw_id)(seed % ACCOUNTS), &p, NULL, NULL,
                                    &err)) != FW_OK)
            die("balance", rc, err);
    }
    dt = now_s() - t0;
    printf("balance reads, each its own read transaction: %.0f /s (target >= 1,000,000 /s)\n", 1e6 / dt);
    if ((rc = fw_ctx_begin(ctx, &err)) != FW_OK)
        die("begin", rc, err);
    t0 = now_s();
    for (i = 0; i < 1000000; i++) {
        int64_t p;
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
        if ((rc = fw_ledger_balance(ctx, first_account + (fw_id)(seed % ACCOUNTS), &p, NULL, NULL,
                                    &err)) != FW_OK)
            die("balance", rc, err);
    }
    dt = now_s() - t0;
    if ((rc = fw_ctx_rollback(ctx, &err)) != FW_OK)
        die("rollback", rc, err);
    printf("balance reads inside one host transaction: %.0f /s\n", 1e6 / dt);

    /* Past balance of one account, mid-history. */
    t0 = now_s();
    {
        int64_t p;
        if ((rc = fw_ledger_balance_at(ctx, first_account, fw_ctx_now(ctx) - 1000, &p, &err)) != FW_OK)
            die("balance_at", rc, err);
    }
    printf("balance as of 1 s ago: %.2f ms\n", (now_s() - t0) * 1e3);

    t0 = now_s();
    if ((rc = fw_ledger_trial_balance(ctx, &json, NULL, &err)) != FW_OK)
        die("trial balance", rc, err);
    dt = now_s() - t0;
    printf("trial balance with the posting-sum check over %ld postings: %.3f s (target well under "
           "1 s) -> %.120s\n", 2 * n, dt, json);
    fw_free(json);

    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MB (target < 64 MB)\n", (double)ru.ru_maxrss / 1024.0);
    free(items);
    free(keys);
    free(rcs);
    fw_ctx_free(ctx);
    return 0;
}
