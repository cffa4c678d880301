/*
 * Workers (R-5.2, R-6.b, R-7.2, R-7.10.d): registration online or operator-assisted,
 * real-name data sealed in the vault under "worker:<id>", duplicates through the blind index
 * of the ID number, age rules (under 16 refused, 16-17 minor), real-name verification by the
 * identity provider or a reviewer, erasure by crypto-shredding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <flexwork/vault.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/vault.h"
#include "party/party_int.h"

#define T_W "fw_party_worker"
#define MIN_AGE 16
#define ADULT_AGE 18

const char *fw__worker_state_name(uint32_t st)
{
    static const char *const names[] = { "unknown", "registered", "verified", "failed", "signed",
                                         "active", "suspended", "closed" };
    return st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

static void subject_of(fw_id id, char *buf, size_t size)
{
    snprintf(buf, size, "worker:%lld", (long long)id);
}

static void free_secret(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static int store_pii(fw_ctx *ctx, fw_id id, const cJSON *pii, fw_error **err)
{
    char subject[48], *plain = fw__json_print(pii);
    unsigned char *sealed = NULL;
    size_t n = 0;
    int rc;

    if (!plain)
        return fw__error_nomem(err);
    subject_of(id, subject, sizeof(subject));
    rc = fw__party_seal_json(ctx, subject, T_W, id, plain, &sealed, &n, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_worker SET pii=? WHERE id=?", "bi", (const void *)sealed,
                         n, id);
    free(sealed);
    free_secret(plain);
    return rc;
}

/* Age rules on the context's date (CST). */
static int age_on(fw_ctx *ctx, const fw_id_number_info *info, int *age, fw_error **err)
{
    int y, m, d;
    fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
    if (info->birth_year * 10000 + info->birth_month * 100 + info->birth_day > y * 10000 + m * 100 + d)
        return fw__error_set(err, FW_EINVAL, "$.id_number", "birth date %04d-%02d-%02d is in the future",
                             info->birth_year, info->birth_month, info->birth_day);
    *age = fw__age_years(info->birth_year, info->birth_month, info->birth_day, y, m, d);
    return FW_OK;
}

/* Luhn failure is a warning; any other bank card fault is an error. */
static int check_card(const char *card, const char *path, int *luhn_warning, fw_error **err)
{
    uint32_t reason = 0;
    int rc = fw__bank_card_parse(card, path, &reason, err);
    *luhn_warning = 0;
    if (rc != FW_OK && reason == FW_CHECK_CHECKSUM) {
        *luhn_warning = 1;
        if (err) {
            fw_error_free(*err);
            *err = NULL;
        }
        return FW_OK;
    }
    return rc;
}

int fw_party_worker_register(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                             fw_error **err)
{
    static const char *const fields[] = { "name", "id_number", "phone", "bank_card", "channel",
                                          "enterprise_id", "external_ref", NULL };
    static const char *const channels[] = { "self", "assisted", NULL };
    cJSON *root = NULL, *pii = NULL;
    const char *name = NULL, *idn = NULL, *phone = NULL, *card = NULL, *ext = NULL;
    fw_id_number_info info;
    unsigned char blind[FW__BLIND_BYTES];
    char by[160];
    int64_t ent = 0, dup = 0;
    int channel = 0, age = 0, luhn = 0, rc;
    uint32_t est;
    fw_id id = 0;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "party.worker.register", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 50, &name, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "id_number", FW__REQUIRED, 1, 32, &idn, err)) == FW_OK &&
        (rc = fw__id_number_parse(idn, "$.id_number", &info, err)) == FW_OK &&
        (rc = age_on(ctx, &info, &age, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "phone", FW__REQUIRED, 11, 11, &phone, err)) == FW_OK &&
        (rc = fw__party_check_phone(phone, "$.phone", err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "bank_card", FW__REQUIRED, 1, 32, &card, err)) == FW_OK &&
        (rc = check_card(card, "$.bank_card", &luhn, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "channel", FW__REQUIRED, channels, &channel, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &ent, err)) == FW_OK)
        rc = fw__json_str(root, "$", "external_ref", FW__OPTIONAL, 1, 255, &ext, err);
    /* cn-rules §6: no one may introduce a person under 16 to work. */
    if (rc == FW_OK && age < MIN_AGE)
        rc = fw__error_set(err, FW_EDENIED, "$.id_number",
                           "WORKER_UNDER_16: the person is %d years old; workers must be at least %d",
                           age, MIN_AGE);
    if (rc == FW_OK && ctx->role == FW_ROLE_ENTERPRISE_USER && ent != ctx->party_id)
        rc = fw__error_set(err, FW_EPERM, "$.enterprise_id",
                           "party.worker.register: enterprise %lld's user registers workers only for "
                           "its own enterprise", (long long)ctx->party_id);
    if (rc == FW_OK) {
        pii = cJSON_CreateObject();
        cJSON_AddStringToObject(pii, "name", name);
        cJSON_AddStringToObject(pii, "id_number", info.normalized);
        cJSON_AddStringToObject(pii, "phone", phone);
        cJSON_AddStringToObject(pii, "bank_card", card);
        fw__vault_blind(ctx, "id_number", info.normalized, 18, blind);
        snprintf(by, sizeof(by), "%s:%.100s", fw__role_name(ctx->role),
                 ctx->actor_name ? ctx->actor_name : "");
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        /* an enterprise brings its workers only once it is active */
        if (ent) {
            rc = fw__party_enterprise_state(ctx, ent, &est, err);
            if (rc == FW_ENOTFOUND)
                rc = fw__error_set(err, FW_ENOTFOUND, "$.enterprise_id", "no enterprise %lld", (long long)ent);
            if (rc == FW_OK)
                rc = fw__party_require_active_enterprise(ctx, ent, err);
        }
        if (rc == FW_OK && fw__db_i64(ctx, &dup, NULL, "SELECT id FROM fw_party_worker WHERE id_blind=?", "b",
                                      (const void *)blind, sizeof(blind)) == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.id_number",
                               "a worker with this ID number is already registered (worker %lld)",
                               (long long)dup);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "INSERT INTO fw_party_worker(state, channel, registered_by, id_blind, pii, warnings, "
                             "external_ref, created_ms, updated_ms) VALUES (1,?,?,?,x'',?,?,?,?)",
                             "itbttii", (int64_t)(channel + 1), by, (const void *)blind, sizeof(blind),
                             luhn ? "[\"BANK_CARD_LUHN\"]" : "[]", ext, fw_ctx_now(ctx), fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = store_pii(ctx, id, pii, err);
        }
        if (rc == FW_OK && ent)
            rc = fw__party_link_worker(ctx, id, ent, err);
        if (rc == FW_OK)
            rc = fw__party_audit(ctx, err, "party.worker.register", "worker", id,
                                 "{\"state\":\"registered\",\"channel\":\"%s\",\"minor\":%s,"
                                 "\"warnings\":%s,\"enterprise_id\":%lld}",
                                 channels[channel], age < ADULT_AGE ? "true" : "false",
                                 luhn ? "[\"BANK_CARD_LUHN\"]" : "[]", (long long)ent);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    cJSON_Delete(pii);
    cJSON_Delete(root);
    return rc;
}

static int set_state(fw_ctx *ctx, fw_id id, uint32_t from, uint32_t to, const char *action,
                     const char *extra, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_party_worker SET state=?, updated_ms=? WHERE id=?", "iii",
                         (int64_t)to, fw_ctx_now(ctx), id);
    if (rc == FW_OK)
        rc = fw__party_audit(ctx, err, action, "worker", id, "{\"from\":\"%s\",\"to\":\"%s\"%s%s}",
                             fw__worker_state_name(from), fw__worker_state_name(to), extra ? "," : "",
                             extra ? extra : "");
    return rc;
}

static int record_verification(fw_ctx *ctx, fw_id id, const char *method, const char *result,
                               const char *reason, const char *evidence, fw_error **err)
{
    return fw__db_exec(ctx, err, "UPDATE fw_party_worker SET verify_method=?, verify_result=?, verify_reason=?, "
                       "verify_evidence=?, verify_pending=0 WHERE id=?", "tttti", method, result, reason,
                       evidence, id);
}

int fw_party_worker_verify(fw_ctx *ctx, fw_id worker_id, const char *liveness, uint32_t *out_state,
                           fw_error **err)
{
    struct fw_reply r = { NULL, 0 };
    cJSON *pii = NULL, *reply = NULL;
    char *req = NULL, evidence[65] = "", reason[256] = "";
    unsigned char h[32];
    const char *res, *why;
    uint32_t st = 0, to = 0;
    int rc, decided = 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (liveness && (!*liveness || strlen(liveness) > 64))
        return fw__error_set(err, FW_EINVAL, "liveness", "must be 1 to 64 bytes (e.g. \"pass\") or NULL");
    if ((rc = fw__authz_require(ctx, "party.worker.verify", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_worker_state(ctx, worker_id, &st, err);
    if (rc == FW_OK && st != FW_WORKER_REGISTERED && st != FW_WORKER_FAILED)
        rc = fw__error_set(err, FW_ESTATE, NULL,
                           "worker %lld is %s; only a registered or failed worker is verified",
                           (long long)worker_id, fw__worker_state_name(st));
    to = st;
    if (rc == FW_OK && ctx->identity.verify_person) {
        rc = fw__party_open_pii(ctx, T_W, "worker", worker_id, &pii, err);
        if (rc == FW_OK) {
            if (liveness)
                cJSON_AddStringToObject(pii, "liveness", liveness);
            req = fw__json_print(pii);
            rc = req ? FW_OK : fw__error_nomem(err);
        }
        if (rc == FW_OK) {
            rc = fw__provider_call(ctx->identity.verify_person, ctx->identity.payload, req, strlen(req), &r);
            if (rc == FW_EPENDING || rc == FW_ETIMEOUT) {
                rc = FW_OK;
            } else if (rc != FW_OK) {
                rc = fw__error_set(err, FW_EPROVIDER, NULL, "the identity provider's verify_person failed (%d)", rc);
            } else {
                reply = cJSON_Parse(r.json);
                res = fw__pii_str(reply, "result", NULL);
                why = fw__pii_str(reply, "reason", NULL);
                crypto_generichash(h, sizeof(h), (const unsigned char *)r.json, r.len, NULL, 0);
                sodium_bin2hex(evidence, sizeof(evidence), h, sizeof(h));
                if (res && strcmp(res, "pass") == 0)
                    decided = 1;
                else if (res && strcmp(res, "fail") == 0) {
                    decided = -1;
                    snprintf(reason, sizeof(reason), "%s", why ? why : "real-name check failed");
                } else
                    rc = fw__error_set(err, FW_EPROVIDER, NULL,
                                       "verify_person must answer {\"result\":\"pass\"|\"fail\"}");
                cJSON_Delete(reply);
            }
        }
    }
    if (rc == FW_OK && !decided)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_worker SET verify_pending=1 WHERE id=?", "i", worker_id);
    if (rc == FW_OK && decided) {
        to = decided > 0 ? FW_WORKER_VERIFIED : FW_WORKER_FAILED;
        rc = record_verification(ctx, worker_id, liveness ? "provider+liveness" : "provider",
                                 decided > 0 ? "pass" : "fail", decided > 0 ? NULL : reason, evidence, err);
        if (rc == FW_OK)
            rc = set_state(ctx, worker_id, st, to, "party.worker.verify",
                           decided > 0 ? "\"method\":\"provider\"" : "\"method\":\"provider\",\"result\":\"fail\"",
                           err);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = to;
    fw__reply_clear(&r);
    free_secret(req);
    cJSON_Delete(pii);
    return rc;
}

int fw_party_worker_review(fw_ctx *ctx, fw_id worker_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "decision", "reason", "evidence_sha256", NULL };
    static const char *const decisions[] = { "approve", "reject", NULL };
    cJSON *root = NULL;
    const char *reason = NULL, *evidence = NULL;
    uint32_t st, to;
    int decision = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "party.worker.review", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "decision", FW__REQUIRED, decisions, &decision, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "reason", decision == 1, 1, 500, &reason, err)) == FW_OK)
        rc = fw__json_hex(root, "$", "evidence_sha256", FW__OPTIONAL, 32, &evidence, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__party_worker_state(ctx, worker_id, &st, err);
        if (rc == FW_OK && st != FW_WORKER_REGISTERED && st != FW_WORKER_FAILED)
            rc = fw__error_set(err, FW_ESTATE, NULL,
                               "worker %lld is %s; only a registered or failed worker is reviewed",
                               (long long)worker_id, fw__worker_state_name(st));
        if (rc == FW_OK) {
            to = decision == 0 ? FW_WORKER_VERIFIED : FW_WORKER_FAILED;
            rc = record_verification(ctx, worker_id, "manual", decision == 0 ? "pass" : "fail", reason,
                                     evidence, err);
            if (rc == FW_OK)
                rc = set_state(ctx, worker_id, st, to, "party.worker.review", "\"method\":\"manual\"", err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

static int transition(fw_ctx *ctx, fw_id id, const char *action, uint32_t from_mask, uint32_t to,
                      const char *reason, fw_error **err)
{
    uint32_t st;
    char extra[700] = "";
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, action, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_worker_state(ctx, id, &st, err);
    if (rc == FW_OK && !(from_mask & (1u << st)))
        rc = fw__error_set(err, FW_ESTATE, NULL, "worker %lld is %s; %s is not possible from there",
                           (long long)id, fw__worker_state_name(st), action);
    if (rc == FW_OK && to == FW_WORKER_ACTIVE)  /* higher modules may refuse (core/hook.h) */
        rc = fw__hook_run(ctx, "party.worker.activate", id, NULL, err);
    if (rc == FW_OK && to == 0) {           /* resume: back to the state before suspension */
        int64_t prior = 0;
        rc = fw__db_i64(ctx, &prior, err, "SELECT coalesce(prior_state, 2) FROM fw_party_worker WHERE id=?", "i", id);
        to = (uint32_t)prior;
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_worker SET prior_state=?, suspend_reason=? WHERE id=?", "iti",
                         (int64_t)st, reason, id);
    if (rc == FW_OK && reason) {
        cJSON *r = cJSON_CreateString(reason);
        char *q = fw__json_print(r);
        snprintf(extra, sizeof(extra), "\"reason\":%s", q ? q : "\"\"");
        free(q);
        cJSON_Delete(r);
    }
    if (rc == FW_OK)
        rc = set_state(ctx, id, st, to, action, reason ? extra : NULL, err);
    return fw__tx_end(ctx, rc, err);
}

int fw_party_worker_activate(fw_ctx *ctx, fw_id worker_id, fw_error **err)
{
    uint32_t st = 0;

    if (ctx && fw__party_worker_state(ctx, worker_id, &st, NULL) == FW_OK && st == FW_WORKER_VERIFIED &&
        fw__authz_require(ctx, "party.worker.activate", NULL) == FW_OK)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "WORKER_NOT_SIGNED: worker %lld has not signed a service agreement",
                             (long long)worker_id);
    return transition(ctx, worker_id, "party.worker.activate", 1u << FW_WORKER_SIGNED, FW_WORKER_ACTIVE,
                      NULL, err);
}

int fw_party_worker_suspend(fw_ctx *ctx, fw_id worker_id, const char *reason, fw_error **err)
{
    if (!reason || !*reason || strlen(reason) > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    return transition(ctx, worker_id, "party.worker.suspend",
                      (1u << FW_WORKER_ACTIVE) | (1u << FW_WORKER_SIGNED) | (1u << FW_WORKER_VERIFIED),
                      FW_WORKER_SUSPENDED, reason, err);
}

int fw_party_worker_resume(fw_ctx *ctx, fw_id worker_id, fw_error **err)
{
    return transition(ctx, worker_id, "party.worker.resume", 1u << FW_WORKER_SUSPENDED, 0, NULL, err);
}

int fw_party_worker_close(fw_ctx *ctx, fw_id worker_id, fw_error **err)
{
    uint32_t st;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.worker.close", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_worker_state(ctx, worker_id, &st, err);
    if (rc == FW_OK && st == FW_WORKER_CLOSED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "worker %lld is already closed", (long long)worker_id);
    if (rc == FW_OK)
        rc = fw__party_run_cancel_checks(ctx, FW__PARTY_WORKER, worker_id, err);
    if (rc == FW_OK)
        rc = set_state(ctx, worker_id, st, FW_WORKER_CLOSED, "party.worker.close", NULL, err);
    return fw__tx_end(ctx, rc, err);
}

int fw_party_worker_change(fw_ctx *ctx, fw_id worker_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "phone", "bank_card", NULL };
    cJSON *root = NULL, *pii = NULL;
    const char *phone = NULL, *card = NULL;
    uint32_t st;
    int luhn = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require_owner(ctx, "party.worker.change", 0, worker_id, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "phone", FW__OPTIONAL, 11, 11, &phone, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "bank_card", FW__OPTIONAL, 1, 32, &card, err)) == FW_OK && phone)
        rc = fw__party_check_phone(phone, "$.phone", err);
    if (rc == FW_OK && card)
        rc = check_card(card, "$.bank_card", &luhn, err);
    if (rc == FW_OK && !phone && !card)
        rc = fw__error_set(err, FW_EINVAL, "$", "give phone, bank_card or both");
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__party_worker_state(ctx, worker_id, &st, err);
        if (rc == FW_OK && st == FW_WORKER_CLOSED)
            rc = fw__error_set(err, FW_ESTATE, NULL, "worker %lld is closed", (long long)worker_id);
        if (rc == FW_OK)
            rc = fw__party_open_pii(ctx, T_W, "worker", worker_id, &pii, err);
        if (rc == FW_OK && phone)
            cJSON_ReplaceItemInObjectCaseSensitive(pii, "phone", cJSON_CreateString(phone));
        if (rc == FW_OK && card)
            cJSON_ReplaceItemInObjectCaseSensitive(pii, "bank_card", cJSON_CreateString(card));
        if (rc == FW_OK)
            rc = store_pii(ctx, worker_id, pii, err);
        if (rc == FW_OK)    /* higher modules screen the new card or phone (core/hook.h) */
            rc = fw__hook_run(ctx, "party.worker.change", worker_id, NULL, err);
        if (rc == FW_OK && card)
            rc = fw__db_exec(ctx, err, "UPDATE fw_party_worker SET warnings=?, updated_ms=? WHERE id=?", "tii",
                             luhn ? "[\"BANK_CARD_LUHN\"]" : "[]", fw_ctx_now(ctx), worker_id);
        if (rc == FW_OK)
            rc = fw__party_audit(ctx, err, "party.worker.change", "worker", worker_id,
                                 "{\"fields\":[%s%s%s]}", phone ? "\"phone\"" : "",
                                 phone && card ? "," : "", card ? "\"bank_card\"" : "");
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(pii);
    cJSON_Delete(root);
    return rc;
}

static void add_field(cJSON *o, const char *name, const char *v, int clear,
                      const char *(*mask)(const char *, char *, size_t))
{
    char buf[128];
    if (!v)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, clear ? v : mask(v, buf, sizeof(buf)));
}

int fw_party_worker_get(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const channels[] = { "", "self", "assisted" };
    cJSON *o, *v, *pii = NULL;
    fw__stmt *s;
    fw_id_number_info info;
    uint32_t st;
    int rc, clear, erased, age;
    int64_t ch;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if (ctx->role == FW_ROLE_ENTERPRISE_USER) {
        rc = fw__authz_require(ctx, "party.worker.get", err);
        if (rc == FW_OK && !fw__party_worker_linked(ctx, worker_id, ctx->party_id))
            rc = fw__error_set(err, FW_EPERM, NULL,
                               "party.worker.get: enterprise %lld's user may not read a worker of another "
                               "enterprise", (long long)ctx->party_id);
    } else {
        rc = fw__authz_require_owner(ctx, "party.worker.get", 0, worker_id, err);
    }
    if (rc != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err,
                      "SELECT state, channel, registered_by, warnings, verify_method, verify_result, verify_reason, "
                      "verify_evidence, verify_pending, suspend_reason, external_ref, erased_ms, created_ms, "
                      "updated_ms FROM fw_party_worker WHERE id=?", "i", worker_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no worker %lld", (long long)worker_id);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    o = cJSON_CreateObject();
    st = (uint32_t)fw__db_col_i64(s, 0);
    fw__json_add_i64(o, "id", worker_id);
    fw__json_add_i64(o, "state", st);
    cJSON_AddStringToObject(o, "state_name", fw__worker_state_name(st));
    ch = fw__db_col_i64(s, 1);
    cJSON_AddStringToObject(o, "channel", ch == 1 || ch == 2 ? channels[ch] : "");
    cJSON_AddStringToObject(o, "registered_by", fw__db_col_text(s, 2));
    cJSON_AddItemToObject(o, "warnings", cJSON_Parse(fw__db_col_text(s, 3)));
    v = cJSON_AddObjectToObject(o, "verification");
    if (fw__db_col_text(s, 4))
        cJSON_AddStringToObject(v, "method", fw__db_col_text(s, 4));
    if (fw__db_col_text(s, 5))
        cJSON_AddStringToObject(v, "result", fw__db_col_text(s, 5));
    if (fw__db_col_text(s, 6))
        cJSON_AddStringToObject(v, "reason", fw__db_col_text(s, 6));
    if (fw__db_col_text(s, 7))
        cJSON_AddStringToObject(v, "evidence_sha256", fw__db_col_text(s, 7));
    cJSON_AddBoolToObject(v, "pending", fw__db_col_i64(s, 8) != 0);
    if (fw__db_col_text(s, 9))
        cJSON_AddStringToObject(o, "suspend_reason", fw__db_col_text(s, 9));
    if (fw__db_col_text(s, 10))
        cJSON_AddStringToObject(o, "external_ref", fw__db_col_text(s, 10));
    erased = !fw__db_col_is_null(s, 11);
    fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 12));
    fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 13));
    fw__db_done(s);

    clear = fw__authz_may_see_pii(ctx, worker_id);
    rc = erased ? FW_ESHREDDED : fw__party_open_pii(ctx, T_W, "worker", worker_id, &pii, err);
    if (rc == FW_ESHREDDED) {
        rc = FW_OK;
        erased = 1;
        if (err && *err) {
            fw_error_free(*err);
            *err = NULL;
        }
    }
    cJSON_AddBoolToObject(o, "erased", erased);
    if (rc == FW_OK && erased) {
        cJSON_AddNullToObject(o, "name");
        cJSON_AddNullToObject(o, "id_number");
        cJSON_AddNullToObject(o, "phone");
        cJSON_AddNullToObject(o, "bank_card");
    } else if (rc == FW_OK) {
        const char *idn = fw__pii_str(pii, "id_number", NULL);
        add_field(o, "name", fw__pii_str(pii, "name", NULL), clear, fw__mask_name);
        add_field(o, "id_number", idn, clear, fw__mask_id_number);
        add_field(o, "phone", fw__pii_str(pii, "phone", NULL), clear, fw__mask_phone);
        add_field(o, "bank_card", fw__pii_str(pii, "bank_card", NULL), clear, fw__mask_bank_card);
        if (idn && fw__id_number_parse(idn, NULL, &info, NULL) == FW_OK) {
            int y, m, d;
            fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
            age = fw__age_years(info.birth_year, info.birth_month, info.birth_day, y, m, d);
            cJSON_AddStringToObject(o, "gender", info.gender == FW_GENDER_MALE ? "male" : "female");
            cJSON_AddBoolToObject(o, "minor", age < ADULT_AGE);
        }
    }
    cJSON_Delete(pii);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_party_worker_erase(fw_ctx *ctx, fw_id worker_id, fw_error **err)
{
    char subject[48];
    uint32_t st;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.worker.erase", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__party_worker_state(ctx, worker_id, &st, err);
    subject_of(worker_id, subject, sizeof(subject));
    if (rc == FW_OK)
        rc = fw_vault_shred(ctx, subject, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_worker SET id_blind=NULL, erased_ms=? WHERE id=?", "ii",
                         fw_ctx_now(ctx), worker_id);
    if (rc == FW_OK)    /* higher modules drop what they derived from the person (core/hook.h) */
        rc = fw__hook_run(ctx, "party.worker.erase", worker_id, NULL, err);
    if (rc == FW_OK)
        rc = set_state(ctx, worker_id, st, FW_WORKER_CLOSED, "party.worker.erase", "\"erased\":true", err);
    return fw__tx_end(ctx, rc, err);
}

int fw_party_worker_find(fw_ctx *ctx, const char *id_number, fw_id *out_id, fw_error **err)
{
    fw_id_number_info info;
    unsigned char blind[FW__BLIND_BYTES];
    int64_t id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if ((rc = fw__authz_require(ctx, "party.worker.find", err)) != FW_OK)
        return rc;
    if ((rc = fw__id_number_parse(id_number, "id_number", &info, err)) != FW_OK)
        return rc;
    fw__vault_blind(ctx, "id_number", info.normalized, 18, blind);
    rc = fw__db_i64(ctx, &id, err, "SELECT id FROM fw_party_worker WHERE id_blind=?", "b", (const void *)blind,
                    sizeof(blind));
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, NULL, "no worker with that ID number");
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/* ---- internal API ----------------------------------------------------------------------- */

static int open_field(fw_ctx *ctx, fw_id worker_id, const char *field, char **out, fw_error **err)
{
    cJSON *pii = NULL;
    const char *v;
    uint32_t st;
    int rc = fw__party_worker_state(ctx, worker_id, &st, err);

    if (rc == FW_OK)
        rc = fw__party_open_pii(ctx, T_W, "worker", worker_id, &pii, err);
    if (rc == FW_OK) {
        v = fw__pii_str(pii, field, NULL);
        *out = v ? strdup(v) : NULL;
        if (!*out)
            rc = fw__error_nomem(err);
    }
    if (pii) {
        cJSON *c = cJSON_GetObjectItemCaseSensitive(pii, field);
        if (cJSON_IsString(c))
            sodium_memzero(c->valuestring, strlen(c->valuestring));
    }
    cJSON_Delete(pii);
    return rc;
}

int fw__party_worker_birth_date(fw_ctx *ctx, fw_id worker_id, int *y, int *m, int *d, fw_error **err)
{
    fw_id_number_info info;
    char *idn = NULL;
    int rc = open_field(ctx, worker_id, "id_number", &idn, err);

    if (rc == FW_OK)
        rc = fw__id_number_parse(idn, NULL, &info, err);
    if (rc == FW_OK) {
        *y = info.birth_year;
        *m = info.birth_month;
        *d = info.birth_day;
    }
    free_secret(idn);
    return rc;
}

int fw__party_worker_bank_card(fw_ctx *ctx, fw_id worker_id, char **out, fw_error **err)
{
    return open_field(ctx, worker_id, "bank_card", out, err);
}

int fw__party_worker_phone(fw_ctx *ctx, fw_id worker_id, char **out, fw_error **err)
{
    return open_field(ctx, worker_id, "phone", out, err);
}

int fw__party_worker_identity(fw_ctx *ctx, fw_id worker_id, char **name, char **id_number, fw_error **err)
{
    char *n = NULL, *i = NULL;
    int rc = open_field(ctx, worker_id, "name", &n, err);
    if (rc == FW_OK)
        rc = open_field(ctx, worker_id, "id_number", &i, err);
    if (rc != FW_OK) {
        free_secret(n);
        free_secret(i);
        return rc;
    }
    *name = n;
    *id_number = i;
    return FW_OK;
}

int fw__party_worker_agreement(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, fw_error **err)
{
    uint32_t st;
    int rc = fw__party_worker_state(ctx, worker_id, &st, err);

    if (rc == FW_OK && enterprise_id)
        rc = fw__party_link_worker(ctx, worker_id, enterprise_id, err);
    if (rc == FW_OK && st == FW_WORKER_VERIFIED)
        rc = set_state(ctx, worker_id, st, FW_WORKER_SIGNED, "party.worker.agreement", NULL, err);
    return rc;
}
