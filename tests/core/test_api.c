/* Core API: version, errors, init, context open and options. */
#include <string.h>

#include "support.h"

/* The compile-time and run-time versions agree. */
static void version_macros_match_runtime(void **state)
{
    int M = -1, m = -1, p = -1;
    (void)state;
    assert_int_equal(fw_version(&M, &m, &p), FW_VERSION_NUMBER);
    assert_int_equal(M, FW_VERSION_MAJOR);
    assert_int_equal(m, FW_VERSION_MINOR);
    assert_int_equal(p, FW_VERSION_PATCH);
    assert_string_equal(fw_version_string(), FW_VERSION_STRING);
    assert_int_equal(FW_VERSION_NUMBER, 10000);
    assert_true(FW_VERSION_CHECK(1, 0, 0));
    assert_false(FW_VERSION_CHECK(1, 0, 1));
}

TEST_MAIN(cmocka_unit_test(version_macros_match_runtime))
