/*
 * Enterprises (R-5.1, R-6.a, R-7.2, R-7.10.a): application, verification by the registry
 * provider or a reviewer, activation after the cooperation agreement, changes with re-review,
 * suspension and cancellation guarded by the checks of higher modules. Enterprise users.
 *
 * The legal representative and contact person are personal data: they are sealed together as
 * one JSON value under the subject "enterprise:<id>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/vault.h"
#include "party/party_int.h"

#define T_ENT "fw_party_enterprise"

const char *fw__enterprise_state_name(uint32_t st)
{
    static const char *const names[] = { "unknown", "applied", "under_review", "verified", "rejected",
                                         "signed", "active", "suspended", "cancelled" };
    return st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

struct ent {
    const char *name, *uscc, *lr_name, *lr_id, *c_name, *c_phone;
    const char *bank, *acct_no, *acct_name, *scope, *industry, *ext;
    const cJSON *legal_rep, *contact, *account, *quals;
};

static int check_quals(const cJSON *arr, fw_error **err)
{
    static const char *const fields[] = { "kind", "sha256", NULL };
    const cJSON *q;
    const char *s;
    char p[64];
    size_t i = 0;
    int rc = FW_OK;

    cJSON_ArrayForEach(q, arr) {
        fw__json_path_index(p, sizeof(p), "$.qualifications", i++);
        if (!cJSON_IsObject(q))
            return fw__error_set(err, FW_EINVAL, p, "must be an object {\"kind\",\"sha256\"}");
        if ((rc = fw__json_only(q, p, fields, err)) != FW_OK ||
            (rc = fw__json_str(q, p, "kind", FW__REQUIRED, 1, 64, &s, err)) != FW_OK ||
            (rc = fw__json_hex(q, p, "sha256", FW__REQUIRED, 32, &s, err)) != FW_OK)
            return rc;
    }
    return rc;
}

/* Parses an application (partial = 0) or a change (partial = 1: every field optional). */
static int ent_parse(const cJSON *root, int partial, struct ent *e, fw_error **err)
{
    static const char *const fields[] = { "name", "uscc", "legal_rep", "contact", "bank_account",
                                          "business_scope", "industry", "qualifications",
                                          "external_ref", NULL };
    static const char *const lr_fields[] = { "name", "id_number", NULL };
    static const char *const c_fields[] = { "name", "phone", NULL };
    static const char *const a_fields[] = { "bank", "account_no", "account_name", NULL };
    int req = partial ? FW__OPTIONAL : FW__REQUIRED, rc;
    size_t i;

    memset(e, 0, sizeof(*e));
    if ((rc = fw__json_only(root, "$", fields, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_str(root, "$", "name", req, 2, 200, &e->name, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "uscc", req, 18, 18, &e->uscc, err)) != FW_OK)
        return rc;
    if (!e->uscc && partial == 0)
        return rc;
    if (e->uscc && (rc = fw__uscc_parse(e->uscc, FW_USCC_STRICT, "$.uscc", NULL, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_obj(root, "$", "legal_rep", req, &e->legal_rep, err)) != FW_OK)
        return rc;
    if (e->legal_rep) {
        if ((rc = fw__json_only(e->legal_rep, "$.legal_rep", lr_fields, err)) != FW_OK ||
            (rc = fw__json_str(e->legal_rep, "$.legal_rep", "name", FW__REQUIRED, 1, 100, &e->lr_name,
                               err)) != FW_OK ||
            (rc = fw__json_str(e->legal_rep, "$.legal_rep", "id_number", FW__OPTIONAL, 18, 18,
                               &e->lr_id, err)) != FW_OK)
            return rc;
        if (e->lr_id && (rc = fw__id_number_parse(e->lr_id, "$.legal_rep.id_number", NULL, err)) != FW_OK)
            return rc;
    }
    if ((rc = fw__json_obj(root, "$", "contact", req, &e->contact, err)) != FW_OK)
        return rc;
    if (e->contact) {
        if ((rc = fw__json_only(e->contact, "$.contact", c_fields, err)) != FW_OK ||
            (rc = fw__json_str(e->contact, "$.contact", "name", FW__REQUIRED, 1, 100, &e->c_name,
                               err)) != FW_OK ||
            (rc = fw__json_str(e->contact, "$.contact", "phone", FW__REQUIRED, 11, 11, &e->c_phone,
                               err)) != FW_OK ||
            (rc = fw__party_check_phone(e->c_phone, "$.contact.phone", err)) != FW_OK)
            return rc;
    }
    if ((rc = fw__json_obj(root, "$", "bank_account", req, &e->account, err)) != FW_OK)
        return rc;
    if (e->account) {
        if ((rc = fw__json_only(e->account, "$.bank_account", a_fields, err)) != FW_OK ||
            (rc = fw__json_str(e->account, "$.bank_account", "bank", FW__REQUIRED, 2, 100, &e->bank,
                               err)) != FW_OK ||
            (rc = fw__json_str(e->account, "$.bank_account", "account_no", FW__REQUIRED, 6, 40,
                               &e->acct_no, err)) != FW_OK ||
            (rc = fw__json_str(e->account, "$.bank_account", "account_name", FW__REQUIRED, 2, 200,
                               &e->acct_name, err)) != FW_OK)
            return rc;
        for (i = 0; e->acct_no[i]; i++)
            if ((e->acct_no[i] < '0' || e->acct_no[i] > '9') && e->acct_no[i] != '-')
                return fw__error_set(err, FW_EINVAL, "$.bank_account.account_no",
                                     "must be digits (and '-') only");
    }
    if ((rc = fw__json_str(root, "$", "business_scope", req, 1, 2000, &e->scope, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "industry", req, 1, 100, &e->industry, err)) != FW_OK ||
        (rc = fw__json_arr(root, "$", "qualifications", req, 50, &e->quals, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "external_ref", FW__OPTIONAL, 1, 255, &e->ext, err)) != FW_OK)
        return rc;
    if (e->quals && (rc = check_quals(e->quals, err)) != FW_OK)
        return rc;
    if (!partial && cJSON_GetArraySize(e->quals) == 0)
        return fw__error_set(err, FW_EINVAL, "$.qualifications",
                             "at least one qualification document (e.g. the business licence) is required");
    return FW_OK;
}

/* The sealed personal part: {"legal_rep":{...},"contact":{...}}. */
static char *pii_json(const cJSON *legal_rep, const cJSON *contact)
{
    cJSON *o = cJSON_CreateObject();
    char *s;
    cJSON_AddItemToObject(o, "legal_rep", cJSON_Duplicate(legal_rep, 1));
    cJSON_AddItemToObject(o, "contact", cJSON_Duplicate(contact, 1));
    s = fw__json_print(o);
    cJSON_Delete(o);
    return s;
}

static int store_pii(fw_ctx *ctx, fw_id id, const char *plain, fw_error **err)
{
    char subject[48];
    unsigned char *sealed = NULL;
    size_t n = 0;
    int rc;

    snprintf(subject, sizeof(subject), "enterprise:%lld", (long long)id);
    rc = fw__party_seal_json(ctx, subject, T_ENT, id, plain, &sealed, &n, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET pii=? WHERE id=?", "bi",
                         (const void *)sealed, n, id);
    free(sealed);
    return rc;
}

static int uscc_taken(fw_ctx *ctx, const char *uscc, fw_id except, fw_error **err)
{
    int64_t other = 0;
    int rc = fw__db_i64(ctx, &other, err,
                        "SELECT id FROM fw_party_enterprise WHERE uscc=? AND state<>8 AND id<>?", "ti",
                        uscc, except);
    if (rc == FW_ENOTFOUND)
        return FW_OK;
    if (rc == FW_OK)
        return fw__error_set(err, FW_EEXISTS, "$.uscc", "enterprise %lld is already registered with USCC %s",
                             (long long)other, uscc);
    return rc;
}

int fw_party_enterprise_apply(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                              fw_error **err)
{
    cJSON *root = NULL;
    struct ent e;
    char *quals = NULL, *plain = NULL;
    fw_id id = 0;
    int64_t now;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "party.enterprise.apply", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = ent_parse(root, 0, &e, err);
    if (rc == FW_OK) {
        quals = fw__json_print(e.quals);
        plain = pii_json(e.legal_rep, e.contact);
        if (!quals || !plain)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        now = fw_ctx_now(ctx);
        rc = uscc_taken(ctx, e.uscc, 0, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "INSERT INTO fw_party_enterprise(state, name, uscc, business_scope, industry, "
                             "bank_name, account_name, account_no, qualifications, pii, external_ref, "
                             "created_ms, updated_ms) VALUES (1,?,?,?,?,?,?,?,?,x'',?,?,?)",
                             "tttttttttii", e.name, e.uscc, e.scope, e.industry, e.bank, e.acct_name,
                             e.acct_no, quals, e.ext, now, now);
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = store_pii(ctx, id, plain, err);
        }
        if (rc == FW_OK)
            rc = fw__party_audit(ctx, err, "party.enterprise.apply", "enterprise", id,
                                 "{\"state\":\"applied\",\"uscc\":\"%s\",\"qualifications\":%d}", e.uscc,
                                 cJSON_GetArraySize(e.quals));
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    free(quals);
    cJSON_Delete(root);
    return rc;
}

static int set_state(fw_ctx *ctx, fw_id id, uint32_t from, uint32_t to, const char *action,
                     const char *extra, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET state=?, updated_ms=? WHERE id=?",
                         "iii", (int64_t)to, fw_ctx_now(ctx), id);
    if (rc == FW_OK)
        rc = fw__party_audit(ctx, err, action, "enterprise", id, "{\"from\":\"%s\",\"to\":\"%s\"%s%s}",
                             fw__enterprise_state_name(from), fw__enterprise_state_name(to),
                             extra ? "," : "", extra ? extra : "");
    return rc;
}

/* After a positive verification: back to active when the agreement is still in force. */
static uint32_t verified_state(fw_ctx *ctx, fw_id id)
{
    int64_t agreement = 0, activated = 0;
    fw__db_i64(ctx, &agreement, NULL, "SELECT coalesce(agreement_ms,0) FROM fw_party_enterprise WHERE id=?",
               "i", id);
    fw__db_i64(ctx, &activated, NULL, "SELECT coalesce(activated_ms,0) FROM fw_party_enterprise WHERE id=?",
               "i", id);
    if (agreement && activated)
        return FW_ENTERPRISE_ACTIVE;
    return agreement ? FW_ENTERPRISE_SIGNED : FW_ENTERPRISE_VERIFIED;
}

static int record_review(fw_ctx *ctx, fw_id id, const char *method, const char *reasons,
                         const char *evidence, fw_error **err)
{
    return fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET review_method=?, review_reasons=?, "
                       "review_evidence=? WHERE id=?", "ttti", method, reasons, evidence, id);
}

/* Asks the registry. Sets *decided (1 pass, -1 fail, 0 pending), reason and evidence digest. */
static int ask_registry(fw_ctx *ctx, fw_id id, int *decided, char **reasons, char evidence[65],
                        fw_error **err)
{
    cJSON *pii = NULL, *req, *reply = NULL;
    struct fw_reply r = { NULL, 0 };
    char *text = NULL, *name = NULL, *uscc = NULL;
    unsigned char h[32];
    fw__stmt *s;
    const char *res, *why;
    int rc;

    *decided = 0;
    if (!ctx->identity.verify_enterprise)
        return FW_OK;
    rc = fw__db_query(ctx, &s, err, "SELECT name, uscc FROM fw_party_enterprise WHERE id=?", "i", id);
    if (rc == FW_OK && fw__db_step(s, err) == FW__ROW) {
        name = strdup(fw__db_col_text(s, 0));
        uscc = strdup(fw__db_col_text(s, 1));
    }
    fw__db_done(s);
    if (rc == FW_OK && (!name || !uscc))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = fw__party_open_pii(ctx, T_ENT, "enterprise", id, &pii, err);
    if (rc == FW_OK) {
        req = cJSON_CreateObject();
        cJSON_AddStringToObject(req, "name", name);
        cJSON_AddStringToObject(req, "uscc", uscc);
        cJSON_AddStringToObject(req, "legal_rep", fw__pii_str(pii, "legal_rep", "name"));
        text = fw__json_print(req);
        cJSON_Delete(req);
        if (!text)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK) {
        rc = fw__provider_call(ctx->identity.verify_enterprise, ctx->identity.payload, text,
                               strlen(text), &r);
        if (rc == FW_EPENDING || rc == FW_ETIMEOUT) {
            rc = FW_OK;                       /* stays under review */
        } else if (rc != FW_OK) {
            rc = fw__error_set(err, FW_EPROVIDER, NULL,
                               "the identity provider's verify_enterprise failed (%d)", rc);
        } else {
            reply = cJSON_Parse(r.json);
            res = fw__pii_str(reply, "result", NULL);
            why = fw__pii_str(reply, "reason", NULL);
            crypto_generichash(h, sizeof(h), (const unsigned char *)r.json, r.len, NULL, 0);
            sodium_bin2hex(evidence, 65, h, sizeof(h));
            if (res && strcmp(res, "pass") == 0) {
                *decided = 1;
            } else if (res && strcmp(res, "fail") == 0) {
                cJSON *a = cJSON_CreateArray();
                *decided = -1;
                cJSON_AddItemToArray(a, cJSON_CreateString(why ? why : "registry check failed"));
                *reasons = fw__json_print(a);
                cJSON_Delete(a);
            } else {
                rc = fw__error_set(err, FW_EPROVIDER, NULL,
                                   "verify_enterprise must answer {\"result\":\"pass\"|\"fail\"}, got %.100s",
                                   r.json);
            }
            cJSON_Delete(reply);
        }
    }
    if (pii) {
        cJSON_Delete(pii);
    }
    fw__reply_clear(&r);
    free(text);
    free(name);
    free(uscc);
    return rc;
}

int fw_party_enterprise_verify(fw_ctx *ctx, fw_id enterprise_id, uint32_t *out_state, fw_error **err)
{
    uint32_t st, to;
    char evidence[65] = "", *reasons = NULL;
    int decided = 0, rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.enterprise.verify", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);
    if (rc == FW_OK && st != FW_ENTERPRISE_APPLIED && st != FW_ENTERPRISE_UNDER_REVIEW)
        rc = fw__error_set(err, FW_ESTATE, NULL,
                           "enterprise %lld is %s; only an applied enterprise (or one under review) is verified",
                           (long long)enterprise_id, fw__enterprise_state_name(st));
    if (rc == FW_OK && st == FW_ENTERPRISE_APPLIED) {
        rc = set_state(ctx, enterprise_id, st, FW_ENTERPRISE_UNDER_REVIEW, "party.enterprise.submit", NULL, err);
        st = FW_ENTERPRISE_UNDER_REVIEW;
    }
    if (rc == FW_OK)
        rc = ask_registry(ctx, enterprise_id, &decided, &reasons, evidence, err);
    to = st;
    if (rc == FW_OK && decided) {
        to = decided > 0 ? verified_state(ctx, enterprise_id) : FW_ENTERPRISE_REJECTED;
        rc = record_review(ctx, enterprise_id, "registry", reasons, evidence, err);
        if (rc == FW_OK)
            rc = set_state(ctx, enterprise_id, st, to, "party.enterprise.verify",
                           "\"method\":\"registry\"", err);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = to;
    free(reasons);
    return rc;
}

int fw_party_enterprise_review(fw_ctx *ctx, fw_id enterprise_id, const char *json, size_t json_len,
                               fw_error **err)
{
    static const char *const fields[] = { "decision", "reasons", "evidence_sha256", NULL };
    static const char *const decisions[] = { "approve", "reject", NULL };
    cJSON *root = NULL;
    const cJSON *reasons = NULL, *it;
    const char *evidence = NULL;
    char *rtext = NULL, p[48];
    uint32_t st, to;
    int decision = 0, rc;
    size_t i = 0;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "party.enterprise.review", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "decision", FW__REQUIRED, decisions, &decision, err)) == FW_OK &&
        (rc = fw__json_arr(root, "$", "reasons", decision == 1, 20, &reasons, err)) == FW_OK)
        rc = fw__json_hex(root, "$", "evidence_sha256", FW__OPTIONAL, 32, &evidence, err);
    if (rc == FW_OK && decision == 1 && cJSON_GetArraySize(reasons) == 0)
        rc = fw__error_set(err, FW_EINVAL, "$.reasons", "a rejection needs at least one reason");
    cJSON_ArrayForEach(it, reasons) {
        if (rc != FW_OK)
            break;
        fw__json_path_index(p, sizeof(p), "$.reasons", i++);
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > 500)
            rc = fw__error_set(err, FW_EINVAL, p, "must be a reason of 1 to 500 bytes");
    }
    if (rc == FW_OK && reasons && !(rtext = fw__json_print(reasons)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);
        if (rc == FW_OK && st != FW_ENTERPRISE_UNDER_REVIEW)
            rc = fw__error_set(err, FW_ESTATE, NULL,
                               "enterprise %lld is %s; only an enterprise under review can be decided",
                               (long long)enterprise_id, fw__enterprise_state_name(st));
        if (rc == FW_OK) {
            to = decision == 0 ? verified_state(ctx, enterprise_id) : FW_ENTERPRISE_REJECTED;
            rc = record_review(ctx, enterprise_id, "manual", rtext, evidence, err);
            if (rc == FW_OK)
                rc = set_state(ctx, enterprise_id, st, to, "party.enterprise.review",
                               decision == 0 ? "\"method\":\"manual\"" : "\"method\":\"manual\",\"rejected\":true",
                               err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    free(rtext);
    cJSON_Delete(root);
    return rc;
}

int fw_party_enterprise_activate(fw_ctx *ctx, fw_id enterprise_id, fw_error **err)
{
    uint32_t st;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.enterprise.activate", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);
    if (rc == FW_OK && st != FW_ENTERPRISE_SIGNED) {
        if (st == FW_ENTERPRISE_VERIFIED || st < FW_ENTERPRISE_VERIFIED || st == FW_ENTERPRISE_REJECTED)
            rc = fw__party_require_active_enterprise(ctx, enterprise_id, err);
        else
            rc = fw__error_set(err, FW_ESTATE, NULL,
                               "enterprise %lld is %s; only a signed enterprise is activated",
                               (long long)enterprise_id, fw__enterprise_state_name(st));
    }
    if (rc == FW_OK)
        rc = fw__party_run_activate_hooks(ctx, FW__PARTY_ENTERPRISE, enterprise_id, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET activated_ms=coalesce(activated_ms, ?) "
                         "WHERE id=?", "ii", fw_ctx_now(ctx), enterprise_id);
    if (rc == FW_OK)
        rc = set_state(ctx, enterprise_id, st, FW_ENTERPRISE_ACTIVE, "party.enterprise.activate", NULL, err);
    return fw__tx_end(ctx, rc, err);
}

/* Compares a text column with a new value. */
static int differs(fw_ctx *ctx, fw_id id, const char *sql, const char *v)
{
    fw__stmt *s;
    int d = 1;
    if (fw__db_query(ctx, &s, NULL, sql, "i", id) == FW_OK && fw__db_step(s, NULL) == FW__ROW)
        d = strcmp(fw__db_col_text(s, 0), v) != 0;
    fw__db_done(s);
    return d;
}

int fw_party_enterprise_change(fw_ctx *ctx, fw_id enterprise_id, const char *json, size_t json_len,
                               fw_error **err)
{
    cJSON *root = NULL, *pii = NULL, *changed = cJSON_CreateArray();
    struct ent e;
    char *quals = NULL, *plain = NULL, *list = NULL;
    uint32_t st = 0, to;
    int rc, key = 0;
    int64_t now;

    if (!ctx || !json)
        rc = fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    else if (!changed)
        rc = fw__error_nomem(err);
    else
        rc = fw__authz_require_owner(ctx, "party.enterprise.change", enterprise_id, 0, err);
    if (rc == FW_OK)
        rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK)
        rc = ent_parse(root, 1, &e, err);
    if (rc != FW_OK) {
        cJSON_Delete(root);
        cJSON_Delete(changed);
        return rc;
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        cJSON_Delete(changed);
        return rc;
    }
    now = fw_ctx_now(ctx);
    rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);
    if (rc == FW_OK && st == FW_ENTERPRISE_CANCELLED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "enterprise %lld is cancelled; it cannot change",
                           (long long)enterprise_id);
#define CHANGE(field, col, val, is_key)                                                           \
    if (rc == FW_OK && (val) && differs(ctx, enterprise_id, "SELECT " col " FROM fw_party_enterprise WHERE id=?", (val))) { \
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET " col "=? WHERE id=?", "ti", (val), enterprise_id); \
        cJSON_AddItemToArray(changed, cJSON_CreateString(field));                                 \
        key |= (is_key);                                                                          \
    }
    if (rc == FW_OK && e.uscc)
        rc = uscc_taken(ctx, e.uscc, enterprise_id, err);
    CHANGE("name", "name", e.name, 1)
    CHANGE("uscc", "uscc", e.uscc, 1)
    CHANGE("business_scope", "business_scope", e.scope, 0)
    CHANGE("industry", "industry", e.industry, 0)
    CHANGE("external_ref", "external_ref", e.ext, 0)
    if (e.account) {
        int before = cJSON_GetArraySize(changed);
        CHANGE("bank_account", "bank_name", e.bank, 1)
        CHANGE("bank_account", "account_name", e.acct_name, 1)
        CHANGE("bank_account", "account_no", e.acct_no, 1)
        while (cJSON_GetArraySize(changed) > before + 1)
            cJSON_DeleteItemFromArray(changed, before + 1);
    }
    if (rc == FW_OK && e.quals) {
        quals = fw__json_print(e.quals);
        CHANGE("qualifications", "qualifications", quals, 0)
    }
#undef CHANGE
    if (rc == FW_OK && (e.legal_rep || e.contact)) {
        rc = fw__party_open_pii(ctx, T_ENT, "enterprise", enterprise_id, &pii, err);
        if (rc == FW_OK) {
            const cJSON *old_lr = cJSON_GetObjectItemCaseSensitive(pii, "legal_rep");
            const cJSON *old_c = cJSON_GetObjectItemCaseSensitive(pii, "contact");
            int lr = e.legal_rep && !cJSON_Compare(old_lr, e.legal_rep, 1);
            int c = e.contact && !cJSON_Compare(old_c, e.contact, 1);
            if (lr)
                cJSON_AddItemToArray(changed, cJSON_CreateString("legal_rep"));
            if (c)
                cJSON_AddItemToArray(changed, cJSON_CreateString("contact"));
            key |= lr;
            if (lr || c) {
                plain = pii_json(lr ? e.legal_rep : old_lr, c ? e.contact : old_c);
                rc = plain ? store_pii(ctx, enterprise_id, plain, err) : fw__error_nomem(err);
            }
        }
    }
    to = st;
    if (rc == FW_OK && key && (st == FW_ENTERPRISE_VERIFIED || st == FW_ENTERPRISE_SIGNED ||
                               st == FW_ENTERPRISE_ACTIVE || st == FW_ENTERPRISE_REJECTED))
        to = FW_ENTERPRISE_UNDER_REVIEW;
    if (rc == FW_OK && cJSON_GetArraySize(changed) == 0)
        rc = fw__error_set(err, FW_EINVAL, "$", "the change would change nothing");
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET state=?, updated_ms=? WHERE id=?", "iii",
                         (int64_t)to, now, enterprise_id);
    if (rc == FW_OK && !(list = fw__json_print(changed)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = fw__party_audit(ctx, err, "party.enterprise.change", "enterprise", enterprise_id,
                             "{\"fields\":%s,\"from\":\"%s\",\"to\":\"%s\",\"re_review\":%s}", list,
                             fw__enterprise_state_name(st), fw__enterprise_state_name(to),
                             to != st ? "true" : "false");
    rc = fw__tx_end(ctx, rc, err);
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    free(list);
    free(quals);
    cJSON_Delete(pii);
    cJSON_Delete(changed);
    cJSON_Delete(root);
    return rc;
}

static int check_reason(const char *reason, fw_error **err)
{
    size_t n = reason ? strlen(reason) : 0;
    if (n == 0 || n > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    return FW_OK;
}

/* A transition from exactly one state, with an optional reason recorded. */
static int simple_transition(fw_ctx *ctx, fw_id id, const char *action, uint32_t from, uint32_t to,
                             const char *reason, fw_error **err)
{
    uint32_t st;
    char extra[700];
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, action, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_enterprise_state(ctx, id, &st, err);
    if (rc == FW_OK && st != from)
        rc = fw__error_set(err, FW_ESTATE, NULL, "enterprise %lld is %s; it must be %s",
                           (long long)id, fw__enterprise_state_name(st), fw__enterprise_state_name(from));
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET suspend_reason=? WHERE id=?", "ti",
                         reason, id);
    if (rc == FW_OK) {
        cJSON *r = cJSON_CreateString(reason ? reason : "");
        char *q = fw__json_print(r);
        snprintf(extra, sizeof(extra), "\"reason\":%s", q ? q : "\"\"");
        free(q);
        cJSON_Delete(r);
        rc = set_state(ctx, id, st, to, action, reason ? extra : NULL, err);
    }
    return fw__tx_end(ctx, rc, err);
}

int fw_party_enterprise_suspend(fw_ctx *ctx, fw_id enterprise_id, const char *reason, fw_error **err)
{
    int rc = check_reason(reason, err);
    if (rc != FW_OK)
        return rc;
    return simple_transition(ctx, enterprise_id, "party.enterprise.suspend", FW_ENTERPRISE_ACTIVE,
                             FW_ENTERPRISE_SUSPENDED, reason, err);
}

int fw_party_enterprise_resume(fw_ctx *ctx, fw_id enterprise_id, fw_error **err)
{
    return simple_transition(ctx, enterprise_id, "party.enterprise.resume", FW_ENTERPRISE_SUSPENDED,
                             FW_ENTERPRISE_ACTIVE, NULL, err);
}

int fw_party_enterprise_cancel(fw_ctx *ctx, fw_id enterprise_id, fw_error **err)
{
    uint32_t st;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.enterprise.cancel", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);
    if (rc == FW_OK && st == FW_ENTERPRISE_CANCELLED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "enterprise %lld is already cancelled", (long long)enterprise_id);
    if (rc == FW_OK)
        rc = fw__party_run_cancel_checks(ctx, FW__PARTY_ENTERPRISE, enterprise_id, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise_user SET enabled=0 WHERE enterprise_id=?", "i",
                         enterprise_id);
    if (rc == FW_OK)
        rc = set_state(ctx, enterprise_id, st, FW_ENTERPRISE_CANCELLED, "party.enterprise.cancel", NULL, err);
    return fw__tx_end(ctx, rc, err);
}

static void add_masked(cJSON *o, const char *name, const char *v, int clear,
                       const char *(*mask)(const char *, char *, size_t))
{
    char buf[256];
    if (!v)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, clear ? v : mask(v, buf, sizeof(buf)));
}

int fw_party_enterprise_get(fw_ctx *ctx, fw_id enterprise_id, char **out_json, size_t *out_len,
                            fw_error **err)
{
    cJSON *o, *pii = NULL, *lr, *c, *a;
    fw__stmt *s;
    int rc, clear;
    uint32_t st;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "party.enterprise.get", enterprise_id, 0, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err,
                      "SELECT state, name, uscc, business_scope, industry, bank_name, account_name, "
                      "account_no, qualifications, external_ref, review_method, review_reasons, "
                      "review_evidence, agreement_ms, activated_ms, suspend_reason, created_ms, updated_ms "
                      "FROM fw_party_enterprise WHERE id=?", "i", enterprise_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)enterprise_id);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    clear = fw__authz_may_see_pii(ctx, 0);
    o = cJSON_CreateObject();
    st = (uint32_t)fw__db_col_i64(s, 0);
    fw__json_add_i64(o, "id", enterprise_id);
    fw__json_add_i64(o, "state", st);
    cJSON_AddStringToObject(o, "state_name", fw__enterprise_state_name(st));
    cJSON_AddStringToObject(o, "name", fw__db_col_text(s, 1));
    cJSON_AddStringToObject(o, "uscc", fw__db_col_text(s, 2));
    cJSON_AddStringToObject(o, "business_scope", fw__db_col_text(s, 3));
    cJSON_AddStringToObject(o, "industry", fw__db_col_text(s, 4));
    a = cJSON_AddObjectToObject(o, "bank_account");
    cJSON_AddStringToObject(a, "bank", fw__db_col_text(s, 5));
    cJSON_AddStringToObject(a, "account_name", fw__db_col_text(s, 6));
    cJSON_AddStringToObject(a, "account_no", fw__db_col_text(s, 7));
    cJSON_AddItemToObject(o, "qualifications", cJSON_Parse(fw__db_col_text(s, 8)));
    if (fw__db_col_text(s, 9))
        cJSON_AddStringToObject(o, "external_ref", fw__db_col_text(s, 9));
    a = cJSON_AddObjectToObject(o, "review");
    if (fw__db_col_text(s, 10))
        cJSON_AddStringToObject(a, "method", fw__db_col_text(s, 10));
    if (fw__db_col_text(s, 11))
        cJSON_AddItemToObject(a, "reasons", cJSON_Parse(fw__db_col_text(s, 11)));
    if (fw__db_col_text(s, 12))
        cJSON_AddStringToObject(a, "evidence_sha256", fw__db_col_text(s, 12));
    if (!fw__db_col_is_null(s, 13))
        fw__json_add_i64(o, "agreement_ms", fw__db_col_i64(s, 13));
    if (!fw__db_col_is_null(s, 14))
        fw__json_add_i64(o, "activated_ms", fw__db_col_i64(s, 14));
    if (fw__db_col_text(s, 15))
        cJSON_AddStringToObject(o, "suspend_reason", fw__db_col_text(s, 15));
    fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 16));
    fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 17));
    fw__db_done(s);

    rc = fw__party_open_pii(ctx, T_ENT, "enterprise", enterprise_id, &pii, err);
    lr = cJSON_AddObjectToObject(o, "legal_rep");
    c = cJSON_AddObjectToObject(o, "contact");
    if (rc == FW_ESHREDDED) {
        rc = FW_OK;
        cJSON_AddTrueToObject(o, "erased");
    }
    if (rc == FW_OK) {
        add_masked(lr, "name", fw__pii_str(pii, "legal_rep", "name"), clear, fw__mask_name);
        add_masked(lr, "id_number", fw__pii_str(pii, "legal_rep", "id_number"), clear, fw__mask_id_number);
        add_masked(c, "name", fw__pii_str(pii, "contact", "name"), clear, fw__mask_name);
        add_masked(c, "phone", fw__pii_str(pii, "contact", "phone"), clear, fw__mask_phone);
    }
    cJSON_Delete(pii);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- enterprise users ------------------------------------------------------------------- */

int fw_party_enterprise_user_add(fw_ctx *ctx, fw_id enterprise_id, const char *json, size_t json_len,
                                 fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "login", "name", "phone", "roles", NULL };
    static const char *const roles[] = { "admin", "operator", "finance", "viewer", NULL };
    cJSON *root = NULL, *p = NULL;
    const cJSON *arr = NULL, *it;
    const char *login = NULL, *name = NULL, *phone = NULL;
    char *rtext = NULL, *plain = NULL, path[48], subject[48];
    unsigned char *sealed = NULL;
    size_t n = 0, i = 0;
    uint32_t st;
    fw_id id = 0;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require_owner(ctx, "party.enterprise.user_add", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "login", FW__REQUIRED, 1, 64, &login, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 100, &name, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "phone", FW__OPTIONAL, 11, 11, &phone, err)) == FW_OK &&
        (rc = fw__json_arr(root, "$", "roles", FW__REQUIRED, 4, &arr, err)) == FW_OK && phone)
        rc = fw__party_check_phone(phone, "$.phone", err);
    if (rc == FW_OK && cJSON_GetArraySize(arr) == 0)
        rc = fw__error_set(err, FW_EINVAL, "$.roles", "at least one role of admin, operator, finance, viewer");
    cJSON_ArrayForEach(it, arr) {
        int ok = 0, k;
        if (rc != FW_OK)
            break;
        fw__json_path_index(path, sizeof(path), "$.roles", i++);
        for (k = 0; roles[k]; k++)
            ok |= cJSON_IsString(it) && strcmp(it->valuestring, roles[k]) == 0;
        if (!ok)
            rc = fw__error_set(err, FW_EINVAL, path, "must be one of admin, operator, finance, viewer");
    }
    if (rc == FW_OK) {
        rtext = fw__json_print(arr);
        p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "name", name);
        if (phone)
            cJSON_AddStringToObject(p, "phone", phone);
        plain = fw__json_print(p);
        cJSON_Delete(p);
        if (!rtext || !plain)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);
        if (rc == FW_OK && st == FW_ENTERPRISE_CANCELLED)
            rc = fw__error_set(err, FW_ESTATE, NULL, "enterprise %lld is cancelled", (long long)enterprise_id);
        if (rc == FW_OK) {
            int64_t dup = 0;
            if (fw__db_i64(ctx, &dup, NULL, "SELECT id FROM fw_party_enterprise_user WHERE enterprise_id=? "
                           "AND login=?", "it", enterprise_id, login) == FW_OK)
                rc = fw__error_set(err, FW_EEXISTS, "$.login", "enterprise %lld already has a user '%s'",
                                   (long long)enterprise_id, login);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_party_enterprise_user(enterprise_id, login, roles, pii, "
                             "enabled, created_ms) VALUES (?,?,?,x'',1,?)", "itti", enterprise_id, login,
                             rtext, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            snprintf(subject, sizeof(subject), "enterprise_user:%lld", (long long)id);
            rc = fw__party_seal_json(ctx, subject, "fw_party_enterprise_user", id, plain, &sealed, &n, err);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise_user SET pii=? WHERE id=?", "bi",
                             (const void *)sealed, n, id);
        if (rc == FW_OK)
            rc = fw__party_audit(ctx, err, "party.enterprise.user_add", "enterprise_user", id,
                                 "{\"enterprise_id\":%lld,\"roles\":%s}", (long long)enterprise_id, rtext);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    free(sealed);
    free(rtext);
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_party_enterprise_user_disable(fw_ctx *ctx, fw_id user_id, fw_error **err)
{
    int64_t ent = 0, enabled = 0;
    fw__stmt *s;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, enabled FROM fw_party_enterprise_user WHERE id=?",
                      "i", user_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        ent = fw__db_col_i64(s, 0);
        enabled = fw__db_col_i64(s, 1);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise user %lld", (long long)user_id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "party.enterprise.user_disable", ent, 0, err);
    if (rc == FW_OK && !enabled)
        rc = fw__error_set(err, FW_ESTATE, NULL, "enterprise user %lld is already disabled", (long long)user_id);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise_user SET enabled=0 WHERE id=?", "i", user_id);
    if (rc == FW_OK)
        rc = fw__party_audit(ctx, err, "party.enterprise.user_disable", "enterprise_user", user_id,
                             "{\"enterprise_id\":%lld}", (long long)ent);
    return fw__tx_end(ctx, rc, err);
}

int fw_party_enterprise_user_list(fw_ctx *ctx, fw_id enterprise_id, char **out_json, size_t *out_len,
                                  fw_error **err)
{
    cJSON *arr, *o, *pii;
    fw__stmt *s;
    char buf[128];
    int rc, clear;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "party.enterprise.user_list", enterprise_id, 0, err)) != FW_OK)
        return rc;
    clear = fw__authz_may_see_pii(ctx, 0);
    arr = cJSON_CreateArray();
    rc = fw__db_query(ctx, &s, err, "SELECT id, login, roles, enabled FROM fw_party_enterprise_user "
                      "WHERE enterprise_id=? ORDER BY id", "i", enterprise_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        o = cJSON_CreateObject();
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "login", fw__db_col_text(s, 1));
        cJSON_AddItemToObject(o, "roles", cJSON_Parse(fw__db_col_text(s, 2)));
        cJSON_AddBoolToObject(o, "enabled", fw__db_col_i64(s, 3) != 0);
        cJSON_AddItemToArray(arr, o);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        rc = FW_OK;
    cJSON_ArrayForEach(o, arr) {
        fw_id uid = (fw_id)cJSON_GetObjectItem(o, "id")->valuedouble;
        int orc;
        pii = NULL;
        orc = fw__party_open_pii(ctx, "fw_party_enterprise_user", "enterprise_user", uid, &pii, NULL);
        if (orc == FW_OK) {
            const char *nm = fw__pii_str(pii, "name", NULL);
            cJSON_AddStringToObject(o, "name", clear ? nm : fw__mask_name(nm, buf, sizeof(buf)));
        } else {
            cJSON_AddNullToObject(o, "name");
        }
        cJSON_Delete(pii);
    }
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- internal API for higher modules ---------------------------------------------------- */

int fw__party_enterprise_agreement(fw_ctx *ctx, fw_id enterprise_id, int signed_, fw_error **err)
{
    uint32_t st;
    int rc = fw__party_enterprise_state(ctx, enterprise_id, &st, err);

    if (rc != FW_OK)
        return rc;
    if (signed_) {
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET agreement_ms=? WHERE id=?", "ii",
                         fw_ctx_now(ctx), enterprise_id);
        if (rc == FW_OK && st == FW_ENTERPRISE_VERIFIED)
            rc = set_state(ctx, enterprise_id, st, FW_ENTERPRISE_SIGNED, "party.enterprise.agreement", NULL, err);
        return rc;
    }
    rc = fw__db_exec(ctx, err, "UPDATE fw_party_enterprise SET agreement_ms=NULL WHERE id=?", "i", enterprise_id);
    if (rc == FW_OK && (st == FW_ENTERPRISE_SIGNED || st == FW_ENTERPRISE_ACTIVE || st == FW_ENTERPRISE_SUSPENDED))
        rc = set_state(ctx, enterprise_id, st, FW_ENTERPRISE_VERIFIED, "party.enterprise.agreement_end", NULL, err);
    return rc;
}

int fw__party_enterprise_name(fw_ctx *ctx, fw_id enterprise_id, char **out, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT name FROM fw_party_enterprise WHERE id=?", "i", enterprise_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *out = strdup(fw__db_col_text(s, 0));
        rc = *out ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)enterprise_id);
    }
    fw__db_done(s);
    return rc;
}
