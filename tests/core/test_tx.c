/* Transactions: module calls are atomic; a host batch groups many (fw_ctx_begin/commit/
 * rollback); the statement cache under re-entrant use. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"

static int setup(void **state)
{
    fw_error *err = NULL;
    test_setup_admin(state);
    assert_rc(fw__db_script(*state, "CREATE TABLE t(v INTEGER PRIMARY KEY)", &err), FW_OK, &err);
    return 0;
}

/* A module call: inserts v (and, when inner_v is non-zero, runs a nested call inserting it),
 * then fails with fail_rc (FW_OK = succeeds). */
static int module_call(fw_ctx *ctx, int64_t v, int64_t inner_v, int inner_fail, int fail_rc,
                       fw_error **err)
{
    int rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "INSERT INTO t(v) VALUES (?)", "i", v);
    if (rc == FW_OK && inner_v) {
        int irc = module_call(ctx, inner_v, 0, 0, inner_fail, NULL);
        (void)irc;      /* the outer call carries on: only the inner one is undone */
    }
    if (rc == FW_OK && fail_rc != FW_OK)
        rc = fw__error_set(err, fail_rc, NULL, "refused");
    return fw__tx_end(ctx, rc, err);
}

static int64_t sum(fw_ctx *ctx)
{
    int64_t n = -1;
    fw_error *err = NULL;
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT coalesce(sum(v), 0) * 1000 + count(*) FROM t", ""),
              FW_OK, &err);
    return n;
}

static void single_call_is_atomic(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    assert_int_equal(module_call(ctx, 1, 0, 0, FW_OK, &err), FW_OK);
    assert_int_equal(module_call(ctx, 2, 0, 0, FW_EFUNDS, &err), FW_EFUNDS);
    assert_string_equal(fw_error_message(err), "refused");
    fw_error_free(err);
    assert_int_equal(sum(ctx), 1001);
    assert_int_equal(ctx->tx_depth, 0);
}

static void nested_failing_call_undoes_only_itself(void **state)
{
    fw_ctx *ctx = *state;
    assert_int_equal(module_call(ctx, 1, 2, FW_ESTATE, FW_OK, NULL), FW_OK);
    assert_int_equal(sum(ctx), 1001);
    assert_int_equal(module_call(ctx, 3, 4, FW_OK, FW_OK, NULL), FW_OK);
    assert_int_equal(sum(ctx), 8003);
    /* An outer failure undoes its successful inner call too. */
    assert_int_equal(module_call(ctx, 5, 6, FW_OK, FW_EINVAL, NULL), FW_EINVAL);
    assert_int_equal(sum(ctx), 8003);
}

/* A host batch: each call atomic on its own, nothing durable until commit. */
static void host_batch_commit(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(module_call(ctx, 1, 0, 0, FW_OK, NULL), FW_OK);
    assert_int_equal(module_call(ctx, 2, 0, 0, FW_EFUNDS, NULL), FW_EFUNDS);
    assert_int_equal(module_call(ctx, 3, 4, FW_EDENIED, FW_OK, NULL), FW_OK);
    assert_int_equal(sum(ctx), 4002);
    assert_int_equal(ctx->tx_depth, 1);
    assert_rc(fw_ctx_commit(ctx, &err), FW_OK, &err);
    assert_int_equal(ctx->tx_depth, 0);
    assert_int_equal(sum(ctx), 4002);
}

static void host_batch_rollback(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    assert_int_equal(module_call(ctx, 9, 0, 0, FW_OK, NULL), FW_OK);
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(module_call(ctx, 1, 0, 0, FW_OK, NULL), FW_OK);
    assert_int_equal(module_call(ctx, 2, 0, 0, FW_OK, NULL), FW_OK);
    assert_rc(fw_ctx_rollback(ctx, &err), FW_OK, &err);
    assert_int_equal(sum(ctx), 9001);
    /* A new batch can start afterwards. */
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw_ctx_commit(ctx, &err), FW_OK, &err);
}

static void misuse_is_estate(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    assert_int_equal(fw_ctx_commit(ctx, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "no transaction is open on this context");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ctx_rollback(ctx, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "no transaction is open on this context");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(fw_ctx_begin(ctx, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "a transaction is already open on this context");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ctx_commit(ctx, &err), FW_OK, &err);
    assert_int_equal(fw_ctx_begin(NULL, NULL), FW_EINVAL);
    assert_int_equal(fw_ctx_commit(NULL, NULL), FW_EINVAL);
    assert_int_equal(fw_ctx_rollback(NULL, NULL), FW_EINVAL);
}

/* fw_ctx_free with a host transaction open rolls it back. */
static void free_with_open_tx_rolls_back(void **state)
{
    char path[512];
    fw_ctx *ctx;
    fw_error *err = NULL;
    (void)state;
    test_path("tx-free", path, sizeof(path));
    ctx = test_open(path);
    assert_rc(fw__db_script(ctx, "CREATE TABLE t(v INTEGER PRIMARY KEY)", &err), FW_OK, &err);
    assert_int_equal(module_call(ctx, 1, 0, 0, FW_OK, NULL), FW_OK);
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(module_call(ctx, 2, 0, 0, FW_OK, NULL), FW_OK);
    fw_ctx_free(ctx);
    ctx = test_open(path);
    assert_int_equal(sum(ctx), 1001);
    fw_ctx_free(ctx);
}

/* When SQLite itself ends the transaction (here: a stray ROLLBACK standing in for an I/O error),
 * the batch is not silently continued in autocommit mode. */
static void lost_transaction_is_reported(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_int_equal(module_call(ctx, 1, 0, 0, FW_OK, NULL), FW_OK);
    assert_rc(fw__db_script(ctx, "ROLLBACK", &err), FW_OK, &err);
    assert_int_equal(module_call(ctx, 2, 0, 0, FW_OK, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "the store rolled the open transaction back after an "
                        "earlier error; roll back and retry");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ctx_commit(ctx, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(ctx->tx_depth, 0);
    assert_int_equal(sum(ctx), 0);
    assert_int_equal(module_call(ctx, 3, 0, 0, FW_OK, NULL), FW_OK);
    assert_int_equal(sum(ctx), 3001);
}

/* The statement cache: the same literal used while already in use (an outer loop over rows and
 * an inner lookup) gets its own statement, and both give the right rows. */
static const char same_sql[] = "SELECT v FROM t WHERE v >= ? ORDER BY v";

static int64_t first_at_least(fw_ctx *ctx, int64_t v)
{
    fw__stmt *s;
    int64_t r = -1;
    fw_error *err = NULL;
    assert_rc(fw__db_query(ctx, &s, &err, same_sql, "i", v), FW_OK, &err);
    if (fw__db_step(s, &err) == FW__ROW)
        r = fw__db_col_i64(s, 0);
    fw__db_done(s);
    return r;
}

static void statement_cache_reentrant(void **state)
{
    fw_ctx *ctx = *state;
    fw__stmt *s;
    fw_error *err = NULL;
    int64_t seen = 0, inner = 0;
    int i, rc;
    for (i = 1; i <= 5; i++)
        assert_int_equal(module_call(ctx, i * 10, 0, 0, FW_OK, NULL), FW_OK);
    assert_int_equal(first_at_least(ctx, 11), 20);       /* cached on first use */
    assert_rc(fw__db_query(ctx, &s, &err, same_sql, "i", (int64_t)0), FW_OK, &err);
    while ((rc = fw__db_step(s, &err)) == FW__ROW) {
        int64_t v = fw__db_col_i64(s, 0);
        seen += v;
        inner += first_at_least(ctx, v + 1);              /* same literal, re-entered */
    }
    fw__db_done(s);
    assert_int_equal(rc, FW__DONE);
    assert_int_equal(seen, 150);
    assert_int_equal(inner, 20 + 30 + 40 + 50 - 1);
    /* The cached statement is reusable afterwards, with fresh bindings. */
    assert_int_equal(first_at_least(ctx, 31), 40);
    assert_int_equal(first_at_least(ctx, 51), -1);
}

/* A statement error maps to a code and names the SQL. */
static void statement_errors(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    int64_t n = 7;
    assert_int_equal(fw__db_exec(ctx, &err, "SELECT nosuch FROM t", ""), FW_ERROR);
    assert_non_null(strstr(fw_error_message(err), "no such column: nosuch"));
    fw_error_free(err);
    err = NULL;
    assert_int_equal(module_call(ctx, 1, 0, 0, FW_OK, NULL), FW_OK);
    assert_int_equal(fw__db_exec(ctx, &err, "INSERT INTO t(v) VALUES (?)", "i", (int64_t)1), FW_EEXISTS);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__db_i64(ctx, &n, &err, "SELECT v FROM t WHERE v = 99", ""), FW_ENOTFOUND);
    assert_null(err);                 /* FW_ENOTFOUND from fw__db_i64 leaves err alone */
    assert_int_equal(n, 7);
    assert_int_equal(fw__db_exec(ctx, &err, "INSERT INTO t(v) VALUES (?)", "x", (int64_t)1), FW_ERROR);
    fw_error_free(err);
    err = NULL;
    /* A second statement would be ignored by SQLite: it is refused, nothing runs. */
    assert_int_equal(fw__db_exec(ctx, &err, "INSERT INTO t(v) VALUES (50); INSERT INTO t(v) VALUES (51)", ""),
                     FW_ERROR);
    assert_string_equal(fw_error_message(err), "store: more than one statement in: INSERT INTO t(v) "
                        "VALUES (50); INSERT INTO t(v) VALUES (51)");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(sum(ctx), 1001);
    assert_rc(fw__db_exec(ctx, &err, "INSERT INTO t(v) VALUES (50); ", ""), FW_OK, &err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, test_teardown_ctx)
TEST_MAIN(T(single_call_is_atomic),
          T(nested_failing_call_undoes_only_itself),
          T(host_batch_commit),
          T(host_batch_rollback),
          T(misuse_is_estate),
          cmocka_unit_test(free_with_open_tx_rolls_back),
          T(lost_transaction_is_reported),
          T(statement_cache_reentrant),
          T(statement_errors))
