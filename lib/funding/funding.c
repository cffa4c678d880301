/*
 * Enterprise funding and recognition of incoming funds (R-7.5.a, R-7.5.b).
 *
 * Posting rules (debit / credit):
 *   recognised:  bank_clearing / enterprise_funds(E)           the payment
 *                enterprise_funds(E) / fee_revenue             a fee charged "before" (if any)
 *   suspense:    bank_clearing / suspense
 *   assigned:    suspense / enterprise_funds(E)  (+ the fee lines as above)
 *   returned:    suspense / bank_clearing
 *   refund:      hold enterprise_funds(E) / bank_clearing, then post (paid) or void (failed)
 *
 * Money is credited to an enterprise only while the platform may move money (R-4.1: profile and
 * a payment-channel agreement in force) and the enterprise is active. A payment that
 * names an enterprise that may not receive it is still booked, in suspense, with the reason.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/idem.h"
#include "core/json.h"
#include "core/vault.h"
#include "fee/fee.h"
#include "funding/funding.h"
#include "ledger/ledger.h"
#include "party/party.h"

#define BLIND_DOMAIN "funding.payer_account"
#define NAME_DOMAIN "funding.payer_name"
#define CODE_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#define CODE_LEN 8            /* "FW" + 6 */

static const char *const state_names[] = { "", "recognised", "suspense", "assigned", "returned" };

/* Keeps the letters and digits of an account number, upper-cased; FW_EINVAL unless 6..34 remain. */
static int normalise_account(const char *in, char *out, size_t size, const char *path,
                             fw_error **err)
{
    size_t n = 0;
    const char *p;

    for (p = in; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (!isalnum((unsigned char)*p))
            return fw__error_set(err, FW_EINVAL, path,
                                 "may hold only letters, digits, spaces and dashes");
        if (n + 1 >= size)
            break;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
    if (n < 6 || n > 34)
        return fw__error_set(err, FW_EINVAL, path, "must hold 6..34 letters or digits, got %zu", n);
    return FW_OK;
}

static int require_key(const char *key, fw_error **err)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n > FW__IDEM_KEY_MAX)
        return fw__error_set(err, FW_EINVAL, "idem_key",
                             "an idempotency key of 1..%d bytes is required, got %zu bytes",
                             FW__IDEM_KEY_MAX, n);
    return FW_OK;
}

static int audit_json(fw_ctx *ctx, const char *action, const char *type, fw_id id, cJSON *detail,
                      fw_error **err)
{
    char *text = detail ? fw__json_print(detail) : NULL;
    int rc = text ? fw__audit_append(ctx, action, type, id, text, strlen(text), err)
                  : fw__error_nomem(err);
    cJSON_free(text);
    cJSON_Delete(detail);
    return rc;
}

int fw_funding_register_source(fw_ctx *ctx, fw_id *out_id, fw_id enterprise_id, const char *json,
                               size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "payer_account", "payer_name", NULL };
    unsigned char blind[FW__BLIND_BYTES];
    const char *account = NULL, *name = NULL;
    char norm[40], amask[64], nmask[256];
    cJSON *root = NULL, *d;
    int64_t owner = 0, existing = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_id and json are required");
    if (enterprise_id <= 0)
        return fw__error_set(err, FW_EINVAL, "enterprise_id", "must be a positive id, got %lld",
                             (long long)enterprise_id);
    if ((rc = fw__authz_require(ctx, "funding.register_source", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "payer_account", FW__REQUIRED, 1, 64, &account, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "payer_name", FW__OPTIONAL, 1, 200, &name, err);
    if (rc == FW_OK)
        rc = normalise_account(account, norm, sizeof(norm), "$.payer_account", err);
    if (rc == FW_OK) {
        fw__vault_blind(ctx, BLIND_DOMAIN, norm, strlen(norm), blind);
        fw__mask_bank_card(norm, amask, sizeof(amask));
        if (name)
            fw__mask_name(name, nmask, sizeof(nmask));
    }
    sodium_memzero(norm, sizeof(norm));
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    {
        fw__stmt *s;
        rc = fw__db_query(ctx, &s, err,
                          "SELECT id, enterprise_id FROM fw_funding_source WHERE account_blind=?",
                          "b", (const void *)blind, (size_t)FW__BLIND_BYTES);
        if (rc == FW_OK) {
            rc = fw__db_step(s, err);
            if (rc == FW__ROW) {
                existing = fw__db_col_i64(s, 0);
                owner = fw__db_col_i64(s, 1);
            }
            rc = rc < 0 ? rc : FW_OK;
            fw__db_done(s);
        }
    }
    if (rc == FW_OK && existing && owner != enterprise_id)
        rc = fw__error_set(err, FW_EEXISTS, "$.payer_account",
                           "the account %s is registered to enterprise %lld", amask, (long long)owner);
    else if (rc == FW_OK && existing)
        id = existing;
    else if (rc == FW_OK) {
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_funding_source(enterprise_id, account_blind, account_mask, "
                         "name_mask, created_ms) VALUES (?,?,?,?,?)",
                         "ibtti", enterprise_id, (const void *)blind, (size_t)FW__BLIND_BYTES, amask,
                         name ? nmask : NULL, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            d = cJSON_CreateObject();
            if (d) {
                fw__json_add_i64(d, "enterprise_id", enterprise_id);
                cJSON_AddStringToObject(d, "payer_account", amask);
            }
            rc = audit_json(ctx, "funding.register_source", "funding_source", id, d, err);
        }
    }
    cJSON_Delete(root);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

int fw_funding_register_virtual_account(fw_ctx *ctx, fw_id enterprise_id, const char *account,
                                        fw_error **err)
{
    char norm[40], detail[120];
    int64_t owner = 0;
    int rc;

    if (!ctx || !account)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and account are required");
    if (enterprise_id <= 0)
        return fw__error_set(err, FW_EINVAL, "enterprise_id", "must be a positive id, got %lld",
                             (long long)enterprise_id);
    if ((rc = fw__authz_require(ctx, "funding.register_source", err)) != FW_OK)
        return rc;
    if ((rc = normalise_account(account, norm, sizeof(norm), "account", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &owner, err, "SELECT enterprise_id FROM fw_funding_virtual WHERE account=?",
                    "t", norm);
    if (rc == FW_OK && owner != enterprise_id)
        rc = fw__error_set(err, FW_EEXISTS, "account",
                           "the virtual sub-account %s is registered to enterprise %lld", norm,
                           (long long)owner);
    else if (rc == FW_ENOTFOUND) {
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_funding_virtual(account, enterprise_id, created_ms) "
                         "VALUES (?,?,?)", "tii", norm, enterprise_id, fw_ctx_now(ctx));
        snprintf(detail, sizeof(detail), "{\"virtual_account\":\"%s\"}", norm);
        if (rc == FW_OK)
            rc = fw__audit_append(ctx, "funding.register_virtual_account", "enterprise",
                                  enterprise_id, detail, strlen(detail), err);
    }
    return fw__tx_end(ctx, rc, err);
}

/* The enterprise's code, assigned when missing (inside the caller's transaction). */
static int reference_code(fw_ctx *ctx, fw_id enterprise_id, char code[CODE_LEN + 1], fw_error **err)
{
    fw__stmt *s;
    int rc, tries;

    rc = fw__db_query(ctx, &s, err, "SELECT code FROM fw_funding_refcode WHERE enterprise_id=?", "i",
                      enterprise_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        snprintf(code, CODE_LEN + 1, "%s", fw__db_col_text(s, 0));
    fw__db_done(s);
    if (rc == FW__ROW)
        return FW_OK;
    if (rc < 0)
        return rc;
    for (tries = 0; tries < 16; tries++) {
        size_t i;
        code[0] = 'F';
        code[1] = 'W';
        for (i = 2; i < CODE_LEN; i++)
            code[i] = CODE_ALPHABET[randombytes_uniform(sizeof(CODE_ALPHABET) - 1)];
        code[CODE_LEN] = '\0';
        rc = fw__db_exec(ctx, NULL,
                         "INSERT INTO fw_funding_refcode(enterprise_id, code, created_ms) VALUES (?,?,?)",
                         "iti", enterprise_id, code, fw_ctx_now(ctx));
        if (rc != FW_EEXISTS)
            break;
    }
    if (rc != FW_OK)
        return fw__error_set(err, rc, NULL, "could not assign a reference code");
    {
        char detail[64];
        snprintf(detail, sizeof(detail), "{\"code\":\"%s\"}", code);
        return fw__audit_append(ctx, "funding.reference_code", "enterprise", enterprise_id, detail,
                                strlen(detail), err);
    }
}

int fw_funding_reference_code(fw_ctx *ctx, fw_id enterprise_id, char **out_code, fw_error **err)
{
    char code[CODE_LEN + 1];
    int rc;

    if (!ctx || !out_code)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_code are required");
    if (enterprise_id <= 0)
        return fw__error_set(err, FW_EINVAL, "enterprise_id", "must be a positive id, got %lld",
                             (long long)enterprise_id);
    if ((rc = fw__authz_require_owner(ctx, "funding.read", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__tx_end(ctx, reference_code(ctx, enterprise_id, code, err), err);
    if (rc == FW_OK && !(*out_code = strdup(code)))
        rc = fw__error_nomem(err);
    return rc;
}

/* The enterprise a remark names by its reference code, or 0. */
static int match_remark(fw_ctx *ctx, const char *remark, fw_id *out, fw_error **err)
{
    size_t n = remark ? strlen(remark) : 0, i, j;
    int rc;

    *out = 0;
    for (i = 0; i + CODE_LEN <= n; i++) {
        char code[CODE_LEN + 1];
        int64_t e = 0;
        if (toupper((unsigned char)remark[i]) != 'F' || toupper((unsigned char)remark[i + 1]) != 'W')
            continue;
        for (j = 0; j < CODE_LEN; j++)
            code[j] = (char)toupper((unsigned char)remark[i + j]);
        code[CODE_LEN] = '\0';
        rc = fw__db_i64(ctx, &e, err, "SELECT enterprise_id FROM fw_funding_refcode WHERE code=?",
                        "t", code);
        if (rc == FW_OK) {
            *out = e;
            return FW_OK;
        }
        if (rc != FW_ENOTFOUND)
            return rc;
    }
    return FW_OK;
}

static int platform_account(fw_ctx *ctx, uint32_t type, const char *cur, fw_id *id, fw_error **err)
{
    return fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, type, cur, 1, id, err);
}

/*
 * May money be credited to the enterprise now? FW_EDENIED with the party module's reason code,
 * or with the reason of a higher module taking part in "funding.receive" (risk's gate).
 */
static int may_receive(fw_ctx *ctx, fw_id enterprise_id, int64_t amount, fw_error **err)
{
    int rc = fw__party_require_platform_ready(ctx, err);
    if (rc == FW_OK)
        rc = fw__party_require_active_enterprise(ctx, enterprise_id, err);
    if (rc == FW_OK)
        rc = fw__hook_run(ctx, "funding.receive", enterprise_id, &amount, err);
    return rc;
}

/*
 * Credits an enterprise's funds from `from` (bank clearing or suspense), less a fee its
 * schedule charges before, at funding. A before-charged fee never exceeds the payment.
 */
static int credit_enterprise(fw_ctx *ctx, fw_id enterprise_id, fw_id from, int64_t amount,
                             const char *currency, int64_t received_ms, const char *reason,
                             const char *bank_txn_id, fw_id *entry, int64_t *fee_out,
                             fw_error **err)
{
    struct fw__posting p[4];
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_POSTED, reason, received_ms, 0, "bank_txn",
                                bank_txn_id, NULL };
    fw_fee_calc *calc = NULL;
    fw_id funds = 0, revenue = 0;
    int64_t fee = 0;
    size_t n = 2;
    int rc;

    if ((rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, enterprise_id,
                                 FW_ACCT_ENTERPRISE_FUNDS, currency, 1, &funds, err)) != FW_OK)
        return rc;
    rc = fw__fee_calc_for(ctx, enterprise_id, received_ms, &calc, NULL);
    if (rc == FW_OK && fw_fee_calc_charge(calc) == FW_FEE_CHARGE_BEFORE) {
        int64_t start, end, volume = 0;
        fw__cst_period(received_ms, FW__PERIOD_MONTH, &start, &end);
        rc = fw__db_i64(ctx, &volume, err,
                        "SELECT coalesce(sum(amount), 0) FROM fw_funding_incoming WHERE "
                        "enterprise_id=? AND state IN (1, 3) AND received_ms >= ? AND received_ms < ?",
                        "iii", enterprise_id, start, end);
        if (rc == FW_OK) {
            rc = fw_fee_calc_compute(calc, amount, volume, &fee, NULL, NULL, NULL);
            if (rc == FW_ELIMIT || (rc == FW_OK && fee > amount)) {
                fee = amount;
                rc = FW_OK;
            } else if (rc != FW_OK) {
                rc = fw__error_set(err, rc, "amount_fen", "the fee on %lld fen cannot be computed",
                                   (long long)amount);
            }
        }
    } else if (rc == FW_ENOTFOUND || rc == FW_OK) {
        rc = FW_OK;                 /* no schedule, or a fee charged later: nothing taken now */
    }
    fw_fee_calc_free(calc);
    if (rc != FW_OK)
        return rc;
    p[0].account_id = from;
    p[0].amount = amount;
    p[1].account_id = funds;
    p[1].amount = -amount;
    if (fee > 0) {
        if ((rc = platform_account(ctx, FW_ACCT_FEE_REVENUE, currency, &revenue, err)) != FW_OK)
            return rc;
        p[2].account_id = funds;
        p[2].amount = fee;
        p[3].account_id = revenue;
        p[3].amount = -fee;
        n = 4;
    }
    if ((rc = fw__ledger_post(ctx, p, n, &m, entry, err)) != FW_OK)
        return rc;
    *fee_out = fee;
    return FW_OK;
}

struct notice {
    const char *bank_txn_id, *currency, *payer_name, *payer_account, *remark, *payee_account;
    char payee[40];
    int64_t amount, received_ms;
    unsigned char blind[FW__BLIND_BYTES], name_blind[FW__BLIND_BYTES];
    char amask[64], nmask[256];
};

static int parse_notice(fw_ctx *ctx, const cJSON *root, struct notice *n, fw_error **err)
{
    static const char *const fields[] = { "bank_txn_id", "amount_fen", "currency", "payer_name",
                                          "payer_account", "remark", "payee_account",
                                          "received_ms", NULL };
    char norm[40];
    int rc;

    memset(n, 0, sizeof(*n));
    n->currency = "CNY";
    n->received_ms = fw_ctx_now(ctx);
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "bank_txn_id", FW__REQUIRED, 1, 128, &n->bank_txn_id, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "amount_fen", FW__REQUIRED, 1, FW__JSON_MAX_INT, &n->amount, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "currency", FW__OPTIONAL, 3, 3, &n->currency, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "payer_name", FW__OPTIONAL, 1, 200, &n->payer_name, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "payer_account", FW__OPTIONAL, 1, 64, &n->payer_account, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "remark", FW__OPTIONAL, 0, 500, &n->remark, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "payee_account", FW__OPTIONAL, 1, 64, &n->payee_account, err);
    if (rc == FW_OK && n->payee_account)
        rc = normalise_account(n->payee_account, n->payee, sizeof(n->payee), "$.payee_account", err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "received_ms", FW__OPTIONAL, 1, INT64_MAX, &n->received_ms, err);
    if (rc == FW_OK && n->received_ms > fw_ctx_now(ctx))
        rc = fw__error_set(err, FW_EINVAL, "$.received_ms", "must not be in the future, got %lld",
                           (long long)n->received_ms);
    if (rc == FW_OK && n->payer_account) {
        rc = normalise_account(n->payer_account, norm, sizeof(norm), "$.payer_account", err);
        if (rc == FW_OK) {
            fw__vault_blind(ctx, BLIND_DOMAIN, norm, strlen(norm), n->blind);
            fw__mask_bank_card(norm, n->amask, sizeof(n->amask));
        }
        sodium_memzero(norm, sizeof(norm));
    }
    if (rc == FW_OK && n->payer_name) {
        fw__vault_blind(ctx, NAME_DOMAIN, n->payer_name, strlen(n->payer_name), n->name_blind);
        fw__mask_name(n->payer_name, n->nmask, sizeof(n->nmask));
    }
    return rc;
}

/* The request an idempotent notice must match, with personal fields as blind digests. */
static char *notice_canonical(const struct notice *n)
{
    cJSON *o = cJSON_CreateObject();
    char *text;

    if (!o)
        return NULL;
    fw__json_add_i64(o, "amount_fen", n->amount);
    cJSON_AddStringToObject(o, "currency", n->currency);
    if (n->payer_name)
        fw__json_add_hex(o, "payer_name", n->name_blind, FW__BLIND_BYTES);
    if (n->payer_account)
        fw__json_add_hex(o, "payer_account", n->blind, FW__BLIND_BYTES);
    cJSON_AddStringToObject(o, "remark", n->remark ? n->remark : "");
    cJSON_AddStringToObject(o, "payee_account", n->payee_account ? n->payee : "");
    fw__json_add_i64(o, "received_ms", n->received_ms);
    text = fw__json_print(o);
    cJSON_Delete(o);
    return text;
}

static int recognise(fw_ctx *ctx, const struct notice *n, fw_id *out_id, fw_error **err)
{
    fw_id by_virtual = 0, by_account = 0, by_code = 0, enterprise = 0, entry = 0, bank = 0;
    fw_id suspense = 0, id;
    const char *matched = NULL;
    int64_t fee = 0, e = 0;
    uint32_t state;
    fw_error *held = NULL;
    cJSON *d;
    int rc = FW_OK, disagree;

    if (n->payee_account) {
        rc = fw__db_i64(ctx, &e, err, "SELECT enterprise_id FROM fw_funding_virtual WHERE account=?",
                        "t", n->payee);
        if (rc == FW_OK)
            by_virtual = e;
        else if (rc == FW_ENOTFOUND)
            rc = FW_OK;
    }
    if (rc == FW_OK && n->payer_account) {
        rc = fw__db_i64(ctx, &e, err, "SELECT enterprise_id FROM fw_funding_source WHERE account_blind=?",
                        "b", (const void *)n->blind, (size_t)FW__BLIND_BYTES);
        if (rc == FW_OK)
            by_account = e;
        else if (rc == FW_ENOTFOUND)
            rc = FW_OK;
    }
    if (rc == FW_OK)
        rc = match_remark(ctx, n->remark, &by_code, err);
    if (rc != FW_OK)
        return rc;
    /* Every sign found must name the same enterprise; otherwise an operator decides. */
    enterprise = by_virtual ? by_virtual : by_account ? by_account : by_code;
    disagree = (by_virtual && by_virtual != enterprise) || (by_account && by_account != enterprise) ||
               (by_code && by_code != enterprise);
    if (disagree)
        enterprise = 0;
    else if (by_virtual)
        matched = "virtual_account";
    else if (by_account)
        matched = "payer_account";
    else if (by_code)
        matched = "reference";
    /* the bank has the money either way: what may not be credited waits in suspense */
    if (enterprise && (rc = may_receive(ctx, enterprise, n->amount, &held)) != FW_OK) {
        if (rc != FW_EDENIED && rc != FW_ENOTFOUND) {
            if (err && !*err)
                *err = held;
            else
                fw_error_free(held);
            return rc;
        }
        enterprise = 0;
        matched = NULL;
    }
    if ((rc = platform_account(ctx, FW_ACCT_BANK_CLEARING, n->currency, &bank, err)) != FW_OK) {
        fw_error_free(held);
        return rc;
    }
    if (enterprise) {
        state = FW_FUNDING_RECOGNISED;
        rc = credit_enterprise(ctx, enterprise, bank, n->amount, n->currency, n->received_ms,
                               "funding.recognised", n->bank_txn_id, &entry, &fee, err);
    } else {
        struct fw__posting p[2];
        struct fw__entry_meta m = { FW_LEDGER_ENTRY_POSTED, "funding.suspense", n->received_ms, 0,
                                    "bank_txn", n->bank_txn_id, NULL };
        state = FW_FUNDING_SUSPENSE;
        rc = platform_account(ctx, FW_ACCT_SUSPENSE, n->currency, &suspense, err);
        p[0].account_id = bank;
        p[0].amount = n->amount;
        p[1].account_id = suspense;
        p[1].amount = -n->amount;
        if (rc == FW_OK)
            rc = fw__ledger_post(ctx, p, 2, &m, &entry, err);
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_funding_incoming(bank_txn_id, amount, currency, payer_blind, "
                         "payer_mask, name_mask, remark, payee_account, received_ms, state, enterprise_id, "
                         "matched_by, fee, entry_id, created_ms) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,NULLIF(?, 0),?,?,?,?)",
                         "titbttttiiitiii", n->bank_txn_id, n->amount, n->currency,
                         n->payer_account ? (const void *)n->blind : NULL,
                         (size_t)(n->payer_account ? FW__BLIND_BYTES : 0),
                         n->payer_account ? n->amask : NULL, n->payer_name ? n->nmask : NULL,
                         n->remark, n->payee_account ? n->payee : NULL, n->received_ms, (int64_t)state, enterprise, matched, fee, entry,
                         fw_ctx_now(ctx));
    if (rc != FW_OK) {
        fw_error_free(held);
        return rc;
    }
    id = fw__db_last_id(ctx);
    d = cJSON_CreateObject();
    if (d) {
        cJSON_AddStringToObject(d, "bank_txn_id", n->bank_txn_id);
        fw__json_add_i64(d, "amount_fen", n->amount);
        cJSON_AddStringToObject(d, "state", state_names[state]);
        fw__json_add_i64(d, "enterprise_id", enterprise);
        if (matched)
            cJSON_AddStringToObject(d, "matched_by", matched);
        else if (disagree)
            cJSON_AddStringToObject(d, "unmatched", "the signs name different enterprises");
        else if (held)
            cJSON_AddStringToObject(d, "unmatched", fw_error_message(held));
        fw__json_add_i64(d, "fee_fen", fee);
        fw__json_add_i64(d, "entry_id", entry);
    }
    fw_error_free(held);
    if ((rc = audit_json(ctx, "funding.notice", "funding_incoming", id, d, err)) != FW_OK)
        return rc;
    *out_id = id;
    return FW_OK;
}

int fw_funding_notice(fw_ctx *ctx, fw_id *out_id, const char *json, size_t json_len,
                      fw_error **err)
{
    struct notice n;
    cJSON *root = NULL;
    char *canon = NULL;
    fw__idem idem;
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_id and json are required");
    if ((rc = fw__authz_require(ctx, "funding.notice", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = parse_notice(ctx, root, &n, err);
    if (rc == FW_OK && !(canon = notice_canonical(&n)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        cJSON_free(canon);
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__idem_begin(ctx, &idem, "funding.notice", n.bank_txn_id, canon, strlen(canon), err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = recognise(ctx, &n, &id, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    cJSON_free(canon);
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

static cJSON *incoming_json(fw__stmt *s)
{
    cJSON *o = cJSON_CreateObject();
    int state = (int)fw__db_col_i64(s, 9);

    if (!o)
        return NULL;
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    cJSON_AddStringToObject(o, "bank_txn_id", fw__db_col_text(s, 1));
    fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 2));
    cJSON_AddStringToObject(o, "currency", fw__db_col_text(s, 3));
#define TEXT_OR_NULL(name, col) \
    (fw__db_col_is_null(s, col) ? cJSON_AddNullToObject(o, name) \
                                : cJSON_AddStringToObject(o, name, fw__db_col_text(s, col)))
    TEXT_OR_NULL("payer_name", 4);
    TEXT_OR_NULL("payer_account", 5);
    TEXT_OR_NULL("remark", 6);
    TEXT_OR_NULL("payee_account", 14);
    fw__json_add_i64(o, "received_ms", fw__db_col_i64(s, 7));
    cJSON_AddStringToObject(o, "state", state >= 1 && state <= 4 ? state_names[state] : "unknown");
    if (fw__db_col_is_null(s, 8))
        cJSON_AddNullToObject(o, "enterprise_id");
    else
        fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 8));
    TEXT_OR_NULL("matched_by", 10);
#undef TEXT_OR_NULL
    fw__json_add_i64(o, "fee_fen", fw__db_col_i64(s, 11));
    fw__json_add_i64(o, "entry_id", fw__db_col_i64(s, 12));
    if (fw__db_col_is_null(s, 13))
        cJSON_AddNullToObject(o, "resolution_entry_id");
    else
        fw__json_add_i64(o, "resolution_entry_id", fw__db_col_i64(s, 13));
    return o;
}

#define INCOMING_COLUMNS \
    "id, bank_txn_id, amount, currency, name_mask, payer_mask, remark, received_ms, " \
    "enterprise_id, state, matched_by, fee, entry_id, resolution_entry_id, payee_account"

int fw_funding_incoming_get(fw_ctx *ctx, fw_id incoming_id, char **out_json, size_t *out_len,
                            fw_error **err)
{
    cJSON *o = NULL;
    fw__stmt *s;
    fw_id owner = 0;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "funding.read", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT " INCOMING_COLUMNS " FROM fw_funding_incoming WHERE id=?",
                      "i", incoming_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        owner = fw__db_col_i64(s, 8);
        o = incoming_json(s);
        rc = o ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "incoming_id", "no incoming transfer %lld",
                           (long long)incoming_id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "funding.read", owner, 0, err);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_funding_incoming_list(fw_ctx *ctx, uint32_t state, uint32_t limit, fw_id before_id,
                             char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o, *arr;
    fw__stmt *s;
    fw_id last = 0;
    uint32_t n = 0;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if (state > FW_FUNDING_RETURNED)
        return fw__error_set(err, FW_EINVAL, "state", "must be 0 or a FW_FUNDING_* state, got %u", state);
    if (limit < 1 || limit > 1000)
        return fw__error_set(err, FW_EINVAL, "limit", "must be 1..1000, got %u", limit);
    if (ctx->role == FW_ROLE_ENTERPRISE_USER || ctx->role == FW_ROLE_WORKER)
        return fw__error_set(err, FW_EPERM, NULL,
                             "funding.read: listing incoming transfers is for platform staff");
    if ((rc = fw__authz_require(ctx, "funding.read", err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    arr = cJSON_AddArrayToObject(o, "incoming");
    rc = fw__db_query(ctx, &s, err,
                      "SELECT " INCOMING_COLUMNS " FROM fw_funding_incoming WHERE id < ? AND "
                      "(? = 0 OR state = ?) ORDER BY id DESC LIMIT ?",
                      "iiii", before_id > 0 ? before_id : INT64_MAX, (int64_t)state, (int64_t)state,
                      (int64_t)limit);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *it = incoming_json(s);
        if (!it) {
            rc = fw__error_nomem(err);
            break;
        }
        last = fw__db_col_i64(s, 0);
        cJSON_AddItemToArray(arr, it);
        n++;
        rc = FW_OK;
    }
    if (rc == FW__DONE)
        rc = FW_OK;
    fw__db_done(s);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    if (n == limit)
        fw__json_add_i64(o, "next_before_id", last);
    else
        cJSON_AddNullToObject(o, "next_before_id");
    return fw__json_out(o, out_json, out_len, err);
}

struct incoming {
    fw_id id;
    int64_t amount, received_ms;
    uint32_t state;
    char currency[4];
    char bank_txn_id[129];
};

static int load_suspense(fw_ctx *ctx, fw_id id, struct incoming *in, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT amount, received_ms, state, currency, bank_txn_id FROM "
                          "fw_funding_incoming WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        in->id = id;
        in->amount = fw__db_col_i64(s, 0);
        in->received_ms = fw__db_col_i64(s, 1);
        in->state = (uint32_t)fw__db_col_i64(s, 2);
        snprintf(in->currency, sizeof(in->currency), "%s", fw__db_col_text(s, 3));
        snprintf(in->bank_txn_id, sizeof(in->bank_txn_id), "%s", fw__db_col_text(s, 4));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "incoming_id", "no incoming transfer %lld",
                           (long long)id);
    }
    fw__db_done(s);
    if (rc == FW_OK && in->state != FW_FUNDING_SUSPENSE)
        rc = fw__error_set(err, FW_ESTATE, "incoming_id",
                           "incoming transfer %lld is %s; only one in suspense can be resolved",
                           (long long)id, state_names[in->state <= 4 ? in->state : 0]);
    return rc;
}

/* Assign (enterprise_id > 0) or return (0) a transfer held in suspense. */
static int resolve(fw_ctx *ctx, fw_id incoming_id, fw_id enterprise_id, const char *key,
                   fw_error **err)
{
    struct incoming in;
    char req[96];
    fw__idem idem;
    fw_id entry = 0, suspense = 0, bank = 0;
    int64_t fee = 0;
    cJSON *d;
    int rc, n;

    if ((rc = require_key(key, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "funding.resolve", err)) != FW_OK)
        return rc;
    n = snprintf(req, sizeof(req), "{\"incoming_id\":%lld,\"enterprise_id\":%lld}",
                 (long long)incoming_id, (long long)enterprise_id);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, enterprise_id ? "funding.assign" : "funding.return", key, req,
                        (size_t)n, err);
    if (rc == FW_OK && idem.replayed)
        return fw__idem_end(ctx, &idem, idem.rc, idem.result_id, NULL, err);
    if (rc == FW_OK)
        rc = load_suspense(ctx, incoming_id, &in, err);
    if (rc == FW_OK)
        rc = platform_account(ctx, FW_ACCT_SUSPENSE, in.currency, &suspense, err);
    if (rc == FW_OK && enterprise_id)
        rc = may_receive(ctx, enterprise_id, in.amount, err);
    if (rc == FW_OK && enterprise_id) {
        rc = credit_enterprise(ctx, enterprise_id, suspense, in.amount, in.currency,
                               fw_ctx_now(ctx), "funding.assigned", in.bank_txn_id, &entry, &fee, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "UPDATE fw_funding_incoming SET state=3, enterprise_id=?, "
                             "matched_by='operator', fee=?, resolution_entry_id=? WHERE id=?",
                             "iiii", enterprise_id, fee, entry, incoming_id);
    } else if (rc == FW_OK) {
        struct fw__posting p[2];
        struct fw__entry_meta m = { FW_LEDGER_ENTRY_POSTED, "funding.returned", 0, 0, "bank_txn",
                                    in.bank_txn_id, NULL };
        rc = platform_account(ctx, FW_ACCT_BANK_CLEARING, in.currency, &bank, err);
        p[0].account_id = suspense;
        p[0].amount = in.amount;
        p[1].account_id = bank;
        p[1].amount = -in.amount;
        if (rc == FW_OK)
            rc = fw__ledger_post(ctx, p, 2, &m, &entry, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "UPDATE fw_funding_incoming SET state=4, resolution_entry_id=? WHERE id=?",
                             "ii", entry, incoming_id);
    }
    if (rc == FW_OK) {
        d = cJSON_CreateObject();
        if (d) {
            cJSON_AddStringToObject(d, "state", enterprise_id ? "assigned" : "returned");
            if (enterprise_id)
                fw__json_add_i64(d, "enterprise_id", enterprise_id);
            fw__json_add_i64(d, "fee_fen", fee);
            fw__json_add_i64(d, "entry_id", entry);
        }
        rc = audit_json(ctx, enterprise_id ? "funding.assign" : "funding.return", "funding_incoming",
                        incoming_id, d, err);
    }
    return fw__idem_end(ctx, &idem, rc, entry, NULL, err);
}

int fw_funding_assign(fw_ctx *ctx, fw_id incoming_id, fw_id enterprise_id, const char *idem_key,
                      fw_error **err)
{
    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (enterprise_id <= 0)
        return fw__error_set(err, FW_EINVAL, "enterprise_id", "must be a positive id, got %lld",
                             (long long)enterprise_id);
    return resolve(ctx, incoming_id, enterprise_id, idem_key, err);
}

int fw_funding_return(fw_ctx *ctx, fw_id incoming_id, const char *idem_key, fw_error **err)
{
    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    return resolve(ctx, incoming_id, 0, idem_key, err);
}

int fw_funding_refund(fw_ctx *ctx, fw_id *out_refund_id, fw_id enterprise_id, int64_t amount_fen,
                      const char *idem_key, fw_error **err)
{
    char req[96];
    fw__idem idem;
    fw_id funds = 0, bank = 0, hold = 0, id = 0;
    cJSON *d;
    int rc, n;

    if (!ctx || !out_refund_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_refund_id are required");
    if ((rc = fw__authz_require_owner(ctx, "funding.refund", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = require_key(idem_key, err)) != FW_OK)
        return rc;
    if (amount_fen <= 0)
        return fw__error_set(err, FW_EINVAL, "amount_fen", "must be a positive number of fen, got %lld",
                             (long long)amount_fen);
    n = snprintf(req, sizeof(req), "{\"enterprise_id\":%lld,\"amount_fen\":%lld}",
                 (long long)enterprise_id, (long long)amount_fen);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "funding.refund", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        /* a suspended or cancelling enterprise gets its money back too; the channel must be there */
        rc = fw__party_require_platform_ready(ctx, err);
        if (rc == FW_OK)
            rc = fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, enterprise_id,
                                    FW_ACCT_ENTERPRISE_FUNDS, "CNY", 0, &funds, err);
        if (rc == FW_OK)
            rc = platform_account(ctx, FW_ACCT_BANK_CLEARING, "CNY", &bank, err);
        if (rc == FW_OK) {
            rc = fw__ledger_hold(ctx, &hold, funds, bank, amount_fen, 0, "funding.refund", NULL,
                                 NULL, err);
            if (rc == FW_EFUNDS && err && *err) {
                char *msg = strdup(fw_error_message(*err));
                const char *colon = msg ? strstr(msg, ": ") : NULL;
                fw__error_set(err, FW_EFUNDS, "amount_fen", "enterprise %lld's funds: %s",
                              (long long)enterprise_id, colon ? colon + 2 : "insufficient");
                free(msg);
            }
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "INSERT INTO fw_funding_refund(enterprise_id, amount, hold_id, state, "
                             "created_ms) VALUES (?,?,?,1,?)",
                             "iiii", enterprise_id, amount_fen, hold, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            d = cJSON_CreateObject();
            if (d) {
                fw__json_add_i64(d, "enterprise_id", enterprise_id);
                fw__json_add_i64(d, "amount_fen", amount_fen);
                fw__json_add_i64(d, "hold_id", hold);
            }
            rc = audit_json(ctx, "funding.refund", "funding_refund", id, d, err);
        }
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_refund_id = id;
    return rc;
}

int fw_funding_refund_complete(fw_ctx *ctx, fw_id refund_id, uint32_t paid, const char *idem_key,
                               fw_error **err)
{
    char req[64];
    fw__idem idem;
    fw__stmt *s;
    fw_id hold = 0, entry = 0;
    int64_t state = 0;
    cJSON *d;
    int rc, n;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (paid > 1)
        return fw__error_set(err, FW_EINVAL, "paid", "must be 1 (paid) or 0 (failed), got %u", paid);
    if ((rc = fw__authz_require(ctx, "funding.refund_complete", err)) != FW_OK)
        return rc;
    if ((rc = require_key(idem_key, err)) != FW_OK)
        return rc;
    n = snprintf(req, sizeof(req), "{\"refund_id\":%lld,\"paid\":%u}", (long long)refund_id, paid);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "funding.refund_complete", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed)
        return fw__idem_end(ctx, &idem, idem.rc, idem.result_id, NULL, err);
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT hold_id, state FROM fw_funding_refund WHERE id=?",
                          "i", refund_id);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            hold = fw__db_col_i64(s, 0);
            state = fw__db_col_i64(s, 1);
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ENOTFOUND, "refund_id", "no refund %lld", (long long)refund_id);
        }
        fw__db_done(s);
    }
    if (rc == FW_OK && state != FW_FUNDING_REFUND_PENDING)
        rc = fw__error_set(err, FW_ESTATE, "refund_id", "refund %lld is already %s",
                           (long long)refund_id, state == FW_FUNDING_REFUND_PAID ? "paid" : "failed");
    if (rc == FW_OK && paid)
        rc = fw__ledger_hold_post(ctx, &entry, hold, FW_LEDGER_AMOUNT_FULL, err);
    else if (rc == FW_OK)
        rc = fw__ledger_hold_void(ctx, hold, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_funding_refund SET state=?, entry_id=? WHERE id=?",
                         "iii", (int64_t)(paid ? FW_FUNDING_REFUND_PAID : FW_FUNDING_REFUND_FAILED),
                         entry, refund_id);
    if (rc == FW_OK) {
        d = cJSON_CreateObject();
        if (d) {
            cJSON_AddStringToObject(d, "state", paid ? "paid" : "failed");
            fw__json_add_i64(d, "entry_id", entry);
        }
        rc = audit_json(ctx, "funding.refund_complete", "funding_refund", refund_id, d, err);
    }
    return fw__idem_end(ctx, &idem, rc, refund_id, NULL, err);
}
