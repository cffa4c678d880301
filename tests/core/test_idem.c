/* Idempotency (DESIGN §4, TigerBeetle semantics), driven through a small money-moving call
 * written the way every module writes one (lib/core/idem.h). */
#include <string.h>

#include "support.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"

static int setup(void **state)
{
    fw_error *err = NULL;
    test_setup_admin(state);
    assert_rc(fw__db_script(*state, "CREATE TABLE scratch_balance(fen INTEGER NOT NULL);"
                                    "INSERT INTO scratch_balance VALUES (1000);"
                                    "CREATE TABLE scratch_pay(id INTEGER PRIMARY KEY, fen INTEGER NOT NULL)",
                            &err), FW_OK, &err);
    return 0;
}

/* Pays amount from the scratch balance: FW_EFUNDS when short; `busy` simulates a lock timeout. */
static int test_pay(fw_ctx *ctx, const char *key, int64_t amount, const char *memo, int busy,
                    fw_id *out_id, fw_error **err)
{
    char req[256];
    fw__idem idem;
    fw_id id = 0;
    int64_t balance = 0;
    int rc;

    if ((rc = fw__authz_require(ctx, "core.test", err)) != FW_OK)
        return rc;
    snprintf(req, sizeof(req), "{\"amount_fen\":%lld,\"memo\":\"%s\"}", (long long)amount, memo);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "core.test_pay", key, req, strlen(req), err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = fw__db_i64(ctx, &balance, err, "SELECT fen FROM scratch_balance", "");
        if (rc == FW_OK && balance < amount)
            rc = fw__error_set(err, FW_EFUNDS, "$.amount_fen", "the balance is %lld fen, less than %lld",
                               (long long)balance, (long long)amount);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE scratch_balance SET fen = fen - ?", "i", amount);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO scratch_pay(fen) VALUES (?)", "i", amount);
        if (rc == FW_OK)
            id = fw__db_last_id(ctx);
        if (rc == FW_OK && busy)
            rc = fw__error_set(err, FW_EBUSY, NULL, "simulated lock timeout");
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK && out_id)
        *out_id = id;
    return rc;
}

static int64_t q(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    fw_error *err = NULL;
    assert_rc(fw__db_i64(ctx, &n, &err, sql, ""), FW_OK, &err);
    return n;
}
#define BALANCE(ctx) q(ctx, "SELECT fen FROM scratch_balance")
#define PAYS(ctx) q(ctx, "SELECT count(*) FROM scratch_pay")
#define KEYS(ctx) q(ctx, "SELECT count(*) FROM fw_idem")

static void first_call_stores_and_replay_returns_same_id(void **state)
{
    fw_ctx *ctx = *state;
    fw_id id = 0, id2 = 0;
    fw_error *err = NULL;
    assert_rc(test_pay(ctx, "k1", 100, "a", 0, &id, &err), FW_OK, &err);
    assert_int_equal(id, 1);
    assert_int_equal(KEYS(ctx), 1);
    assert_rc(test_pay(ctx, "k1", 100, "a", 0, &id2, &err), FW_OK, &err);
    assert_int_equal(id2, 1);
    assert_int_equal(BALANCE(ctx), 900);
    assert_int_equal(PAYS(ctx), 1);
    assert_int_equal(KEYS(ctx), 1);
    assert_int_equal(q(ctx, "SELECT rc FROM fw_idem WHERE key = 'k1'"), FW_OK);
}

static void same_key_different_request_is_conflict(void **state)
{
    fw_ctx *ctx = *state;
    fw_id id = 77;
    fw_error *err = NULL;
    assert_rc(test_pay(ctx, "k1", 100, "a", 0, NULL, &err), FW_OK, &err);
    assert_int_equal(test_pay(ctx, "k1", 200, "a", 0, &id, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_path(err), "idempotency_key");
    assert_string_equal(fw_error_message(err), "idempotency_key: key \"k1\" was first used with a "
                        "different amount_fen; use a new key for a new request");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(test_pay(ctx, "k1", 100, "b", 0, &id, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err), "idempotency_key: key \"k1\" was first used with a "
                        "different memo; use a new key for a new request");
    fw_error_free(err);
    assert_int_equal(id, 77);
    assert_int_equal(BALANCE(ctx), 900);
    assert_int_equal(PAYS(ctx), 1);
    assert_int_equal(KEYS(ctx), 1);
}

/* A first attempt that failed for a business reason fails again the same way, even after the
 * condition changed. */
static void business_failure_is_remembered(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 77;
    const char *msg = "$.amount_fen: the balance is 1000 fen, less than 5000";
    assert_int_equal(test_pay(ctx, "k2", 5000, "a", 0, &id, &err), FW_EFUNDS);
    assert_string_equal(fw_error_message(err), msg);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(KEYS(ctx), 1);
    assert_int_equal(q(ctx, "SELECT rc FROM fw_idem WHERE key = 'k2'"), FW_EFUNDS);
    assert_int_equal(PAYS(ctx), 0);

    assert_rc(fw__db_exec(ctx, &err, "UPDATE scratch_balance SET fen = 100000", ""), FW_OK, &err);
    assert_int_equal(test_pay(ctx, "k2", 5000, "a", 0, &id, &err), FW_EFUNDS);
    assert_int_equal(fw_error_code(err), FW_EFUNDS);
    assert_string_equal(fw_error_path(err), "$.amount_fen");
    assert_string_equal(fw_error_message(err), msg);
    fw_error_free(err);
    assert_int_equal(id, 77);
    assert_int_equal(BALANCE(ctx), 100000);
    assert_int_equal(PAYS(ctx), 0);
    /* A new key runs the request afresh. */
    assert_int_equal(test_pay(ctx, "k2b", 5000, "a", 0, &id, NULL), FW_OK);
    assert_int_equal(BALANCE(ctx), 95000);
}

/* A transient failure is not remembered: the retry runs. */
static void transient_failure_is_not_stored(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;
    assert_int_equal(test_pay(ctx, "k3", 100, "a", 1, &id, &err), FW_EBUSY);
    assert_string_equal(fw_error_message(err), "simulated lock timeout");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(KEYS(ctx), 0);
    assert_int_equal(BALANCE(ctx), 1000);
    assert_int_equal(PAYS(ctx), 0);
    assert_rc(test_pay(ctx, "k3", 100, "a", 0, &id, &err), FW_OK, &err);
    assert_int_equal(BALANCE(ctx), 900);
    assert_int_equal(KEYS(ctx), 1);
}

static void empty_key_is_not_idempotent(void **state)
{
    fw_ctx *ctx = *state;
    fw_id a = 0, b = 0;
    assert_int_equal(test_pay(ctx, "", 100, "a", 0, &a, NULL), FW_OK);
    assert_int_equal(test_pay(ctx, "", 100, "a", 0, &b, NULL), FW_OK);
    assert_int_equal(test_pay(ctx, NULL, 100, "a", 0, NULL, NULL), FW_OK);
    assert_int_not_equal(a, b);
    assert_int_equal(PAYS(ctx), 3);
    assert_int_equal(KEYS(ctx), 0);
    assert_int_equal(test_pay(ctx, "", 5000, "a", 0, NULL, NULL), FW_EFUNDS);
    assert_int_equal(KEYS(ctx), 0);
}

static void key_length_limit(void **state)
{
    fw_ctx *ctx = *state;
    char key[300];
    fw_error *err = NULL;
    memset(key, 'k', 256);
    key[256] = '\0';
    assert_int_equal(test_pay(ctx, key, 100, "a", 0, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "idempotency_key: must be at most 255 bytes, got 256");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(PAYS(ctx), 0);
    assert_int_equal(KEYS(ctx), 0);
    key[255] = '\0';
    assert_rc(test_pay(ctx, key, 100, "a", 0, NULL, &err), FW_OK, &err);
    assert_int_equal(KEYS(ctx), 1);
}

/* Inside a host batch: replays see earlier calls of the batch; a rollback forgets them all. */
static void inside_host_transaction(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id a = 0, b = 0;
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_rc(test_pay(ctx, "h1", 100, "a", 0, &a, &err), FW_OK, &err);
    assert_rc(test_pay(ctx, "h1", 100, "a", 0, &b, &err), FW_OK, &err);
    assert_int_equal(a, b);
    assert_int_equal(test_pay(ctx, "h2", 5000, "a", 0, NULL, &err), FW_EFUNDS);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(test_pay(ctx, "h2", 5000, "a", 0, NULL, &err), FW_EFUNDS);
    assert_string_equal(fw_error_message(err), "$.amount_fen: the balance is 900 fen, less than 5000");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(test_pay(ctx, "h3", 100, "a", 1, NULL, NULL), FW_EBUSY);
    assert_int_equal(test_pay(ctx, "h1", 300, "a", 0, NULL, NULL), FW_ECONFLICT);
    assert_int_equal(ctx->tx_depth, 1);
    assert_rc(fw_ctx_commit(ctx, &err), FW_OK, &err);
    assert_int_equal(KEYS(ctx), 2);
    assert_int_equal(BALANCE(ctx), 900);
    assert_int_equal(PAYS(ctx), 1);

    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_rc(test_pay(ctx, "h4", 100, "a", 0, &a, &err), FW_OK, &err);
    assert_rc(fw_ctx_rollback(ctx, &err), FW_OK, &err);
    assert_int_equal(KEYS(ctx), 2);
    assert_rc(test_pay(ctx, "h4", 100, "a", 0, &b, &err), FW_OK, &err);
    assert_int_equal(BALANCE(ctx), 800);
    assert_int_equal(PAYS(ctx), 2);
}

static void final_codes(void **state)
{
    static const int final[] = { FW_EINVAL, FW_ENOTFOUND, FW_EEXISTS, FW_ESTATE, FW_EOVERFLOW,
                                 FW_EFUNDS, FW_ELIMIT, FW_EDENIED, FW_ECLOSED };
    static const int transient[] = { FW_OK, FW_ERROR, FW_ENOMEM, FW_ECONFLICT, FW_EPERM, FW_EBUSY,
                                     FW_EIO, FW_ECORRUPT, FW_EJSON, FW_EAUTH, FW_EVERSION,
                                     FW_EPENDING, FW_ESHREDDED, FW_EPROVIDER, FW_ETIMEOUT, FW_EUSER };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(final) / sizeof(final[0]); i++)
        assert_true(fw__idem_is_final(final[i]));
    for (i = 0; i < sizeof(transient) / sizeof(transient[0]); i++)
        assert_false(fw__idem_is_final(transient[i]));
}

/* Keys of different scopes (two operations) do not collide. */
static void scopes_are_separate(void **state)
{
    fw_ctx *ctx = *state;
    fw__idem idem;
    fw_error *err = NULL;
    assert_rc(test_pay(ctx, "same", 100, "a", 0, NULL, &err), FW_OK, &err);
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__idem_begin(ctx, &idem, "core.other", "same", "{\"x\":1}", 7, &err), FW_OK, &err);
    assert_false(idem.replayed);
    assert_rc(fw__idem_end(ctx, &idem, FW_OK, 5, "{\"r\":1}", &err), FW_OK, &err);
    assert_int_equal(KEYS(ctx), 2);
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__idem_begin(ctx, &idem, "core.other", "same", "{\"x\":1}", 7, &err), FW_OK, &err);
    assert_true(idem.replayed);
    assert_int_equal(idem.result_id, 5);
    assert_string_equal(idem.result_json, "{\"r\":1}");
    assert_int_equal(fw__idem_end(ctx, &idem, idem.rc, idem.result_id, NULL, &err), FW_OK);
}

/* R-6.h: a request's personal data is not kept in the idempotency records, yet a conflict
 * still names the field. */
static void no_personal_data_in_idempotency_records(void **state)
{
    static const char req1[] = "{\"amount_fen\":100,\"bank_card\":\"6222021234567890009\"}";
    static const char req2[] = "{\"amount_fen\":100,\"bank_card\":\"6222021234567890017\"}";
    fw_ctx *ctx = *state;
    fw__idem idem;
    fw__stmt *s;
    fw_error *err = NULL;
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__idem_begin(ctx, &idem, "core.payout", "p1", req1, strlen(req1), &err), FW_OK, &err);
    assert_rc(fw__idem_end(ctx, &idem, FW_OK, 1, NULL, &err), FW_OK, &err);
    assert_rc(fw__db_query(ctx, &s, &err, "SELECT request FROM fw_idem WHERE key = 'p1'", ""), FW_OK, &err);
    assert_int_equal(fw__db_step(s, &err), FW__ROW);
    assert_null(strstr(fw__db_col_text(s, 0), "6222"));
    assert_non_null(strstr(fw__db_col_text(s, 0), "\"bank_card\":\""));
    fw__db_done(s);
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(fw__idem_begin(ctx, &idem, "core.payout", "p1", req2, strlen(req2), &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err), "idempotency_key: key \"p1\" was first used with a "
                        "different bank_card; use a new key for a new request");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__idem_end(ctx, &idem, FW_ECONFLICT, 0, NULL, NULL), FW_ECONFLICT);
    /* A request that is not a JSON object is one field. */
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__idem_begin(ctx, &idem, "core.raw", "r1", "abc", 3, &err), FW_OK, &err);
    assert_rc(fw__idem_end(ctx, &idem, FW_OK, 1, NULL, &err), FW_OK, &err);
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(fw__idem_begin(ctx, &idem, "core.raw", "r1", "abd", 3, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err), "idempotency_key: key \"r1\" was first used with a "
                        "different request; use a new key for a new request");
    fw_error_free(err);
    assert_int_equal(fw__idem_end(ctx, &idem, FW_ECONFLICT, 0, NULL, NULL), FW_ECONFLICT);
    assert_int_equal(ctx->tx_depth, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, test_teardown_ctx)
TEST_MAIN(T(first_call_stores_and_replay_returns_same_id),
          T(same_key_different_request_is_conflict),
          T(business_failure_is_remembered),
          T(transient_failure_is_not_stored),
          T(empty_key_is_not_idempotent),
          T(key_length_limit),
          T(inside_host_transaction),
          cmocka_unit_test(final_codes),
          T(scopes_are_separate),
          T(no_personal_data_in_idempotency_records))
