/*
 * Exports of the journal (CSV, hledger/ledger-cli) named by the chart-of-accounts mapping, so a
 * Chinese accountant's books and an independent tool see the same balances.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "ledger/ledger.h"

#define MAX_TYPES 32

struct buf {
    char *p;
    size_t len, cap;
    int failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(p = realloc(b->p, cap))) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* A CSV field, quoted with doubled quotes. */
static void put_csv(struct buf *b, const char *s)
{
    const char *q;
    put(b, "\"", 1);
    for (q = s ? s : ""; *q; q++) {
        if (*q == '"')
            put(b, "\"", 1);
        put(b, q, 1);
    }
    put(b, "\"", 1);
}

struct coa {
    char code[33];
    char name[101];
};

static int load_coa(fw_ctx *ctx, struct coa *coa, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT type, code, name FROM fw_ledger_coa", "");

    memset(coa, 0, MAX_TYPES * sizeof(*coa));
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t t = fw__db_col_i64(s, 0);
        if (t > 0 && t < MAX_TYPES) {
            snprintf(coa[t].code, sizeof(coa[t].code), "%s", fw__db_col_text(s, 1));
            snprintf(coa[t].name, sizeof(coa[t].name), "%s", fw__db_col_text(s, 2));
        }
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static const char *type_class(uint32_t type)
{
    if (type == FW_ACCT_FEE_REVENUE)
        return "revenues";
    return fw__ledger_type_normal(type) == FW_LEDGER_DEBIT ? "assets" : "liabilities";
}

static void owner_text(char *out, size_t size, uint32_t kind, fw_id owner)
{
    if (kind == FW_LEDGER_OWNER_PLATFORM)
        snprintf(out, size, "platform");
    else
        snprintf(out, size, "%s-%lld", fw__ledger_owner_name(kind), (long long)owner);
}

int fw_ledger_export(fw_ctx *ctx, uint32_t format, int64_t from_ms, int64_t to_ms,
                     char **out_text, size_t *out_len, fw_error **err)
{
    static const char *const kinds[] = { "", "posted", "hold", "post", "void", "expire", "reversal" };
    struct coa coa[MAX_TYPES];
    struct buf b = { NULL, 0, 0, 0 };
    fw__stmt *s;
    fw_id current = 0;
    int rc;

    if (!ctx || !out_text)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_text are required");
    if (format != FW_LEDGER_EXPORT_CSV && format != FW_LEDGER_EXPORT_LEDGER)
        return fw__error_set(err, FW_EINVAL, "format",
                             "must be FW_LEDGER_EXPORT_CSV (1) or FW_LEDGER_EXPORT_LEDGER (2), got %u",
                             format);
    if (from_ms > to_ms)
        return fw__error_set(err, FW_EINVAL, "to_ms", "must not be before from_ms");
    if ((rc = fw__authz_require(ctx, "ledger.trial_balance", err)) != FW_OK)
        return rc;
    if ((rc = load_coa(ctx, coa, err)) != FW_OK)
        return rc;
    if (format == FW_LEDGER_EXPORT_CSV)
        puts_(&b, "entry_id,date,effective_ms,kind,reason,ref_kind,ref_id,account_id,account_code,"
                  "account_name,owner_kind,owner_id,currency,debit,credit\n");
    else
        puts_(&b, "; libflexwork journal export\n");
    rc = fw__db_query(ctx, &s, err,
                      "SELECT e.id, e.kind, e.reason, e.effective_ms, e.ref_kind, e.ref_id, "
                      "p.account_id, p.amount, a.type, a.owner_kind, a.owner_id, a.currency "
                      "FROM fw_ledger_entry e JOIN fw_ledger_posting p ON p.entry_id = e.id "
                      "JOIN fw_ledger_account a ON a.id = p.account_id "
                      "WHERE e.effective_ms >= ? AND e.effective_ms < ? AND p.pending = 0 "
                      "ORDER BY e.effective_ms, e.id, p.seq", "ii", from_ms, to_ms);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id id = fw__db_col_i64(s, 0);
        int kind = (int)fw__db_col_i64(s, 1);
        const char *reason = fw__db_col_text(s, 2);
        int64_t eff = fw__db_col_i64(s, 3), amount = fw__db_col_i64(s, 7);
        const char *rk = fw__db_col_text(s, 4), *ri = fw__db_col_text(s, 5);
        uint32_t type = (uint32_t)fw__db_col_i64(s, 8), okind = (uint32_t)fw__db_col_i64(s, 9);
        fw_id owner = fw__db_col_i64(s, 10);
        const char *cur = fw__db_col_text(s, 11);
        const struct coa *c = type < MAX_TYPES ? &coa[type] : &coa[0];
        char date[16], owner_s[40], money[40], line[512];
        int y, m, d;

        fw__cst_date(eff, &y, &m, &d);
        snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
        owner_text(owner_s, sizeof(owner_s), okind, owner);
        if (format == FW_LEDGER_EXPORT_CSV) {
            snprintf(line, sizeof(line), "%lld,%s,%lld,%s,", (long long)id, date, (long long)eff,
                     kind >= 1 && kind <= 6 ? kinds[kind] : "unknown");
            puts_(&b, line);
            put_csv(&b, reason);
            put(&b, ",", 1);
            put_csv(&b, rk);
            put(&b, ",", 1);
            put_csv(&b, ri);
            snprintf(line, sizeof(line), ",%lld,", (long long)fw__db_col_i64(s, 6));
            puts_(&b, line);
            put_csv(&b, c->code);
            put(&b, ",", 1);
            put_csv(&b, c->name);
            snprintf(line, sizeof(line), ",%s,%lld,%s,", fw__ledger_owner_name(okind),
                     (long long)owner, cur);
            puts_(&b, line);
            fw__money_format(amount > 0 ? amount : -amount, money, sizeof(money));
            snprintf(line, sizeof(line), "%s,%s\n", amount > 0 ? money : "", amount > 0 ? "" : money);
            puts_(&b, line);
        } else {
            if (id != current) {
                snprintf(line, sizeof(line), "\n%s %s  ; entry:%lld", date, reason, (long long)id);
                puts_(&b, line);
                if (rk) {
                    snprintf(line, sizeof(line), " ref:%s/%s", rk, ri ? ri : "");
                    puts_(&b, line);
                }
                put(&b, "\n", 1);
                current = id;
            }
            fw__money_format(amount, money, sizeof(money));
            snprintf(line, sizeof(line), "    %s:%s %s:%s  %s %s\n", type_class(type), c->code,
                     c->name, owner_s, cur, money);
            puts_(&b, line);
        }
    }
    fw__db_done(s);
    if (rc < 0) {
        free(b.p);
        return rc;
    }
    if (b.failed) {
        free(b.p);
        return fw__error_nomem(err);
    }
    *out_text = b.p;
    if (out_len)
        *out_len = b.len;
    return FW_OK;
}

int fw_ledger_coa_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "type", "code", "name", NULL };
    const char *names[MAX_TYPES + 1];
    const char *code = NULL, *name = NULL, *p;
    cJSON *root = NULL;
    uint32_t i, n = fw__ledger_type_count();
    int type = 0, rc;
    char *detail = NULL;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "ledger.coa_set", err)) != FW_OK)
        return rc;
    for (i = 0; i < n && i < MAX_TYPES; i++)
        names[i] = fw__ledger_type_name(i + 1);
    names[i] = NULL;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "type", FW__REQUIRED, names, &type, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 32, &code, err);
    for (p = code; rc == FW_OK && p && *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            rc = fw__error_set(err, FW_EINVAL, "$.code", "may hold only digits and dots, got \"%s\"",
                               code);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 100, &name, err);
    if (rc == FW_OK && (strpbrk(name, "\t;:\n") || strstr(name, "  ")))
        rc = fw__error_set(err, FW_EINVAL, "$.name",
                           "must not hold tabs, newlines, ';', ':' or two spaces in a row");
    if (rc == FW_OK && !(detail = fw__json_print(root)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        cJSON_free(detail);
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__db_exec(ctx, err,
                     "INSERT INTO fw_ledger_coa(type, code, name) VALUES (?,?,?) ON CONFLICT(type) "
                     "DO UPDATE SET code=excluded.code, name=excluded.name",
                     "itt", (int64_t)type + 1, code, name);
    if (rc == FW_OK)
        rc = fw__audit_append(ctx, "ledger.coa_set", "ledger_coa", type + 1, detail, strlen(detail),
                              err);
    cJSON_free(detail);
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

int fw_ledger_coa_get(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    struct coa coa[MAX_TYPES];
    cJSON *o, *arr;
    uint32_t t, n = fw__ledger_type_count();
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "ledger.trial_balance", err)) != FW_OK)
        return rc;
    if ((rc = load_coa(ctx, coa, err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    arr = cJSON_AddArrayToObject(o, "accounts");
    for (t = 1; t <= n && t < MAX_TYPES; t++) {
        cJSON *a = cJSON_CreateObject();
        if (!a)
            break;
        cJSON_AddStringToObject(a, "type", fw__ledger_type_name(t));
        fw__json_add_i64(a, "type_code", t);
        cJSON_AddStringToObject(a, "code", coa[t].code);
        cJSON_AddStringToObject(a, "name", coa[t].name);
        cJSON_AddStringToObject(a, "normal_side",
                                fw__ledger_type_normal(t) == FW_LEDGER_DEBIT ? "debit" : "credit");
        cJSON_AddItemToArray(arr, a);
    }
    return fw__json_out(o, out_json, out_len, err);
}
