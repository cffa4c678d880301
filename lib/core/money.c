/* Overflow-checked fen arithmetic and the one rounding helper. */
#include <stdio.h>
#include <string.h>

#include "core/money.h"

int fw__money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return FW_EOVERFLOW;
    *out = r;
    return FW_OK;
}

int fw__money_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return FW_EOVERFLOW;
    *out = r;
    return FW_OK;
}

int fw__money_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return FW_EOVERFLOW;
    *out = r;
    return FW_OK;
}

int fw__money_muldiv(int64_t a, int64_t num, int64_t den, int rounding, int64_t *out)
{
    __int128 p, q, r, twice;
    int sign;

    if (den <= 0 || rounding < FW__ROUND_HALF_UP || rounding > FW__ROUND_HALF_EVEN)
        return FW_EINVAL;
    p = (__int128)a * num;              /* |a * num| < 2^126: cannot overflow */
    q = p / den;
    r = p % den;
    sign = p < 0 ? -1 : 1;
    if (r != 0) {
        twice = (r < 0 ? -r : r) * 2;
        switch (rounding) {
        case FW__ROUND_DOWN:
            break;
        case FW__ROUND_UP:
            q += sign;
            break;
        case FW__ROUND_HALF_EVEN:
            if (twice > den || (twice == den && (q & 1)))
                q += sign;
            break;
        case FW__ROUND_HALF_UP:
            if (twice >= den)
                q += sign;
            break;
        default:
            break;
        }
    }
    if (q > INT64_MAX || q < INT64_MIN)
        return FW_EOVERFLOW;
    *out = (int64_t)q;
    return FW_OK;
}

int fw__money_ppm(int64_t amount, int64_t ppm, int rounding, int64_t *out)
{
    return fw__money_muldiv(amount, ppm, FW__PPM, rounding, out);
}

int fw__money_round_to(int64_t amount, int64_t unit, int rounding, int64_t *out)
{
    int64_t units;
    int rc;

    if (unit <= 0)
        return FW_EINVAL;
    if ((rc = fw__money_muldiv(amount, 1, unit, rounding, &units)) != FW_OK)
        return rc;
    return fw__money_mul(units, unit, out);
}

const char *fw__money_format(int64_t fen, char *buf, size_t size)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    char tmp[24], *p = tmp + sizeof(tmp);
    size_t n;

    /* By hand: an explanation formats a dozen amounts, and snprintf costs a microsecond each. */
    *--p = (char)('0' + mag % 10);
    *--p = (char)('0' + mag / 10 % 10);
    *--p = '.';
    mag /= 100;
    do
        *--p = (char)('0' + mag % 10);
    while ((mag /= 10) != 0);
    if (fen < 0)
        *--p = '-';
    if (size == 0)
        return buf;
    n = (size_t)(tmp + sizeof(tmp) - p);
    if (n > size - 1)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}
