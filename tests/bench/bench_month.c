/*
 * A month of a large platform, then its close. Prints figures beside their targets; never fails
 * on them.
 *
 *   bench_month [PAYOUTS=20000] [WORKERS=2000] [ENTERPRISES=20] [STORE=/tmp/fw-bench-month.db]
 *
 * The size is 1,000,000 payouts to 200,000 workers across 500 enterprises (targets:
 * under 3 minutes, under 256 MB); the defaults are smaller so that it runs quickly. Onboarding
 * (enterprises and workers verified, agreements signed, funds) is set up first and timed apart.
 * The month: batches of up to 1,000 orders per enterprise through gates, fee, withholding, hold,
 * a synchronous channel, post and distribution. The close: every worker's statement, every
 * enterprise's totals and vouchers, the tax declaration of the month, the trial balance and the
 * ledger period's close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../payout/world.h"

#define BATCH 1000

static int64_t clock_ms = 1773540000000LL;    /* 2026-03-15 10:00 CST */

static int64_t bench_clock(void *payload)
{
    (void)payload;
    return clock_ms;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int channel_ok(const char *req, size_t len, fw_reply *reply, void *payload)
{
    static const char ok[] = "{\"status\":\"success\"}";
    (void)req; (void)len; (void)payload;
    return fw_reply_set(reply, ok, sizeof(ok) - 1);
}

int main(int argc, char **argv)
{
    long np = argc > 1 ? atol(argv[1]) : 20000, nw = argc > 2 ? atol(argv[2]) : 2000,
         ne = argc > 3 ? atol(argv[3]) : 20, i, e, done = 0;
    const char *path = argc > 4 ? argv[4] : "/tmp/fw-bench-month.db";
    static const uint8_t key[32] = { 9 };
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_payment_provider channel = { FW_PAYMENT_PROVIDER_VERSION, NULL, channel_ok, NULL };
    fw_ctx *ctx = NULL;
    struct world w;
    fw_id *ents, *workers, decl = 0;
    char *json, *out = NULL, wal[600], shm[600];
    size_t cap = 256 + (size_t)BATCH * 140, outlen = 0;
    double t0, t_onboard, t_month, t_close, t_stmt, t_decl, t_tb;
    int64_t bytes = 0;
    struct rusage ru;

    if (np < 1 || nw < 1 || ne < 1) {
        fprintf(stderr, "usage: bench_month [PAYOUTS] [WORKERS] [ENTERPRISES] [STORE]\n");
        return 2;
    }
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    opts.master_key = key;
    opts.clock = bench_clock;
    WORLD_OK(fw_ctx_open(&ctx, path, &opts, NULL));
    ents = malloc((size_t)ne * sizeof(*ents));
    workers = malloc((size_t)nw * sizeof(*workers));

    /* onboarding, in host transactions of 500 parties */
    t0 = now_s();
    world_init(ctx, &w);
    for (e = 0; e < ne; e++) {
        if (e % 500 == 0)
            WORLD_OK(fw_ctx_begin(ctx, NULL));
        ents[e] = world_enterprise(ctx, &w, e + 1);
        world_fund(ctx, ents[e], (np / ne + 1) * 600000);
        world_actor(ctx, FW_ROLE_ADMIN, 0);
        {
            char s[160];
            fw_id sid = 0;
            snprintf(s, sizeof(s), "{\"enterprise_id\":%lld,\"valid_from\":\"2026-01-01\",\"rate_ppm\":%ld}",
                     (long long)ents[e], 30000 + 1000 * (e % 30));
            WORLD_OK(fw_fee_schedule_set(ctx, &sid, s, strlen(s), NULL));
        }
        if (e % 500 == 499 || e == ne - 1)
            WORLD_OK(fw_ctx_commit(ctx, NULL));
    }
    for (i = 0; i < nw; i++) {
        if (i % 500 == 0)
            WORLD_OK(fw_ctx_begin(ctx, NULL));
        workers[i] = world_worker(ctx, &w, i + 1);
        if (i % 500 == 499 || i == nw - 1) {
            WORLD_OK(fw_ctx_commit(ctx, NULL));
            fprintf(stderr, "\r  onboarding: %ld / %ld workers", i + 1, nw);
        }
    }
    fprintf(stderr, "\n");
    t_onboard = now_s() - t0;

    /* the month */
    WORLD_OK(fw_ctx_set_payment_provider(ctx, &channel, NULL));
    world_actor(ctx, FW_ROLE_FINANCE, 0);
    json = malloc(cap);
    t0 = now_s();
    for (e = 0; e < ne; e++) {
        long share = np / ne + (e < np % ne), k = 0, b = 0;
        while (k < share) {
            size_t len = (size_t)snprintf(json, cap, "{\"idempotency_key\":\"e%ld-b%ld\",\"enterprise_id\":%lld,"
                                          "\"submit\":true,\"orders\":[", e, b, (long long)ents[e]);
            for (i = 0; i < BATCH && k < share; i++, k++, done++)
                len += (size_t)snprintf(json + len, cap - len, "%s{\"idempotency_key\":\"o-%ld\",\"worker_id\":%lld,"
                                        "\"amount_fen\":%ld,\"task_ref\":\"T-%ld\"}", i ? "," : "", done,
                                        (long long)workers[(done * 7919) % nw], 5000 + (done * 37) % 495000, done);
            snprintf(json + len, cap - len, "]}");
            WORLD_OK(fw_payout_batch(ctx, json, strlen(json), &out, NULL, NULL));
            fw_free(out);
            b++;
            clock_ms += 1000;
        }
        fprintf(stderr, "\r  payouts: %ld / %ld", done, np);
    }
    fprintf(stderr, "\n");
    t_month = now_s() - t0;

    /* the close, on 1 April */
    clock_ms = 1775001600000LL;     /* 2026-04-01 08:00 CST */
    t0 = now_s();
    world_actor(ctx, FW_ROLE_ADMIN, 0);
    for (i = 0; i < nw; i++) {
        WORLD_OK(fw_payout_statement(ctx, workers[i], "2026-03", FW_PAYOUT_FORMAT_CSV, &out, &outlen, NULL));
        bytes += (int64_t)outlen;
        fw_free(out);
    }
    for (e = 0; e < ne; e++) {
        WORLD_OK(fw_payout_enterprise_summary(ctx, ents[e], "2026-03", &out, &outlen, NULL));
        fw_free(out);
        WORLD_OK(fw_payout_vouchers(ctx, ents[e], "2026-03", FW_PAYOUT_FORMAT_CSV, &out, &outlen, NULL));
        bytes += (int64_t)outlen;
        fw_free(out);
    }
    t_stmt = now_s() - t0;
    WORLD_OK(fw_tax_declaration_build(ctx, "2026-03", &decl, NULL));
    t_decl = now_s() - t0 - t_stmt;
    WORLD_OK(fw_ledger_trial_balance(ctx, &out, &outlen, NULL));
    printf("trial balance: %.*s\n", (int)(outlen > 160 ? 160 : outlen), out);
    fw_free(out);
    WORLD_OK(fw_ledger_period_close(ctx, "2026-03", &out, NULL, NULL));
    fw_free(out);
    t_tb = now_s() - t0 - t_stmt - t_decl;
    t_close = now_s() - t0;

    getrusage(RUSAGE_SELF, &ru);
    printf("libflexwork month bench: %ld payouts to %ld workers across %ld enterprises, synchronous=FULL, store %s\n",
           np, nw, ne, path);
    printf("onboarding (not part of the month): %.1f s\n", t_onboard);
    printf("month: %ld payouts in %.1f s (%.0f payouts/s)\n", np, t_month, np / t_month);
    printf("close: %.1f s (statements and vouchers %.1f s, %.1f MB; declaration %.1f s; trial balance and "
           "period close %.1f s)\n", t_close, t_stmt, bytes / 1e6, t_decl, t_tb);
    printf("month + close: %.1f s (target under 180 s at 1,000,000 / 200,000 / 500)\n", t_month + t_close);
    printf("peak RSS: %.1f MB (target under 256 MB)\n", ru.ru_maxrss / 1024.0);
    printf("ledger: %s\n", world_ledger_ok(ctx) ? "balanced and consistent" : "NOT BALANCED");
    free(json);
    free(ents);
    free(workers);
    fw_ctx_free(ctx);
    return 0;
}
