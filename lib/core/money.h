/*
 * Money: int64 fen, every sum and product overflow-checked, rates in parts per million
 * (1% = 10000 ppm), rounding once per computed amount in one place. No floating point.
 */
#ifndef FW_CORE_MONEY_H
#define FW_CORE_MONEY_H

#include <flexwork/common.h>

#define FW__PPM 1000000LL

#define FW__ROUND_HALF_UP 0   /* half away from zero (the default) */
#define FW__ROUND_DOWN    1   /* toward zero (truncate) */
#define FW__ROUND_UP      2   /* away from zero */
#define FW__ROUND_HALF_EVEN 3 /* banker's rounding */

/* Each returns FW_OK with *out set, or FW_EOVERFLOW leaving *out untouched. */
int fw__money_add(int64_t a, int64_t b, int64_t *out);
int fw__money_sub(int64_t a, int64_t b, int64_t *out);
int fw__money_mul(int64_t a, int64_t b, int64_t *out);
/* round(a * num / den) with the given rounding; den > 0. */
int fw__money_muldiv(int64_t a, int64_t num, int64_t den, int rounding, int64_t *out);
/* round(amount * ppm / 1e6). */
int fw__money_ppm(int64_t amount, int64_t ppm, int rounding, int64_t *out);
/* Rounds fen to a coarser unit (e.g. 100 = whole yuan) with the given rounding. */
int fw__money_round_to(int64_t amount, int64_t unit, int rounding, int64_t *out);

/* Formats fen as "1234.56" (or "-0.05") into buf (at least 32 bytes). */
const char *fw__money_format(int64_t fen, char *buf, size_t size);

#endif
