/* Money (DESIGN §4): overflow-checked int64 fen, ppm rates, one rounding helper. The rounding
 * cases live in tests/vectors/money_rounding.json, shared with the Python and Go tests. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/json.h"
#include "core/money.h"

#define SENTINEL 0x5A5A5A5A5A5A5A5ALL

static int mode_of(const char *s)
{
    if (strcmp(s, "half_up") == 0) return FW__ROUND_HALF_UP;
    if (strcmp(s, "down") == 0) return FW__ROUND_DOWN;
    if (strcmp(s, "up") == 0) return FW__ROUND_UP;
    if (strcmp(s, "half_even") == 0) return FW__ROUND_HALF_EVEN;
    fail_msg("unknown mode %s", s);
    return -1;
}

/* An integer given as a JSON number or, beyond 2^53, as a decimal string. */
static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_non_null(c);
    if (cJSON_IsString(c))
        return strtoll(c->valuestring, NULL, 10);
    return (int64_t)c->valuedouble;
}

/* Checks a result against "want": a number, or "overflow" (FW_EOVERFLOW, output untouched). */
static void check(const cJSON *o, int rc, int64_t out, int index, const char *group)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "want");
    if (cJSON_IsString(w) && strcmp(w->valuestring, "overflow") == 0) {
        if (rc != FW_EOVERFLOW || out != SENTINEL)
            fail_msg("%s[%d]: want overflow, got rc %d out %lld", group, index, rc, (long long)out);
        return;
    }
    if (rc != FW_OK || out != num(o, "want"))
        fail_msg("%s[%d]: want %lld, got rc %d out %lld", group, index, (long long)num(o, "want"), rc,
                 (long long)out);
}

static cJSON *vectors(void)
{
    size_t len;
    char *text = test_read_vector("money_rounding.json", &len);
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    assert_non_null(root);
    return root;
}

static void golden_rounding(void **state)
{
    cJSON *root = vectors();
    const cJSON *c;
    int i, n = 0;
    (void)state;
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "muldiv")) {
        int64_t out = SENTINEL;
        int rc = fw__money_muldiv(num(c, "a"), num(c, "num"), num(c, "den"),
                                  mode_of(cJSON_GetObjectItem(c, "mode")->valuestring), &out);
        check(c, rc, out, i++, "muldiv");
    }
    n += i;
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "ppm")) {
        int64_t out = SENTINEL;
        int rc = fw__money_ppm(num(c, "amount"), num(c, "ppm"),
                               mode_of(cJSON_GetObjectItem(c, "mode")->valuestring), &out);
        check(c, rc, out, i++, "ppm");
    }
    n += i;
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "round_to")) {
        int64_t out = SENTINEL;
        int rc = fw__money_round_to(num(c, "amount"), num(c, "unit"),
                                    mode_of(cJSON_GetObjectItem(c, "mode")->valuestring), &out);
        check(c, rc, out, i++, "round_to");
    }
    n += i;
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "format")) {
        char buf[32];
        assert_string_equal(fw__money_format(num(c, "fen"), buf, sizeof(buf)),
                            cJSON_GetObjectItem(c, "text")->valuestring);
        i++;
    }
    n += i;
    assert_true(n > 200);
    cJSON_Delete(root);
}

/* Exact half cases spelled out, so a reader sees the rules without the vector file. */
static void half_cases(void **state)
{
    int64_t out;
    (void)state;
    assert_int_equal(fw__money_muldiv(25, 1, 10, FW__ROUND_HALF_UP, &out), FW_OK);
    assert_int_equal(out, 3);
    assert_int_equal(fw__money_muldiv(-25, 1, 10, FW__ROUND_HALF_UP, &out), FW_OK);
    assert_int_equal(out, -3);                   /* half away from zero */
    assert_int_equal(fw__money_muldiv(25, 1, 10, FW__ROUND_HALF_EVEN, &out), FW_OK);
    assert_int_equal(out, 2);
    assert_int_equal(fw__money_muldiv(35, 1, 10, FW__ROUND_HALF_EVEN, &out), FW_OK);
    assert_int_equal(out, 4);
    assert_int_equal(fw__money_muldiv(-25, 1, 10, FW__ROUND_HALF_EVEN, &out), FW_OK);
    assert_int_equal(out, -2);
    assert_int_equal(fw__money_muldiv(-21, 1, 10, FW__ROUND_UP, &out), FW_OK);
    assert_int_equal(out, -3);
    assert_int_equal(fw__money_muldiv(-29, 1, 10, FW__ROUND_DOWN, &out), FW_OK);
    assert_int_equal(out, -2);
    /* 3% of 333.50 yuan = 10.005 yuan -> 10.01 (half up). */
    assert_int_equal(fw__money_ppm(33350, 30000, FW__ROUND_HALF_UP, &out), FW_OK);
    assert_int_equal(out, 1001);
}

/* Overflow at the int64 edges: FW_EOVERFLOW, output untouched. */
static void overflow_leaves_output_untouched(void **state)
{
    int64_t out = SENTINEL;
    (void)state;
    assert_int_equal(fw__money_add(INT64_MAX, 1, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_add(INT64_MIN, -1, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_add(INT64_MAX, INT64_MAX, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_sub(INT64_MIN, 1, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_sub(INT64_MAX, -1, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_sub(0, INT64_MIN, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_mul(INT64_MAX, 2, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_mul(INT64_MIN, -1, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_mul(INT64_MIN, 2, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_mul(4294967296LL, 4294967296LL, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_muldiv(INT64_MAX, 3, 2, FW__ROUND_DOWN, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_ppm(INT64_MAX, 1000001, FW__ROUND_DOWN, &out), FW_EOVERFLOW);
    assert_int_equal(fw__money_round_to(INT64_MAX, 100, FW__ROUND_UP, &out), FW_EOVERFLOW);
    assert_int_equal(out, SENTINEL);

    assert_int_equal(fw__money_add(INT64_MAX, 0, &out), FW_OK);
    assert_int_equal(out, INT64_MAX);
    assert_int_equal(fw__money_add(INT64_MIN, 0, &out), FW_OK);
    assert_int_equal(out, INT64_MIN);
    assert_int_equal(fw__money_sub(INT64_MIN, -1, &out), FW_OK);
    assert_int_equal(out, INT64_MIN + 1);
    assert_int_equal(fw__money_sub(-1, INT64_MAX, &out), FW_OK);
    assert_int_equal(out, INT64_MIN);
    assert_int_equal(fw__money_mul(INT64_MIN, 1, &out), FW_OK);
    assert_int_equal(out, INT64_MIN);
    assert_int_equal(fw__money_mul(-1, INT64_MAX, &out), FW_OK);
    assert_int_equal(out, -INT64_MAX);
    /* The intermediate product may exceed int64 as long as the result fits. */
    assert_int_equal(fw__money_muldiv(INT64_MAX, INT64_MAX, INT64_MAX, FW__ROUND_DOWN, &out), FW_OK);
    assert_int_equal(out, INT64_MAX);
}

static void bad_arguments(void **state)
{
    int64_t out = SENTINEL;
    (void)state;
    assert_int_equal(fw__money_muldiv(1, 1, 0, FW__ROUND_HALF_UP, &out), FW_EINVAL);
    assert_int_equal(fw__money_muldiv(1, 1, -1, FW__ROUND_HALF_UP, &out), FW_EINVAL);
    assert_int_equal(fw__money_muldiv(10, 1, 10, 99, &out), FW_EINVAL);   /* even when exact */
    assert_int_equal(fw__money_muldiv(10, 1, 10, -1, &out), FW_EINVAL);
    assert_int_equal(fw__money_round_to(10, 0, FW__ROUND_HALF_UP, &out), FW_EINVAL);
    assert_int_equal(fw__money_round_to(10, -100, FW__ROUND_HALF_UP, &out), FW_EINVAL);
    assert_int_equal(out, SENTINEL);
}

static void format(void **state)
{
    char small[6];
    (void)state;
    /* A short buffer truncates, NUL-terminated. */
    assert_string_equal(fw__money_format(123456, small, sizeof(small)), "1234.");
    assert_string_equal(fw__money_format(-5, small, sizeof(small)), "-0.05");
    assert_string_equal(fw__money_format(-123456, small, sizeof(small)), "-1234");
    assert_string_equal(fw__money_format(7, small, 1), "");
    {
        char big[32];
        assert_string_equal(fw__money_format(INT64_MIN, big, sizeof(big)), "-92233720368547758.08");
        assert_string_equal(fw__money_format(INT64_MAX, big, sizeof(big)), "92233720368547758.07");
        assert_string_equal(fw__money_format(0, big, sizeof(big)), "0.00");
        assert_string_equal(fw__money_format(100, big, sizeof(big)), "1.00");
    }
}

TEST_MAIN(cmocka_unit_test(golden_rounding),
          cmocka_unit_test(half_cases),
          cmocka_unit_test(overflow_leaves_output_untouched),
          cmocka_unit_test(bad_arguments),
          cmocka_unit_test(format))
