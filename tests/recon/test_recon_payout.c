/* Reconciliation against payout orders (R-7.9.a): a channel's statement names orders by the
 * request number the channel was sent and by its own reference; a bank return is the reversal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "../payout/world.h"

struct fx {
    fw_ctx *ctx;
    struct world w;
    fw_id ent, w1, w2;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fw_error *err = NULL;
    fw_id sid = 0;

    f->ctx = test_open(":memory:");
    world_init(f->ctx, &f->w);
    f->ent = world_enterprise(f->ctx, &f->w, 1);
    f->w1 = world_worker(f->ctx, &f->w, 1);
    f->w2 = world_worker(f->ctx, &f->w, 2);
    world_fund(f->ctx, f->ent, 10000000);
    assert_rc(fw_fee_schedule_set(f->ctx, &sid, "{\"enterprise_id\":1,\"valid_from\":\"2026-01-01\","
                                  "\"rate_ppm\":60000,\"bearer\":\"on_top\",\"charge\":\"during\"}",
                                  (size_t)-1, &err), FW_OK, &err);
    fw_ctx_set_actor(f->ctx, FW_ROLE_FINANCE, 0, "finance", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fw_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Creates, submits and settles an order; returns its id and net paid through the bank. */
static fw_id paid_order(struct fx *f, const char *key, fw_id worker, int64_t amount, const char *channel_ref,
                        int64_t *net)
{
    char json[256];
    fw_error *err = NULL;
    uint32_t st = 0;
    fw_id id = 0;

    snprintf(json, sizeof(json), "{\"idempotency_key\":\"%s\",\"enterprise_id\":%lld,\"worker_id\":%lld,"
             "\"amount_fen\":%lld,\"task_ref\":\"T-1\"}", key, (long long)f->ent, (long long)worker,
             (long long)amount);
    assert_rc(fw_payout_create(f->ctx, json, (size_t)-1, &id, &st, &err), FW_OK, &err);
    assert_rc(fw_payout_submit(f->ctx, id, &st, &err), FW_OK, &err);
    assert_rc(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_SUCCESS, channel_ref, NULL, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_PAYOUT_PAID);
    assert_int_equal(fw__db_i64(f->ctx, net, NULL, "SELECT net_fen FROM fw_payout_order WHERE id=?", "i", id), FW_OK);
    return id;
}

struct mem {
    const char *p;
    size_t n, off;
};

static int64_t mem_read(void *payload, uint8_t *buf, size_t size)
{
    struct mem *m = payload;
    size_t k = m->n - m->off < size ? m->n - m->off : size;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (int64_t)k;
}

static void assert_outcome(const fw_recon *r, uint32_t outcome, int64_t want_count, int64_t want_sum)
{
    int64_t c = -1, s = -1;
    assert_int_equal(fw_recon_outcome(r, outcome, &c, &s, NULL), FW_OK);
    if (c != want_count || s != want_sum)
        fail_msg("outcome %u: count %lld sum %lld, want %lld and %lld", outcome, (long long)c,
                 (long long)s, (long long)want_count, (long long)want_sum);
}

/* .a: matched by request number (FWP<order>) and by the channel's reference; the return of
 * a paid order matches its reversal. */
static void statement_matches_payout_orders(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    fw_recon *r = NULL;
    fw_id a, b, c, st = 0;
    int64_t na = 0, nb = 0, nc = 0, funds = 0;
    char csv[2048];
    uint32_t s = 0;
    struct mem m;

    a = paid_order(f, "o-1", f->w1, 300000, "CMB-1", &na);
    b = paid_order(f, "o-2", f->w2, 200000, "CMB-2", &nb);
    c = paid_order(f, "o-3", f->w1, 100000, "CMB-3", &nc);
    assert_rc(fw_payout_result(f->ctx, c, FW_PAYOUT_RESULT_RETURNED, "RT-3", "account closed", &s, &err), FW_OK, &err);
    funds = 10000000;
    snprintf(csv, sizeof(csv),
             "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要\n"
             "20260315,09:00:00,F-1,,,%lld.00,%lld.00,,,备付金\n"
             "20260315,10:00:00,B-1,FWP%lld,%lld.%02lld,,,工人1,,代发\n"
             "20260315,10:00:01,CMB-2,,%lld.%02lld,,,工人2,,代发\n"
             "20260315,10:00:02,B-3,FWP%lld,%lld.%02lld,,,工人1,,代发\n"
             "20260315,10:30:00,RT-3,FWP%lld,,%lld.%02lld,,工人1,,退汇\n",
             (long long)funds / 100, (long long)funds / 100, (long long)a, (long long)na / 100, (long long)na % 100,
             (long long)nb / 100, (long long)nb % 100, (long long)c, (long long)nc / 100, (long long)nc % 100,
             (long long)c, (long long)nc / 100, (long long)nc % 100);
    m = (struct mem){ csv, strlen(csv), 0 };
    assert_rc(fw_recon_import(f->ctx, &st, mem_read, &m, "{\"format\":\"csv\",\"encoding\":\"utf-8\"}", 35, &err),
              FW_OK, &err);
    {
        const char *opts = "{\"feed_funding\":false,\"rules\":[{\"kind\":\"reference\"},{\"kind\":\"amount_date\"}]}";
        assert_rc(fw_recon_run(&r, f->ctx, st, opts, strlen(opts), &err), FW_OK, &err);
    }
    /* the funding (booked without a reference) pairs by amount and date; the rest by the names
     * the orders go by; the return pairs with the reversal */
    assert_outcome(r, FW_RECON_MATCHED, 5, funds - na - nb);
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 0, 0);
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 0, 0);
    {
        char *out = NULL;
        assert_int_equal(fw_recon_results(r, FW_RECON_MATCHED, 1, 1, &out, NULL, NULL), FW_OK);
        assert_non_null(strstr(out, "\"rule\":\"reference\""));
        fw_free(out);
    }
    fw_recon_free(r);
    (void)b;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(statement_matches_payout_orders, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
