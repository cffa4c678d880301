/*
 * Payout pipeline benchmark, end to end. Prints figures beside their targets; never fails on them.
 *
 *   bench_payout [N_PAYOUTS=20000] [WORKERS=200] [STORE=/tmp/fw-bench-payout.db]
 *
 * Batches of 1,000 orders (fw_payout_batch with "submit":true), file store, synchronous=FULL:
 * each order through the gates (platform, enterprise, worker, agreements), the fee (6% during),
 * the withholding (cumulative figures), the hold, the submission to a synchronous channel, the
 * post and its distribution. For comparison, the same number of plain ledger transfers in
 * batches of 1,000 (fw_ledger_transfer_batch) on the same store, in the same run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../payout/world.h"

#define BATCH 1000

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int channel_ok(const char *req, size_t len, fw_reply *reply, void *payload)
{
    static const char ok[] = "{\"status\":\"success\",\"channel_ref\":\"B\"}";
    (void)req; (void)len; (void)payload;
    return fw_reply_set(reply, ok, sizeof(ok) - 1);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000, nworkers = argc > 2 ? atol(argv[2]) : 200, i, b;
    const char *path = argc > 3 ? argv[3] : "/tmp/fw-bench-payout.db";
    static const uint8_t key[32] = { 7 };
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_payment_provider channel = { FW_PAYMENT_PROVIDER_VERSION, NULL, channel_ok, NULL };
    fw_ctx *ctx = NULL;
    struct world w;
    fw_id ent, *workers, *payables, funds = 0, sched = 0;
    fw_ledger_transfer_item *items;
    char *json, *out = NULL, wal[600], shm[600];
    size_t cap = 256 + (size_t)BATCH * 140;
    double t0, c0, t_ledger, t_payout, c_ledger, c_payout, setup;
    struct rusage ru;

    if (n < BATCH || nworkers < 1) {
        fprintf(stderr, "usage: bench_payout [N_PAYOUTS >= %d] [WORKERS >= 1] [STORE]\n", BATCH);
        return 2;
    }
    n -= n % BATCH;
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    opts.master_key = key;
    WORLD_OK(fw_ctx_open(&ctx, path, &opts, NULL));

    t0 = now_s();
    world_init(ctx, &w);
    ent = world_enterprise(ctx, &w, 1);
    workers = malloc((size_t)nworkers * sizeof(*workers));
    payables = malloc((size_t)nworkers * sizeof(*payables));
    for (i = 0; i < nworkers; i++) {
        workers[i] = world_worker(ctx, &w, i + 1);
        WORLD_OK(fw__ledger_account(ctx, FW_LEDGER_OWNER_WORKER, workers[i], FW_ACCT_WORKER_PAYABLE, NULL, 1,
                                    &payables[i], NULL));
    }
    world_fund(ctx, ent, (int64_t)n * 2 * 200000);
    WORLD_OK(fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, ent, FW_ACCT_ENTERPRISE_FUNDS, NULL, 0, &funds, NULL));
    WORLD_OK(fw_fee_schedule_set(ctx, &sched, "{\"enterprise_id\":1,\"valid_from\":\"2020-01-01\","
                                 "\"rate_ppm\":60000,\"charge\":\"during\"}", (size_t)-1, NULL));
    setup = now_s() - t0;

    /* the ledger alone: enterprise funds -> worker payable, keyed, batches of 1,000 */
    items = calloc(BATCH, sizeof(*items));
    for (i = 0; i < BATCH; i++)
        items[i].reason = "bench.transfer";
    t0 = now_s();
    c0 = cpu_s();
    for (b = 0; b < n / BATCH; b++) {
        char keys[BATCH][24];
        for (i = 0; i < BATCH; i++) {
            snprintf(keys[i], sizeof(keys[i]), "l-%ld", b * BATCH + i);
            items[i].debit_account = funds;
            items[i].credit_account = payables[(b * BATCH + i) % nworkers];
            items[i].amount_fen = 100 + i;
            items[i].idem_key = keys[i];
        }
        WORLD_OK(fw_ledger_transfer_batch(ctx, items, BATCH, FW_LEDGER_BATCH_ATOMIC, NULL, NULL, NULL));
    }
    t_ledger = now_s() - t0;
    c_ledger = cpu_s() - c0;

    /* the payout pipeline */
    WORLD_OK(fw_ctx_set_payment_provider(ctx, &channel, NULL));
    world_actor(ctx, FW_ROLE_FINANCE, 0);
    json = malloc(cap);
    t0 = now_s();
    c0 = cpu_s();
    for (b = 0; b < n / BATCH; b++) {
        size_t len = (size_t)snprintf(json, cap, "{\"idempotency_key\":\"b-%ld\",\"enterprise_id\":%lld,"
                                      "\"submit\":true,\"orders\":[", b, (long long)ent);
        for (i = 0; i < BATCH; i++) {
            long k = b * BATCH + i;
            len += (size_t)snprintf(json + len, cap - len, "%s{\"idempotency_key\":\"o-%ld\",\"worker_id\":%lld,"
                                    "\"amount_fen\":%ld,\"task_ref\":\"T-%ld\"}", i ? "," : "", k,
                                    (long long)workers[k % nworkers], 20000 + (k % 50000), k);
        }
        snprintf(json + len, cap - len, "]}");
        WORLD_OK(fw_payout_batch(ctx, json, strlen(json), &out, NULL, NULL));
        fw_free(out);
        if ((b + 1) % 5 == 0 || b + 1 == n / BATCH) {
            fprintf(stderr, "  %ld / %ld payouts, %.0f per CPU second so far\n", (b + 1) * BATCH, n,
                    (double)((b + 1) * BATCH) / (cpu_s() - c0));
            fflush(stderr);
        }
    }
    t_payout = now_s() - t0;
    c_payout = cpu_s() - c0;

    getrusage(RUSAGE_SELF, &ru);
    printf("libflexwork payout bench: %ld payouts to %ld workers, batches of %d, synchronous=FULL, store %s\n",
           n, nworkers, BATCH, path);
    printf("setup (platform, enterprise, %ld workers with signed agreements): %.2f s\n", nworkers, setup);
    printf("ledger only: %ld transfers in %.2f s: %.0f transfers/s (%.2f s of CPU)\n", n, t_ledger, n / t_ledger,
           c_ledger);
    printf("payouts end to end (gates, fee, tax, hold, submit, post, distribution): %ld in %.2f s: %.0f payouts/s "
           "(target >= 10,000/s); %.2f s of CPU: %.0f payouts per CPU second\n", n, t_payout, n / t_payout,
           c_payout, n / c_payout);
    printf("ratio to the ledger-only rate: %.2f (each payout writes a hold, a post and a distribution entry)\n",
           (n / t_payout) / (n / t_ledger));
    printf("trial balance: %s\n", world_ledger_ok(ctx) ? "balanced and consistent" : "NOT BALANCED");
    printf("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
    free(json);
    free(items);
    free(workers);
    free(payables);
    fw_ctx_free(ctx);
    return 0;
}
