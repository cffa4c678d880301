/* Calendar arithmetic in China Standard Time (UTC+8, no daylight saving). */
#include <stdio.h>

#include "core/clock.h"

int fw__is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int fw__days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && fw__is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void fw__cst_date(int64_t ms, int *year, int *month, int *day)
{
    civil_from_days(floor_div(ms + FW__CST_OFFSET_MS, FW__MS_PER_DAY), year, month, day);
}

int fw__cst_from_date(int year, int month, int day, int64_t *out_ms)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > fw__days_in_month(year, month))
        return FW_EINVAL;
    *out_ms = days_from_civil(year, month, day) * FW__MS_PER_DAY - FW__CST_OFFSET_MS;
    return FW_OK;
}

void fw__cst_period(int64_t ms, int period, int64_t *start_ms, int64_t *end_ms)
{
    int y, m, d, sm, em, ey;
    fw__cst_date(ms, &y, &m, &d);
    switch (period) {
    case FW__PERIOD_DAY:
        fw__cst_from_date(y, m, d, start_ms);
        *end_ms = *start_ms + FW__MS_PER_DAY;
        return;
    case FW__PERIOD_MONTH:
        sm = m;
        em = m + 1;
        break;
    case FW__PERIOD_QUARTER:
        sm = (m - 1) / 3 * 3 + 1;
        em = sm + 3;
        break;
    default: /* FW__PERIOD_YEAR */
        sm = 1;
        em = 13;
        break;
    }
    ey = y;
    if (em > 12) {
        em -= 12;
        ey++;
    }
    *start_ms = days_from_civil(y, sm, 1) * FW__MS_PER_DAY - FW__CST_OFFSET_MS;
    *end_ms = days_from_civil(ey, em, 1) * FW__MS_PER_DAY - FW__CST_OFFSET_MS;
}

const char *fw__cst_month_key(int64_t ms, char *buf, size_t size)
{
    int y, m, d;
    fw__cst_date(ms, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d", y, m);
    return buf;
}

int fw__month_key_parse(const char *key, int *year, int *month)
{
    int y, m, i;
    if (!key)
        return FW_EINVAL;
    for (i = 0; i < 7; i++)
        if (i == 4 ? key[i] != '-' : (key[i] < '0' || key[i] > '9'))
            return FW_EINVAL;
    if (key[7] != '\0' || sscanf(key, "%4d-%2d", &y, &m) != 2 || y < 1 || m < 1 || m > 12)
        return FW_EINVAL;
    *year = y;
    *month = m;
    return FW_OK;
}

int fw__age_years(int by, int bm, int bd, int y, int m, int d)
{
    int age = y - by;
    if (m < bm || (m == bm && d < bd))
        age--;
    return age;
}
