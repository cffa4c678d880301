/* Ledger accounts: the chart of account types, opening, closing, reading. */
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "ledger/ledger.h"

#define DMNEC FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS

/* The pinned chart: index = FW_ACCT_* value. */
static const struct {
    const char *name;
    uint32_t normal_side;
    uint32_t flags;
} types[] = {
    { NULL, 0, 0 },
    { "enterprise_funds", FW_LEDGER_CREDIT, DMNEC },
    { "worker_payable", FW_LEDGER_CREDIT, DMNEC },
    { "fee_revenue", FW_LEDGER_CREDIT, 0 },
    { "fee_receivable", FW_LEDGER_DEBIT, 0 },
    { "iit_withheld", FW_LEDGER_CREDIT, 0 },
    { "vat_payable", FW_LEDGER_CREDIT, 0 },
    { "surcharges_payable", FW_LEDGER_CREDIT, 0 },
    { "bank_clearing", FW_LEDGER_DEBIT, 0 },
    { "suspense", FW_LEDGER_CREDIT, DMNEC },
    { "insurance_payable", FW_LEDGER_CREDIT, 0 },
    { "payout_clearing", FW_LEDGER_DEBIT, 0 },
    { "fee_deferred", FW_LEDGER_CREDIT, DMNEC },
};
#define TYPE_COUNT (sizeof(types) / sizeof(types[0]))

static const char *const owner_names[] = { "platform", "enterprise", "worker", NULL };
static const char *const flag_names[] = { "debits_must_not_exceed_credits",
                                          "credits_must_not_exceed_debits", NULL };

const char *fw__ledger_type_name(uint32_t type)
{
    return type > 0 && type < TYPE_COUNT ? types[type].name : NULL;
}

uint32_t fw__ledger_type_normal(uint32_t type)
{
    return type > 0 && type < TYPE_COUNT ? types[type].normal_side : 0;
}

uint32_t fw__ledger_type_count(void)
{
    return (uint32_t)TYPE_COUNT - 1;
}

const char *fw__ledger_owner_name(uint32_t kind)
{
    return kind >= 1 && kind <= 3 ? owner_names[kind - 1] : NULL;
}

static int check_currency(const char *c, const char *path, fw_error **err)
{
    if (!c || strlen(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' ||
        c[2] < 'A' || c[2] > 'Z')
        return fw__error_set(err, FW_EINVAL, path,
                             "must be an ISO 4217 code of 3 upper-case letters, got \"%s\"",
                             c ? c : "(null)");
    return FW_OK;
}

int fw__ledger_check_reason(const char *reason, const char *path, fw_error **err)
{
    size_t i, n = reason ? strlen(reason) : 0;

    if (n == 0 || n > FW__LEDGER_REASON_MAX)
        return fw__error_set(err, FW_EINVAL, path, "must be a reason code of 1..%d bytes, got %zu",
                             FW__LEDGER_REASON_MAX, n);
    for (i = 0; i < n; i++) {
        char c = reason[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == ':' || c == '-'))
            return fw__error_set(err, FW_EINVAL, path,
                                 "may hold only a-z, 0-9 and _.:- , got '%c' at %zu", c, i);
    }
    return FW_OK;
}

static void read_account(fw__stmt *s, struct fw__account *a)
{
    const char *cur = fw__db_col_text(s, 4);

    a->id = fw__db_col_i64(s, 0);
    a->owner_kind = (uint32_t)fw__db_col_i64(s, 1);
    a->owner_id = fw__db_col_i64(s, 2);
    a->type = (uint32_t)fw__db_col_i64(s, 3);
    snprintf(a->currency, sizeof(a->currency), "%s", cur ? cur : "");
    a->normal_side = (uint32_t)fw__db_col_i64(s, 5);
    a->flags = (uint32_t)fw__db_col_i64(s, 6);
    a->state = (uint32_t)fw__db_col_i64(s, 7);
    a->debits_posted = fw__db_col_i64(s, 8);
    a->credits_posted = fw__db_col_i64(s, 9);
    a->debits_pending = fw__db_col_i64(s, 10);
    a->credits_pending = fw__db_col_i64(s, 11);
    a->postings = fw__db_col_i64(s, 12);
    a->last_entry = fw__db_col_i64(s, 13);
    a->last_seq = fw__db_col_i64(s, 14);
}

int fw__ledger_account_load(fw_ctx *ctx, fw_id id, const char *path, struct fw__account *a,
                            fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT a.id, a.owner_kind, a.owner_id, a.type, a.currency, a.normal_side, "
                          "a.flags, a.state, b.debits_posted, b.credits_posted, b.debits_pending, "
                          "b.credits_pending, b.postings, b.last_entry, b.last_seq "
                          "FROM fw_ledger_account a JOIN fw_ledger_balance b ON b.account_id = a.id "
                          "WHERE a.id=?",
                          "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        read_account(s, a);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, path, "no ledger account %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static int64_t clamp128(__int128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

void fw__ledger_account_balances(const struct fw__account *a, int64_t *posted, int64_t *pending,
                                 int64_t *available)
{
    __int128 dp = a->debits_posted, cp = a->credits_posted;
    __int128 dn = a->debits_pending, cn = a->credits_pending;
    __int128 p, q, v;

    if (a->normal_side == FW_LEDGER_CREDIT) {
        p = cp - dp;
        q = cp + cn - dp - dn;
        v = cp - dp - dn;
    } else {
        p = dp - cp;
        q = dp + dn - cp - cn;
        v = dp - cp - cn;
    }
    if (posted)
        *posted = clamp128(p);
    if (pending)
        *pending = clamp128(q);
    if (available)
        *available = clamp128(v);
}

/* Inserts an account; the caller checked the arguments. */
static int insert_account(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type,
                          const char *currency, uint32_t flags, fw_id *out_id, fw_error **err)
{
    int rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_ledger_account(owner_kind, owner_id, type, currency, "
                         "normal_side, flags, state, opened_ms) VALUES (?,?,?,?,?,?,1,?)",
                         "iiitiii", (int64_t)kind, owner, (int64_t)type, currency,
                         (int64_t)types[type].normal_side, (int64_t)flags, fw_ctx_now(ctx));
    char detail[160];

    if (rc != FW_OK)
        return rc;
    *out_id = fw__db_last_id(ctx);
    if ((rc = fw__db_exec(ctx, err, "INSERT INTO fw_ledger_balance(account_id) VALUES (?)", "i",
                          *out_id)) != FW_OK)
        return rc;
    snprintf(detail, sizeof(detail),
             "{\"owner_kind\":\"%s\",\"owner_id\":%lld,\"type\":\"%s\",\"currency\":\"%s\"}",
             owner_names[kind - 1], (long long)owner, types[type].name, currency);
    return fw__audit_append(ctx, "ledger.account_open", "ledger_account", *out_id, detail,
                            strlen(detail), err);
}

static int find_account(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type,
                        const char *currency, fw_id *out_id, fw_error **err)
{
    int64_t id = 0;
    int rc = fw__db_i64(ctx, &id, err,
                        "SELECT id FROM fw_ledger_account WHERE owner_kind=? AND owner_id=? AND "
                        "type=? AND currency=?",
                        "iiit", (int64_t)kind, owner, (int64_t)type, currency);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

static int check_owner(uint32_t kind, fw_id owner, fw_error **err)
{
    if (kind < 1 || kind > 3)
        return fw__error_set(err, FW_EINVAL, "owner_kind",
                             "must be platform (1), enterprise (2) or worker (3), got %u", kind);
    if (kind == FW_LEDGER_OWNER_PLATFORM ? owner != 0 : owner <= 0)
        return fw__error_set(err, FW_EINVAL, "owner_id",
                             "must be 0 for the platform and a positive party id otherwise, got %lld",
                             (long long)owner);
    return FW_OK;
}

int fw__ledger_account(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id, uint32_t type,
                       const char *currency, int create, fw_id *out_id, fw_error **err)
{
    int rc;

    if (!currency)
        currency = "CNY";
    if ((rc = check_owner(owner_kind, owner_id, err)) != FW_OK)
        return rc;
    if (!fw__ledger_type_name(type))
        return fw__error_set(err, FW_EINVAL, "type", "must be a FW_ACCT_* account type, got %u", type);
    if ((rc = check_currency(currency, "currency", err)) != FW_OK)
        return rc;
    rc = find_account(ctx, owner_kind, owner_id, type, currency, out_id, err);
    if (rc == FW_ENOTFOUND && create)
        return insert_account(ctx, owner_kind, owner_id, type, currency, types[type].flags,
                              out_id, err);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, NULL, "%s %lld has no %s account in %s",
                             owner_names[owner_kind - 1], (long long)owner_id, types[type].name,
                             currency);
    return rc;
}

int fw_ledger_account_open(fw_ctx *ctx, fw_id *out_id, const char *json, size_t json_len,
                           fw_error **err)
{
    static const char *const fields[] = { "owner_kind", "owner_id", "type", "currency", "flags",
                                          NULL };
    const char *type_names[TYPE_COUNT];
    cJSON *root = NULL;
    const cJSON *flags_arr = NULL, *f;
    const char *currency = "CNY";
    int kind = 0, type = 0, rc;
    int64_t owner = 0;
    uint32_t flags;
    fw_id id = 0, existing = 0;
    size_t i;

    if (!ctx || !out_id || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_id and json are required");
    if ((rc = fw__authz_require(ctx, "ledger.account_open", err)) != FW_OK)
        return rc;
    for (i = 1; i < TYPE_COUNT; i++)
        type_names[i - 1] = types[i].name;
    type_names[TYPE_COUNT - 1] = NULL;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "owner_kind", FW__REQUIRED, owner_names, &kind, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "owner_id", FW__REQUIRED, 0, FW__JSON_MAX_INT, &owner, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "type", FW__REQUIRED, type_names, &type, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "currency", FW__OPTIONAL, 3, 3, &currency, err);
    if (rc == FW_OK)
        rc = check_currency(currency, "$.currency", err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "flags", FW__OPTIONAL, 2, &flags_arr, err);
    kind += 1;
    type += 1;
    flags = rc == FW_OK ? types[type].flags : 0;
    if (rc == FW_OK && flags_arr) {
        flags = 0;
        i = 0;
        cJSON_ArrayForEach(f, flags_arr) {
            char path[64];
            fw__json_path_index(path, sizeof(path), "$.flags", i++);
            if (!cJSON_IsString(f)) {
                rc = fw__error_set(err, FW_EINVAL, path, "must be a flag name");
                break;
            }
            if (strcmp(f->valuestring, flag_names[0]) == 0) {
                flags |= FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS;
            } else if (strcmp(f->valuestring, flag_names[1]) == 0) {
                flags |= FW_LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS;
            } else {
                rc = fw__error_set(err, FW_EINVAL, path,
                                   "must be \"%s\" or \"%s\", got \"%s\"", flag_names[0],
                                   flag_names[1], f->valuestring);
                break;
            }
        }
        if (rc == FW_OK && flags == (FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS |
                                     FW_LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS))
            rc = fw__error_set(err, FW_EINVAL, "$.flags", "the two limits exclude each other");
    }
    if (rc == FW_OK && (kind == FW_LEDGER_OWNER_PLATFORM ? owner != 0 : owner <= 0))
        rc = fw__error_set(err, FW_EINVAL, "$.owner_id",
                           "must be 0 for the platform and a positive party id otherwise, got %lld",
                           (long long)owner);
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = find_account(ctx, (uint32_t)kind, owner, (uint32_t)type, currency, &existing, err);
    if (rc == FW_OK)
        rc = fw__error_set(err, FW_EEXISTS, "$.type",
                           "%s %lld already has a %s account in %s: account %lld",
                           owner_names[kind - 1], (long long)owner, types[type].name, currency,
                           (long long)existing);
    else if (rc == FW_ENOTFOUND)
        rc = insert_account(ctx, (uint32_t)kind, owner, (uint32_t)type, currency, flags, &id, err);
    cJSON_Delete(root);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

int fw__ledger_open_party_accounts(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id, fw_error **err)
{
    static const uint32_t enterprise[] = { FW_ACCT_ENTERPRISE_FUNDS, FW_ACCT_FEE_RECEIVABLE };
    static const uint32_t worker[] = { FW_ACCT_WORKER_PAYABLE };
    const uint32_t *list = owner_kind == FW_LEDGER_OWNER_ENTERPRISE ? enterprise : worker;
    size_t n = owner_kind == FW_LEDGER_OWNER_ENTERPRISE ? 2 : 1, i;
    int rc = FW_OK;

    for (i = 0; i < n && rc == FW_OK; i++) {
        fw_id id = 0;
        struct fw__account a;
        rc = fw__ledger_account(ctx, owner_kind, owner_id, list[i], "CNY", 1, &id, err);
        if (rc == FW_OK)
            rc = fw__ledger_account_load(ctx, id, NULL, &a, err);
        if (rc == FW_OK && a.state != FW_LEDGER_ACCOUNT_OPEN)
            rc = fw__error_set(err, FW_ESTATE, NULL, "%s %lld's %s account %lld is closed",
                               owner_names[owner_kind - 1], (long long)owner_id,
                               types[list[i]].name, (long long)id);
    }
    return rc;
}

int fw_ledger_open_party_accounts(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id,
                                  fw_error **err)
{
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (owner_kind != FW_LEDGER_OWNER_ENTERPRISE && owner_kind != FW_LEDGER_OWNER_WORKER)
        return fw__error_set(err, FW_EINVAL, "owner_kind",
                             "must be enterprise (2) or worker (3), got %u", owner_kind);
    if (owner_id <= 0)
        return fw__error_set(err, FW_EINVAL, "owner_id", "must be a positive party id, got %lld",
                             (long long)owner_id);
    if ((rc = fw__authz_require(ctx, "ledger.account_open", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__ledger_open_party_accounts(ctx, owner_kind, owner_id, err);
    return fw__tx_end(ctx, rc, err);
}

int fw_ledger_account_find(fw_ctx *ctx, fw_id *out_id, uint32_t owner_kind, fw_id owner_id,
                           uint32_t type, const char *currency, fw_error **err)
{
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if ((rc = fw__authz_require_owner(ctx, "ledger.read",
                                      owner_kind == FW_LEDGER_OWNER_ENTERPRISE ? owner_id : 0,
                                      owner_kind == FW_LEDGER_OWNER_WORKER ? owner_id : 0, err)) != FW_OK)
        return rc;
    rc = fw__ledger_account(ctx, owner_kind, owner_id, type, currency, 0, &id, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/* Read access to one account: staff read all, a party only its own. */
static int authz_account(fw_ctx *ctx, const char *action, const struct fw__account *a,
                         fw_error **err)
{
    return fw__authz_require_owner(ctx, action,
                                   a->owner_kind == FW_LEDGER_OWNER_ENTERPRISE ? a->owner_id : 0,
                                   a->owner_kind == FW_LEDGER_OWNER_WORKER ? a->owner_id : 0, err);
}

int fw_ledger_account_close(fw_ctx *ctx, fw_id account_id, fw_error **err)
{
    struct fw__account a;
    char detail[64];
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "ledger.account_close", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__ledger_account_load(ctx, account_id, "account_id", &a, err);
    if (rc == FW_OK && a.state != FW_LEDGER_ACCOUNT_OPEN)
        rc = fw__error_set(err, FW_ESTATE, "account_id", "account %lld is already closed",
                           (long long)account_id);
    if (rc == FW_OK && (a.debits_posted != a.credits_posted || a.debits_pending != 0 ||
                        a.credits_pending != 0)) {
        int64_t posted, pending;
        fw__ledger_account_balances(&a, &posted, &pending, NULL);
        rc = fw__error_set(err, FW_ESTATE, "account_id",
                           "account %lld closes only at zero; its posted balance is %lld fen and "
                           "%lld fen pending in %lld fen of holds",
                           (long long)account_id, (long long)posted, (long long)pending,
                           (long long)(a.debits_pending + a.credits_pending));
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "UPDATE fw_ledger_account SET state=2, closed_ms=? WHERE id=?", "ii",
                         fw_ctx_now(ctx), account_id);
    snprintf(detail, sizeof(detail), "{\"state\":\"closed\"}");
    if (rc == FW_OK)
        rc = fw__audit_append(ctx, "ledger.account_close", "ledger_account", account_id, detail,
                              strlen(detail), err);
    return fw__tx_end(ctx, rc, err);
}

int fw__ledger_balance(fw_ctx *ctx, fw_id account_id, int64_t *posted, int64_t *pending,
                       int64_t *available, fw_error **err)
{
    struct fw__account a;
    int rc = fw__ledger_account_load(ctx, account_id, "account_id", &a, err);

    if (rc == FW_OK)
        fw__ledger_account_balances(&a, posted, pending, available);
    return rc;
}

int fw_ledger_balance(fw_ctx *ctx, fw_id account_id, int64_t *posted, int64_t *pending,
                      int64_t *available, fw_error **err)
{
    struct fw__account a;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__ledger_account_load(ctx, account_id, "account_id", &a, err)) != FW_OK)
        return rc;
    if ((rc = authz_account(ctx, "ledger.read", &a, err)) != FW_OK)
        return rc;
    fw__ledger_account_balances(&a, posted, pending, available);
    return FW_OK;
}

int fw_ledger_account_get(fw_ctx *ctx, fw_id account_id, char **out_json, size_t *out_len,
                          fw_error **err)
{
    struct fw__account a;
    cJSON *o, *flags;
    int64_t posted, pending, available;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__ledger_account_load(ctx, account_id, "account_id", &a, err)) != FW_OK)
        return rc;
    if ((rc = authz_account(ctx, "ledger.read", &a, err)) != FW_OK)
        return rc;
    fw__ledger_account_balances(&a, &posted, &pending, &available);
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "id", a.id);
    cJSON_AddStringToObject(o, "owner_kind", fw__ledger_owner_name(a.owner_kind));
    fw__json_add_i64(o, "owner_id", a.owner_id);
    cJSON_AddStringToObject(o, "type", fw__ledger_type_name(a.type));
    fw__json_add_i64(o, "type_code", a.type);
    cJSON_AddStringToObject(o, "currency", a.currency);
    cJSON_AddStringToObject(o, "normal_side", a.normal_side == FW_LEDGER_CREDIT ? "credit" : "debit");
    flags = cJSON_AddArrayToObject(o, "flags");
    if (flags && (a.flags & FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS))
        cJSON_AddItemToArray(flags, cJSON_CreateString(flag_names[0]));
    if (flags && (a.flags & FW_LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS))
        cJSON_AddItemToArray(flags, cJSON_CreateString(flag_names[1]));
    cJSON_AddStringToObject(o, "state", a.state == FW_LEDGER_ACCOUNT_OPEN ? "open" : "closed");
    fw__json_add_i64(o, "debits_posted_fen", a.debits_posted);
    fw__json_add_i64(o, "credits_posted_fen", a.credits_posted);
    fw__json_add_i64(o, "debits_pending_fen", a.debits_pending);
    fw__json_add_i64(o, "credits_pending_fen", a.credits_pending);
    fw__json_add_i64(o, "posted_fen", posted);
    fw__json_add_i64(o, "pending_fen", pending);
    fw__json_add_i64(o, "available_fen", available);
    fw__json_add_i64(o, "postings", a.postings);
    return fw__json_out(o, out_json, out_len, err);
}

int fw__ledger_party_balances_zero(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id,
                                   int *is_zero, fw_error **err)
{
    int64_t n = 0;
    int rc = fw__db_i64(ctx, &n, err,
                        "SELECT count(*) FROM fw_ledger_account a JOIN fw_ledger_balance b ON "
                        "b.account_id = a.id WHERE a.owner_kind=? AND a.owner_id=? "
                        "AND (b.debits_posted <> b.credits_posted OR b.debits_pending <> 0 OR "
                        "b.credits_pending <> 0)",
                        "ii", (int64_t)owner_kind, owner_id);
    if (rc == FW_OK)
        *is_zero = n == 0;
    return rc;
}
