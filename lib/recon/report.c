/*
 * The service-fee check (R-7.9.b) and the reconciliation files per enterprise (R-7.9.a).
 *
 * Fees taken at funding ("before") are recomputed entry by entry: the base is what the entry
 * credits to the enterprise's funds, the volume before it is what earlier funding entries of the
 * same CST month credited, and the schedule is the one in force at the entry's effective time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/money.h"
#include "fee/fee.h"
#include "ledger/ledger.h"
#include "recon/recon.h"

struct funding_entry {
    fw_id id, enterprise_id, funds;
    int64_t effective_ms, created_ms, base, booked;
    char reason[FW__LEDGER_REASON_MAX + 1];
};

static int entry_parts(fw_ctx *ctx, struct funding_entry *f, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT p.amount, a.type, a.owner_kind, a.owner_id, a.id FROM fw_ledger_posting p "
                          "JOIN fw_ledger_account a ON a.id = p.account_id WHERE p.entry_id = ? AND "
                          "p.pending = 0", "i", f->id);
    f->base = f->booked = 0;
    f->enterprise_id = f->funds = 0;
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t amount = fw__db_col_i64(s, 0), type = fw__db_col_i64(s, 1);
        if (type == FW_ACCT_ENTERPRISE_FUNDS && amount < 0) {
            f->base -= amount;
            f->enterprise_id = fw__db_col_i64(s, 3);
            f->funds = fw__db_col_i64(s, 4);
        } else if (type == FW_ACCT_FEE_REVENUE && fw__db_col_i64(s, 2) == FW_LEDGER_OWNER_PLATFORM) {
            f->booked -= amount;
        }
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

/*
 * The schedule that was in force when the fee was charged: of the versions valid on the entry's
 * effective date, the newest one that already existed when the entry was written (a version
 * added later the same day does not reprice what was charged before it).
 */
static int calc_as_charged(fw_ctx *ctx, const struct funding_entry *f, fw_fee_calc **out,
                           int64_t *schedule_id, int64_t *version, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT schedule, id, version FROM fw_fee_schedule WHERE enterprise_id = ? AND valid_from_ms <= ? "
                          "AND valid_to_ms > ? AND created_ms <= ? ORDER BY version DESC LIMIT 1",
                          "iiii", f->enterprise_id, f->effective_ms, f->effective_ms, f->created_ms);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        const char *text = fw__db_col_text(s, 0);
        *schedule_id = fw__db_col_i64(s, 1);
        *version = fw__db_col_i64(s, 2);
        rc = fw_fee_calc_from_json(out, text, strlen(text), err);
    } else if (rc == FW__DONE) {
        rc = FW_ENOTFOUND;
    }
    fw__db_done(s);
    return rc;
}

static int check_one(fw_ctx *ctx, struct funding_entry *f, uint32_t flags, cJSON *diffs,
                     int64_t *expected_total, fw_error **err)
{
    fw_fee_calc *calc = NULL;
    cJSON *d, *booked, *recomputed = NULL;
    char *breakdown = NULL;
    const char *note = NULL;
    int64_t start, end, volume = 0, expected = 0, schedule_id = 0, version = 0;
    fw_id case_id = 0;
    int rc;

    fw__cst_period(f->effective_ms, FW__PERIOD_MONTH, &start, &end);
    rc = fw__db_i64(ctx, &volume, err,
                    "SELECT coalesce(-sum(p.amount), 0) FROM fw_ledger_entry e JOIN fw_ledger_posting p "
                    "ON p.entry_id = e.id WHERE e.reason IN ('funding.recognised', 'funding.assigned') "
                    "AND e.effective_ms >= ? AND e.effective_ms < ? AND e.id < ? AND p.account_id = ? "
                    "AND p.amount < 0",
                    "iiii", start, end, f->id, f->funds);
    if (rc != FW_OK)
        return rc;
    rc = calc_as_charged(ctx, f, &calc, &schedule_id, &version, err);
    if (rc == FW_ENOTFOUND) {
        note = "no fee schedule was in force: nothing should have been charged";
        rc = FW_OK;
    } else if (rc == FW_OK && fw_fee_calc_charge(calc) != FW_FEE_CHARGE_BEFORE) {
        note = "the schedule in force charges its fee at payout or per period, not at funding";
    } else if (rc == FW_OK) {
        rc = fw_fee_calc_compute(calc, f->base, volume, &expected, NULL, NULL, NULL);
        if (rc == FW_ELIMIT || (rc == FW_OK && expected > f->base)) {
            expected = f->base;
            note = "the fee exceeds the payment: funding takes the whole payment";
            rc = FW_OK;
        }
        if (rc == FW_OK)
            rc = fw_fee_calc_breakdown(calc, f->base, volume, &breakdown, NULL, NULL);
        if (rc == FW_ELIMIT)
            rc = FW_OK;
        if (rc != FW_OK)
            rc = fw__error_set(err, rc, NULL, "the fee of entry %lld cannot be recomputed",
                               (long long)f->id);
    }
    if (rc != FW_OK) {
        fw_fee_calc_free(calc);
        return rc;
    }
    *expected_total += expected;
    if (expected != f->booked) {
        if (flags & FW_RECON_FEE_OPEN_CASES) {
            int64_t open = 0;
            rc = fw__db_i64(ctx, &open, err,
                            "SELECT count(*) FROM fw_recon_case WHERE kind = 7 AND entry_id = ? AND state IN (1, 2)",
                            "i", f->id);
            if (rc == FW_OK && !open) {
                char summary[200], a[32], b[32];
                snprintf(summary, sizeof(summary), "ledger entry %lld booked a fee of %s yuan; the schedule gives %s",
                         (long long)f->id, fw__money_format(f->booked, a, sizeof(a)),
                         fw__money_format(expected, b, sizeof(b)));
                rc = fw__recon_case_open(ctx, 0, FW_RECON_CASE_FEE_DIFFERENCE, f->booked - expected, 0,
                                         f->id, f->enterprise_id, summary, &case_id, err);
            }
        }
        if (rc == FW_OK && (d = cJSON_CreateObject()) != NULL) {
            cJSON_AddItemToArray(diffs, d);
            fw__json_add_i64(d, "entry_id", f->id);
            fw__json_add_i64(d, "enterprise_id", f->enterprise_id);
            cJSON_AddStringToObject(d, "charged_at", "before");
            fw__json_add_i64(d, "effective_ms", f->effective_ms);
            fw__json_add_i64(d, "base_fen", f->base);
            fw__json_add_i64(d, "volume_before_fen", volume);
            booked = cJSON_AddObjectToObject(d, "booked");
            fw__json_add_i64(booked, "fee_fen", f->booked);
            cJSON_AddStringToObject(booked, "reason", f->reason);
            fw__json_add_i64(booked, "entry_id", f->id);
            if (breakdown && fw__json_parse(&recomputed, breakdown, (size_t)-1, NULL) == FW_OK)
                cJSON_AddItemToObject(d, "recomputed", recomputed);
            else
                cJSON_AddNullToObject(d, "recomputed");
            if (schedule_id) {
                cJSON *sc = cJSON_AddObjectToObject(d, "schedule");
                fw__json_add_i64(sc, "id", schedule_id);
                fw__json_add_i64(sc, "version", version);
            } else {
                cJSON_AddNullToObject(d, "schedule");
            }
            fw__json_add_i64(d, "expected_fen", expected);
            fw__json_add_i64(d, "difference_fen", f->booked - expected);
            if (note)
                cJSON_AddStringToObject(d, "note", note);
            else
                cJSON_AddNullToObject(d, "note");
            if (case_id)
                fw__json_add_i64(d, "case_id", case_id);
            else
                cJSON_AddNullToObject(d, "case_id");
        }
    }
    fw_free(breakdown);
    fw_fee_calc_free(calc);
    return rc;
}

static int fee_check(fw_ctx *ctx, int64_t from_ms, int64_t to_ms, fw_id enterprise_id, uint32_t flags,
                     cJSON *o, fw_error **err)
{
    struct funding_entry *list = NULL;
    size_t n = 0, cap = 0, i;
    int64_t booked_total = 0, expected_total = 0, checked = 0;
    cJSON *diffs = cJSON_AddArrayToObject(o, "differences");
    fw__stmt *s;
    int rc;

    /* Collected first: the checks below read the ledger with other statements. */
    rc = fw__db_query(ctx, &s, err,
                      "SELECT id, effective_ms, reason, created_ms FROM fw_ledger_entry WHERE effective_ms >= ? AND "
                      "effective_ms < ? AND reason IN ('funding.recognised', 'funding.assigned') ORDER BY id",
                      "ii", from_ms, to_ms);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct funding_entry *nl = realloc(list, nc * sizeof(*nl));
            if (!nl) {
                rc = fw__error_nomem(err);
                break;
            }
            list = nl;
            cap = nc;
        }
        memset(&list[n], 0, sizeof(list[n]));
        list[n].id = fw__db_col_i64(s, 0);
        list[n].effective_ms = fw__db_col_i64(s, 1);
        snprintf(list[n].reason, sizeof(list[n].reason), "%s", fw__db_col_text(s, 2));
        list[n].created_ms = fw__db_col_i64(s, 3);
        n++;
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        rc = FW_OK;
    for (i = 0; i < n && rc == FW_OK; i++) {
        if ((rc = entry_parts(ctx, &list[i], err)) != FW_OK)
            break;
        if (!list[i].enterprise_id || (enterprise_id && list[i].enterprise_id != enterprise_id))
            continue;
        checked++;
        booked_total += list[i].booked;
        rc = check_one(ctx, &list[i], flags, diffs, &expected_total, err);
    }
    free(list);
    fw__json_add_i64(o, "checked", checked);
    fw__json_add_i64(o, "booked_fen", booked_total);
    fw__json_add_i64(o, "expected_fen", expected_total);
    return rc;
}

int fw_recon_fee_check(fw_ctx *ctx, int64_t from_ms, int64_t to_ms, fw_id enterprise_id,
                       uint32_t flags, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if (from_ms >= to_ms)
        return fw__error_set(err, FW_EINVAL, "from_ms", "must be before to_ms");
    if (flags & ~FW_RECON_FEE_OPEN_CASES)
        return fw__error_set(err, FW_EINVAL, "flags", "unknown flags 0x%x", flags);
    if ((rc = fw__authz_require(ctx, "recon.fee_check", err)) != FW_OK)
        return rc;
    if ((flags & FW_RECON_FEE_OPEN_CASES) && (rc = fw__authz_require(ctx, "recon.case", err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "from_ms", from_ms);
    fw__json_add_i64(o, "to_ms", to_ms);
    if (flags & FW_RECON_FEE_OPEN_CASES) {
        if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
            rc = fee_check(ctx, from_ms, to_ms, enterprise_id, flags, o, err);
            if (rc == FW_OK) {
                cJSON *d = cJSON_CreateObject();
                if (d) {
                    fw__json_add_i64(d, "from_ms", from_ms);
                    fw__json_add_i64(d, "to_ms", to_ms);
                    fw__json_add_i64(d, "enterprise_id", enterprise_id);
                    fw__json_add_i64(d, "checked",
                                     (int64_t)cJSON_GetObjectItemCaseSensitive(o, "checked")->valuedouble);
                    fw__json_add_i64(d, "differences",
                                     cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "differences")));
                }
                rc = fw__recon_audit(ctx, "recon.fee_check", "recon_fee_check", 0, d, err);
            }
            rc = fw__tx_end(ctx, rc, err);
        }
    } else {
        rc = fee_check(ctx, from_ms, to_ms, enterprise_id, flags, o, err);
    }
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- reconciliation files ---- */

static int parse_period(const char *period, int64_t *from, int64_t *to, int *is_day, fw_error **err)
{
    size_t n = period ? strlen(period) : 0;
    char month[8] = "";
    int y = 0, m = 0, d = 1;

    if (n == 7 || n == 10) {
        memcpy(month, period, 7);
        month[7] = '\0';
    }
    *is_day = n == 10;
    if ((n != 7 && n != 10) || fw__month_key_parse(month, &y, &m) != FW_OK ||
        (n == 10 && (period[7] != '-' || period[8] < '0' || period[8] > '9' || period[9] < '0' ||
                     period[9] > '9')))
        return fw__error_set(err, FW_EINVAL, "period",
                             "must be a CST month YYYY-MM or day YYYY-MM-DD, got \"%s\"",
                             period ? period : "(null)");
    if (n == 10)
        d = (period[8] - '0') * 10 + (period[9] - '0');
    if (fw__cst_from_date(y, m, d, from) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "period", "\"%s\" is not a calendar date", period);
    fw__cst_period(*from, *is_day ? FW__PERIOD_DAY : FW__PERIOD_MONTH, from, to);
    return FW_OK;
}

#define SECTIONS 5
static const char *const section_names[SECTIONS] = { "orders", "fees", "taxes", "funding", "other" };

struct acct {
    fw_id id;
    uint32_t type;
    int64_t debits, credits, opening, closing;
};

static int section_of(const char *reason, int is_fee, int is_tax)
{
    if (is_fee || strncmp(reason, "fee.", 4) == 0)
        return 1;
    if (is_tax || strncmp(reason, "tax.", 4) == 0)
        return 2;
    if (strncmp(reason, "payout.", 7) == 0)
        return 0;
    if (strncmp(reason, "funding.", 8) == 0)
        return 3;
    return 4;
}

static void csv_field(char **buf, size_t *len, size_t *cap, const char *s, int last)
{
    size_t need = strlen(s) * 2 + 4, i;
    int quote = strpbrk(s, ",\"\n\r") != NULL;
    if (*len + need >= *cap) {
        size_t nc = (*cap + need) * 2;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return;
        *buf = nb;
        *cap = nc;
    }
    if (quote)
        (*buf)[(*len)++] = '"';
    for (i = 0; s[i]; i++) {
        if (s[i] == '"')
            (*buf)[(*len)++] = '"';
        (*buf)[(*len)++] = s[i];
    }
    if (quote)
        (*buf)[(*len)++] = '"';
    (*buf)[(*len)++] = last ? '\n' : ',';
    (*buf)[*len] = '\0';
}

static char *file_csv(const cJSON *o)
{
    static const char *const header[] = { "section", "date", "entry_id", "reason", "ref_kind", "ref_id",
                                          "account_id", "account_type", "amount", "opening", "closing" };
    size_t len = 0, cap = 4096, i;
    char *buf = malloc(cap), num[40];
    const cJSON *it;

    if (!buf)
        return NULL;
    buf[0] = '\0';
    for (i = 0; i < 11; i++)
        csv_field(&buf, &len, &cap, header[i], i == 10);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "items")) {
        const char *cols[] = { "section", "date", "entry_id", "reason", "ref_kind", "ref_id",
                               "account_id", "account_type", "amount_fen" };
        for (i = 0; i < 9; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, cols[i]);
            const char *text = "";
            if (cJSON_IsString(v))
                text = v->valuestring;
            else if (cJSON_IsNumber(v) && i == 8)
                text = fw__money_format((int64_t)v->valuedouble, num, sizeof(num));
            else if (cJSON_IsNumber(v))
                snprintf(num, sizeof(num), "%lld", (long long)v->valuedouble), text = num;
            csv_field(&buf, &len, &cap, text, 0);
        }
        csv_field(&buf, &len, &cap, "", 0);
        csv_field(&buf, &len, &cap, "", 1);
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "balances")) {
        int64_t open = (int64_t)cJSON_GetObjectItemCaseSensitive(it, "opening_fen")->valuedouble;
        int64_t close = (int64_t)cJSON_GetObjectItemCaseSensitive(it, "closing_fen")->valuedouble;
        csv_field(&buf, &len, &cap, "balance", 0);
        csv_field(&buf, &len, &cap, cJSON_GetObjectItemCaseSensitive(o, "period")->valuestring, 0);
        csv_field(&buf, &len, &cap, "", 0);
        csv_field(&buf, &len, &cap, "", 0);
        csv_field(&buf, &len, &cap, "", 0);
        csv_field(&buf, &len, &cap, "", 0);
        snprintf(num, sizeof(num), "%lld", (long long)cJSON_GetObjectItemCaseSensitive(it, "account_id")->valuedouble);
        csv_field(&buf, &len, &cap, num, 0);
        csv_field(&buf, &len, &cap, cJSON_GetObjectItemCaseSensitive(it, "account_type")->valuestring, 0);
        csv_field(&buf, &len, &cap, fw__money_format(close - open, num, sizeof(num)), 0);
        csv_field(&buf, &len, &cap, fw__money_format(open, num, sizeof(num)), 0);
        csv_field(&buf, &len, &cap, fw__money_format(close, num, sizeof(num)), 1);
    }
    return buf;
}

static int load_accounts(fw_ctx *ctx, fw_id enterprise_id, struct acct *accts, size_t *n, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT id, type FROM fw_ledger_account WHERE owner_kind = 2 AND owner_id = ? "
                          "ORDER BY id", "i", enterprise_id);
    *n = 0;
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        if (*n < 16) {
            memset(&accts[*n], 0, sizeof(accts[*n]));
            accts[*n].id = fw__db_col_i64(s, 0);
            accts[*n].type = (uint32_t)fw__db_col_i64(s, 1);
            (*n)++;
        }
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int build_file(fw_ctx *ctx, fw_id enterprise_id, const char *period, int64_t from, int64_t to,
                      cJSON *o, fw_error **err)
{
    struct acct accts[16];
    size_t n = 0, i;
    int64_t totals[SECTIONS] = { 0 };
    cJSON *items, *tot, *bals;
    fw__stmt *s;
    int rc;

    fw__json_add_i64(o, "enterprise_id", enterprise_id);
    cJSON_AddStringToObject(o, "period", period);
    fw__json_add_i64(o, "from_ms", from);
    fw__json_add_i64(o, "to_ms", to);
    items = cJSON_AddArrayToObject(o, "items");
    if ((rc = load_accounts(ctx, enterprise_id, accts, &n, err)) != FW_OK)
        return rc;
    for (i = 0; i < n && rc == FW_OK; i++) {
        struct acct *a = &accts[i];
        int credit_normal = fw__ledger_type_normal(a->type) == FW_LEDGER_CREDIT;
        rc = fw_ledger_balance_at(ctx, a->id, from - 1, &a->opening, err);
        if (rc == FW_OK)
            rc = fw_ledger_balance_at(ctx, a->id, to - 1, &a->closing, err);
        if (rc != FW_OK)
            break;
        rc = fw__db_query(ctx, &s, err,
                          "SELECT e.id, e.effective_ms, e.reason, e.ref_kind, e.ref_id, p.amount, "
                          "EXISTS (SELECT 1 FROM fw_ledger_posting q JOIN fw_ledger_account x ON "
                          "x.id = q.account_id WHERE q.entry_id = e.id AND x.owner_kind = 1 AND "
                          "x.type IN (3, 4, 12) AND q.amount = -p.amount), "
                          "EXISTS (SELECT 1 FROM fw_ledger_posting q JOIN fw_ledger_account x ON "
                          "x.id = q.account_id WHERE q.entry_id = e.id AND x.type IN (5, 6, 7) "
                          "AND q.amount = -p.amount) "
                          "FROM fw_ledger_entry e JOIN fw_ledger_posting p ON p.entry_id = e.id "
                          "WHERE e.effective_ms >= ? AND e.effective_ms < ? AND p.account_id = ? "
                          "AND p.pending = 0 ORDER BY e.effective_ms, e.id, p.seq",
                          "iii", from, to, a->id);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *it = cJSON_CreateObject();
            int64_t amount = fw__db_col_i64(s, 5), normal = credit_normal ? -amount : amount;
            int sec = section_of(fw__db_col_text(s, 2), (int)fw__db_col_i64(s, 6), (int)fw__db_col_i64(s, 7));
            int y, m, d;
            char date[16];
            if (!it) {
                rc = fw__error_nomem(err);
                break;
            }
            cJSON_AddItemToArray(items, it);
            fw__cst_date(fw__db_col_i64(s, 1), &y, &m, &d);
            snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
            cJSON_AddStringToObject(it, "section", section_names[sec]);
            fw__json_add_i64(it, "entry_id", fw__db_col_i64(s, 0));
            fw__json_add_i64(it, "effective_ms", fw__db_col_i64(s, 1));
            cJSON_AddStringToObject(it, "date", date);
            cJSON_AddStringToObject(it, "reason", fw__db_col_text(s, 2));
            if (fw__db_col_is_null(s, 3)) {
                cJSON_AddNullToObject(it, "ref_kind");
                cJSON_AddNullToObject(it, "ref_id");
            } else {
                cJSON_AddStringToObject(it, "ref_kind", fw__db_col_text(s, 3));
                cJSON_AddStringToObject(it, "ref_id", fw__db_col_text(s, 4));
            }
            fw__json_add_i64(it, "account_id", a->id);
            cJSON_AddStringToObject(it, "account_type", fw__ledger_type_name(a->type));
            fw__json_add_i64(it, "amount_fen", normal);
            totals[sec] += normal;
            if (amount > 0)
                a->debits += amount;
            else
                a->credits -= amount;
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
    }
    if (rc != FW_OK)
        return rc;
    tot = cJSON_AddObjectToObject(o, "totals");
    for (i = 0; i < SECTIONS; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%s_fen", section_names[i]);
        fw__json_add_i64(tot, name, totals[i]);
    }
    bals = cJSON_AddArrayToObject(o, "balances");
    for (i = 0; i < n; i++) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddItemToArray(bals, b);
        fw__json_add_i64(b, "account_id", accts[i].id);
        cJSON_AddStringToObject(b, "account_type", fw__ledger_type_name(accts[i].type));
        fw__json_add_i64(b, "opening_fen", accts[i].opening);
        fw__json_add_i64(b, "debits_fen", accts[i].debits);
        fw__json_add_i64(b, "credits_fen", accts[i].credits);
        fw__json_add_i64(b, "closing_fen", accts[i].closing);
    }
    return FW_OK;
}

int fw_recon_file(fw_ctx *ctx, fw_id enterprise_id, const char *period, uint32_t format,
                  char **out_text, size_t *out_len, fw_error **err)
{
    int64_t from = 0, to = 0;
    int is_day = 0, rc;
    cJSON *o;
    char *text;

    if (!ctx || !out_text)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_text are required");
    if (format != FW_RECON_FILE_CSV && format != FW_RECON_FILE_JSON)
        return fw__error_set(err, FW_EINVAL, "format", "must be FW_RECON_FILE_CSV or FW_RECON_FILE_JSON, got %u",
                             format);
    if (enterprise_id <= 0)
        return fw__error_set(err, FW_EINVAL, "enterprise_id", "must be a positive id, got %lld",
                             (long long)enterprise_id);
    if ((rc = fw__authz_require_owner(ctx, "recon.file", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = parse_period(period, &from, &to, &is_day, err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    if ((rc = build_file(ctx, enterprise_id, period, from, to, o, err)) != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    if (format == FW_RECON_FILE_JSON)
        return fw__json_out(o, out_text, out_len, err);
    text = file_csv(o);
    cJSON_Delete(o);
    if (!text)
        return fw__error_nomem(err);
    if (out_len)
        *out_len = strlen(text);
    *out_text = text;
    return FW_OK;
}

int fw_recon_file_index(fw_ctx *ctx, fw_id enterprise_id, const char *month, char **out_json,
                        size_t *out_len, fw_error **err)
{
    struct acct accts[16];
    int64_t from = 0, to = 0;
    int is_day = 0, rc;
    size_t n = 0, i;
    cJSON *o, *days;
    struct { int64_t entries, in, out; } day[31];
    int y, m, d;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "recon.file", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = parse_period(month, &from, &to, &is_day, err)) != FW_OK)
        return rc;
    if (is_day)
        return fw__error_set(err, FW_EINVAL, "month", "must be a CST month YYYY-MM, got \"%s\"", month);
    if ((rc = load_accounts(ctx, enterprise_id, accts, &n, err)) != FW_OK)
        return rc;
    memset(day, 0, sizeof(day));
    for (i = 0; i < n && rc == FW_OK; i++) {
        int credit_normal = fw__ledger_type_normal(accts[i].type) == FW_LEDGER_CREDIT;
        fw__stmt *s;
        rc = fw__db_query(ctx, &s, err,
                          "SELECT e.effective_ms, p.amount FROM fw_ledger_entry e JOIN fw_ledger_posting p "
                          "ON p.entry_id = e.id WHERE e.effective_ms >= ? AND e.effective_ms < ? AND "
                          "p.account_id = ? AND p.pending = 0", "iii", from, to, accts[i].id);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            int64_t amount = fw__db_col_i64(s, 1), normal = credit_normal ? -amount : amount;
            fw__cst_date(fw__db_col_i64(s, 0), &y, &m, &d);
            day[d - 1].entries++;
            if (normal > 0)
                day[d - 1].in += normal;
            else
                day[d - 1].out -= normal;
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
    }
    if (rc != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "enterprise_id", enterprise_id);
    cJSON_AddStringToObject(o, "month", month);
    days = cJSON_AddArrayToObject(o, "days");
    fw__cst_date(from, &y, &m, &d);
    for (i = 0; i < 31; i++) {
        char date[16];
        cJSON *it;
        if (!day[i].entries)
            continue;
        snprintf(date, sizeof(date), "%04d-%02d-%02zu", y, m, i + 1);
        it = cJSON_CreateObject();
        cJSON_AddItemToArray(days, it);
        cJSON_AddStringToObject(it, "date", date);
        fw__json_add_i64(it, "entries", day[i].entries);
        fw__json_add_i64(it, "in_fen", day[i].in);
        fw__json_add_i64(it, "out_fen", day[i].out);
    }
    return fw__json_out(o, out_json, out_len, err);
}
