/*
 * Crash safety of the payout pipeline (R-6.d, DESIGN §7): a child process runs a batch on a
 * store file (create, submit, query sweeps, each its own transaction) and is killed with
 * SIGKILL at a random instant, many times. After every kill the store reopens with a balanced
 * ledger and no order paid twice; resubmitting the same batch with the same keys finally
 * completes it exactly once.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "support.h"
#include "world.h"
#include "payout/payout.h"

#define ORDERS 1000
#define AMOUNT 12345
#define ROUNDS 20

static int answer_pending(const char *req, size_t len, fw_reply *reply, void *payload)
{
    (void)req; (void)len; (void)reply; (void)payload;
    return FW_EPENDING;
}

static int answer_success(const char *req, size_t len, fw_reply *reply, void *payload)
{
    static const char ok[] = "{\"status\":\"success\"}";
    (void)req; (void)len; (void)payload;
    return fw_reply_set(reply, ok, sizeof(ok) - 1);
}

#define PARTS 10

/* A run's's payouts as PARTS batches of ORDERS / PARTS orders, each batch and order keyed. */
static char *batch_request(int gen, int part, fw_id ent, const fw_id *workers, int nworkers)
{
    size_t cap = 128 + (size_t)ORDERS / PARTS * 120, len;
    char *j = malloc(cap);
    int i;
    len = (size_t)snprintf(j, cap, "{\"idempotency_key\":\"run-%d/part-%d\",\"enterprise_id\":%lld,"
                           "\"orders\":[", gen, part, (long long)ent);
    for (i = part * (ORDERS / PARTS); i < (part + 1) * (ORDERS / PARTS); i++)
        len += (size_t)snprintf(j + len, cap - len, "%s{\"idempotency_key\":\"run-%d/%d\",\"worker_id\":%lld,"
                                "\"amount_fen\":%d,\"task_ref\":\"T-%d-%d\"}", i % (ORDERS / PARTS) ? "," : "",
                                gen, i, (long long)workers[i % nworkers], AMOUNT + i, gen, i);
    snprintf(j + len, cap - len, "]}");
    return j;
}

/*
 * The whole run, as a host would do it: each part created (a replay after the first time) and
 * submitted, then query sweeps until nothing waits. Every step is its own transaction.
 */
static int run(fw_ctx *ctx, char *const *requests)
{
    fw_payment_provider p = { FW_PAYMENT_PROVIDER_VERSION, NULL, answer_pending, answer_success };
    int64_t resolved = 1;
    int rc, k;

    fw_ctx_set_payment_provider(ctx, &p, NULL);
    for (k = 0; k < PARTS; k++) {
        char *out = NULL;
        cJSON *o;
        fw_id batch;
        if ((rc = fw_payout_batch(ctx, requests[k], strlen(requests[k]), &out, NULL, NULL)) != FW_OK)
            return rc;
        o = cJSON_Parse(out);
        fw_free(out);
        batch = (fw_id)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "batch_id"));
        cJSON_Delete(o);
        if ((rc = fw_payout_batch_submit(ctx, batch, &out, NULL, NULL)) != FW_OK)
            return rc;
        fw_free(out);
    }
    while (resolved > 0)
        if ((rc = fw_payout_sweep(ctx, 50, &resolved, NULL)) != FW_OK)
            return rc;
    return FW_OK;
}

static int64_t n(fw_ctx *ctx, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(fw__db_i64(ctx, &v, NULL, sql, ""), FW_OK);
    return v;
}

/* What must hold after any crash. */
static void check_invariants(fw_ctx *ctx, fw_id ent, int64_t funded)
{
    int64_t paid_pays, paid_net;

    assert_true(world_ledger_ok(ctx));
    assert_true(n(ctx, "SELECT count(*) FROM fw_payout_batch") <= PARTS * (ROUNDS + 1));
    /* one order per index, one payment per order */
    assert_int_equal(n(ctx, "SELECT count(*) FROM (SELECT task_ref FROM fw_payout_order GROUP BY task_ref "
                            "HAVING count(*) > 1)"), 0);
    assert_int_equal(n(ctx, "SELECT count(*) FROM (SELECT ref_id FROM fw_ledger_entry WHERE reason='payout.paid' "
                            "GROUP BY ref_id HAVING count(*) > 1)"), 0);
    assert_int_equal(n(ctx, "SELECT count(*) FROM fw_ledger_entry WHERE reason='payout.paid'"),
                     n(ctx, "SELECT count(*) FROM fw_payout_order WHERE state=4"));
    /* the money that left is exactly what the paid orders say */
    paid_pays = n(ctx, "SELECT coalesce(sum(enterprise_pays_fen), 0) FROM fw_payout_order WHERE state=4");
    paid_net = n(ctx, "SELECT coalesce(sum(net_fen), 0) FROM fw_payout_order WHERE state=4");
    assert_int_equal(world_posted(ctx, FW_LEDGER_OWNER_ENTERPRISE, ent, FW_ACCT_ENTERPRISE_FUNDS), funded - paid_pays);
    assert_int_equal(world_posted(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING), funded - paid_net);
    /* every held or submitted order holds its money, no more */
    assert_int_equal(world_available(ctx, FW_LEDGER_OWNER_ENTERPRISE, ent, FW_ACCT_ENTERPRISE_FUNDS),
                     funded - paid_pays -
                         n(ctx, "SELECT coalesce(sum(enterprise_pays_fen), 0) FROM fw_payout_order WHERE state IN (2, 3)"));
}

static void killed_at_random_points(void **state)
{
    char path[512];
    fw_ctx *ctx;
    struct world w;
    fw_id ent, workers[20];
    int64_t funded = 1000000000, killed = 0, finished = 0, total_ms = 0;
    char *requests[PARTS];
    unsigned seed = (unsigned)time(NULL);
    int i, round, gen = 0;
    unsigned span_ms = 1500;     /* kill within a run's length: what the longest whole run took */
    unsigned longest = 0;

    (void)state;
    test_path("payout-crash", path, sizeof(path));
    ctx = test_open(path);
    world_init(ctx, &w);
    ent = world_enterprise(ctx, &w, 1);
    for (i = 0; i < 20; i++)
        workers[i] = world_worker(ctx, &w, i + 1);
    world_fund(ctx, ent, funded);
    fw_ctx_free(ctx);
    for (i = 0; i < PARTS; i++)
        requests[i] = batch_request(gen, i, ent, workers, 20);
    srand(seed);
    printf("# seed %u\n", seed);

    for (round = 0; round < ROUNDS; round++) {
        struct timespec t0, t1;
        pid_t pid;
        int status = 0;
        useconds_t delay = (useconds_t)(rand() % span_ms) * 1000u;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            fw_ctx *c = test_open(path);
            world_actor(c, FW_ROLE_FINANCE, 0);
            _exit(run(c, requests) == FW_OK ? 0 : 3);
        }
        usleep(delay);
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status)) {
            killed++;
        } else {
            struct timespec t2;
            unsigned took;
            assert_int_equal(WEXITSTATUS(status), 0);
            finished++;
            clock_gettime(CLOCK_MONOTONIC, &t2);
            took = (unsigned)((t2.tv_sec - t0.tv_sec) * 1000 + (t2.tv_nsec - t0.tv_nsec) / 1000000);
            if (took > longest)
                span_ms = longest = took > 50 ? took : 50;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        total_ms += (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;

        ctx = test_open(path);
        check_invariants(ctx, ent, funded);
        printf("# round %d, %s after %u ms: %lld orders, %lld held, %lld submitted, %lld paid\n", round,
               WIFSIGNALED(status) ? "killed" : "finished", (unsigned)(delay / 1000), (long long)n(ctx, "SELECT count(*) FROM fw_payout_order"),
               (long long)n(ctx, "SELECT count(*) FROM fw_payout_order WHERE state=2"),
               (long long)n(ctx, "SELECT count(*) FROM fw_payout_order WHERE state=3"),
               (long long)n(ctx, "SELECT count(*) FROM fw_payout_order WHERE state=4"));
        /* a run that completed starts the next one, so that every round kills somewhere */
        if (n(ctx, "SELECT count(*) FROM fw_payout_order WHERE state=4") == (int64_t)(gen + 1) * ORDERS) {
            gen++;
            for (i = 0; i < PARTS; i++) {
                free(requests[i]);
                requests[i] = batch_request(gen, i, ent, workers, 20);
            }
        }
        fw_ctx_free(ctx);
    }
    printf("# %d rounds: %lld killed, %lld ran to the end, %d runs completed, %lld ms\n", ROUNDS,
           (long long)killed, (long long)finished, gen, (long long)total_ms);

    /* the same batch with the same keys completes it, once */
    ctx = test_open(path);
    world_actor(ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(run(ctx, requests), FW_OK);
    assert_int_equal(run(ctx, requests), FW_OK);
    check_invariants(ctx, ent, funded);
    assert_int_equal(n(ctx, "SELECT count(*) FROM fw_payout_order WHERE state=4"), (int64_t)(gen + 1) * ORDERS);
    assert_int_equal(n(ctx, "SELECT count(*) FROM fw_payout_order"), (int64_t)(gen + 1) * ORDERS);
    assert_int_equal(n(ctx, "SELECT sum(amount_fen) FROM fw_payout_order"),
                     (int64_t)(gen + 1) * ((int64_t)ORDERS * AMOUNT + (int64_t)ORDERS * (ORDERS - 1) / 2));
    assert_int_equal(n(ctx, "SELECT count(*) FROM fw_audit"), n(ctx, "SELECT max(seq) FROM fw_audit"));
    world_actor(ctx, FW_ROLE_AUDITOR, 0);
    assert_int_equal(fw_audit_verify(ctx, NULL, NULL), FW_OK);
    fw_ctx_free(ctx);
    for (i = 0; i < PARTS; i++)
        free(requests[i]);
}

TEST_MAIN(cmocka_unit_test(killed_at_random_points))
