/*
 * Statement import (R-7.9.a): a byte stream is hashed, decoded (UTF-8 checked, or GB18030
 * converted with iconv), parsed as CSV through a column profile or as camt.053 with expat, and
 * written line by line inside one transaction. Memory stays constant: one read buffer, one
 * decoded buffer, one record.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/money.h"
#include "core/vault.h"
#include "recon/recon.h"

#define RAW_SIZE (64 * 1024)
#define OUT_SIZE (4 * RAW_SIZE + 16)
#define FIELD_MAX 4096
#define RECORD_MAX (64 * 1024)
#define FIELDS_MAX 64

#define ENC_UTF8 0
#define ENC_GB18030 1
static const char *const encodings[] = { "utf-8", "gb18030", NULL };

#define DF_DASH 0      /* 2026-03-15 [HH:MM[:SS]] */
#define DF_COMPACT 1   /* 20260315 */
#define DF_DASH_TIME 2 /* 2026-03-15 10:00:00 */
#define DF_SLASH 3     /* 2026/03/15 */
static const char *const date_formats[] = { "YYYY-MM-DD", "YYYYMMDD", "YYYY-MM-DD HH:MM:SS",
                                            "YYYY/MM/DD", NULL };

enum { C_DATE, C_TIME, C_AMOUNT, C_CREDIT, C_DEBIT, C_REFERENCE, C_BANK_TXN, C_CP_NAME,
       C_CP_ACCOUNT, C_REMARK, C_BALANCE, C_DIRECTION, NCOL };
static const char *const col_keys[NCOL + 1] = { "date", "time", "amount", "credit", "debit",
                                                "reference", "bank_txn_id", "counterparty_name",
                                                "counterparty_account", "remark", "balance",
                                                "direction", NULL };

struct profile {
    char name[33];
    char delim;
    int skip_lines;
    char comment[8];
    int encoding;
    int date_format;
    char col[NCOL][64];
    char dir_out[32];
};

/* The shipped profiles: a Chinese bank's account-detail export, and a payment institution's
 * daily bill (账务明细) with '#' preamble and trailer lines. */
static const struct profile shipped[] = {
    { "generic_bank", ',', 0, "", ENC_GB18030, DF_COMPACT,
      { "交易日期", "交易时间", "", "贷方发生额", "借方发生额", "客户业务编号", "交易流水号",
        "对方户名", "对方账号", "摘要", "余额", "" }, "" },
    { "payment_daily_bill", ',', 0, "#", ENC_GB18030, DF_DASH_TIME,
      { "发生时间", "", "", "收入金额（+元）", "支出金额（-元）", "商户订单号", "账务流水号",
        "对方名称", "对方账号", "备注", "账户余额（元）", "" }, "" },
};

/* ---- amounts and dates ---- */

const char *fw__recon_parse_yuan(const char *s, int commas, int64_t *out)
{
    int neg = 0, digits = 0, decimals = -1;
    int64_t v = 0;

    while (*s == ' ')
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (!*s)
        return "is empty";
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (decimals >= 0 && ++decimals > 2)
                return "has more than two decimals";
            if (v > (INT64_MAX - 9) / 10 || ++digits > 16)
                return "is too large";
            v = v * 10 + (*s - '0');
        } else if (*s == '.' && decimals < 0 && digits > 0) {
            decimals = 0;
        } else if (*s == ',' && commas && decimals < 0 && digits > 0) {
            continue;
        } else if (*s == ' ') {
            while (*s == ' ')
                s++;
            if (*s)
                return "is not a decimal number of yuan";
            break;
        } else {
            return "is not a decimal number of yuan";
        }
    }
    if (!digits)
        return "is not a decimal number of yuan";
    if (decimals < 0)
        decimals = 0;
    while (decimals++ < 2)
        v *= 10;
    *out = neg ? -v : v;
    return NULL;
}

static int digits_at(const char *s, int n, int *out)
{
    int i, v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "HH:MM[:SS]" -> ms; 0 when bad. */
static int parse_time(const char *s, int64_t *ms)
{
    int h, m, sec = 0;
    size_t n = strlen(s);
    if ((n != 5 && n != 8) || !digits_at(s, 2, &h) || s[2] != ':' || !digits_at(s + 3, 2, &m) ||
        (n == 8 && (s[5] != ':' || !digits_at(s + 6, 2, &sec))) || h > 23 || m > 59 || sec > 59)
        return 0;
    *ms = ((int64_t)h * 3600 + m * 60 + sec) * 1000;
    return 1;
}

/* A CST date (and optional time) in the given format -> ms; a reason on failure. */
static const char *parse_date(const char *s, int format, int64_t *ms)
{
    int y, mo, d;
    int64_t t = 0;
    const char *rest;

    if (format == DF_COMPACT) {
        if (strlen(s) < 8 || !digits_at(s, 4, &y) || !digits_at(s + 4, 2, &mo) ||
            !digits_at(s + 6, 2, &d))
            return "must be a date YYYYMMDD";
        rest = s + 8;
    } else {
        char sep = format == DF_SLASH ? '/' : '-';
        if (strlen(s) < 10 || !digits_at(s, 4, &y) || s[4] != sep || !digits_at(s + 5, 2, &mo) ||
            s[7] != sep || !digits_at(s + 8, 2, &d))
            return format == DF_SLASH ? "must be a date YYYY/MM/DD" : "must be a date YYYY-MM-DD";
        rest = s + 10;
    }
    if (*rest == ' ' || *rest == 'T') {
        if (!parse_time(rest + 1, &t))
            return "has a time that is not HH:MM:SS";
    } else if (*rest) {
        return "has trailing characters after the date";
    } else if (format == DF_DASH_TIME) {
        return "must be a date and time YYYY-MM-DD HH:MM:SS";
    }
    if (fw__cst_from_date(y, mo, d, ms) != FW_OK)
        return "is not a calendar date";
    *ms += t;
    return NULL;
}

/* ---- the byte source: hash, decode, validate ---- */

struct source {
    fw_recon_read_fn read;
    void *payload;
    crypto_generichash_state hash;
    iconv_t cd;                     /* (iconv_t)-1 for UTF-8 input */
    unsigned char raw[RAW_SIZE];
    size_t raw_len;                 /* undecoded bytes carried to the next read */
    char out[OUT_SIZE];
    int eof, started;
    int64_t line, col;              /* position of the next decoded character */
    int64_t total;
};

static void advance(struct source *s, const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] == '\n') {
            s->line++;
            s->col = 1;
        } else if (((unsigned char)p[i] & 0xC0) != 0x80) {
            s->col++;
        }
    }
}

/* Length of the longest prefix of p[0..n) that is complete valid UTF-8; *bad = 1 when an
 * invalid sequence (not merely an incomplete tail) stops it. */
static size_t utf8_prefix(const unsigned char *p, size_t n, int *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t k, len;
        uint32_t cp;
        if (c < 0x80) {
            if (c == 0) {
                *bad = 1;
                return i;
            }
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else { *bad = 1; return i; }
        for (k = 1; k < len; k++) {
            if (i + k >= n)
                return i;                       /* incomplete tail */
            if ((p[i + k] & 0xC0) != 0x80) {
                *bad = 1;
                return i;
            }
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
            *bad = 1;
            return i;
        }
        i += len;
    }
    return i;
}

static int source_error(struct source *s, const char *what, fw_error **err)
{
    return fw__error_set(err, FW_EINVAL, NULL, "line %lld, column %lld: %s",
                         (long long)s->line, (long long)s->col, what);
}

/*
 * Produces the next chunk of UTF-8 text (*n == 0 at the end). The chunk stays valid until the
 * next call.
 */
static int source_next(struct source *s, const char **out, size_t *n, fw_error **err)
{
    for (;;) {
        int64_t got = 0;
        size_t have;

        if (!s->eof && s->raw_len < sizeof(s->raw)) {
            got = s->read(s->payload, s->raw + s->raw_len, sizeof(s->raw) - s->raw_len);
            if (got < 0)
                return fw__error_set(err, FW_EUSER, NULL, "the reader stopped the import (%lld)",
                                     (long long)got);
            if ((uint64_t)got > sizeof(s->raw) - s->raw_len)
                return fw__error_set(err, FW_EINVAL, NULL, "the reader returned more than asked");
            if (got == 0)
                s->eof = 1;
            crypto_generichash_update(&s->hash, s->raw + s->raw_len, (unsigned long long)got);
            s->raw_len += (size_t)got;
            s->total += got;
        }
        have = s->raw_len;
        if (have == 0 && s->eof) {
            *n = 0;
            return FW_OK;
        }
        if (s->cd == (iconv_t)-1) {
            int bad;
            size_t skip = 0, ok;
            if (!s->started && have >= 3 && memcmp(s->raw, "\xEF\xBB\xBF", 3) == 0)
                skip = 3;
            if (!s->started && have < 3 && !s->eof)
                continue;
            s->started = 1;
            ok = skip + utf8_prefix(s->raw + skip, have - skip, &bad);
            if (bad || (s->eof && ok < have)) {
                advance(s, (const char *)s->raw + skip, ok - skip);
                return source_error(s, bad ? "the bytes are not valid UTF-8 (is the file GB18030?)"
                                           : "the file ends inside a UTF-8 character", err);
            }
            if (ok == skip && !s->eof) {
                memmove(s->raw, s->raw + skip, have - skip);
                s->raw_len = have - skip;
                continue;
            }
            memcpy(s->out, s->raw + skip, ok - skip);
            memmove(s->raw, s->raw + ok, have - ok);
            s->raw_len = have - ok;
            *out = s->out;
            *n = ok - skip;
            advance(s, s->out, *n);
            if (*n)
                return FW_OK;
        } else {
            char *in = (char *)s->raw, *o = s->out;
            size_t inleft = have, outleft = sizeof(s->out) - 4, produced;
            size_t r = iconv(s->cd, &in, &inleft, &o, &outleft);
            int e = errno;
            produced = (size_t)(o - s->out);
            if (r == (size_t)-1 && (e == EILSEQ || (e == EINVAL && s->eof))) {
                int bad;
                advance(s, s->out, produced);
                (void)utf8_prefix((const unsigned char *)s->out, produced, &bad);
                return source_error(s, e == EILSEQ ? "the bytes are not valid GB18030"
                                                   : "the file ends inside a GB18030 character", err);
            }
            if (produced && memchr(s->out, 0, produced)) {
                size_t z = (size_t)((char *)memchr(s->out, 0, produced) - s->out);
                advance(s, s->out, z);
                return source_error(s, "a NUL byte", err);
            }
            memmove(s->raw, in, inleft);
            s->raw_len = inleft;
            if (!s->started && produced >= 3 && memcmp(s->out, "\xEF\xBB\xBF", 3) == 0) {
                memmove(s->out, s->out + 3, produced - 3);
                produced -= 3;
            }
            s->started = 1;
            *out = s->out;
            *n = produced;
            advance(s, s->out, produced);
            if (produced)
                return FW_OK;
            if (s->eof && inleft == 0) {
                *n = 0;
                return FW_OK;
            }
        }
    }
}

/* ---- the statement being written ---- */

struct sink {
    fw_ctx *ctx;
    fw_id statement_id;
    fw_id first_line;
    int64_t lines, in_fen, out_fen, min_ms, max_ms;
    int64_t first_balance, first_amount, last_balance;
    int has_balance;
    char subject[48];
};

struct line {
    int64_t seq, booked_ms, amount, balance;
    int has_balance;
    const char *reference, *bank_txn_id, *cp_name, *cp_account, *remark;
};

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static int sink_line(struct sink *k, const struct line *l, fw_error **err)
{
    unsigned char blind[FW__BLIND_BYTES], *sealed = NULL;
    char norm[40], amask[64], nmask[256];
    const char *account = nz(l->cp_account), *name = nz(l->cp_name);
    size_t n = 0, sealed_len = 0;
    int has_blind = 0, rc = FW_OK;

    if (account) {
        const char *p;
        for (p = account; *p && n + 1 < sizeof(norm); p++)
            if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
                norm[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        norm[n] = '\0';
        if (n >= 6 && n <= 34) {
            fw__vault_blind(k->ctx, FW__RECON_CP_DOMAIN, norm, n, blind);
            fw__mask_bank_card(norm, amask, sizeof(amask));
            has_blind = 1;
        }
    }
    if (name)
        fw__mask_name(name, nmask, sizeof(nmask));
    /* Funding's recognition needs an incoming payer in clear: kept sealed, never plain. */
    if (l->amount > 0 && (account || name)) {
        cJSON *o = cJSON_CreateObject();
        char *text = NULL;
        if (o) {
            if (account)
                cJSON_AddStringToObject(o, "account", account);
            if (name)
                cJSON_AddStringToObject(o, "name", name);
            text = cJSON_PrintUnformatted(o);
            cJSON_Delete(o);
        }
        if (!text)
            rc = fw__error_nomem(err);
        else
            rc = fw__vault_seal(k->ctx, k->subject, "fw_recon_line", "cp_sealed", l->seq,
                                text, strlen(text), &sealed, &sealed_len, err);
        if (text) {
            sodium_memzero(text, strlen(text));
            cJSON_free(text);
        }
    }
    sodium_memzero(norm, sizeof(norm));
    if (rc == FW_OK)
        rc = fw__db_exec(k->ctx, err,
                         "INSERT INTO fw_recon_line(statement_id, seq, booked_ms, amount, reference, "
                         "bank_txn_id, cp_name, cp_account, cp_blind, cp_sealed, remark, balance) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                         l->has_balance ? "iiiittttbbti" : "iiiittttbbtn", k->statement_id, l->seq, l->booked_ms, l->amount,
                         nz(l->reference), nz(l->bank_txn_id), name ? nmask : NULL,
                         has_blind ? amask : NULL, has_blind ? (const void *)blind : NULL,
                         (size_t)(has_blind ? FW__BLIND_BYTES : 0), (const void *)sealed,
                         sealed_len, nz(l->remark), l->balance);
    fw_free(sealed);
    return rc;
}

/* Accounts for a written line; the first line's id starts the statement's range. */
static int sink_add(struct sink *k, const struct line *l, fw_error **err)
{
    int rc = sink_line(k, l, err);
    if (rc != FW_OK)
        return rc;
    if (k->lines == 0) {
        k->first_line = fw__db_last_id(k->ctx);
        k->min_ms = k->max_ms = l->booked_ms;
    }
    if (fw__db_last_id(k->ctx) != k->first_line + k->lines)
        return fw__error_set(err, FW_ERROR, NULL, "statement lines were not stored in sequence");
    k->lines++;
    if (l->amount > 0 && fw__money_add(k->in_fen, l->amount, &k->in_fen) != FW_OK)
        return fw__error_set(err, FW_EOVERFLOW, NULL, "the statement's total leaves the int64 range");
    if (l->amount < 0 && fw__money_add(k->out_fen, -l->amount, &k->out_fen) != FW_OK)
        return fw__error_set(err, FW_EOVERFLOW, NULL, "the statement's total leaves the int64 range");
    if (l->booked_ms < k->min_ms)
        k->min_ms = l->booked_ms;
    if (l->booked_ms > k->max_ms)
        k->max_ms = l->booked_ms;
    if (l->has_balance) {
        if (!k->has_balance) {
            k->first_balance = l->balance;
            k->first_amount = l->amount;
        }
        k->has_balance = 1;
        k->last_balance = l->balance;
    }
    return FW_OK;
}

/* ---- CSV ---- */

struct csv {
    const struct profile *p;
    struct sink *sink;
    char rec[RECORD_MAX];
    size_t rec_len;
    size_t starts[FIELDS_MAX];
    size_t nfields;
    int quoted, after_quote, field_started;
    int64_t line, rec_line, header_fields;
    int idx[NCOL];
    int header_seen;
    int64_t skipped;
};

static int csv_fail(struct csv *c, int64_t line, int field, const char *name, const char *what,
                    fw_error **err)
{
    if (field >= 0)
        return fw__error_set(err, FW_EINVAL, NULL, "line %lld, column %d (%s): %s", (long long)line,
                             field + 1, name, what);
    return fw__error_set(err, FW_EINVAL, NULL, "line %lld: %s", (long long)line, what);
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    /* Spreadsheet exports wrap numbers as ="123" or prefix a tab or apostrophe. */
    if (e - s >= 3 && s[0] == '=' && s[1] == '"' && e[-1] == '"') {
        e[-1] = '\0';
        s += 2;
    }
    return s;
}

static const char *field(struct csv *c, int col)
{
    int i = c->idx[col];
    return i >= 0 ? trim(c->rec + c->starts[i]) : NULL;
}

static int csv_header(struct csv *c, fw_error **err)
{
    int k;
    size_t i;

    for (k = 0; k < NCOL; k++) {
        c->idx[k] = -1;
        if (!c->p->col[k][0])
            continue;
        for (i = 0; i < c->nfields; i++)
            if (strcmp(trim(c->rec + c->starts[i]), c->p->col[k]) == 0) {
                c->idx[k] = (int)i;
                break;
            }
    }
    for (k = 0; k < NCOL; k++) {
        int required = k == C_DATE || (k == C_AMOUNT && !c->p->col[C_CREDIT][0]) ||
                       ((k == C_CREDIT || k == C_DEBIT) && !c->p->col[C_AMOUNT][0]) ||
                       (k == C_DIRECTION && c->p->col[C_DIRECTION][0]);
        if (required && c->idx[k] < 0) {
            char what[200];
            snprintf(what, sizeof(what), "the header has no column \"%s\" (%s) that profile %s needs",
                     c->p->col[k], col_keys[k], c->p->name);
            return csv_fail(c, c->rec_line, -1, NULL, what, err);
        }
    }
    c->header_fields = (int64_t)c->nfields;
    c->header_seen = 1;
    return FW_OK;
}

static int csv_amount(struct csv *c, int col, int64_t *out, int *present, fw_error **err)
{
    const char *s = field(c, col), *why;
    *present = 0;
    if (!s || !*s || strcmp(s, "-") == 0) {
        *out = 0;
        return FW_OK;
    }
    if ((why = fw__recon_parse_yuan(s, 1, out)) != NULL) {
        char what[160];
        snprintf(what, sizeof(what), "%.40s: %s", s, why);
        return csv_fail(c, c->rec_line, c->idx[col], col_keys[col], what, err);
    }
    *present = 1;
    return FW_OK;
}

static int csv_record(struct csv *c, fw_error **err)
{
    struct line l;
    const char *s, *why;
    int64_t credit = 0, debit = 0, t = 0;
    int present, rc;

    if (c->nfields == 1 && trim(c->rec + c->starts[0])[0] == '\0')
        return FW_OK;                                    /* a blank line */
    if (c->p->comment[0] && strncmp(trim(c->rec), c->p->comment, strlen(c->p->comment)) == 0)
        return FW_OK;
    if (c->skipped < c->p->skip_lines) {
        c->skipped++;
        return FW_OK;
    }
    if (!c->header_seen)
        return csv_header(c, err);
    if ((int64_t)c->nfields != c->header_fields) {
        char what[160];
        snprintf(what, sizeof(what), "has %zu fields, the header has %lld (a truncated or broken line)",
                 c->nfields, (long long)c->header_fields);
        return csv_fail(c, c->rec_line, -1, NULL, what, err);
    }
    memset(&l, 0, sizeof(l));
    l.seq = c->rec_line;
    s = field(c, C_DATE);
    if ((why = parse_date(s, c->p->date_format, &l.booked_ms)) != NULL)
        return csv_fail(c, c->rec_line, c->idx[C_DATE], "date", why, err);
    if ((s = field(c, C_TIME)) && *s) {
        if (!parse_time(s, &t))
            return csv_fail(c, c->rec_line, c->idx[C_TIME], "time", "must be HH:MM:SS", err);
        l.booked_ms += t;
    }
    if (c->idx[C_AMOUNT] >= 0) {
        if ((rc = csv_amount(c, C_AMOUNT, &l.amount, &present, err)) != FW_OK)
            return rc;
        if (!present)
            return csv_fail(c, c->rec_line, c->idx[C_AMOUNT], "amount", "is empty", err);
        if (c->idx[C_DIRECTION] >= 0) {
            int64_t a = l.amount < 0 ? -l.amount : l.amount;
            s = field(c, C_DIRECTION);
            l.amount = s && strcmp(s, c->p->dir_out) == 0 ? -a : a;
        }
    } else {
        int pc, pd;
        if ((rc = csv_amount(c, C_CREDIT, &credit, &pc, err)) != FW_OK ||
            (rc = csv_amount(c, C_DEBIT, &debit, &pd, err)) != FW_OK)
            return rc;
        credit = credit < 0 ? -credit : credit;
        debit = debit < 0 ? -debit : debit;
        if (credit && debit)
            return csv_fail(c, c->rec_line, c->idx[C_DEBIT], "debit",
                            "a line has either a credit or a debit amount, not both", err);
        l.amount = credit ? credit : -debit;
    }
    if (l.amount == 0)
        return csv_fail(c, c->rec_line, c->idx[C_AMOUNT] >= 0 ? c->idx[C_AMOUNT] : c->idx[C_CREDIT],
                        "amount", "a line must move money (got 0)", err);
    if (c->idx[C_BALANCE] >= 0) {
        if ((rc = csv_amount(c, C_BALANCE, &l.balance, &present, err)) != FW_OK)
            return rc;
        l.has_balance = present;
    }
    l.reference = field(c, C_REFERENCE);
    l.bank_txn_id = field(c, C_BANK_TXN);
    l.cp_name = field(c, C_CP_NAME);
    l.cp_account = field(c, C_CP_ACCOUNT);
    l.remark = field(c, C_REMARK);
    if ((l.reference && strlen(l.reference) > 64) || (l.bank_txn_id && strlen(l.bank_txn_id) > 128))
        return csv_fail(c, c->rec_line, c->idx[l.reference && strlen(l.reference) > 64 ? C_REFERENCE
                                                                                         : C_BANK_TXN],
                        "reference", "is longer than 64 (reference) or 128 (bank_txn_id) bytes", err);
    return sink_add(c->sink, &l, err);
}

static int csv_end_field(struct csv *c, fw_error **err)
{
    if (c->rec_len + 1 > sizeof(c->rec))
        return csv_fail(c, c->rec_line, -1, NULL, "the line is longer than 64 KiB", err);
    c->rec[c->rec_len++] = '\0';
    if (c->nfields >= FIELDS_MAX)
        return csv_fail(c, c->rec_line, -1, NULL, "the line has more than 64 fields", err);
    c->nfields++;
    c->starts[c->nfields] = c->rec_len;
    c->field_started = 0;
    c->after_quote = 0;
    return FW_OK;
}

static int csv_feed(struct csv *c, const char *p, size_t n, fw_error **err)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        char ch = p[i];
        if (c->quoted) {
            if (ch == '"') {
                c->quoted = 0;
                c->after_quote = 1;
                continue;
            }
            if (ch == '\n')
                c->line++;
        } else if (ch == '"' && c->after_quote) {
            c->quoted = 1;          /* "" inside a quoted field */
        } else if (ch == '"' && !c->field_started) {
            c->quoted = 1;
            c->field_started = 1;
            continue;
        } else if (ch == c->p->delim) {
            if ((rc = csv_end_field(c, err)) != FW_OK)
                return rc;
            continue;
        } else if (ch == '\n') {
            if ((rc = csv_end_field(c, err)) != FW_OK || (rc = csv_record(c, err)) != FW_OK)
                return rc;
            c->line++;
            c->rec_line = c->line;
            c->rec_len = 0;
            c->nfields = 0;
            c->starts[0] = 0;
            continue;
        } else if (c->after_quote && ch != '\r' && ch != ' ') {
            return csv_fail(c, c->line, (int)c->nfields, "?",
                            "characters after a closing quote", err);
        }
        if (ch == '"' && c->after_quote)
            c->after_quote = 0;
        if (c->rec_len - c->starts[c->nfields] >= FIELD_MAX || c->rec_len + 2 > sizeof(c->rec))
            return csv_fail(c, c->line, (int)c->nfields, "?", "the field is longer than 4096 bytes", err);
        c->rec[c->rec_len++] = ch;
        c->field_started = 1;
    }
    return FW_OK;
}

static int csv_finish(struct csv *c, fw_error **err)
{
    int rc;
    if (c->quoted)
        return csv_fail(c, c->rec_line, (int)c->nfields, "?",
                        "the file ends inside a quoted field (truncated?)", err);
    if (c->rec_len > 0 || c->nfields > 0) {
        if ((rc = csv_end_field(c, err)) != FW_OK || (rc = csv_record(c, err)) != FW_OK)
            return rc;
    }
    if (!c->header_seen)
        return csv_fail(c, c->line, -1, NULL, "the file has no header line", err);
    return FW_OK;
}

/* ---- camt.053 ---- */

#define XPATH_MAX 1024
#define TEXT_MAX 1024

struct camt {
    XML_Parser xp;
    struct sink *sink;
    int rc;
    fw_error **err;
    char path[XPATH_MAX];
    size_t depth_len[64];
    int depth;
    char text[TEXT_MAX];
    size_t text_len;
    int stmts;
    char account[65], currency[4], ccy_attr[4];
    /* the balance being read */
    char bal_type[8];
    int64_t bal_amount;
    int bal_debit, bal_has;
    int64_t opening, closing;
    int has_opening, has_closing;
    int64_t from_ms, to_ms;
    /* the entry being read */
    int64_t seq, amount, booked_ms;
    int debit, has_amount, has_date, booked;
    char txn[129], ref[65], e2e[65], instr[65], ntry_ref[65];
    char dbtr[201], cdtr[201], dbtr_acct[65], cdtr_acct[65], remark[501];
};

static int camt_fail(struct camt *c, const char *what)
{
    if (c->rc == FW_OK) {
        c->rc = fw__error_set(c->err, FW_EINVAL, NULL, "line %lu, column %lu: %s",
                              (unsigned long)XML_GetCurrentLineNumber(c->xp),
                              (unsigned long)XML_GetCurrentColumnNumber(c->xp) + 1, what);
        XML_StopParser(c->xp, XML_FALSE);
    }
    return c->rc;
}

static int ends(const struct camt *c, const char *suffix)
{
    size_t n = strlen(c->path), m = strlen(suffix);
    return n >= m && strcmp(c->path + n - m, suffix) == 0 && (n == m || c->path[n - m - 1] == '/');
}

/* Copies at most size - 1 bytes, cut back to a whole UTF-8 character. */
static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void XMLCALL camt_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct camt *c = ud;
    const char *local = strchr(name, ':') ? strchr(name, ':') + 1 : name;
    size_t n = strlen(c->path), m = strlen(local);
    int i;

    if (c->rc != FW_OK)
        return;
    if (c->depth == 0 && strcmp(local, "Document") != 0) {
        camt_fail(c, "the root element must be Document (ISO 20022 camt.053)");
        return;
    }
    if (c->depth == 1 && strcmp(local, "BkToCstmrStmt") != 0) {
        camt_fail(c, "Document must hold BkToCstmrStmt (camt.053)");
        return;
    }
    if (c->depth >= 63 || n + m + 2 > sizeof(c->path)) {
        camt_fail(c, "elements are nested too deep");
        return;
    }
    c->depth_len[c->depth++] = n;
    if (n)
        c->path[n++] = '/';
    memcpy(c->path + n, local, m + 1);
    c->text_len = 0;
    c->text[0] = '\0';
    if (strcmp(local, "Stmt") == 0 && ++c->stmts > 1)
        camt_fail(c, "the file holds more than one Stmt; import one account's statement per file");
    if (ends(c, "Stmt/Ntry")) {
        c->seq++;
        c->amount = c->booked_ms = 0;
        c->debit = c->has_amount = c->has_date = 0;
        c->booked = 1;
        c->txn[0] = c->ref[0] = c->e2e[0] = c->instr[0] = c->ntry_ref[0] = '\0';
        c->dbtr[0] = c->cdtr[0] = c->dbtr_acct[0] = c->cdtr_acct[0] = c->remark[0] = '\0';
    }
    if (ends(c, "Stmt/Bal")) {
        c->bal_type[0] = '\0';
        c->bal_has = c->bal_debit = 0;
    }
    c->ccy_attr[0] = '\0';
    for (i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], "Ccy") == 0)
            copy(c->ccy_attr, sizeof(c->ccy_attr), atts[i + 1]);
    if (c->ccy_attr[0] && (ends(c, "Ntry/Amt") || ends(c, "Bal/Amt"))) {
        if (strlen(c->ccy_attr) != 3)
            camt_fail(c, "Ccy must be a 3-letter currency code");
        else if (!c->currency[0])
            copy(c->currency, sizeof(c->currency), c->ccy_attr);
        else if (strcmp(c->currency, c->ccy_attr) != 0)
            camt_fail(c, "an amount is in another currency than the statement's");
    }
}

static void XMLCALL camt_text(void *ud, const XML_Char *s, int len)
{
    struct camt *c = ud;
    if (c->rc != FW_OK)
        return;
    if (c->text_len + (size_t)len >= sizeof(c->text)) {
        camt_fail(c, "an element's text is longer than 1024 bytes");
        return;
    }
    memcpy(c->text + c->text_len, s, (size_t)len);
    c->text_len += (size_t)len;
    c->text[c->text_len] = '\0';
}

/* "2026-03-15" or "2026-03-15T10:00:00[.sss][Z|+08:00]" -> ms. */
static const char *camt_date(const char *s, int64_t *ms)
{
    char d[11];
    int64_t t = 0;
    const char *why;
    int oh, om;

    if (strlen(s) < 10)
        return "must be an ISO date YYYY-MM-DD";
    memcpy(d, s, 10);
    d[10] = '\0';
    if ((why = parse_date(d, DF_DASH, ms)) != NULL)
        return why;
    s += 10;
    if (!*s)
        return NULL;
    if (*s != 'T' || strlen(s) < 9)
        return "must be an ISO date-time YYYY-MM-DDTHH:MM:SS";
    {
        char tm[9];
        memcpy(tm, s + 1, 8);
        tm[8] = '\0';
        if (!parse_time(tm, &t))
            return "has a time that is not HH:MM:SS";
    }
    s += 9;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    *ms += t;
    if (*s == 'Z') {
        *ms += FW__CST_OFFSET_MS;
        s++;
    } else if ((*s == '+' || *s == '-') && strlen(s) == 6 && digits_at(s + 1, 2, &oh) &&
               s[3] == ':' && digits_at(s + 4, 2, &om)) {
        int64_t off = ((int64_t)oh * 60 + om) * 60000;
        *ms += FW__CST_OFFSET_MS - (*s == '+' ? off : -off);
        s += 6;
    }
    return *s ? "has a bad time zone" : NULL;
}

static int camt_entry(struct camt *c)
{
    struct line l;
    memset(&l, 0, sizeof(l));
    if (!c->has_amount)
        return camt_fail(c, "Ntry has no Amt");
    if (!c->has_date)
        return camt_fail(c, "Ntry has no BookgDt");
    if (!c->booked)
        return FW_OK;                   /* pending or informational entries are not booked money */
    l.seq = c->seq;
    l.booked_ms = c->booked_ms;
    l.amount = c->debit ? -c->amount : c->amount;
    l.bank_txn_id = c->txn[0] ? c->txn : (c->ntry_ref[0] ? c->ntry_ref : NULL);
    l.reference = c->e2e[0] ? c->e2e : (c->instr[0] ? c->instr : (c->ref[0] ? c->ref : NULL));
    l.cp_name = c->debit ? c->cdtr : c->dbtr;
    l.cp_account = c->debit ? c->cdtr_acct : c->dbtr_acct;
    l.remark = c->remark;
    if (l.amount == 0)
        return camt_fail(c, "Ntry/Amt must be positive");
    c->rc = sink_add(c->sink, &l, c->err);
    if (c->rc != FW_OK)
        XML_StopParser(c->xp, XML_FALSE);
    return c->rc;
}

static void XMLCALL camt_end(void *ud, const XML_Char *name)
{
    struct camt *c = ud;
    const char *t = c->text, *why;
    (void)name;

    if (c->rc != FW_OK)
        return;
    while (*t == ' ' || *t == '\n' || *t == '\r' || *t == '\t')
        t++;
    {
        char *e = c->text + c->text_len;
        while (e > t && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'))
            *--e = '\0';
    }
    if (ends(c, "Stmt/Acct/Id/IBAN") || ends(c, "Stmt/Acct/Id/Othr/Id")) {
        copy(c->account, sizeof(c->account), t);
    } else if (ends(c, "Stmt/Acct/Ccy")) {
        if (strlen(t) != 3)
            camt_fail(c, "Acct/Ccy must be a 3-letter currency code");
        else if (c->currency[0] && strcmp(c->currency, t) != 0)
            camt_fail(c, "an amount is in another currency than the statement's");
        else
            copy(c->currency, sizeof(c->currency), t);
    } else if (ends(c, "Stmt/FrToDt/FrDtTm")) {
        if ((why = camt_date(t, &c->from_ms)) != NULL)
            camt_fail(c, why);
    } else if (ends(c, "Stmt/FrToDt/ToDtTm")) {
        if ((why = camt_date(t, &c->to_ms)) != NULL)
            camt_fail(c, why);
    } else if (ends(c, "Bal/Tp/CdOrPrtry/Cd")) {
        copy(c->bal_type, sizeof(c->bal_type), t);
    } else if (ends(c, "Bal/Amt") || ends(c, "Ntry/Amt")) {
        int64_t v = 0;
        if ((why = fw__recon_parse_yuan(t, 0, &v)) != NULL || v < 0) {
            char what[120];
            snprintf(what, sizeof(what), "Amt %.40s %s", t, why ? why : "must not be negative");
            camt_fail(c, what);
        } else if (ends(c, "Bal/Amt")) {
            c->bal_amount = v;
            c->bal_has = 1;
        } else {
            c->amount = v;
            c->has_amount = 1;
        }
    } else if (ends(c, "Bal/CdtDbtInd") || ends(c, "Ntry/CdtDbtInd")) {
        int d = strcmp(t, "DBIT") == 0;
        if (!d && strcmp(t, "CRDT") != 0)
            camt_fail(c, "CdtDbtInd must be CRDT or DBIT");
        else if (ends(c, "Bal/CdtDbtInd"))
            c->bal_debit = d;
        else
            c->debit = d;
    } else if (ends(c, "Ntry/Sts") || ends(c, "Ntry/Sts/Cd")) {
        if (*t)
            c->booked = strcmp(t, "BOOK") == 0;
    } else if (ends(c, "Ntry/BookgDt/Dt") || ends(c, "Ntry/BookgDt/DtTm")) {
        if ((why = camt_date(t, &c->booked_ms)) != NULL)
            camt_fail(c, why);
        c->has_date = 1;
    } else if (ends(c, "Ntry/AcctSvcrRef")) {
        copy(c->txn, sizeof(c->txn), t);
    } else if (ends(c, "Ntry/NtryRef")) {
        copy(c->ntry_ref, sizeof(c->ntry_ref), t);
    } else if (ends(c, "TxDtls/Refs/EndToEndId")) {
        if (!c->e2e[0] && strcmp(t, "NOTPROVIDED") != 0)
            copy(c->e2e, sizeof(c->e2e), t);
    } else if (ends(c, "TxDtls/Refs/InstrId")) {
        if (!c->instr[0])
            copy(c->instr, sizeof(c->instr), t);
    } else if (ends(c, "TxDtls/Refs/TxId") || ends(c, "TxDtls/Refs/PmtInfId")) {
        if (!c->ref[0])
            copy(c->ref, sizeof(c->ref), t);
    } else if (ends(c, "RltdPties/Dbtr/Nm") || ends(c, "RltdPties/Dbtr/Pty/Nm")) {
        copy(c->dbtr, sizeof(c->dbtr), t);
    } else if (ends(c, "RltdPties/Cdtr/Nm") || ends(c, "RltdPties/Cdtr/Pty/Nm")) {
        copy(c->cdtr, sizeof(c->cdtr), t);
    } else if (ends(c, "RltdPties/DbtrAcct/Id/IBAN") || ends(c, "RltdPties/DbtrAcct/Id/Othr/Id")) {
        copy(c->dbtr_acct, sizeof(c->dbtr_acct), t);
    } else if (ends(c, "RltdPties/CdtrAcct/Id/IBAN") || ends(c, "RltdPties/CdtrAcct/Id/Othr/Id")) {
        copy(c->cdtr_acct, sizeof(c->cdtr_acct), t);
    } else if (ends(c, "RmtInf/Ustrd")) {
        if (!c->remark[0])
            copy(c->remark, sizeof(c->remark), t);
    } else if (ends(c, "Stmt/Ntry")) {
        camt_entry(c);
    } else if (ends(c, "Stmt/Bal")) {
        int64_t v = c->bal_debit ? -c->bal_amount : c->bal_amount;
        if (!c->bal_has)
            camt_fail(c, "Bal has no Amt");
        else if (strcmp(c->bal_type, "OPBD") == 0 || strcmp(c->bal_type, "PRCD") == 0) {
            c->opening = v;
            c->has_opening = 1;
        } else if (strcmp(c->bal_type, "CLBD") == 0) {
            c->closing = v;
            c->has_closing = 1;
        }
    }
    c->path[c->depth_len[--c->depth]] = '\0';
    c->text_len = 0;
    c->text[0] = '\0';
}

/* ---- options, profiles ---- */

struct import_opts {
    int format;                 /* 0 csv, 1 camt053 */
    const char *profile, *account, *currency;
    char profile_buf[33], account_buf[65], currency_buf[4];
    int encoding;               /* -1: the profile's */
    int64_t opening, closing;
    int has_opening, has_closing;
};

static int parse_profile(struct profile *p, const cJSON *root, int needs_name, fw_error **err)
{
    static const char *const fields[] = { "name", "delimiter", "skip_lines", "comment", "encoding",
                                          "date_format", "columns", "direction_out", NULL };
    const char *s = NULL;
    const cJSON *cols = NULL;
    int64_t v = 0;
    int e = 0, k, rc;

    memset(p, 0, sizeof(*p));
    p->delim = ',';
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "name", needs_name ? FW__REQUIRED : FW__OPTIONAL, 1, 32, &s, err);
    if (rc == FW_OK && s) {
        const char *q;
        for (q = s; *q; q++)
            if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'))
                return fw__error_set(err, FW_EINVAL, "$.name", "may hold only a-z, 0-9 and _, got \"%s\"", s);
        copy(p->name, sizeof(p->name), s);
    }
    s = NULL;
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "delimiter", FW__OPTIONAL, 1, 1, &s, err);
    if (rc == FW_OK && s) {
        if (*s == '"' || *s == '\n' || *s == '\r')
            return fw__error_set(err, FW_EINVAL, "$.delimiter", "must not be a quote or a line break");
        p->delim = *s;
    }
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "skip_lines", FW__OPTIONAL, 0, 100, &v, err);
    p->skip_lines = (int)v;
    s = NULL;
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "comment", FW__OPTIONAL, 1, 7, &s, err);
    if (rc == FW_OK && s)
        copy(p->comment, sizeof(p->comment), s);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "encoding", FW__OPTIONAL, encodings, &e, err);
    p->encoding = e;
    e = 0;
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "date_format", FW__OPTIONAL, date_formats, &e, err);
    p->date_format = e;
    s = NULL;
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "direction_out", FW__OPTIONAL, 1, 31, &s, err);
    if (rc == FW_OK && s)
        copy(p->dir_out, sizeof(p->dir_out), s);
    if (rc == FW_OK)
        rc = fw__json_obj(root, "$", "columns", FW__REQUIRED, &cols, err);
    if (rc == FW_OK)
        rc = fw__json_only(cols, "$.columns", col_keys, err);
    for (k = 0; rc == FW_OK && k < NCOL; k++) {
        s = NULL;
        rc = fw__json_str(cols, "$.columns", col_keys[k], k == C_DATE ? FW__REQUIRED : FW__OPTIONAL,
                          1, 63, &s, err);
        if (rc == FW_OK && s)
            copy(p->col[k], sizeof(p->col[k]), s);
    }
    if (rc != FW_OK)
        return rc;
    if (!p->col[C_AMOUNT][0] && !(p->col[C_CREDIT][0] && p->col[C_DEBIT][0]))
        return fw__error_set(err, FW_EINVAL, "$.columns", "needs \"amount\", or \"credit\" and \"debit\"");
    if (p->col[C_AMOUNT][0] && (p->col[C_CREDIT][0] || p->col[C_DEBIT][0]))
        return fw__error_set(err, FW_EINVAL, "$.columns", "has \"amount\" or \"credit\"/\"debit\", not both");
    if (!p->col[C_DIRECTION][0] != !p->dir_out[0])
        return fw__error_set(err, FW_EINVAL, "$.direction_out", "goes with columns.direction");
    return FW_OK;
}

static cJSON *profile_json(const struct profile *p)
{
    cJSON *o = cJSON_CreateObject(), *cols;
    char d[2] = { p->delim, 0 };
    int k;
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "delimiter", d);
    cJSON_AddNumberToObject(o, "skip_lines", p->skip_lines);
    if (p->comment[0])
        cJSON_AddStringToObject(o, "comment", p->comment);
    cJSON_AddStringToObject(o, "encoding", encodings[p->encoding]);
    cJSON_AddStringToObject(o, "date_format", date_formats[p->date_format]);
    cols = cJSON_AddObjectToObject(o, "columns");
    for (k = 0; k < NCOL; k++)
        if (p->col[k][0])
            cJSON_AddStringToObject(cols, col_keys[k], p->col[k]);
    if (p->dir_out[0])
        cJSON_AddStringToObject(o, "direction_out", p->dir_out);
    return o;
}

static int load_profile(fw_ctx *ctx, const char *name, struct profile *p, fw_error **err)
{
    fw__stmt *s;
    cJSON *root = NULL;
    size_t i;
    int rc;

    for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++)
        if (strcmp(shipped[i].name, name) == 0) {
            *p = shipped[i];
            return FW_OK;
        }
    rc = fw__db_query(ctx, &s, err, "SELECT profile FROM fw_recon_profile WHERE name=?", "t", name);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        rc = fw__json_parse(&root, fw__db_col_text(s, 0), (size_t)-1, err);
    else if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, "$.profile", "no CSV profile \"%s\"", name);
    fw__db_done(s);
    if (rc == FW_OK)
        rc = parse_profile(p, root, 1, err);
    cJSON_Delete(root);
    return rc;
}

int fw_recon_profile_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    struct profile p;
    cJSON *root = NULL, *canon;
    char *text = NULL;
    size_t i;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "recon.profile_set", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = parse_profile(&p, root, 1, err);
    cJSON_Delete(root);
    for (i = 0; rc == FW_OK && i < sizeof(shipped) / sizeof(shipped[0]); i++)
        if (strcmp(shipped[i].name, p.name) == 0)
            rc = fw__error_set(err, FW_EINVAL, "$.name", "\"%s\" is a shipped profile; choose another name",
                               p.name);
    if (rc != FW_OK)
        return rc;
    if (!(canon = profile_json(&p)) || !(text = cJSON_PrintUnformatted(canon))) {
        cJSON_Delete(canon);
        return fw__error_nomem(err);
    }
    if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_recon_profile(name, profile, updated_ms) VALUES (?,?,?) "
                         "ON CONFLICT(name) DO UPDATE SET profile=excluded.profile, "
                         "updated_ms=excluded.updated_ms",
                         "tti", p.name, text, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__recon_audit(ctx, "recon.profile_set", "recon_profile", 0, canon, err);
        else
            cJSON_Delete(canon);
        canon = NULL;
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(canon);
    cJSON_free(text);
    return rc;
}

int fw_recon_profile_get(fw_ctx *ctx, const char *name, char **out_json, size_t *out_len,
                         fw_error **err)
{
    struct profile p;
    int rc;

    if (!ctx || !name || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, name and out_json are required");
    if ((rc = fw__authz_require(ctx, "recon.read", err)) != FW_OK)
        return rc;
    if ((rc = load_profile(ctx, name, &p, err)) != FW_OK)
        return rc;
    return fw__json_out(profile_json(&p), out_json, out_len, err);
}

static int parse_options(struct import_opts *o, const char *json, size_t len, fw_error **err)
{
    static const char *const fields[] = { "format", "profile", "encoding", "account", "opening_fen",
                                          "closing_fen", "currency", NULL };
    static const char *const formats[] = { "csv", "camt053", NULL };
    cJSON *root = NULL;
    int rc;

    memset(o, 0, sizeof(*o));
    o->encoding = -1;
    if (!json)
        return fw__error_set(err, FW_EINVAL, "$.format", "is required (\"csv\" or \"camt053\")");
    if ((rc = fw__json_parse(&root, json, len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "format", FW__REQUIRED, formats, &o->format, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "encoding", FW__OPTIONAL, encodings, &o->encoding, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "profile", FW__OPTIONAL, 1, 32, &o->profile, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "account", FW__OPTIONAL, 1, 64, &o->account, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "currency", FW__OPTIONAL, 3, 3, &o->currency, err);
    if (rc == FW_OK && cJSON_GetObjectItemCaseSensitive(root, "opening_fen")) {
        rc = fw__json_i64(root, "$", "opening_fen", FW__REQUIRED, -FW__JSON_MAX_INT, FW__JSON_MAX_INT,
                          &o->opening, err);
        o->has_opening = 1;
    }
    if (rc == FW_OK && cJSON_GetObjectItemCaseSensitive(root, "closing_fen")) {
        rc = fw__json_i64(root, "$", "closing_fen", FW__REQUIRED, -FW__JSON_MAX_INT, FW__JSON_MAX_INT,
                          &o->closing, err);
        o->has_closing = 1;
    }
    if (rc == FW_OK && o->format == 1 && (o->profile || o->account || o->currency || o->has_opening ||
                                          o->has_closing))
        rc = fw__error_set(err, FW_EINVAL, "$.format",
                           "camt053 carries its own account, currency and balances; profile, account, "
                           "currency, opening_fen and closing_fen are for csv");
    /* The strings point into root: keep copies that outlive it. */
    if (rc == FW_OK && o->profile) {
        copy(o->profile_buf, sizeof(o->profile_buf), o->profile);
        o->profile = o->profile_buf;
    }
    if (rc == FW_OK && o->account) {
        copy(o->account_buf, sizeof(o->account_buf), o->account);
        o->account = o->account_buf;
    }
    if (rc == FW_OK && o->currency) {
        copy(o->currency_buf, sizeof(o->currency_buf), o->currency);
        o->currency = o->currency_buf;
    }
    cJSON_Delete(root);
    return rc;
}

/* ---- the import ---- */

struct import {
    struct source src;
    struct sink sink;
    struct csv csv;
    struct camt camt;
};

static int run_import(fw_ctx *ctx, struct import *im, const struct import_opts *o,
                      const struct profile *prof, fw_id *out_id, fw_error **err)
{
    unsigned char hash[32];
    const char *chunk = NULL;
    size_t n = 0;
    int64_t existing = 0, from, to, opening = 0, closing = 0;
    int has_opening = 0, has_closing = 0, rc;
    const char *currency = "CNY", *account = o->account;

    rc = fw__db_exec(ctx, err,
                     "INSERT INTO fw_recon_statement(hash, format, profile, account, currency, "
                     "first_line, lines, from_ms, to_ms, in_fen, out_fen, imported_ms, actor) "
                     "VALUES (randomblob(32), ?, ?, NULL, 'CNY', 0, 0, 0, 0, 0, 0, ?, ?)",
                     "ttit", o->format ? "camt053" : "csv", o->format ? NULL : prof->name,
                     fw_ctx_now(ctx), ctx->actor_name);
    if (rc != FW_OK)
        return rc;
    im->sink.ctx = ctx;
    im->sink.statement_id = fw__db_last_id(ctx);
    snprintf(im->sink.subject, sizeof(im->sink.subject), "recon_statement:%lld",
             (long long)im->sink.statement_id);
    if (o->format == 0) {
        im->csv.p = prof;
        im->csv.sink = &im->sink;
        im->csv.line = im->csv.rec_line = 1;
    } else {
        im->camt.sink = &im->sink;
        im->camt.err = err;
        im->camt.xp = XML_ParserCreate("UTF-8");
        if (!im->camt.xp)
            return fw__error_nomem(err);
        XML_SetUserData(im->camt.xp, &im->camt);
        XML_SetElementHandler(im->camt.xp, camt_start, camt_end);
        XML_SetCharacterDataHandler(im->camt.xp, camt_text);
    }
    for (;;) {
        if ((rc = source_next(&im->src, &chunk, &n, err)) != FW_OK)
            break;
        if (o->format == 0) {
            rc = n ? csv_feed(&im->csv, chunk, n, err) : csv_finish(&im->csv, err);
        } else if (XML_Parse(im->camt.xp, chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
            rc = im->camt.rc;
            if (rc == FW_OK)
                rc = fw__error_set(err, FW_EINVAL, NULL, "line %lu, column %lu: %s",
                                   (unsigned long)XML_GetCurrentLineNumber(im->camt.xp),
                                   (unsigned long)XML_GetCurrentColumnNumber(im->camt.xp) + 1,
                                   XML_ErrorString(XML_GetErrorCode(im->camt.xp)));
        } else {
            rc = im->camt.rc;
        }
        if (rc != FW_OK || n == 0)
            break;
    }
    if (rc != FW_OK)
        return rc;
    crypto_generichash_final(&im->src.hash, hash, sizeof(hash));
    rc = fw__db_i64(ctx, &existing, err, "SELECT id FROM fw_recon_statement WHERE hash=?", "b",
                    (const void *)hash, sizeof(hash));
    if (rc == FW_OK)
        return fw__error_set(err, FW_EEXISTS, NULL,
                             "this file was imported before as statement %lld (same BLAKE2b hash)",
                             (long long)existing);
    if (rc != FW_ENOTFOUND)
        return rc;
    if (o->format == 1) {
        if (im->camt.stmts == 0)
            return fw__error_set(err, FW_EINVAL, NULL, "the file holds no Stmt");
        if (im->camt.currency[0])
            currency = im->camt.currency;
        account = im->camt.account[0] ? im->camt.account : NULL;
        has_opening = im->camt.has_opening;
        opening = im->camt.opening;
        has_closing = im->camt.has_closing;
        closing = im->camt.closing;
    } else {
        if (o->currency)
            currency = o->currency;
        if (im->sink.has_balance) {
            has_opening = 1;
            opening = im->sink.first_balance - im->sink.first_amount;
            has_closing = 1;
            closing = im->sink.last_balance;
        }
        if (o->has_opening) {
            has_opening = 1;
            opening = o->opening;
        }
        if (o->has_closing) {
            has_closing = 1;
            closing = o->closing;
        }
    }
    if (im->sink.lines) {
        int64_t day;
        fw__cst_period(im->sink.min_ms, FW__PERIOD_DAY, &from, &to);
        fw__cst_period(im->sink.max_ms, FW__PERIOD_DAY, &day, &to);
    } else {
        fw__cst_period(o->format == 1 && im->camt.from_ms ? im->camt.from_ms : fw_ctx_now(ctx),
                       FW__PERIOD_DAY, &from, &to);
    }
    if (o->format == 1 && im->camt.from_ms && im->camt.to_ms > im->camt.from_ms) {
        int64_t a, b;
        fw__cst_period(im->camt.from_ms, FW__PERIOD_DAY, &a, &b);
        if (a < from)
            from = a;
        fw__cst_period(im->camt.to_ms - 1, FW__PERIOD_DAY, &a, &b);
        if (b > to)
            to = b;
    }
    rc = fw__db_exec(ctx, err,
                     "UPDATE fw_recon_statement SET hash=?, account=?, currency=?, first_line=?, "
                     "lines=?, from_ms=?, to_ms=?, opening=?, closing=?, in_fen=?, out_fen=? WHERE id=?",
                     "bttiiii" "ii" "iii", (const void *)hash, sizeof(hash), account, currency,
                     im->sink.first_line, im->sink.lines, from, to,
                     has_opening ? opening : 0, has_closing ? closing : 0, im->sink.in_fen,
                     im->sink.out_fen, im->sink.statement_id);
    if (rc == FW_OK && !has_opening)
        rc = fw__db_exec(ctx, err, "UPDATE fw_recon_statement SET opening=NULL WHERE id=?", "i",
                         im->sink.statement_id);
    if (rc == FW_OK && !has_closing)
        rc = fw__db_exec(ctx, err, "UPDATE fw_recon_statement SET closing=NULL WHERE id=?", "i",
                         im->sink.statement_id);
    if (rc == FW_OK) {
        cJSON *d = cJSON_CreateObject();
        if (d) {
            cJSON_AddStringToObject(d, "format", o->format ? "camt053" : "csv");
            fw__json_add_hex(d, "hash", hash, sizeof(hash));
            fw__json_add_i64(d, "lines", im->sink.lines);
            fw__json_add_i64(d, "in_fen", im->sink.in_fen);
            fw__json_add_i64(d, "out_fen", im->sink.out_fen);
        }
        rc = fw__recon_audit(ctx, "recon.import", "recon_statement", im->sink.statement_id, d, err);
    }
    if (rc == FW_OK)
        *out_id = im->sink.statement_id;
    return rc;
}

int fw_recon_import(fw_ctx *ctx, fw_id *out_statement_id, fw_recon_read_fn read, void *payload,
                    const char *options_json, size_t options_len, fw_error **err)
{
    struct import_opts o;
    struct profile prof;
    struct import *im;
    fw_id id = 0;
    int rc, enc;

    if (!ctx || !out_statement_id || !read)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_statement_id and read are required");
    if ((rc = fw__authz_require(ctx, "recon.import", err)) != FW_OK)
        return rc;
    if ((rc = parse_options(&o, options_json, options_len, err)) != FW_OK)
        return rc;
    memset(&prof, 0, sizeof(prof));
    if (o.format == 0 && (rc = load_profile(ctx, o.profile ? o.profile : "generic_bank", &prof, err)) != FW_OK)
        return rc;
    enc = o.encoding >= 0 ? o.encoding : (o.format == 0 ? prof.encoding : ENC_UTF8);
    if (!(im = calloc(1, sizeof(*im))))
        return fw__error_nomem(err);
    im->src.read = read;
    im->src.payload = payload;
    im->src.line = im->src.col = 1;
    im->src.cd = (iconv_t)-1;
    crypto_generichash_init(&im->src.hash, NULL, 0, 32);
    if (enc == ENC_GB18030 && (im->src.cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
        free(im);
        return fw__error_set(err, FW_ERROR, "$.encoding", "this system's iconv cannot convert GB18030");
    }
    if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = run_import(ctx, im, &o, &prof, &id, err);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (im->camt.xp)
        XML_ParserFree(im->camt.xp);
    if (im->src.cd != (iconv_t)-1)
        iconv_close(im->src.cd);
    free(im);
    if (rc == FW_OK)
        *out_statement_id = id;
    return rc;
}

static int64_t file_read(void *payload, uint8_t *buf, size_t size)
{
    FILE *f = payload;
    size_t n = fread(buf, 1, size, f);
    return n == 0 && ferror(f) ? -1 : (int64_t)n;
}

int fw_recon_import_file(fw_ctx *ctx, fw_id *out_statement_id, const char *path,
                         const char *options_json, size_t options_len, fw_error **err)
{
    FILE *f;
    int rc;

    if (!ctx || !out_statement_id || !path)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_statement_id and path are required");
    if ((rc = fw__authz_require(ctx, "recon.import", err)) != FW_OK)
        return rc;
    if (!(f = fopen(path, "rb")))
        return fw__error_set(err, FW_EIO, "path", "cannot open %s: %s", path, strerror(errno));
    rc = fw_recon_import(ctx, out_statement_id, file_read, f, options_json, options_len, err);
    if (rc == FW_EUSER)
        rc = fw__error_set(err, FW_EIO, "path", "cannot read %s", path);
    fclose(f);
    return rc;
}

int fw_recon_statement_get(fw_ctx *ctx, fw_id statement_id, char **out_json, size_t *out_len,
                           fw_error **err)
{
    fw__stmt *s;
    cJSON *o = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "recon.read", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err,
                      "SELECT s.id, format, profile, account, currency, hash, lines, from_ms, to_ms, "
                      "opening, closing, in_fen, out_fen, imported_ms, r.id FROM fw_recon_statement s "
                      "LEFT JOIN fw_recon_run r ON r.statement_id = s.id WHERE s.id=?",
                      "i", statement_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW && (o = cJSON_CreateObject()) != NULL) {
        int i;
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "format", fw__db_col_text(s, 1));
        for (i = 2; i <= 4; i++) {
            static const char *const names[] = { "", "", "profile", "account", "currency" };
            if (fw__db_col_is_null(s, i))
                cJSON_AddNullToObject(o, names[i]);
            else
                cJSON_AddStringToObject(o, names[i], fw__db_col_text(s, i));
        }
        fw__json_add_hex(o, "hash", fw__db_col_blob(s, 5), fw__db_col_bytes(s, 5));
        fw__json_add_i64(o, "lines", fw__db_col_i64(s, 6));
        fw__json_add_i64(o, "from_ms", fw__db_col_i64(s, 7));
        fw__json_add_i64(o, "to_ms", fw__db_col_i64(s, 8));
        for (i = 9; i <= 10; i++) {
            const char *name = i == 9 ? "opening_fen" : "closing_fen";
            if (fw__db_col_is_null(s, i))
                cJSON_AddNullToObject(o, name);
            else
                fw__json_add_i64(o, name, fw__db_col_i64(s, i));
        }
        fw__json_add_i64(o, "in_fen", fw__db_col_i64(s, 11));
        fw__json_add_i64(o, "out_fen", fw__db_col_i64(s, 12));
        fw__json_add_i64(o, "imported_ms", fw__db_col_i64(s, 13));
        if (fw__db_col_is_null(s, 14))
            cJSON_AddNullToObject(o, "run_id");
        else
            fw__json_add_i64(o, "run_id", fw__db_col_i64(s, 14));
        rc = FW_OK;
    } else if (rc == FW__ROW) {
        rc = fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "statement_id", "no statement %lld", (long long)statement_id);
    }
    fw__db_done(s);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}
