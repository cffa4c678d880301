/*
 * The platform's own profile: operating entity, USCC, licences, payment-channel
 * agreements with their validity, checked before money moves; and its staff accounts with
 * roles mapped onto the roles of the authorisation table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "party/party_int.h"

static int check_licences(const cJSON *arr, fw_error **err)
{
    static const char *const fields[] = { "kind", "number", "valid_from", "valid_to", NULL };
    const cJSON *l;
    const char *s;
    int64_t from = 0, to = 0;
    char p[48];
    size_t i = 0;
    int rc = FW_OK;

    cJSON_ArrayForEach(l, arr) {
        fw__json_path_index(p, sizeof(p), "$.licences", i++);
        if (!cJSON_IsObject(l))
            return fw__error_set(err, FW_EINVAL, p, "must be an object {\"kind\",\"number\",\"valid_from\",\"valid_to\"}");
        if ((rc = fw__json_only(l, p, fields, err)) != FW_OK ||
            (rc = fw__json_str(l, p, "kind", FW__REQUIRED, 1, 64, &s, err)) != FW_OK ||
            (rc = fw__json_str(l, p, "number", FW__REQUIRED, 1, 64, &s, err)) != FW_OK ||
            (rc = fw__json_date(l, p, "valid_from", FW__REQUIRED, &from, err)) != FW_OK ||
            (rc = fw__json_date(l, p, "valid_to", FW__REQUIRED, &to, err)) != FW_OK)
            return rc;
        if (to < from) {
            char q[64];
            return fw__error_set(err, FW_EINVAL, fw__json_path(q, sizeof(q), p, "valid_to"),
                                 "must not be before valid_from");
        }
    }
    return rc;
}

int fw_party_platform_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "operating_entity", "uscc", "licences", NULL };
    cJSON *root = NULL;
    const cJSON *lic = NULL;
    const char *entity = NULL, *uscc = NULL;
    char *ltext = NULL;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "party.platform.set", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "operating_entity", FW__REQUIRED, 2, 200, &entity, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "uscc", FW__REQUIRED, 18, 18, &uscc, err)) == FW_OK &&
        (rc = fw__uscc_parse(uscc, FW_USCC_STRICT, "$.uscc", NULL, err)) == FW_OK &&
        (rc = fw__json_arr(root, "$", "licences", FW__REQUIRED, 50, &lic, err)) == FW_OK)
        rc = check_licences(lic, err);
    if (rc == FW_OK && !(ltext = fw__json_print(lic)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_party_platform(id, operating_entity, uscc, licences, updated_ms) "
                         "VALUES (1,?,?,?,?) ON CONFLICT(id) DO UPDATE SET operating_entity=excluded.operating_entity, "
                         "uscc=excluded.uscc, licences=excluded.licences, updated_ms=excluded.updated_ms",
                         "ttti", entity, uscc, ltext, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__party_audit(ctx, err, "party.platform.set", "platform", 1,
                                 "{\"uscc\":\"%s\",\"licences\":%d}", uscc, cJSON_GetArraySize(lic));
        rc = fw__tx_end(ctx, rc, err);
    }
    free(ltext);
    cJSON_Delete(root);
    return rc;
}

static const char *date_text(int64_t ms, char *buf, size_t size)
{
    int y, m, d;
    fw__cst_date(ms, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
    return buf;
}

int fw_party_platform_get(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o, *arr, *c;
    fw__stmt *s;
    char buf[16];
    int64_t now;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "party.platform.get", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT operating_entity, uscc, licences, updated_ms FROM fw_party_platform "
                      "WHERE id=1", "");
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "the platform's profile is not recorded yet");
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "operating_entity", fw__db_col_text(s, 0));
    cJSON_AddStringToObject(o, "uscc", fw__db_col_text(s, 1));
    cJSON_AddItemToObject(o, "licences", cJSON_Parse(fw__db_col_text(s, 2)));
    fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 3));
    fw__db_done(s);
    arr = cJSON_AddArrayToObject(o, "channels");
    now = fw_ctx_now(ctx);
    rc = fw__db_query(ctx, &s, err, "SELECT id, kind, counterparty, agreement_no, valid_from_ms, valid_to_ms, "
                      "revoked_ms FROM fw_party_channel ORDER BY id", "");
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        c = cJSON_CreateObject();
        fw__json_add_i64(c, "id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(c, "kind", fw__db_col_text(s, 1));
        cJSON_AddStringToObject(c, "counterparty", fw__db_col_text(s, 2));
        cJSON_AddStringToObject(c, "agreement_no", fw__db_col_text(s, 3));
        cJSON_AddStringToObject(c, "valid_from", date_text(fw__db_col_i64(s, 4), buf, sizeof(buf)));
        cJSON_AddStringToObject(c, "valid_to", date_text(fw__db_col_i64(s, 5), buf, sizeof(buf)));
        cJSON_AddBoolToObject(c, "revoked", !fw__db_col_is_null(s, 6));
        cJSON_AddBoolToObject(c, "in_force", fw__db_col_is_null(s, 6) && fw__db_col_i64(s, 4) <= now &&
                                                 now < fw__db_col_i64(s, 5) + FW__MS_PER_DAY);
        cJSON_AddItemToArray(arr, c);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE && rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_party_channel_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "kind", "counterparty", "agreement_no", "valid_from", "valid_to", NULL };
    static const char *const kinds[] = { "bank", "payment_institution", NULL };
    cJSON *root = NULL;
    const char *cp = NULL, *no = NULL;
    int64_t from = 0, to = 0, dup = 0;
    int kind = 0, rc;
    fw_id id = 0;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "party.channel.add", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "counterparty", FW__REQUIRED, 2, 200, &cp, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "agreement_no", FW__REQUIRED, 1, 64, &no, err)) == FW_OK &&
        (rc = fw__json_date(root, "$", "valid_from", FW__REQUIRED, &from, err)) == FW_OK)
        rc = fw__json_date(root, "$", "valid_to", FW__REQUIRED, &to, err);
    if (rc == FW_OK && to < from)
        rc = fw__error_set(err, FW_EINVAL, "$.valid_to", "must not be before valid_from");
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        if (fw__db_i64(ctx, &dup, NULL, "SELECT id FROM fw_party_channel WHERE agreement_no=?", "t", no) == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.agreement_no", "agreement %s is already recorded (channel %lld)",
                               no, (long long)dup);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_party_channel(kind, counterparty, agreement_no, valid_from_ms, "
                             "valid_to_ms, created_ms) VALUES (?,?,?,?,?,?)", "tttiii", kinds[kind], cp, no, from,
                             to, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = fw__party_audit(ctx, err, "party.channel.add", "channel", id,
                                 "{\"kind\":\"%s\",\"valid_from_ms\":%lld,\"valid_to_ms\":%lld}", kinds[kind],
                                 (long long)from, (long long)to);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    cJSON_Delete(root);
    return rc;
}

int fw_party_channel_revoke(fw_ctx *ctx, fw_id channel_id, fw_error **err)
{
    int64_t revoked = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.channel.revoke", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &revoked, err, "SELECT coalesce(revoked_ms, 0) FROM fw_party_channel WHERE id=?", "i",
                    channel_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no channel agreement %lld", (long long)channel_id);
    if (rc == FW_OK && revoked)
        rc = fw__error_set(err, FW_ESTATE, NULL, "channel agreement %lld is already revoked", (long long)channel_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_channel SET revoked_ms=? WHERE id=?", "ii", fw_ctx_now(ctx),
                         channel_id);
    if (rc == FW_OK)
        rc = fw__party_audit(ctx, err, "party.channel.revoke", "channel", channel_id, "{}");
    return fw__tx_end(ctx, rc, err);
}

int fw__party_require_platform_ready(fw_ctx *ctx, fw_error **err)
{
    int64_t n = 0, now = fw_ctx_now(ctx);
    int rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_party_platform", "");

    if (rc == FW_OK && n == 0)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "PLATFORM_NO_PROFILE: the platform's profile (operating entity, licences) is not "
                             "recorded");
    /* valid_to is a date: the agreement is in force through that whole CST day */
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_party_channel WHERE revoked_ms IS NULL AND "
                        "valid_from_ms<=? AND ?<valid_to_ms+86400000", "ii", now, now);
    if (rc == FW_OK && n == 0)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "PLATFORM_NO_CHANNEL_AGREEMENT: no payment-channel agreement is in force today; "
                             "money cannot move");
    return rc;
}

int fw_party_platform_check(fw_ctx *ctx, fw_error **err)
{
    int rc;
    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.platform.get", err)) != FW_OK)
        return rc;
    return fw__party_require_platform_ready(ctx, err);
}

/* ---- staff ------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t role;
} staff_roles[] = {
    { "admin", FW_ROLE_ADMIN },         { "operator", FW_ROLE_OPERATOR },
    { "reviewer", FW_ROLE_REVIEWER },   { "finance", FW_ROLE_FINANCE },
    { "tax_agent", FW_ROLE_TAX_AGENT }, { "auditor", FW_ROLE_AUDITOR },
    { "coordinator", FW_ROLE_COORDINATOR }, { "support", FW_ROLE_SUPPORT },
};

int fw_party_staff_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "login", "name", "role", NULL };
    static const char *const roles[] = { "admin", "operator", "reviewer", "finance", "tax_agent", "auditor",
                                         "coordinator", "support", NULL };
    cJSON *root = NULL, *p = NULL;
    const char *login = NULL, *name = NULL;
    char *plain = NULL, subject[48];
    unsigned char *sealed = NULL;
    size_t n = 0;
    int64_t dup = 0;
    int role = 0, rc;
    fw_id id = 0;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "party.staff.add", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "login", FW__REQUIRED, 1, 64, &login, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 100, &name, err)) == FW_OK)
        rc = fw__json_enum(root, "$", "role", FW__REQUIRED, roles, &role, err);
    if (rc == FW_OK) {
        p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "name", name);
        plain = fw__json_print(p);
        cJSON_Delete(p);
        if (!plain)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        if (fw__db_i64(ctx, &dup, NULL, "SELECT id FROM fw_party_staff WHERE login=?", "t", login) == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.login", "staff login '%s' is taken (staff %lld)", login,
                               (long long)dup);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_party_staff(login, role, pii, enabled, created_ms) "
                             "VALUES (?,?,x'',1,?)", "tii", login, (int64_t)staff_roles[role].role, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            snprintf(subject, sizeof(subject), "staff:%lld", (long long)id);
            rc = fw__party_seal_json(ctx, subject, "fw_party_staff", id, plain, &sealed, &n, err);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_party_staff SET pii=? WHERE id=?", "bi", (const void *)sealed, n, id);
        if (rc == FW_OK)
            rc = fw__party_audit(ctx, err, "party.staff.add", "staff", id, "{\"role\":\"%s\"}", roles[role]);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    free(sealed);
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_party_staff_disable(fw_ctx *ctx, fw_id staff_id, fw_error **err)
{
    int64_t enabled = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "party.staff.disable", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &enabled, err, "SELECT enabled FROM fw_party_staff WHERE id=?", "i", staff_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no staff account %lld", (long long)staff_id);
    if (rc == FW_OK && !enabled)
        rc = fw__error_set(err, FW_ESTATE, NULL, "staff account %lld is already disabled", (long long)staff_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_party_staff SET enabled=0 WHERE id=?", "i", staff_id);
    if (rc == FW_OK)
        rc = fw__party_audit(ctx, err, "party.staff.disable", "staff", staff_id, "{}");
    return fw__tx_end(ctx, rc, err);
}

int fw_party_staff_role(fw_ctx *ctx, const char *login, uint32_t *out_role, fw_error **err)
{
    int64_t role = 0;
    int rc;

    if (!ctx || !login || !out_role)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, login and out_role are required");
    if ((rc = fw__authz_require(ctx, "party.staff.role", err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &role, err, "SELECT role FROM fw_party_staff WHERE login=? AND enabled=1", "t", login);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "login", "no enabled staff account '%.64s'", login);
    if (rc == FW_OK)
        *out_role = (uint32_t)role;
    return rc;
}
