/* Time (DESIGN §4): business periods in China Standard Time, across month and year boundaries
 * and leap years. Cases in tests/vectors/cst_periods.json, shared with Python and Go. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/clock.h"
#include "core/json.h"

static cJSON *root;

static int setup(void **state)
{
    size_t len;
    char *text = test_read_vector("cst_periods.json", &len);
    (void)state;
    root = cJSON_ParseWithLength(text, len);
    free(text);
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cJSON_Delete(root);
    return 0;
}

static int64_t i64(const cJSON *o, const char *name)
{
    return (int64_t)cJSON_GetObjectItem(o, name)->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItem(o, name)->valuestring;
}

static void cst_dates(void **state)
{
    const cJSON *c;
    int n = 0;
    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "dates")) {
        int y, m, d;
        char buf[16], key[8];
        fw__cst_date(i64(c, "ms"), &y, &m, &d);
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
        if (strcmp(buf, str(c, "cst_date")) != 0)
            fail_msg("%s: want %s, got %s", str(c, "utc"), str(c, "cst_date"), buf);
        assert_string_equal(fw__cst_month_key(i64(c, "ms"), key, sizeof(key)), str(c, "month_key"));
        n++;
    }
    assert_true(n >= 15);
}

/* Midnight CST is 16:00 UTC the day before: 2026-01-31T16:00:00Z is already 1 February. */
static void midnight_cst_is_not_midnight_utc(void **state)
{
    int y, m, d;
    int64_t ms;
    (void)state;
    fw__cst_date(1769875200000LL, &y, &m, &d);          /* 2026-01-31T16:00:00Z */
    assert_int_equal(y * 10000 + m * 100 + d, 20260201);
    fw__cst_date(1769875200000LL - 1, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20260131);
    assert_int_equal(fw__cst_from_date(2026, 2, 1, &ms), FW_OK);
    assert_int_equal(ms, 1769875200000LL);
}

static int period_of(const char *s)
{
    if (strcmp(s, "day") == 0) return FW__PERIOD_DAY;
    if (strcmp(s, "month") == 0) return FW__PERIOD_MONTH;
    if (strcmp(s, "quarter") == 0) return FW__PERIOD_QUARTER;
    return FW__PERIOD_YEAR;
}

static void periods(void **state)
{
    const cJSON *c;
    int n = 0;
    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "periods")) {
        int64_t start = 0, end = 0;
        fw__cst_period(i64(c, "ms"), period_of(str(c, "period")), &start, &end);
        if (start != i64(c, "start_ms") || end != i64(c, "end_ms"))
            fail_msg("%lld %s: want [%lld,%lld), got [%lld,%lld)", (long long)i64(c, "ms"),
                     str(c, "period"), (long long)i64(c, "start_ms"), (long long)i64(c, "end_ms"),
                     (long long)start, (long long)end);
        /* The instant lies in its period. */
        assert_true(start <= i64(c, "ms") && i64(c, "ms") < end);
        n++;
    }
    assert_true(n >= 60);
}

static void dates_and_leap_years(void **state)
{
    const cJSON *c;
    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "from_date")) {
        int y, m, d;
        int64_t ms = -7;
        sscanf(str(c, "date"), "%d-%d-%d", &y, &m, &d);
        if (cJSON_IsTrue(cJSON_GetObjectItem(c, "valid"))) {
            assert_int_equal(fw__cst_from_date(y, m, d, &ms), FW_OK);
            assert_int_equal(ms, i64(c, "ms"));
        } else {
            assert_int_equal(fw__cst_from_date(y, m, d, &ms), FW_EINVAL);
            assert_int_equal(ms, -7);
        }
    }
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "leap_years")) {
        int y = (int)i64(c, "year");
        assert_int_equal(fw__is_leap(y), cJSON_IsTrue(cJSON_GetObjectItem(c, "leap")));
        assert_int_equal(fw__days_in_month(y, 2), fw__is_leap(y) ? 29 : 28);
    }
    assert_int_equal(fw__days_in_month(2026, 4), 30);
    assert_int_equal(fw__days_in_month(2026, 12), 31);
    assert_int_equal(fw__days_in_month(2026, 0), 0);
    assert_int_equal(fw__days_in_month(2026, 13), 0);
}

static void month_keys(void **state)
{
    const cJSON *c;
    char small[4];
    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "month_keys")) {
        int y = -1, m = -1;
        int rc = fw__month_key_parse(str(c, "key"), &y, &m);
        if (cJSON_IsTrue(cJSON_GetObjectItem(c, "valid"))) {
            assert_int_equal(rc, FW_OK);
            assert_int_equal(y, i64(c, "year"));
            assert_int_equal(m, i64(c, "month"));
        } else {
            if (rc != FW_EINVAL)
                fail_msg("month key \"%s\" accepted", str(c, "key"));
            assert_int_equal(y, -1);
        }
    }
    assert_int_equal(fw__month_key_parse(NULL, NULL, NULL), FW_EINVAL);
    assert_string_equal(fw__cst_month_key(1769875200000LL, small, sizeof(small)), "202");
}

static void ages(void **state)
{
    const cJSON *c;
    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "ages")) {
        int by, bm, bd, y, m, d;
        sscanf(str(c, "birth"), "%d-%d-%d", &by, &bm, &bd);
        sscanf(str(c, "on"), "%d-%d-%d", &y, &m, &d);
        if (fw__age_years(by, bm, bd, y, m, d) != i64(c, "age"))
            fail_msg("%s on %s: want %d (%s)", str(c, "birth"), str(c, "on"), (int)i64(c, "age"),
                     str(c, "note"));
    }
}

TEST_MAIN(cmocka_unit_test_setup_teardown(cst_dates, setup, teardown),
          cmocka_unit_test(midnight_cst_is_not_midnight_utc),
          cmocka_unit_test_setup_teardown(periods, setup, teardown),
          cmocka_unit_test_setup_teardown(dates_and_leap_years, setup, teardown),
          cmocka_unit_test_setup_teardown(month_keys, setup, teardown),
          cmocka_unit_test_setup_teardown(ages, setup, teardown))
