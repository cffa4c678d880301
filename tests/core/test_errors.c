/* Errors: codes, names, the error object (DESIGN §3). Init/shutdown reference counting. */
#include <string.h>

#include "support.h"
#include "core/error.h"

/* Every code from FW_OK down to the last pinned one. */
#define FIRST_CODE FW_OK
#define LAST_CODE  FW_ITEROVER

static void every_code_has_a_distinct_name(void **state)
{
    int a, b;
    char want[32];
    static const char *const names[] = {
        "FW_OK", "FW_ERROR", "FW_ENOMEM", "FW_EINVAL", "FW_ENOTFOUND", "FW_EEXISTS",
        "FW_ECONFLICT", "FW_EPERM", "FW_ESTATE", "FW_EBUSY", "FW_EIO", "FW_ECORRUPT", "FW_EJSON",
        "FW_EAUTH", "FW_EVERSION", "FW_EOVERFLOW", "FW_EFUNDS", "FW_ELIMIT", "FW_EDENIED",
        "FW_EPENDING", "FW_ESHREDDED", "FW_EPROVIDER", "FW_ETIMEOUT", "FW_EUSER", "FW_ECLOSED",
        "FW_ITEROVER",
    };
    (void)state;
    assert_int_equal(sizeof(names) / sizeof(names[0]), FIRST_CODE - LAST_CODE + 1);
    for (a = FIRST_CODE; a >= LAST_CODE; a--) {
        const char *s = fw_strerror(a);
        /* "FW_EINVAL: ..." : the name of the code, a colon, a description. */
        snprintf(want, sizeof(want), "%s: ", names[-a]);
        assert_non_null(s);
        assert_memory_equal(s, want, strlen(want));
        assert_true(strlen(s) > strlen(want) + 3);
        for (b = a - 1; b >= LAST_CODE; b--)
            assert_string_not_equal(s, fw_strerror(b));
    }
    assert_string_equal(fw_strerror(1), "unknown error code");
    assert_string_equal(fw_strerror(LAST_CODE - 1), "unknown error code");
    assert_string_equal(fw_strerror(-1000), "unknown error code");
}

/* Codes are pinned: their values are part of the ABI. */
static void codes_are_pinned(void **state)
{
    (void)state;
    assert_int_equal(FW_EINVAL, -3);
    assert_int_equal(FW_ECONFLICT, -6);
    assert_int_equal(FW_EPERM, -7);
    assert_int_equal(FW_EAUTH, -13);
    assert_int_equal(FW_EOVERFLOW, -15);
    assert_int_equal(FW_ESHREDDED, -20);
    assert_int_equal(FW_ITEROVER, -25);
}

static void accessors_accept_null(void **state)
{
    (void)state;
    assert_int_equal(fw_error_code(NULL), FW_OK);
    assert_string_equal(fw_error_message(NULL), "");
    assert_string_equal(fw_error_path(NULL), "");
    fw_error_free(NULL);
    fw_free(NULL);
}

static void message_is_path_colon_text(void **state)
{
    fw_error *err = NULL;
    (void)state;
    assert_int_equal(fw__error_set(&err, FW_EINVAL, "$.amount_fen", "must be positive, got %d", -5),
                     FW_EINVAL);
    assert_int_equal(fw_error_code(err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.amount_fen");
    assert_string_equal(fw_error_message(err), "$.amount_fen: must be positive, got -5");
    /* A second error replaces the first (no leak under valgrind). */
    fw__error_set(&err, FW_ENOTFOUND, NULL, "no task %d", 7);
    assert_int_equal(fw_error_code(err), FW_ENOTFOUND);
    assert_string_equal(fw_error_path(err), "");
    assert_string_equal(fw_error_message(err), "no task 7");
    fw_error_free(err);
}

static void null_err_out_is_allowed(void **state)
{
    (void)state;
    assert_int_equal(fw__error_set(NULL, FW_EPERM, "$", "x"), FW_EPERM);
    assert_int_equal(fw__error_nomem(NULL), FW_ENOMEM);
    assert_int_equal(fw__error_copy(NULL, FW_EFUNDS, "p", "m"), FW_EFUNDS);
}

static void nomem_error_is_static_and_freeable(void **state)
{
    fw_error *err = NULL;
    (void)state;
    fw__error_set(&err, FW_EINVAL, NULL, "first");
    assert_int_equal(fw__error_nomem(&err), FW_ENOMEM);
    assert_int_equal(fw_error_code(err), FW_ENOMEM);
    assert_string_equal(fw_error_message(err), "out of memory");
    assert_string_equal(fw_error_path(err), "");
    fw_error_free(err);        /* a no-op for the static error */
    fw_error_free(err);
}

static void copy_defaults_message_to_strerror(void **state)
{
    fw_error *err = NULL;
    (void)state;
    fw__error_copy(&err, FW_EFUNDS, NULL, NULL);
    assert_string_equal(fw_error_message(err), fw_strerror(FW_EFUNDS));
    assert_string_equal(fw_error_path(err), "");
    fw_error_free(err);
}

static void long_messages_are_truncated_not_overflowed(void **state)
{
    char big[4000];
    fw_error *err = NULL;
    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    fw__error_set(&err, FW_EINVAL, "$.f", "%s", big);
    assert_true(strlen(fw_error_message(err)) < 1400);
    assert_memory_equal(fw_error_message(err), "$.f: xxx", 8);
    fw_error_free(err);
}

static void init_is_reference_counted(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < 3; i++)
        assert_int_equal(fw_init(), FW_OK);
    for (i = 0; i < 3; i++)
        fw_shutdown();
    fw_shutdown();          /* beyond the count: ignored */
    fw_shutdown();
    assert_int_equal(fw_init(), FW_OK);
    fw_shutdown();
}

/* A bad call with a NULL err still reports its code; with err it sets exactly one error. */
static void public_calls_report_through_err(void **state)
{
    fw_error *err = NULL;
    fw_ctx *ctx = (fw_ctx *)0x1;
    (void)state;
    assert_int_equal(fw_ctx_open(&ctx, NULL, NULL, NULL), FW_EINVAL);
    assert_ptr_equal(ctx, (fw_ctx *)0x1);      /* untouched */
    assert_int_equal(fw_ctx_open(&ctx, ":memory:", NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "opts");
    assert_ptr_equal(ctx, (fw_ctx *)0x1);
    fw_error_free(err);
}

TEST_MAIN(cmocka_unit_test(every_code_has_a_distinct_name),
          cmocka_unit_test(codes_are_pinned),
          cmocka_unit_test(accessors_accept_null),
          cmocka_unit_test(message_is_path_colon_text),
          cmocka_unit_test(null_err_out_is_allowed),
          cmocka_unit_test(nomem_error_is_static_and_freeable),
          cmocka_unit_test(copy_defaults_message_to_strerror),
          cmocka_unit_test(long_messages_are_truncated_not_overflowed),
          cmocka_unit_test(init_is_reference_counted),
          cmocka_unit_test(public_calls_report_through_err))
