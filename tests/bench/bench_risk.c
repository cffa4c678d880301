/*
 * Gate benchmark. Prints figures beside their targets; it never fails on them.
 *
 *   bench_risk [CHECKS=1000000] [STORE=/tmp/fw-bench-risk.db]
 *
 * A file store warmed with 1,000,000 ledger postings (500,000 transfers), 20 active
 * enterprises, 2,000 active workers, a black list of 10,000 entries and 200,000 recorded payouts
 * spread over the past year. Then payout gate checks (fw_risk_check, no reservation) for
 * random worker/enterprise pairs: checks per second against the target of 200,000/s; then
 * reserving checks, each its own durable write transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <flexwork.h>

#include "core/ctx.h"
#include "core/db.h"
#include "party/party.h"
#include "risk/risk.h"

#define ENTERPRISES 20
#define WORKERS 2000
#define TRANSFERS 500000
#define BATCH 50000
#define PAYOUTS 200000
#define LISTED 10000

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check(const char *what, int rc, fw_error *err)
{
    if (rc == FW_OK)
        return;
    fprintf(stderr, "%s: %s (%s)\n", what, err ? fw_error_message(err) : "", fw_strerror(rc));
    exit(1);
}

static void id_number(char out[19], unsigned seq)
{
    static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char chk[] = "10X98765432";
    int i, sum = 0;
    snprintf(out, 19, "1101051990%02u%02u%03u", 1 + seq / 28000 % 12, 1 + seq / 1000 % 28, seq % 1000);
    for (i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = chk[sum % 11];
    out[18] = 0;
}

/* A USCC with a valid check character (GB 32100) for enterprise n. */
static void uscc(char out[19], int n)
{
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
    static const int ow[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
    int i, sum = 0, c;
    char org[10];
    snprintf(org, sizeof(org), "%08d", 10000000 + n);
    for (i = 0; i < 8; i++)
        sum += (org[i] - '0') * ow[i];
    c = 11 - sum % 11;
    org[8] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    org[9] = 0;
    snprintf(out, 19, "91330100%s", org);
    for (sum = 0, i = 0; i < 17; i++)
        sum += (int)(strchr(alpha, out[i]) - alpha) * w[i];
    out[17] = alpha[(31 - sum % 31) % 31];
    out[18] = 0;
}

int main(int argc, char **argv)
{
    long checks = argc > 1 ? atol(argv[1]) : 1000000;
    const char *path = argc > 2 ? argv[2] : "/tmp/fw-bench-risk.db";
    static const uint8_t key[32] = { 1, 2, 3 };
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_ledger_transfer_item *items;
    fw_id ents[ENTERPRISES], workers[WORKERS], a1 = 0, a2 = 0, bank = 0;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    char buf[600], (*keys)[24];
    double t0, t;
    long i, allow = 0, other = 0;
    int rc;

    int reuse = getenv("FW_BENCH_REUSE") && access(path, F_OK) == 0;

    for (i = 0; !reuse && i < 3; i++) {
        snprintf(buf, sizeof(buf), "%s%s", path, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(buf);
    }
    opts.master_key = key;
    check("open", fw_ctx_open(&ctx, path, &opts, &err), err);
    check("actor", fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "bench", &err), err);
    if (reuse) {            /* a store this program built before: parties have ids 1..n */
        for (i = 0; i < ENTERPRISES; i++)
            ents[i] = i + 1;
        for (i = 0; i < WORKERS; i++)
            workers[i] = i + 1;
        printf("reusing the warm store %s\n", path);
        goto gate;
    }

    t0 = now_s();
    check("begin", fw_ctx_begin(ctx, &err), err);
    for (i = 0; i < ENTERPRISES; i++) {
        char u[19];
        uint32_t st;
        uscc(u, (int)i);
        snprintf(buf, sizeof(buf), "{\"name\":\"企业%ld\",\"uscc\":\"%s\",\"legal_rep\":{\"name\":\"王建国\","
                 "\"id_number\":\"11010519491231002X\"},\"contact\":{\"name\":\"李四\",\"phone\":\"13812345678\"},"
                 "\"bank_account\":{\"bank\":\"工行\",\"account_no\":\"1202020209000012345\",\"account_name\":"
                 "\"企业%ld\"},\"business_scope\":\"信息技术服务\",\"industry\":\"I65\",\"qualifications\":"
                 "[{\"kind\":\"business_licence\",\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}",
                 i, u, i);
        check("apply", fw_party_enterprise_apply(ctx, buf, strlen(buf), &ents[i], &err), err);
        check("verify", fw_party_enterprise_verify(ctx, ents[i], &st, &err), err);
        check("review", fw_party_enterprise_review(ctx, ents[i], "{\"decision\":\"approve\"}", (size_t)-1, &err), err);
        check("begin", fw__tx_begin(ctx, &err), err);
        check("agreement", fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, ents[i], 1, &err), &err), err);
        check("activate", fw_party_enterprise_activate(ctx, ents[i], &err), err);
    }
    for (i = 0; i < WORKERS; i++) {
        char idn[19];
        id_number(idn, (unsigned)i);
        snprintf(buf, sizeof(buf), "{\"name\":\"工%ld\",\"id_number\":\"%s\",\"phone\":\"139%08ld\","
                 "\"bank_card\":\"62220200%08ld\",\"channel\":\"self\"}", i, idn, i, i);
        check("register", fw_party_worker_register(ctx, buf, strlen(buf), &workers[i], &err), err);
        check("verify", fw_party_worker_verify(ctx, workers[i], NULL, NULL, &err), err);
        check("review", fw_party_worker_review(ctx, workers[i], "{\"decision\":\"approve\"}", (size_t)-1, &err), err);
        check("begin", fw__tx_begin(ctx, &err), err);
        check("agreement", fw__tx_end(ctx, fw__party_worker_agreement(ctx, workers[i], ents[i % ENTERPRISES], &err),
                                      &err), err);
        check("activate", fw_party_worker_activate(ctx, workers[i], &err), err);
    }
    check("commit", fw_ctx_commit(ctx, &err), err);
    printf("parties: %d enterprises, %d workers onboarded in %.1f s\n", ENTERPRISES, WORKERS, now_s() - t0);

    t0 = now_s();
    check("accounts", fw_ledger_open_party_accounts(ctx, FW_LEDGER_OWNER_ENTERPRISE, ents[0], &err), err);
    check("accounts", fw_ledger_open_party_accounts(ctx, FW_LEDGER_OWNER_ENTERPRISE, ents[1], &err), err);
    check("accounts", fw_ledger_account_find(ctx, &a1, FW_LEDGER_OWNER_ENTERPRISE, ents[0], FW_ACCT_ENTERPRISE_FUNDS,
                                             NULL, &err), err);
    check("accounts", fw_ledger_account_find(ctx, &a2, FW_LEDGER_OWNER_ENTERPRISE, ents[1], FW_ACCT_ENTERPRISE_FUNDS,
                                             NULL, &err), err);
    check("accounts", fw_ledger_account_open(ctx, &bank, "{\"owner_kind\":\"platform\",\"owner_id\":0,"
                                             "\"type\":\"bank_clearing\"}", (size_t)-1, &err), err);
    items = calloc(BATCH, sizeof(*items));
    keys = calloc(BATCH, sizeof(*keys));
    for (i = 0; i < TRANSFERS; i++) {
        long k = i % BATCH;
        snprintf(keys[k], sizeof(keys[k]), "bench-%ld", i);
        items[k] = (fw_ledger_transfer_item){ bank, i % 2 ? a1 : a2, 100 + i % 1000, "bench.funding", keys[k] };
        if (k == BATCH - 1)
            check("batch", fw_ledger_transfer_batch(ctx, items, BATCH, FW_LEDGER_BATCH_ATOMIC, NULL, NULL, &err), err);
    }
    free(items);
    free(keys);
    printf("ledger: %d postings written in %.1f s\n", 2 * TRANSFERS, now_s() - t0);

    t0 = now_s();
    check("begin", fw_ctx_begin(ctx, &err), err);
    for (i = 0; i < LISTED; i++) {
        char idn[19];
        id_number(idn, WORKERS + (unsigned)i);
        snprintf(buf, sizeof(buf), "{\"list\":\"black\",\"kind\":\"person\",\"value\":\"%s\",\"reason\":\"bench\","
                 "\"source\":\"bench\"}", idn);
        check("list", fw_risk_list_add(ctx, buf, strlen(buf), NULL, &err), err);
    }
    for (i = 0; i < PAYOUTS; i++) {
        int64_t at = fw_ctx_now(ctx) - (int64_t)(i % 360) * 86400000LL;
        check("payout", fw__risk_record_payout(ctx, workers[i % WORKERS], ents[i % WORKERS % ENTERPRISES],
                                               1000 + i % 5000, at, &err), err);
    }
    check("commit", fw_ctx_commit(ctx, &err), err);
    printf("risk: %d list entries, %d payouts recorded in %.1f s\n", LISTED, PAYOUTS, now_s() - t0);

gate:
    srand(7);
    t0 = now_s();
    for (i = 0; i < checks; i++) {
        fw_risk_parties p = FW_RISK_PARTIES_INIT;
        fw_risk_decision *d = NULL;
        long w = rand() % WORKERS;
        p.worker_id = workers[w];
        p.enterprise_id = ents[w % ENTERPRISES];
        rc = fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 5000, &d, &err);
        check("check", rc, err);
        if (fw_risk_decision_outcome(d) == FW_RISK_ALLOW)
            allow++;
        else
            other++;
        fw_risk_decision_free(d);
    }
    t = now_s() - t0;
    printf("gate checks (payout, read-only): %ld in %.2f s = %.0f checks/s (target >= 200000/s); "
           "%ld allowed, %ld not\n", checks, t, (double)checks / t, allow, other);

    /* The same checks inside one host transaction: one snapshot and one lock for them all. */
    {
        static const uint32_t actions[] = { FW_RISK_ACTION_PAYOUT, FW_RISK_ACTION_TASK_TAKE, FW_RISK_ACTION_FUNDING };
        static const char *const names[] = { "payout", "task_take", "funding" };
        long n = checks / 2, a;
        for (a = 0; a < 3; a++) {
            check("begin", fw_ctx_begin(ctx, &err), err);
            t0 = now_s();
            for (i = 0; i < n; i++) {
                fw_risk_parties p = FW_RISK_PARTIES_INIT;
                fw_risk_decision *d = NULL;
                long w = rand() % WORKERS;
                p.worker_id = actions[a] == FW_RISK_ACTION_FUNDING ? 0 : workers[w];
                p.enterprise_id = ents[w % ENTERPRISES];
                check("check", fw_risk_check(ctx, actions[a], &p, 5000, &d, &err), err);
                fw_risk_decision_free(d);
            }
            t = now_s() - t0;
            check("commit", fw_ctx_commit(ctx, &err), err);
            printf("gate checks (%s, inside a host transaction): %.0f checks/s (target >= 200000/s)\n", names[a],
                   (double)n / t);
        }
    }

    t0 = now_s();
    for (i = 0; i < 2000; i++) {
        fw_risk_parties p = FW_RISK_PARTIES_INIT;
        fw_risk_decision *d = NULL;
        p.worker_id = workers[i % WORKERS];
        p.enterprise_id = ents[i % ENTERPRISES];
        p.flags = FW_RISK_RESERVE;
        check("reserve", fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 100, &d, &err), err);
        fw_risk_decision_free(d);
    }
    t = now_s() - t0;
    printf("reserving checks (own durable transaction each): 2000 in %.2f s = %.0f/s (no target)\n", t, 2000 / t);
    fw_ctx_free(ctx);
    return 0;
}
