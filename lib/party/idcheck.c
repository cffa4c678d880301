/*
 * Identity validators: resident ID number (GB 11643, ISO 7064 MOD 11-2), Unified Social
 * Credit Code (GB 32100 with the GB 11714 organisation code), bank card (Luhn). Pure
 * functions; the worked vectors are in tests/vectors/ (reference: cn-rules §5).
 */
#include <stdio.h>
#include <string.h>

#include <flexwork/party.h>

#include "core/clock.h"
#include "core/error.h"
#include "party/party.h"

const char *fw_check_reason_name(uint32_t reason)
{
    static const char *const names[] = { "ok", "length", "charset", "checksum", "date",
                                         "region", "category", "org_code" };
    return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown";
}

static int fail(fw_error **err, const char *path, uint32_t *out, uint32_t reason, const char *fmt,
                const char *a, const char *b)
{
    if (out)
        *out = reason;
    return fw__error_set(err, FW_EINVAL, path, fmt, a, b);
}

/* Province-level codes of GB/T 2260 (the first two digits), plus 83 (Taiwan residents' numbers). */
static int province_ok(int p)
{
    static const int codes[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
                                 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64,
                                 65, 71, 81, 82, 83, 91 };
    size_t i;
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i] == p)
            return 1;
    return 0;
}

int fw__id_number_parse(const char *s, const char *path, fw_id_number_info *out, fw_error **err)
{
    static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char checks[] = "10X98765432";
    fw_id_number_info info;
    char got[2] = { 0, 0 }, want[2] = { 0, 0 }, n[24];
    size_t len, i;
    int sum = 0, y, m, d;

    memset(&info, 0, sizeof(info));
    if (!s)
        return fail(err, path, out ? &out->reason : NULL, FW_CHECK_LENGTH,
                    "an ID number is required%s%s", "", "");
    len = strlen(s);
    if (len != 18) {
        snprintf(n, sizeof(n), "%zu", len);
        if (out)
            *out = info;
        return fail(err, path, out ? &out->reason : NULL, FW_CHECK_LENGTH,
                    "must be 18 characters (GB 11643), got %s%s", n, "");
    }
    for (i = 0; i < 17; i++)
        if (s[i] < '0' || s[i] > '9')
            break;
    if (i < 17 || !((s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x')) {
        if (out)
            *out = info;
        return fail(err, path, out ? &out->reason : NULL, FW_CHECK_CHARSET,
                    "must be 17 digits and a check character 0-9 or X%s%s", "", "");
    }
    memcpy(info.normalized, s, 18);
    if (info.normalized[17] == 'x')
        info.normalized[17] = 'X';
    info.normalized[18] = '\0';

    if (!province_ok((s[0] - '0') * 10 + (s[1] - '0'))) {
        info.reason = FW_CHECK_REGION;
        if (out)
            *out = info;
        memcpy(n, s, 2);
        n[2] = '\0';
        return fw__error_set(err, FW_EINVAL, path, "region code %s is not a province of GB/T 2260", n);
    }
    y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
    m = (s[10] - '0') * 10 + (s[11] - '0');
    d = (s[12] - '0') * 10 + (s[13] - '0');
    if (y < 1800 || m < 1 || m > 12 || d < 1 || d > fw__days_in_month(y, m)) {
        info.reason = FW_CHECK_DATE;
        if (out)
            *out = info;
        memcpy(n, s + 6, 8);
        n[8] = '\0';
        return fw__error_set(err, FW_EINVAL, path, "birth date %s does not exist", n);
    }
    for (i = 0; i < 17; i++)
        sum += (s[i] - '0') * w[i];
    if (checks[sum % 11] != info.normalized[17]) {
        info.expected_check = checks[sum % 11];
        info.reason = FW_CHECK_CHECKSUM;
        if (out)
            *out = info;
        got[0] = info.normalized[17];
        want[0] = info.expected_check;
        return fw__error_set(err, FW_EINVAL, path,
                             "check character must be '%s' (ISO 7064 MOD 11-2), got '%s'", want, got);
    }
    info.birth_year = y;
    info.birth_month = m;
    info.birth_day = d;
    info.gender = ((s[16] - '0') % 2) ? FW_GENDER_MALE : FW_GENDER_FEMALE;
    info.reason = FW_CHECK_OK;
    if (out)
        *out = info;
    return FW_OK;
}

int fw_id_number_check(const char *id_number, fw_id_number_info *info, fw_error **err)
{
    return fw__id_number_parse(id_number, NULL, info, err);
}

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
    const char *p = c ? strchr(uscc_alphabet, c) : NULL;
    return p ? (int)(p - uscc_alphabet) : -1;
}

static int uscc_pair_ok(char a, char b)
{
    static const char *const pairs[] = { "11", "12", "13", "19", "21", "29", "31", "32", "33",
                                         "34", "35", "39", "41", "49", "51", "52", "53", "59",
                                         "61", "62", "69", "71", "72", "79", "81", "89", "91",
                                         "92", "93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1" };
    size_t i;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (pairs[i][0] == a && pairs[i][1] == b)
            return 1;
    return 0;
}

/* GB 11714: weights on the 8 body characters, digits by value, letters A=10 ... Z=35. */
static char org_code_check(const char *body)
{
    static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
    int sum = 0, i, v, c;
    for (i = 0; i < 8; i++) {
        v = body[i] >= '0' && body[i] <= '9' ? body[i] - '0' : body[i] - 'A' + 10;
        sum += v * w[i];
    }
    c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

int fw__uscc_parse(const char *s, uint32_t flags, const char *path, uint32_t *reason,
                   fw_error **err)
{
    static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
    char got[2] = { 0, 0 }, want[2] = { 0, 0 }, n[24];
    size_t len, i;
    int sum = 0, c;

    len = s ? strlen(s) : 0;
    if (len != 18) {
        snprintf(n, sizeof(n), "%zu", len);
        return fail(err, path, reason, FW_CHECK_LENGTH,
                    "must be 18 characters (GB 32100), got %s%s", n, "");
    }
    for (i = 0; i < 18; i++) {
        if (uscc_value(s[i]) < 0 || (i >= 2 && i < 8 && (s[i] < '0' || s[i] > '9'))) {
            got[0] = s[i];
            snprintf(n, sizeof(n), "%zu", i + 1);
            return fail(err, path, reason, FW_CHECK_CHARSET,
                        "character %s ('%s') is not allowed: use 0-9 and A-Z without I, O, S, V, Z "
                        "(positions 3-8 digits only)", n, got);
        }
    }
    for (i = 0; i < 17; i++)
        sum += uscc_value(s[i]) * w[i];
    c = 31 - sum % 31;
    if (c == 31)
        c = 0;
    if (uscc_alphabet[c] != s[17]) {
        want[0] = uscc_alphabet[c];
        got[0] = s[17];
        return fail(err, path, reason, FW_CHECK_CHECKSUM,
                    "check character must be '%s' (GB 32100), got '%s'", want, got);
    }
    if (flags & FW_USCC_STRICT) {
        if (!uscc_pair_ok(s[0], s[1])) {
            memcpy(n, s, 2);
            n[2] = '\0';
            return fail(err, path, reason, FW_CHECK_CATEGORY,
                        "registration authority and category '%s' do not exist in GB 32100%s", n, "");
        }
        if (org_code_check(s + 8) != s[16]) {
            want[0] = org_code_check(s + 8);
            got[0] = s[16];
            return fail(err, path, reason, FW_CHECK_ORG_CODE,
                        "the organisation code's check character (position 17) must be '%s' "
                        "(GB 11714), got '%s'", want, got);
        }
    }
    if (reason)
        *reason = FW_CHECK_OK;
    return FW_OK;
}

int fw_uscc_check(const char *uscc, uint32_t flags, uint32_t *reason, fw_error **err)
{
    return fw__uscc_parse(uscc, flags, NULL, reason, err);
}

int fw__bank_card_parse(const char *s, const char *path, uint32_t *reason, fw_error **err)
{
    size_t len = s ? strlen(s) : 0, i;
    char n[24];
    int sum = 0, dbl = 0, v;

    for (i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return fail(err, path, reason, FW_CHECK_CHARSET, "must be digits only%s%s", "", "");
    if (len < 8 || len > 19) {
        snprintf(n, sizeof(n), "%zu", len);
        return fail(err, path, reason, FW_CHECK_LENGTH, "must be 8 to 19 digits, got %s%s", n, "");
    }
    for (i = len; i-- > 0;) {
        v = s[i] - '0';
        if (dbl) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        dbl = !dbl;
    }
    if (sum % 10 != 0)
        return fail(err, path, reason, FW_CHECK_CHECKSUM,
                    "fails the Luhn check digit (ISO/IEC 7812)%s%s", "", "");
    if (reason)
        *reason = FW_CHECK_OK;
    return FW_OK;
}

int fw_bank_card_check(const char *card, uint32_t *reason, fw_error **err)
{
    return fw__bank_card_parse(card, NULL, reason, err);
}
