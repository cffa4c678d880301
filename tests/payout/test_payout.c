/* Payout orders: gates, fee, withholding, hold, the channel's answers, returns (R-7.5.c-d, R-6.d). */
#include "support.h"
#include "world.h"
#include "payout/payout.h"
#include "tax/tax.h"

#include <cjson/cJSON.h>

/* ---- a fake payment channel ----------------------------------------------------------------- */

#define CH_SUCCESS 1
#define CH_FAIL    2
#define CH_TIMEOUT 3
#define CH_PENDING 4
#define CH_ERROR   5

struct channel {
    int submit_mode;
    int query_mode;         /* CH_SUCCESS, CH_FAIL or CH_PENDING */
    int submits, queries;
    char last[512];
};


/* a tax-agency authorisation in force for a worker, written as the contract module keeps it. */
static void authorise_tax(fw_ctx *ctx, fw_id worker)
{
    int64_t tpl = 0;
    if (fw__db_i64(ctx, &tpl, NULL, "SELECT id FROM fw_contract_template WHERE kind = 3", "") != FW_OK) {
        assert_int_equal(fw__db_exec(ctx, NULL, "INSERT INTO fw_contract_template(kind, name, version, body, "
                                     "placeholders, sha256, created_ms) VALUES(3, 't', 1, 'b', '[]', '', 0)", ""),
                         FW_OK);
        tpl = fw__db_last_id(ctx);
    }
    assert_int_equal(fw__db_exec(ctx, NULL, "INSERT INTO fw_contract(kind, state, template_id, enterprise_id, "
                                 "worker_id, sealed, created_ms) SELECT 3, 4, ?, 0, ?, 0, 0 WHERE NOT EXISTS "
                                 "(SELECT 1 FROM fw_contract WHERE kind = 3 AND worker_id = ?)", "iii", tpl, worker,
                                 worker), FW_OK);
}

static int reply(fw_reply *r, const char *json)
{
    return fw_reply_set(r, json, strlen(json));
}

static int ch_answer(int mode, fw_reply *reply_)
{
    switch (mode) {
    case CH_SUCCESS:
        return reply(reply_, "{\"status\":\"success\",\"channel_ref\":\"CMB-1\"}");
    case CH_FAIL:
        return reply(reply_, "{\"status\":\"failed\",\"reason\":\"account closed\"}");
    case CH_TIMEOUT:
        return FW_ETIMEOUT;
    case CH_PENDING:
        return FW_EPENDING;
    default:
        return FW_EINVAL;
    }
}

static int ch_submit(const char *req, size_t len, fw_reply *reply, void *payload)
{
    struct channel *c = payload;
    c->submits++;
    snprintf(c->last, sizeof(c->last), "%.*s", (int)len, req);
    return ch_answer(c->submit_mode, reply);
}

static int ch_query(const char *req, size_t len, fw_reply *reply, void *payload)
{
    struct channel *c = payload;
    (void)req;
    (void)len;
    c->queries++;
    return ch_answer(c->query_mode, reply);
}

static void use_channel(fw_ctx *ctx, struct channel *c)
{
    fw_payment_provider p = { FW_PAYMENT_PROVIDER_VERSION, c, ch_submit, ch_query };
    assert_int_equal(fw_ctx_set_payment_provider(ctx, &p, NULL), FW_OK);
}

/* ---- fixtures ---------------------------------------------------------------------------------- */

struct fx {
    fw_ctx *ctx;
    struct world w;
    fw_id ent, ent2, w1, w2;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->ctx = test_open(":memory:");
    world_init(f->ctx, &f->w);
    f->ent = world_enterprise(f->ctx, &f->w, 1);
    f->ent2 = world_enterprise(f->ctx, &f->w, 2);
    f->w1 = world_worker(f->ctx, &f->w, 1);
    f->w2 = world_worker(f->ctx, &f->w, 2);
    world_fund(f->ctx, f->ent, 10000000);          /* 100,000.00 */
    /* 6% on top, charged at each payout */
    {
        fw_error *err = NULL;
        fw_id sid = 0;
        assert_rc(fw_fee_schedule_set(f->ctx, &sid, "{\"enterprise_id\":1,\"valid_from\":\"2026-01-01\","
                                      "\"rate_ppm\":60000,\"bearer\":\"on_top\",\"charge\":\"during\"}",
                                      (size_t)-1, &err), FW_OK, &err);
    }
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
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

#define FUNDS(f) world_posted((f)->ctx, FW_LEDGER_OWNER_ENTERPRISE, (f)->ent, FW_ACCT_ENTERPRISE_FUNDS)
#define AVAIL(f) world_available((f)->ctx, FW_LEDGER_OWNER_ENTERPRISE, (f)->ent, FW_ACCT_ENTERPRISE_FUNDS)
#define PLATFORM(f, t) world_posted((f)->ctx, FW_LEDGER_OWNER_PLATFORM, 0, (t))
#define PAYABLE(f, w) world_posted((f)->ctx, FW_LEDGER_OWNER_WORKER, (w), FW_ACCT_WORKER_PAYABLE)

static int64_t q(fw_ctx *ctx, const char *sql, int64_t id)
{
    int64_t v = -1;
    assert_int_equal(fw__db_i64(ctx, &v, NULL, sql, "i", id), FW_OK);
    return v;
}

static fw_id order(struct fx *f, const char *key, fw_id worker, int64_t amount, uint32_t *state)
{
    char json[256];
    fw_error *err = NULL;
    fw_id id = 0;
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"%s\",\"enterprise_id\":%lld,\"worker_id\":%lld,"
             "\"amount_fen\":%lld,\"task_ref\":\"T-1\"}", key, (long long)f->ent, (long long)worker,
             (long long)amount);
    assert_rc(fw_payout_create(f->ctx, json, (size_t)-1, &id, state, &err), FW_OK, &err);
    return id;
}

static uint32_t state_of(struct fx *f, fw_id id)
{
    return (uint32_t)q(f->ctx, "SELECT state FROM fw_payout_order WHERE id=?", id);
}

static cJSON *get(struct fx *f, fw_id id)
{
    char *out = NULL;
    cJSON *j;
    assert_int_equal(fw_payout_get(f->ctx, id, &out, NULL, NULL), FW_OK);
    j = cJSON_Parse(out);
    fw_free(out);
    return j;
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_non_null(v);
    return (int64_t)cJSON_GetNumberValue(v);
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_non_null(v);
    return cJSON_GetStringValue(v);
}

/* The timeline's states, "held>submitted>paid". */
static void assert_timeline(struct fx *f, fw_id id, const char *want)
{
    cJSON *o = get(f, id), *e;
    char got[200] = "";
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "timeline")) {
        if (got[0])
            strcat(got, ">");
        strcat(got, str(e, "to"));
    }
    assert_string_equal(got, want);
    cJSON_Delete(o);
}

/* ---- tests ---------------------------------------------------------------------------------- */

/* .c, R-7.5.d: a payout held, submitted, paid: every account moves by the exact figures. */
static void paid_synchronously(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_SUCCESS, CH_SUCCESS, 0, 0, "" };
    struct fw__tax_result tax;
    uint32_t st = 0;
    fw_id id;
    cJSON *o;

    id = order(f, "p-1", f->w1, 3000000, &st);    /* 30,000.00 */
    assert_int_equal(st, FW_PAYOUT_HELD);
    /* held: 1,000.00 + 6% fee = 1,060.00 reserved, nothing posted yet */
    assert_int_equal(FUNDS(f), 10000000);
    assert_int_equal(AVAIL(f), 10000000 - 3180000);
    assert_int_equal(fw__tax_record_get(f->ctx, "payout:1", FW_TAX_RECORD_WITHHOLDING, &tax, NULL), FW_OK);
    o = get(f, id);
    assert_int_equal(num(o, "fee_fen"), 180000);
    assert_int_equal(num(o, "enterprise_pays_fen"), 3180000);
    assert_int_equal(num(o, "gross_fen"), 3000000);
    /* cumulative method, month 1: (30,000 - 20% - 5,000) x 3% = 570.00; VAT exempt below the threshold */
    assert_int_equal(tax.iit_fen, 57000);
    assert_int_equal(tax.vat_fen, 0);
    assert_int_equal(num(o, "iit_fen"), tax.iit_fen);
    assert_int_equal(num(o, "vat_fen"), tax.vat_fen);
    assert_int_equal(num(o, "surcharge_fen"), tax.surcharge_fen);
    assert_int_equal(num(o, "net_fen"), 3000000 - tax.withheld_fen);
    assert_string_equal(str(o, "fee_bearer"), "on_top");
    cJSON_Delete(o);

    use_channel(f->ctx, &ch);
    assert_int_equal(fw_payout_submit(f->ctx, id, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_PAID);
    assert_int_equal(ch.submits, 1);
    assert_non_null(strstr(ch.last, "\"request_no\":\"FWP1\""));
    assert_non_null(strstr(ch.last, "\"bank_card\":\"6222020000000000018\""));
    assert_int_equal(FUNDS(f), 10000000 - 3180000);
    assert_int_equal(AVAIL(f), 10000000 - 3180000);
    assert_int_equal(PLATFORM(f, FW_ACCT_FEE_REVENUE), 180000);
    assert_int_equal(PLATFORM(f, FW_ACCT_IIT_WITHHELD), tax.iit_fen);
    assert_int_equal(PLATFORM(f, FW_ACCT_VAT_PAYABLE), tax.vat_fen);
    assert_int_equal(PLATFORM(f, FW_ACCT_SURCHARGES_PAYABLE), tax.surcharge_fen);
    assert_int_equal(PLATFORM(f, FW_ACCT_BANK_CLEARING), 10000000 - (3000000 - tax.withheld_fen));
    assert_int_equal(PAYABLE(f, f->w1), 0);
    assert_true(world_ledger_ok(f->ctx));
    assert_timeline(f, id, "held>submitted>paid");
    o = get(f, id);
    assert_string_equal(str(o, "channel_ref"), "CMB-1");
    cJSON_Delete(o);

    /* the channel notifies again: accepted, nothing moves (R-6.d: paid once) */
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_SUCCESS, "CMB-1", NULL, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_PAID);
    assert_int_equal(PLATFORM(f, FW_ACCT_FEE_REVENUE), 180000);
    assert_int_equal(FUNDS(f), 10000000 - 3180000);
    assert_timeline(f, id, "held>submitted>paid");
    /* submitting a paid order does nothing */
    assert_int_equal(fw_payout_submit(f->ctx, id, &st, NULL), FW_OK);
    assert_int_equal(ch.submits, 1);
}

/* The channel refuses: the hold is voided and the withholding reversed. */
static void failed_synchronously(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_FAIL, CH_FAIL, 0, 0, "" };
    struct fw__tax_result rev;
    uint32_t st = 0;
    fw_id id;
    cJSON *o;

    use_channel(f->ctx, &ch);
    id = order(f, "p-1", f->w1, 100000, NULL);
    assert_int_equal(fw_payout_submit(f->ctx, id, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_FAILED);
    assert_int_equal(FUNDS(f), 10000000);
    assert_int_equal(AVAIL(f), 10000000);
    assert_int_equal(PLATFORM(f, FW_ACCT_FEE_REVENUE), 0);
    assert_int_equal(fw__tax_record_get(f->ctx, "payout:1", FW_TAX_RECORD_REVERSAL, &rev, NULL), FW_OK);
    assert_int_equal(rev.gross_fen, -100000);
    o = get(f, id);
    assert_string_equal(str(o, "reason"), "account closed");
    cJSON_Delete(o);
    assert_timeline(f, id, "held>submitted>failed");
    /* a late success after a failure is refused: it needs an investigation */
    {
        fw_error *err = NULL;
        assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, &err), FW_ESTATE);
        assert_string_equal(fw_error_message(err),
                            "result: payout order 1 is failed; a result \"success\" needs a held or submitted order");
        fw_error_free(err);
    }
    /* the fee volume forgets the failed payout */
    assert_int_equal(q(f->ctx, "SELECT volume_fen FROM fw_payout_volume WHERE enterprise_id=?", f->ent), 0);
    assert_true(world_ledger_ok(f->ctx));
}

/* The channel times out: the order waits submitted; a query sweep settles it. */
static void timeout_then_query(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_TIMEOUT, CH_PENDING, 0, 0, "" };
    int64_t resolved = -1;
    uint32_t st = 0;
    fw_id a, b;

    use_channel(f->ctx, &ch);
    a = order(f, "p-a", f->w1, 100000, NULL);
    b = order(f, "p-b", f->w2, 50000, NULL);
    assert_int_equal(fw_payout_submit(f->ctx, a, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_SUBMITTED);
    assert_int_equal(fw_payout_submit(f->ctx, b, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_SUBMITTED);
    assert_int_equal(AVAIL(f), 10000000 - 106000 - 53000);
    /* still pending at the channel */
    assert_int_equal(fw_payout_sweep(f->ctx, 100, &resolved, NULL), FW_OK);
    assert_int_equal(resolved, 0);
    assert_int_equal(ch.queries, 2);
    ch.query_mode = CH_SUCCESS;
    assert_int_equal(fw_payout_sweep(f->ctx, 1, &resolved, NULL), FW_OK);
    assert_int_equal(resolved, 1);
    assert_int_equal(state_of(f, a), FW_PAYOUT_PAID);
    assert_int_equal(state_of(f, b), FW_PAYOUT_SUBMITTED);
    ch.query_mode = CH_FAIL;
    assert_int_equal(fw_payout_sweep(f->ctx, 100, &resolved, NULL), FW_OK);
    assert_int_equal(resolved, 1);
    assert_int_equal(state_of(f, b), FW_PAYOUT_FAILED);
    assert_int_equal(FUNDS(f), 10000000 - 106000);
    assert_int_equal(AVAIL(f), 10000000 - 106000);
    assert_timeline(f, a, "held>submitted>paid");
    assert_true(world_ledger_ok(f->ctx));
}

/* A sweep applies each answer on its own: one that cannot be applied waits, with a note. */
static void sweep_skips_what_cannot_be_applied(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_PENDING, CH_FAIL, 0, 0, "" };
    fw_error *err = NULL;
    int64_t resolved = -1;
    fw_id a, b, decl = 0;
    cJSON *o;

    use_channel(f->ctx, &ch);
    a = order(f, "w-a", f->w1, 100000, NULL);
    b = order(f, "w-b", f->w2, 100000, NULL);
    assert_int_equal(fw_payout_submit(f->ctx, a, NULL, NULL), FW_OK);
    assert_int_equal(fw_payout_submit(f->ctx, b, NULL, NULL), FW_OK);
    /* March is declared: a failure's withholding can no longer be reversed in it */
    authorise_tax(f->ctx, f->w1);
    authorise_tax(f->ctx, f->w2);
    test_actor(f->ctx, FW_ROLE_TAX_AGENT, 0);
    assert_rc(fw_tax_declaration_build(f->ctx, "2026-03", &decl, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_submit(f->ctx, decl, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_resolve(f->ctx, decl, "{\"status\":\"accepted\",\"receipt_no\":\"R-1\"}", (size_t)-1,
                                         &err), FW_OK, &err);
    test_actor(f->ctx, FW_ROLE_SYSTEM, 0);
    assert_int_equal(fw_payout_sweep(f->ctx, 10, &resolved, NULL), FW_OK);
    assert_int_equal(resolved, 0);
    assert_int_equal(ch.queries, 2);
    assert_int_equal(state_of(f, a), FW_PAYOUT_SUBMITTED);
    assert_int_equal(state_of(f, b), FW_PAYOUT_SUBMITTED);
    o = get(f, b);
    assert_non_null(strstr(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "timeline"), 2), "note"),
                           "the channel's answer could not be applied: "));
    cJSON_Delete(o);
    assert_int_equal(AVAIL(f), 10000000 - 2 * 106000);
    /* the channel's success is applied */
    ch.query_mode = CH_SUCCESS;
    assert_int_equal(fw_payout_sweep(f->ctx, 10, &resolved, NULL), FW_OK);
    assert_int_equal(resolved, 2);
    assert_int_equal(FUNDS(f), 10000000 - 2 * 106000);
    assert_true(world_ledger_ok(f->ctx));
}

/* The channel answers later by callback, then once more: paid exactly once. */
static void late_answer_by_callback(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_PENDING, CH_PENDING, 0, 0, "" };
    uint32_t st = 0;
    fw_id id;

    use_channel(f->ctx, &ch);
    id = order(f, "p-1", f->w1, 100000, NULL);
    assert_int_equal(fw_payout_submit(f->ctx, id, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_SUBMITTED);
    test_clock_advance(3600 * 1000);
    test_actor(f->ctx, FW_ROLE_SYSTEM, 0);
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_SUCCESS, "CMB-9", NULL, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_PAID);
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_SUCCESS, "CMB-9", NULL, &st, NULL), FW_OK);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_ledger_entry WHERE reason='payout.paid' AND ref_id=?", 0) +
                     q(f->ctx, "SELECT count(*) FROM fw_ledger_entry WHERE reason='payout.paid' AND ref_id=CAST(? AS TEXT)", id),
                     1);
    assert_int_equal(FUNDS(f), 10000000 - 106000);
    test_clock_set(TEST_CLOCK_START);
}

/* R-6.d: money returned by the bank after payment (退汇) is reversed, taxes included. */
static void returned_after_success(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_SUCCESS, CH_SUCCESS, 0, 0, "" };
    struct fw__tax_result rev;
    fw_tax_calc *calc = NULL;
    int64_t before = 0, after = 0;
    uint32_t st = 0;
    fw_error *err = NULL;
    fw_id id;

    use_channel(f->ctx, &ch);
    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_tax_calc_new(&calc, f->ctx, fw_ctx_now(f->ctx), NULL), FW_OK);
    assert_int_equal(fw_tax_calc_withholding(calc, f->w1, 100000, &before, NULL), FW_OK);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    id = order(f, "p-1", f->w1, 100000, NULL);
    assert_int_equal(fw_payout_submit(f->ctx, id, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_PAID);
    /* a failure notice after payment is not how a return is recorded */
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_FAILED, NULL, NULL, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "result: payout order 1 is paid; a result \"failed\" needs a held or "
                                               "submitted order; money coming back after payment is a return (RETURNED)");
    fw_error_free(err);

    test_clock_advance(3 * 86400 * 1000LL);
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_RETURNED, "RT-1", "payee name mismatch", &st, NULL),
                     FW_OK);
    assert_int_equal(st, FW_PAYOUT_RETURNED);
    assert_int_equal(FUNDS(f), 10000000);
    assert_int_equal(AVAIL(f), 10000000);
    assert_int_equal(PLATFORM(f, FW_ACCT_FEE_REVENUE), 0);
    assert_int_equal(PLATFORM(f, FW_ACCT_IIT_WITHHELD), 0);
    assert_int_equal(PLATFORM(f, FW_ACCT_VAT_PAYABLE), 0);
    assert_int_equal(PLATFORM(f, FW_ACCT_SURCHARGES_PAYABLE), 0);
    assert_int_equal(PLATFORM(f, FW_ACCT_BANK_CLEARING), 10000000);
    assert_int_equal(PAYABLE(f, f->w1), 0);
    assert_int_equal(fw__tax_record_get(f->ctx, "payout:1", FW_TAX_RECORD_REVERSAL, &rev, NULL), FW_OK);
    assert_int_equal(rev.gross_fen, -100000);
    /* the worker's cumulative figures are as before the payment: the same quote again */
    fw_tax_calc_free(calc);
    calc = NULL;
    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_tax_calc_new(&calc, f->ctx, fw_ctx_now(f->ctx), NULL), FW_OK);
    assert_int_equal(fw_tax_calc_withholding(calc, f->w1, 100000, &after, NULL), FW_OK);
    assert_int_equal(after, before);
    fw_tax_calc_free(calc);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_RETURNED, NULL, NULL, &st, NULL), FW_OK);
    assert_int_equal(fw_payout_result(f->ctx, id, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_RETURNED);
    assert_int_equal(FUNDS(f), 10000000);
    assert_timeline(f, id, "held>submitted>paid>returned");
    assert_true(world_ledger_ok(f->ctx));
    test_clock_set(TEST_CLOCK_START);
}

/*
 * R-6.d, R-7.7: under the cumulative method a return changes the tax of later payments; the
 * ledger follows the tax records and owes the excess withheld back to the worker.
 */
static void return_recomputes_cumulative_tax(void **state)
{
    struct fx *f = *state;
    struct fw__tax_result rev;
    fw_id a = order(f, "r-a", f->w1, 50000, NULL), b = order(f, "r-b", f->w1, 3000000, NULL);
    cJSON *o;
    char *out = NULL;
    int64_t vouchers_dr = 0, vouchers_cr = 0;
    const cJSON *v;

    test_actor(f->ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_payout_result(f->ctx, a, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, NULL), FW_OK);
    assert_int_equal(fw_payout_result(f->ctx, b, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, NULL), FW_OK);
    o = get(f, b);
    /* (30,500 x 80% - 5,000) x 3% = 582.00 */
    assert_int_equal(num(o, "iit_fen"), 58200);
    cJSON_Delete(o);
    assert_int_equal(PLATFORM(f, FW_ACCT_IIT_WITHHELD), 58200);
    assert_int_equal(fw_payout_result(f->ctx, a, FW_PAYOUT_RESULT_RETURNED, NULL, "closed", NULL, NULL), FW_OK);
    assert_int_equal(fw__tax_record_get(f->ctx, "payout:1", FW_TAX_RECORD_REVERSAL, &rev, NULL), FW_OK);
    /* without the 500.00: (30,000 x 80% - 5,000) x 3% = 570.00, so 12.00 was withheld in excess */
    assert_int_equal(rev.iit_fen, -1200);
    assert_int_equal(PLATFORM(f, FW_ACCT_IIT_WITHHELD), 57000);
    assert_int_equal(PAYABLE(f, f->w1), 1200);
    assert_true(world_ledger_ok(f->ctx));
    assert_int_equal(fw_payout_vouchers(f->ctx, f->ent, "2026-03", FW_PAYOUT_FORMAT_JSON, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "vouchers")), 7);
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(o, "vouchers")) {
        vouchers_dr += num(v, "debit_fen");
        vouchers_cr += num(v, "credit_fen");
    }
    assert_int_equal(vouchers_dr, vouchers_cr);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "vouchers"), 6), "summary"), "代扣税费重算调整");
    cJSON_Delete(o);
}

/* Without a provider an operator records the channel's result. */
static void operator_marks_results(void **state)
{
    struct fx *f = *state;
    uint32_t st = 0;
    fw_error *err = NULL;
    fw_id a = order(f, "p-a", f->w1, 100000, NULL), b = order(f, "p-b", f->w2, 20000, NULL);
    int64_t resolved = -1;

    assert_int_equal(fw_payout_submit(f->ctx, a, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_SUBMITTED);
    assert_int_equal(fw_payout_sweep(f->ctx, 10, &resolved, NULL), FW_OK);   /* no provider: nothing */
    assert_int_equal(resolved, 0);
    /* a worker or an enterprise user may not */
    test_actor(f->ctx, FW_ROLE_ENTERPRISE_USER, f->ent);
    assert_int_equal(fw_payout_result(f->ctx, a, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(f->ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_payout_result(f->ctx, a, 9, NULL, NULL, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "result");
    fw_error_free(err);
    assert_int_equal(fw_payout_result(f->ctx, a, FW_PAYOUT_RESULT_SUCCESS, "BANK-1", NULL, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_PAID);
    /* a held order can be failed directly (the channel never took it) */
    assert_int_equal(fw_payout_result(f->ctx, b, FW_PAYOUT_RESULT_FAILED, NULL, "wrong card", &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_FAILED);
    assert_timeline(f, a, "held>submitted>paid");
    assert_timeline(f, b, "held>failed");
    assert_int_equal(AVAIL(f), 10000000 - 106000);
    assert_true(world_ledger_ok(f->ctx));
}

/* Funds short: refused with the figures, nothing stored; the key remembers the refusal. */
static void insufficient_funds(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    int64_t audits = q(f->ctx, "SELECT count(*) FROM fw_audit WHERE seq > ?", 0);
    const char *json = "{\"idempotency_key\":\"big\",\"enterprise_id\":1,\"worker_id\":1,"
                       "\"amount_fen\":9500000,\"task_ref\":\"T-1\"}";

    assert_int_equal(fw_payout_create(f->ctx, json, (size_t)-1, NULL, NULL, &err), FW_EFUNDS);
    assert_string_equal(fw_error_message(err), "amount_fen: enterprise 1 has 100000.00 yuan available; the payout "
                                               "needs 100700.00 yuan (amount and fee)");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_order WHERE id > ?", 0), 0);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_tax_withholding WHERE id > ?", 0), 0);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_audit WHERE seq > ?", 0), audits);
    assert_int_equal(AVAIL(f), 10000000);
    /* funded now, the same key still fails the same way (a new key is a new request) */
    world_fund(f->ctx, f->ent, 1000000);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_payout_create(f->ctx, json, (size_t)-1, NULL, NULL, &err), FW_EFUNDS);
    fw_error_free(err);
}

/* Idempotency by key: the same request returns the first order; another request conflicts. */
static void idempotent_orders(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    fw_id a = order(f, "k-1", f->w1, 100000, NULL), b = 0;
    const char *other = "{\"idempotency_key\":\"k-1\",\"enterprise_id\":1,\"worker_id\":1,"
                        "\"amount_fen\":100001,\"task_ref\":\"T-1\"}";

    b = order(f, "k-1", f->w1, 100000, NULL);
    assert_int_equal(a, b);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_order WHERE id > ?", 0), 1);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_audit WHERE action='payout.create' AND entity_id=?", a), 1);
    assert_int_equal(fw_payout_create(f->ctx, other, (size_t)-1, NULL, NULL, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err), "idempotency_key: key \"k-1\" was first used with a different "
                                               "amount_fen; use a new key for a new request");
    fw_error_free(err);
    assert_int_equal(AVAIL(f), 10000000 - 106000);
}

/* the gates refuse before anything is written. */
static void gates_refuse(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    fw_id lone = 0;
    char json[256];

    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_party_worker_register(f->ctx, "{\"name\":\"赵六\",\"id_number\":\"110105199003071239\","
                                              "\"phone\":\"13900009999\",\"bank_card\":\"6222021000000000009\","
                                              "\"channel\":\"self\"}", (size_t)-1, &lone, NULL), FW_OK);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"g-1\",\"enterprise_id\":1,\"worker_id\":%lld,"
             "\"amount_fen\":100,\"task_ref\":\"T-1\"}", (long long)lone);
    assert_int_equal(fw_payout_create(f->ctx, json, (size_t)-1, NULL, NULL, &err), FW_EDENIED);
    assert_non_null(strstr(fw_error_message(err), "WORKER_NOT_VERIFIED"));
    fw_error_free(err);
    err = NULL;
    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_party_worker_verify(f->ctx, lone, NULL, NULL, NULL), FW_OK);
    assert_int_equal(fw_party_worker_review(f->ctx, lone, "{\"decision\":\"approve\"}", (size_t)-1, NULL), FW_OK);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"g-2\",\"enterprise_id\":1,\"worker_id\":%lld,"
             "\"amount_fen\":100,\"task_ref\":\"T-1\"}", (long long)lone);
    assert_int_equal(fw_payout_create(f->ctx, json, (size_t)-1, NULL, NULL, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "WORKER_NO_SERVICE_AGREEMENT: worker 3 has no service agreement in "
                                               "force with enterprise 1");
    fw_error_free(err);
    err = NULL;
    /* a bad record names the field */
    assert_int_equal(fw_payout_create(f->ctx, "{\"idempotency_key\":\"g-3\",\"enterprise_id\":1,\"worker_id\":1,"
                                      "\"amount_fen\":0,\"task_ref\":\"T-1\"}", (size_t)-1, NULL, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.amount_fen");
    fw_error_free(err);
    err = NULL;
    /* a worker may not create payouts */
    test_actor(f->ctx, FW_ROLE_WORKER, f->w1);
    assert_int_equal(fw_payout_create(f->ctx, json, (size_t)-1, NULL, NULL, &err), FW_EPERM);
    fw_error_free(err);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_order WHERE id > ?", 0), 0);
}

/* A held order cancelled by an operator: hold voided, withholding reversed. */
static void cancel_held(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_SUCCESS, CH_SUCCESS, 0, 0, "" };
    fw_error *err = NULL;
    fw_id id = order(f, "c-1", f->w1, 100000, NULL);

    assert_int_equal(fw_payout_cancel(f->ctx, id, "duplicate request", &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(f->ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_payout_cancel(f->ctx, id, "", &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_cancel(f->ctx, id, "duplicate request", NULL), FW_OK);
    assert_int_equal(state_of(f, id), FW_PAYOUT_CANCELLED);
    assert_int_equal(AVAIL(f), 10000000);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_tax_withholding WHERE kind=? ", FW_TAX_RECORD_REVERSAL), 1);
    assert_int_equal(fw_payout_cancel(f->ctx, id, "again", &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    use_channel(f->ctx, &ch);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_payout_submit(f->ctx, id, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "order_id: payout order 1 is cancelled; only a held order is submitted");
    fw_error_free(err);
    assert_int_equal(ch.submits, 0);
    assert_timeline(f, id, "held>cancelled");
    assert_true(world_ledger_ok(f->ctx));
}

static char *batch_json(struct fx *f, const char *key, const char *mode, int n, int64_t amount, int bad_at)
{
    size_t cap = 256 + (size_t)n * 160, len;
    char *j = malloc(cap);
    int i;
    len = (size_t)snprintf(j, cap, "{\"idempotency_key\":\"%s\",\"enterprise_id\":%lld,\"mode\":\"%s\",\"orders\":[",
                           key, (long long)f->ent, mode);
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(j + len, cap - len, "%s{\"idempotency_key\":\"%s-%d\",\"worker_id\":%lld,"
                                "\"amount_fen\":%lld,\"task_ref\":\"T-%d\"}", i ? "," : "", key, i,
                                (long long)(i % 2 ? f->w2 : f->w1), (long long)(i == bad_at ? 9500000 : amount), i);
    snprintf(j + len, cap - len, "]}");
    return j;
}

/* .c: a batch all or nothing: one order short of funds refuses the whole batch. */
static void batch_all_or_nothing(void **state)
{
    struct fx *f = *state;
    char *j = batch_json(f, "b-1", "all", 10, 10000, 7), *out = NULL;
    fw_error *err = NULL;
    cJSON *o;

    assert_int_equal(fw_payout_batch(f->ctx, j, (size_t)-1, &out, NULL, &err), FW_EFUNDS);
    assert_string_equal(fw_error_path(err), "$.orders[7]");
    assert_string_equal(fw_error_message(err), "$.orders[7]: order 7: amount_fen: enterprise 1 has 99258.00 yuan "
                                               "available; the payout needs 100700.00 yuan (amount and fee)");
    fw_error_free(err);
    assert_null(out);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_order WHERE id > ?", 0), 0);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_batch WHERE id > ?", 0), 0);
    assert_int_equal(AVAIL(f), 10000000);
    free(j);

    /* a good batch, submitted at once */
    {
        struct channel ch = { CH_SUCCESS, CH_SUCCESS, 0, 0, "" };
        use_channel(f->ctx, &ch);
        j = batch_json(f, "b-2", "all", 10, 10000, -1);
        j[strlen(j) - 1] = '\0';
        strcat(j, ",\"submit\":true}");
        assert_int_equal(fw_payout_batch(f->ctx, j, (size_t)-1, &out, NULL, NULL), FW_OK);
        o = cJSON_Parse(out);
        fw_free(out);
        assert_int_equal(num(o, "orders"), 10);
        assert_int_equal(num(o, "paid"), 10);
        assert_int_equal(num(o, "rejected"), 0);
        assert_int_equal(num(o, "amount_fen"), 100000);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 10);
        cJSON_Delete(o);
        assert_int_equal(ch.submits, 10);
        /* replay: the same batch, nothing submitted again */
        assert_int_equal(fw_payout_batch(f->ctx, j, (size_t)-1, &out, NULL, NULL), FW_OK);
        o = cJSON_Parse(out);
        fw_free(out);
        assert_int_equal(num(o, "paid"), 10);
        cJSON_Delete(o);
        assert_int_equal(ch.submits, 10);
        assert_int_equal(FUNDS(f), 10000000 - 106000);
        free(j);
    }
    assert_true(world_ledger_ok(f->ctx));
}

/* .c: a partial batch keeps the orders that pass and reports the others. */
static void batch_partial(void **state)
{
    struct fx *f = *state;
    char *j = batch_json(f, "b-1", "partial", 6, 10000, 3), *out = NULL, *again = NULL;
    fw_error *err = NULL;
    cJSON *o, *it;
    fw_id batch;

    assert_rc(fw_payout_batch(f->ctx, j, (size_t)-1, &out, NULL, &err), FW_OK, &err);
    o = cJSON_Parse(out);
    assert_int_equal(num(o, "orders"), 5);
    assert_int_equal(num(o, "held"), 5);
    assert_int_equal(num(o, "rejected"), 1);
    batch = num(o, "batch_id");
    it = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "items"), 3);
    assert_int_equal(num(it, "index"), 3);
    assert_int_equal(num(cJSON_GetObjectItem(it, "error"), "code"), FW_EFUNDS);
    cJSON_Delete(o);
    assert_int_equal(AVAIL(f), 10000000 - 5 * 10600);
    /* the same request again: the same answer, nothing new */
    assert_int_equal(fw_payout_batch(f->ctx, j, (size_t)-1, &again, NULL, NULL), FW_OK);
    assert_string_equal(again, out);
    fw_free(again);
    fw_free(out);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_order WHERE id > ?", 0), 5);
    /* the same key for another batch conflicts */
    free(j);
    j = batch_json(f, "b-1", "partial", 6, 10001, 3);
    assert_int_equal(fw_payout_batch(f->ctx, j, (size_t)-1, &out, NULL, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err), "idempotency_key: key \"b-1\" was first used with a different orders; "
                                               "use a new key for a new request");
    fw_error_free(err);
    err = NULL;
    free(j);
    /* batch submission without a provider: all wait submitted */
    assert_int_equal(fw_payout_batch_submit(f->ctx, batch, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(num(o, "submitted"), 5);
    cJSON_Delete(o);
    /* a bad item names its path; nothing stored */
    assert_int_equal(fw_payout_batch(f->ctx, "{\"idempotency_key\":\"b-9\",\"enterprise_id\":1,\"orders\":["
                                     "{\"idempotency_key\":\"x\",\"worker_id\":1,\"amount_fen\":5,\"task_ref\":\"T\"},"
                                     "{\"idempotency_key\":\"y\",\"worker_id\":1,\"amount_fen\":-5,\"task_ref\":\"T\"}]}",
                                     (size_t)-1, &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.orders[1].amount_fen");
    fw_error_free(err);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_payout_order WHERE id > ?", 0), 5);
}

/* .e, R-6.h: queries by filters and pages; parties see only their own. */
static void queries_and_rights(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    char *out = NULL;
    cJSON *o;
    fw_id a = order(f, "q-1", f->w1, 100000, NULL);
    int i;

    (void)a;
    for (i = 0; i < 4; i++) {
        char k[16];
        snprintf(k, sizeof(k), "q-%d", i + 2);
        order(f, k, i % 2 ? f->w1 : f->w2, 20000 + i, NULL);
    }
    assert_int_equal(fw_payout_list(f->ctx, "{\"worker_id\":1,\"limit\":2}", (size_t)-1, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "orders")), 2);
    assert_int_equal(num(o, "next_after_id"), 3);
    cJSON_Delete(o);
    assert_int_equal(fw_payout_list(f->ctx, "{\"worker_id\":1,\"after_id\":3,\"limit\":2}", (size_t)-1, &out, NULL,
                                    NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "orders")), 1);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "next_after_id")));
    cJSON_Delete(o);
    assert_int_equal(fw_payout_list(f->ctx, "{\"min_amount_fen\":20001,\"max_amount_fen\":20002,\"state\":\"held\"}",
                                    (size_t)-1, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "orders")), 2);
    cJSON_Delete(o);
    assert_int_equal(fw_payout_list(f->ctx, "{\"state\":\"bogus\"}", (size_t)-1, &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.state");
    fw_error_free(err);
    err = NULL;

    /* the worker sees their own orders only */
    test_actor(f->ctx, FW_ROLE_WORKER, f->w2);
    assert_int_equal(fw_payout_list(f->ctx, NULL, 0, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "orders")), 2);
    cJSON_Delete(o);
    assert_int_equal(fw_payout_list(f->ctx, "{\"worker_id\":1}", (size_t)-1, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_get(f->ctx, 1, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_get(f->ctx, 2, &out, NULL, NULL), FW_OK);
    fw_free(out);
    /* another enterprise's user sees nothing of this one */
    test_actor(f->ctx, FW_ROLE_ENTERPRISE_USER, f->ent2);
    assert_int_equal(fw_payout_list(f->ctx, NULL, 0, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "orders")), 0);
    cJSON_Delete(o);
    assert_int_equal(fw_payout_list(f->ctx, "{\"enterprise_id\":1}", (size_t)-1, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_enterprise_summary(f->ctx, f->ent, "2026-03", &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_statement(f->ctx, f->w1, "2026-03", FW_PAYOUT_FORMAT_JSON, &out, NULL, &err),
                     FW_EPERM);
    fw_error_free(err);
    test_actor(f->ctx, FW_ROLE_ENTERPRISE_USER, f->ent);
    assert_int_equal(fw_payout_list(f->ctx, NULL, 0, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "orders")), 5);
    cJSON_Delete(o);
}

/* .b, R-7.5.e: the worker's statement, the enterprise's totals and vouchers. */
static void statements_and_vouchers(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_SUCCESS, CH_SUCCESS, 0, 0, "" };
    struct fw__tax_result t1, t2;
    fw_id a, b, c;
    char *out = NULL;
    cJSON *o, *v;
    int64_t dr = 0, cr = 0;

    use_channel(f->ctx, &ch);
    a = order(f, "s-1", f->w1, 100000, NULL);
    b = order(f, "s-2", f->w1, 300000, NULL);
    c = order(f, "s-3", f->w1, 50000, NULL);
    assert_int_equal(fw_payout_submit(f->ctx, a, NULL, NULL), FW_OK);
    assert_int_equal(fw_payout_submit(f->ctx, b, NULL, NULL), FW_OK);
    ch.submit_mode = CH_FAIL;
    assert_int_equal(fw_payout_submit(f->ctx, c, NULL, NULL), FW_OK);
    test_clock_advance(86400 * 1000LL);
    assert_int_equal(fw_payout_result(f->ctx, b, FW_PAYOUT_RESULT_RETURNED, NULL, "closed", NULL, NULL), FW_OK);
    assert_int_equal(fw__tax_record_get(f->ctx, "payout:1", FW_TAX_RECORD_WITHHOLDING, &t1, NULL), FW_OK);
    assert_int_equal(fw__tax_record_get(f->ctx, "payout:2", FW_TAX_RECORD_WITHHOLDING, &t2, NULL), FW_OK);

    test_actor(f->ctx, FW_ROLE_WORKER, f->w1);
    assert_int_equal(fw_payout_statement(f->ctx, f->w1, "2026-03", FW_PAYOUT_FORMAT_JSON, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(num(o, "orders"), 2);
    assert_int_equal(num(o, "gross_fen"), 400000);
    assert_int_equal(num(o, "fee_borne_fen"), 0);
    assert_int_equal(num(o, "iit_fen"), t1.iit_fen + t2.iit_fen);
    assert_int_equal(num(o, "vat_fen"), t1.vat_fen + t2.vat_fen);
    assert_int_equal(num(o, "surcharge_fen"), t1.surcharge_fen + t2.surcharge_fen);
    assert_int_equal(num(o, "net_fen"), t1.net_fen + t2.net_fen);
    assert_int_equal(num(o, "returned_orders"), 1);
    assert_int_equal(num(o, "returned_net_fen"), t2.net_fen);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "lines"), 1), "state"), "returned");
    cJSON_Delete(o);
    assert_int_equal(fw_payout_statement(f->ctx, f->w1, "2026-03", FW_PAYOUT_FORMAT_CSV, &out, NULL, NULL), FW_OK);
    assert_memory_equal(out, "period,order_id,enterprise_id,task_ref,paid_date,gross,fee_borne,iit,vat,surcharges,"
                             "net,state\n2026-03,1,1,\"T-1\",2026-03-15,1000.00,0.00,", 102);
    assert_non_null(strstr(out, "\n2026-03,total,,,,4000.00,0.00,"));
    fw_free(out);
    assert_int_equal(fw_payout_statement(f->ctx, f->w1, "2026-3", FW_PAYOUT_FORMAT_CSV, &out, NULL, NULL), FW_EINVAL);

    test_actor(f->ctx, FW_ROLE_ENTERPRISE_USER, f->ent);
    assert_int_equal(fw_payout_enterprise_summary(f->ctx, f->ent, "2026-03", &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(num(o, "orders"), 3);
    assert_int_equal(num(cJSON_GetObjectItem(o, "by_state"), "paid"), 1);
    assert_int_equal(num(cJSON_GetObjectItem(o, "by_state"), "returned"), 1);
    assert_int_equal(num(cJSON_GetObjectItem(o, "by_state"), "failed"), 1);
    assert_int_equal(num(cJSON_GetObjectItem(o, "paid"), "orders"), 2);
    assert_int_equal(num(cJSON_GetObjectItem(o, "paid"), "fee_fen"), 24000);
    assert_int_equal(num(cJSON_GetObjectItem(o, "returned"), "enterprise_pays_fen"), 318000);
    cJSON_Delete(o);

    assert_int_equal(fw_payout_vouchers(f->ctx, f->ent, "2026-03", FW_PAYOUT_FORMAT_JSON, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    /* paid a: post + distribution; paid b: post + distribution; returned b: two reversals */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "vouchers")), 6);
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(o, "vouchers")) {
        assert_int_equal(num(v, "debit_fen"), num(v, "credit_fen"));
        dr += num(v, "debit_fen");
        cr += num(v, "credit_fen");
    }
    assert_int_equal(dr, cr);
    v = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "vouchers"), 1);
    assert_string_equal(str(v, "summary"), "代发劳务报酬：分配服务费、代扣税费及实发");
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "lines"), 0), "account_code"), "2202.01");
    cJSON_Delete(o);
    assert_int_equal(fw_payout_vouchers(f->ctx, f->ent, "2026-03", FW_PAYOUT_FORMAT_CSV, &out, NULL, NULL), FW_OK);
    assert_memory_equal(out, "voucher_no,date,summary,account_code,account_name,debit,credit\n1,2026-03-15,", 72);
    fw_free(out);
    test_clock_set(TEST_CLOCK_START);
}

/* Accepted work through the task module: one published task, taken, delivered, accepted. */
static fw_id accepted_work(struct fx *f, fw_id worker, int64_t unit)
{
    char json[1024];
    fw_task *t = NULL;
    fw_id task, a = 0, payable = 0;
    fw_error *err = NULL;

    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_task_category_set(f->ctx, "{\"code\":\"DESIGN\",\"name\":\"界面设计\",\"risk_level\":\"low\","
                                       "\"restricted\":false,\"min_unit_fen\":10000,\"max_unit_fen\":20000000,"
                                       "\"scope_keywords\":[\"软件\",\"设计\"]}", (size_t)-1, &err), FW_OK, &err);
    snprintf(json, sizeof(json),
             "{\"enterprise_id\":%lld,\"title\":\"首页改版\",\"description\":\"设计首页三稿\","
             "\"category\":\"DESIGN\",\"remote\":true,\"unit_price_fen\":%lld,\"slots\":1,"
             "\"take_deadline_ms\":%lld,\"delivery_deadline_ms\":%lld}", (long long)f->ent, (long long)unit,
             (long long)(test_clock_ms + 10 * 86400000LL), (long long)(test_clock_ms + 20 * 86400000LL));
    assert_rc(fw_task_create(&t, f->ctx, json, strlen(json), &err), FW_OK, &err);
    task = fw_task_id(t);
    fw_task_free(t);
    assert_rc(fw_task_submit(f->ctx, task, NULL, &err), FW_OK, &err);
    assert_rc(fw_task_review(f->ctx, task, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_task_publish(f->ctx, task, &err), FW_OK, &err);
    assert_rc(fw_task_take(f->ctx, task, worker, &a, &err), FW_OK, &err);
    snprintf(json, sizeof(json), "{\"description\":\"三稿已交付\",\"evidence\":[{\"name\":\"v1.png\",\"sha256\":"
             "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}],\"completed_ms\":%lld}",
             (long long)test_clock_ms);
    assert_rc(fw_task_deliver(f->ctx, a, json, strlen(json), &err), FW_OK, &err);
    assert_rc(fw_task_accept(f->ctx, a, NULL, &payable, &err), FW_OK, &err);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    return payable;
}

/* accepted work is paid from its payable item; a failed order gives the item back. */
static void pays_accepted_work(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_FAIL, CH_SUCCESS, 0, 0, "" };
    fw_id p1 = accepted_work(f, f->w1, 50000), p2 = accepted_work(f, f->w2, 80000);
    fw_error *err = NULL;
    char *out = NULL;
    cJSON *o, *items;
    fw_id first;

    use_channel(f->ctx, &ch);
    assert_rc(fw_payout_batch_payables(f->ctx, "{\"idempotency_key\":\"pay-1\",\"enterprise_id\":1,"
                                       "\"max_orders\":1,\"submit\":true}", (size_t)-1, &out, NULL, &err), FW_OK, &err);
    o = cJSON_Parse(out);
    fw_free(out);
    items = cJSON_GetObjectItem(o, "items");
    assert_int_equal(cJSON_GetArraySize(items), 1);
    first = num(cJSON_GetArrayItem(items, 0), "order_id");
    assert_int_equal(num(o, "failed"), 1);
    cJSON_Delete(o);
    o = get(f, first);
    assert_int_equal(num(o, "amount_fen"), 50000);
    assert_int_equal(num(o, "worker_id"), f->w1);
    assert_string_equal(str(o, "task_ref"), "task:1");
    cJSON_Delete(o);
    assert_int_equal(q(f->ctx, "SELECT coalesce(payout_order_id, 0) FROM fw_task_payable WHERE id=?", p1), 0);

    /* the next batch pays both items, the failed one again */
    ch.submit_mode = CH_SUCCESS;
    assert_rc(fw_payout_batch_payables(f->ctx, "{\"idempotency_key\":\"pay-2\",\"enterprise_id\":1,"
                                       "\"submit\":true}", (size_t)-1, &out, NULL, &err), FW_OK, &err);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(num(o, "paid"), 2);
    assert_int_equal(num(o, "amount_fen"), 130000);
    cJSON_Delete(o);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_task_payable WHERE payout_order_id IS NULL OR "
                               "payout_order_id = ?", 0), 0);
    assert_int_equal(q(f->ctx, "SELECT payout_order_id FROM fw_task_payable WHERE id=?", p2), 3);
    /* nothing left to pay */
    assert_int_equal(fw_payout_batch_payables(f->ctx, "{\"idempotency_key\":\"pay-3\",\"enterprise_id\":1}",
                                              (size_t)-1, &out, NULL, &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "enterprise_id: enterprise 1 has no unclaimed payable items");
    fw_error_free(err);
    err = NULL;
    /* an item claimed by another order cannot be paid twice */
    assert_int_equal(fw_payout_create(f->ctx, "{\"idempotency_key\":\"again\",\"payable_id\":1}", (size_t)-1, NULL,
                                      NULL, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_create(f->ctx, "{\"idempotency_key\":\"x\",\"payable_id\":1,\"amount_fen\":5}",
                                      (size_t)-1, NULL, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.amount_fen");
    fw_error_free(err);
    assert_int_equal(FUNDS(f), 10000000 - 137800);
    assert_true(world_ledger_ok(f->ctx));
}

/* .e, R-7.10.h: the risk gate suspends (挂起); an operator releases or cancels. */
static void risk_suspends_then_operator_decides(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    uint32_t st = 0;
    fw_id a, b;
    cJSON *o;

    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_risk_limits_set(f->ctx, "{\"scope\":\"platform\",\"limits\":{\"per_payment_fen\":200000}}",
                                 (size_t)-1, &err), FW_OK, &err);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    a = order(f, "k-a", f->w1, 300000, &st);
    assert_int_equal(st, FW_PAYOUT_SUSPENDED);
    o = get(f, a);
    assert_string_equal(str(o, "reason"), "risk deny: LIMIT_PER_PAYMENT");
    assert_int_equal(num(o, "fee_fen"), 0);
    cJSON_Delete(o);
    /* nothing computed, nothing held */
    assert_int_equal(AVAIL(f), 10000000);
    assert_int_equal(q(f->ctx, "SELECT count(*) FROM fw_tax_withholding WHERE id > ?", 0), 0);
    assert_int_equal(fw_payout_submit(f->ctx, a, NULL, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_result(f->ctx, a, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    /* a worker with a suspended payout is not closed */
    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_party_worker_close(f->ctx, f->w1, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "OPEN_PAYOUTS: worker 1 has 1 payout order(s) suspended, held or "
                                               "submitted; settle or cancel them first");
    fw_error_free(err);
    err = NULL;
    /* finance may not release; an operator may, with a note */
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_payout_release(f->ctx, a, "checked", NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(f->ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_payout_release(f->ctx, a, NULL, NULL, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_payout_release(f->ctx, a, "contract amount confirmed by phone", &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_HELD);
    assert_int_equal(AVAIL(f), 10000000 - 318000);
    assert_int_equal(fw_payout_release(f->ctx, a, "again", NULL, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_timeline(f, a, "suspended>held");
    o = get(f, a);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "timeline"), 1), "note"),
                        "contract amount confirmed by phone");
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "timeline"), 1), "by"), "operator");
    cJSON_Delete(o);

    /* another, cancelled */
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    b = order(f, "k-b", f->w2, 250000, &st);
    assert_int_equal(st, FW_PAYOUT_SUSPENDED);
    test_actor(f->ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_payout_cancel(f->ctx, b, "not agreed with the enterprise", NULL), FW_OK);
    assert_timeline(f, b, "suspended>cancelled");
    assert_int_equal(AVAIL(f), 10000000 - 318000);
    assert_true(world_ledger_ok(f->ctx));
}

/* a fee deducted from the payout is borne by the worker: taxed on the rest, on the statement. */
static void deducted_fee_is_borne_by_the_worker(void **state)
{
    struct fx *f = *state;
    struct channel ch = { CH_ERROR, CH_SUCCESS, 0, 0, "" };
    fw_error *err = NULL;
    fw_id id = 0, sid = 0;
    uint32_t st = 0;
    char *out = NULL;
    cJSON *o;

    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_fee_schedule_set(f->ctx, &sid, "{\"enterprise_id\":2,\"valid_from\":\"2026-01-01\",\"rate_ppm\":100000,"
                                  "\"bearer\":\"deducted\",\"charge\":\"during\"}", (size_t)-1, &err), FW_OK, &err);
    world_fund(f->ctx, f->ent2, 1000000);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    assert_rc(fw_payout_create(f->ctx, "{\"idempotency_key\":\"d-1\",\"enterprise_id\":2,\"worker_id\":2,"
                               "\"amount_fen\":100000,\"task_ref\":\"T-9\"}", (size_t)-1, &id, NULL, &err), FW_OK, &err);
    o = get(f, id);
    assert_int_equal(num(o, "fee_fen"), 10000);
    assert_int_equal(num(o, "enterprise_pays_fen"), 100000);
    assert_int_equal(num(o, "gross_fen"), 90000);
    assert_string_equal(str(o, "fee_bearer"), "deducted");
    cJSON_Delete(o);
    /* a channel that fails outright leaves the outcome unknown: submitted, for a query */
    use_channel(f->ctx, &ch);
    assert_int_equal(fw_payout_submit(f->ctx, id, &st, NULL), FW_OK);
    assert_int_equal(st, FW_PAYOUT_SUBMITTED);
    o = get(f, id);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "timeline"), 1), "note"),
                        "the channel failed (FW_EPROVIDER: provider failure); "
                        "the outcome is unknown until queried");
    cJSON_Delete(o);
    assert_int_equal(fw_payout_sweep(f->ctx, 10, NULL, NULL), FW_OK);
    assert_int_equal(state_of(f, id), FW_PAYOUT_PAID);
    assert_int_equal(world_posted(f->ctx, FW_LEDGER_OWNER_ENTERPRISE, f->ent2, FW_ACCT_ENTERPRISE_FUNDS), 900000);
    assert_int_equal(PLATFORM(f, FW_ACCT_FEE_REVENUE), 10000);
    assert_int_equal(fw_payout_statement(f->ctx, f->w2, "2026-03", FW_PAYOUT_FORMAT_JSON, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(num(o, "gross_fen"), 90000);
    assert_int_equal(num(o, "fee_borne_fen"), 10000);
    assert_int_equal(num(o, "net_fen"), 90000);
    cJSON_Delete(o);
    assert_true(world_ledger_ok(f->ctx));
}

/* a worker with a payout in flight is not closed. */
static void open_orders_block_cancellation(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    fw_id id = order(f, "o-1", f->w2, 10000, NULL);

    test_actor(f->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_party_worker_close(f->ctx, f->w2, &err), FW_EDENIED);
    fw_error_free(err);
    assert_int_equal(fw_payout_cancel(f->ctx, id, "worker leaves", NULL), FW_OK);
    assert_int_equal(fw_party_worker_close(f->ctx, f->w2, NULL), FW_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(paid_synchronously, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_synchronously, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_then_query, setup, teardown),
        cmocka_unit_test_setup_teardown(late_answer_by_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(sweep_skips_what_cannot_be_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(returned_after_success, setup, teardown),
        cmocka_unit_test_setup_teardown(return_recomputes_cumulative_tax, setup, teardown),
        cmocka_unit_test_setup_teardown(operator_marks_results, setup, teardown),
        cmocka_unit_test_setup_teardown(insufficient_funds, setup, teardown),
        cmocka_unit_test_setup_teardown(idempotent_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(gates_refuse, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_held, setup, teardown),
        cmocka_unit_test_setup_teardown(batch_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(batch_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(queries_and_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(statements_and_vouchers, setup, teardown),
        cmocka_unit_test_setup_teardown(pays_accepted_work, setup, teardown),
        cmocka_unit_test_setup_teardown(open_orders_block_cancellation, setup, teardown),
        cmocka_unit_test_setup_teardown(risk_suspends_then_operator_decides, setup, teardown),
        cmocka_unit_test_setup_teardown(deducted_fee_is_borne_by_the_worker, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
