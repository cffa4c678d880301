/*
 * Time: int64 milliseconds since the Unix epoch, UTC. Business periods (tax months,
 * statement days) are computed in China Standard Time, UTC+8 without daylight saving.
 */
#ifndef FW_CORE_CLOCK_H
#define FW_CORE_CLOCK_H

#include <flexwork/common.h>

#define FW__MS_PER_DAY 86400000LL
#define FW__CST_OFFSET_MS (8LL * 3600 * 1000)

#define FW__PERIOD_DAY     1
#define FW__PERIOD_MONTH   2
#define FW__PERIOD_QUARTER 3
#define FW__PERIOD_YEAR    4

/* The calendar date in CST of an instant. */
void fw__cst_date(int64_t ms, int *year, int *month, int *day);
/* The instant of 00:00 CST on a date; FW_EINVAL for a date that does not exist. */
int fw__cst_from_date(int year, int month, int day, int64_t *out_ms);
/* [start, end) of the CST period containing ms. */
void fw__cst_period(int64_t ms, int period, int64_t *start_ms, int64_t *end_ms);
/* "2026-03" for the CST month of ms; buf at least 8 bytes. */
const char *fw__cst_month_key(int64_t ms, char *buf, size_t size);
/* Parses a "YYYY-MM" month key (exactly 7 characters); FW_EINVAL on anything else. */
int fw__month_key_parse(const char *key, int *year, int *month);
int fw__days_in_month(int year, int month);
int fw__is_leap(int year);
/* Whole years of age on a date (CST), from a birth date. */
int fw__age_years(int by, int bm, int bd, int y, int m, int d);

#endif
