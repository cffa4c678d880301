/*
 * Risk control before the flow (R-7.10.a-d): the hooks into activation, task taking and
 * funding, the policy, the lists, qualification reviews, signals, ratings and limits.
 */
#include <stdarg.h>
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
#include "core/vault.h"
#include "party/party.h"
#include "risk/risk_int.h"

int fw__risk_audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                   const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return fw__error_set(err, FW_ERROR, NULL, "%s: audit detail too long", action);
    return fw__audit_append(ctx, action, entity, id, buf, (size_t)n, err);
}

const char *fw__risk_grade_name(int64_t grade)
{
    static const char *const n[] = { "", "A", "B", "C", "D" };
    return grade >= 1 && grade <= 4 ? n[grade] : "";
}

/* ---- hooks ------------------------------------------------------------------------------- */

/* Turns a decision into a hook's answer: deny refuses with the first blocking reason. */
static int hook_answer(fw_risk_decision *d, fw_error **err)
{
    size_t i;
    int rc = FW_OK;

    if (fw_risk_decision_outcome(d) == FW_RISK_DENY) {
        for (i = 0; i + 1 < fw_risk_decision_count(d); i++)
            if (fw_risk_decision_severity(d, i) == FW_RISK_BLOCK)
                break;
        rc = fw__error_set(err, FW_EDENIED, NULL, "%s: refused by the risk gate (%s)",
                           fw_risk_decision_code(d, i), d->r[i].inputs);
    }
    fw_risk_decision_free(d);
    return rc;
}

static int on_enterprise_activate(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    int rc;

    p.enterprise_id = id;
    if ((rc = fw__risk_gate(ctx, FW_RISK_ACTION_ENTERPRISE_ACTIVATE, &p, 0, &d, err)) != FW_OK)
        return rc;
    return hook_answer(d, err);
}

static int on_worker_activate(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    int rc;

    if ((rc = fw__risk_worker_refresh(ctx, id, err)) != FW_OK)
        return rc;
    p.worker_id = id;
    if ((rc = fw__risk_gate(ctx, FW_RISK_ACTION_WORKER_ACTIVATE, &p, 0, &d, err)) != FW_OK)
        return rc;
    return hook_answer(d, err);
}

/* A changed card or phone is screened at once: a listed one is refused. */
static int on_worker_change(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    uint32_t st = 0;
    int rc;

    if ((rc = fw__risk_worker_refresh(ctx, id, err)) != FW_OK ||
        (rc = fw__party_worker_state(ctx, id, &st, err)) != FW_OK)
        return rc;
    if (st != FW_WORKER_SIGNED && st != FW_WORKER_ACTIVE)
        return FW_OK;                       /* screened again when activated */
    p.worker_id = id;
    if ((rc = fw__risk_gate(ctx, FW_RISK_ACTION_WORKER_ACTIVATE, &p, 0, &d, err)) != FW_OK)
        return rc;
    return hook_answer(d, err);
}

/* An erased person leaves no blind index of their card or phone behind. */
static int on_worker_erase(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    return fw__db_exec(ctx, err, "DELETE FROM fw_risk_worker_key WHERE worker_id = ?", "i", id);
}

static int on_task_take(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    const struct fw__risk_subject *s = data;
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    int rc;

    if (!s)
        return fw__error_set(err, FW_EINVAL, NULL, "task.take: the event needs a struct fw__risk_subject");
    p.worker_id = s->worker_id;
    p.enterprise_id = s->enterprise_id;
    p.task_id = id;
    if ((rc = fw__risk_gate(ctx, FW_RISK_ACTION_TASK_TAKE, &p, s->amount_fen < 0 ? 0 : s->amount_fen, &d, err)) != FW_OK)
        return rc;
    return hook_answer(d, err);
}

static int on_funding(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    const int64_t *amount = data;
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    int rc;

    p.enterprise_id = id;
    if ((rc = fw__risk_gate(ctx, FW_RISK_ACTION_FUNDING, &p, amount && *amount > 0 ? *amount : 0, &d, err)) != FW_OK)
        return rc;
    return hook_answer(d, err);
}

int fw__risk_init(fw_ctx *ctx, fw_error **err)
{
    int rc = fw__hook_add(ctx, "party.enterprise.activate", on_enterprise_activate);
    if (rc == FW_OK)
        rc = fw__hook_add(ctx, "party.worker.activate", on_worker_activate);
    if (rc == FW_OK)
        rc = fw__hook_add(ctx, "party.worker.change", on_worker_change);
    if (rc == FW_OK)
        rc = fw__hook_add(ctx, "party.worker.erase", on_worker_erase);
    if (rc == FW_OK)
        rc = fw__hook_add(ctx, "task.take", on_task_take);
    if (rc == FW_OK)
        rc = fw__hook_add(ctx, "funding.receive", on_funding);
    if (rc != FW_OK)
        return fw__error_set(err, rc, NULL, "risk: cannot register hooks (the table is full)");
    return FW_OK;
}

/* ---- blind indexes ----------------------------------------------------------------------- */

int fw__risk_blind(fw_ctx *ctx, uint32_t kind, const char *value, const char *path,
                   unsigned char out[32], char *masked, size_t masked_size, fw_error **err)
{
    char norm[40];
    size_t len = strlen(value), i, n = 0;
    int rc;

    switch (kind) {
    case FW_RISK_KIND_PERSON: {
        fw_id_number_info info;
        if ((rc = fw__id_number_parse(value, path, &info, err)) != FW_OK)
            return rc;
        fw__vault_blind(ctx, "id_number", info.normalized, 18, out);   /* party's own index */
        fw__mask_id_number(info.normalized, masked, masked_size);
        return FW_OK;
    }
    case FW_RISK_KIND_BANK_CARD:
        for (i = 0; i < len && n < sizeof(norm) - 1; i++)
            if (value[i] != ' ')
                norm[n++] = value[i];
        norm[n] = 0;
        for (i = 0; i < n; i++)
            if (norm[i] < '0' || norm[i] > '9')
                n = 0;
        if (n < 8 || n > 19)
            return fw__error_set(err, FW_EINVAL, path, "must be a bank card number of 8 to 19 digits");
        fw__vault_blind(ctx, "bank_card", norm, n, out);
        fw__mask_bank_card(norm, masked, masked_size);
        return FW_OK;
    case FW_RISK_KIND_PHONE:
        if (len != 11 || value[0] != '1' || strspn(value, "0123456789") != 11)
            return fw__error_set(err, FW_EINVAL, path, "must be an 11-digit mobile number starting with 1");
        fw__vault_blind(ctx, "phone", value, 11, out);
        fw__mask_phone(value, masked, masked_size);
        return FW_OK;
    case FW_RISK_KIND_ENTERPRISE: {
        uint32_t why = 0;
        if (len != 18)
            return fw__error_set(err, FW_EINVAL, path, "must be an 18-character USCC, got %zu characters", len);
        for (i = 0; i < 18; i++)
            norm[i] = (char)(value[i] >= 'a' && value[i] <= 'z' ? value[i] - 32 : value[i]);
        norm[18] = 0;
        if ((rc = fw__uscc_parse(norm, 0, path, &why, err)) != FW_OK)
            return rc;
        fw__vault_blind(ctx, "uscc", norm, 18, out);
        snprintf(masked, masked_size, "%s", norm);      /* a USCC is public, not personal */
        return FW_OK;
    }
    }
    return fw__error_set(err, FW_EINVAL, path, "unknown list kind %u", kind);
}

int fw__risk_worker_refresh(fw_ctx *ctx, fw_id worker_id, fw_error **err)
{
    unsigned char card_b[32], phone_b[32];
    char masked[64], *card = NULL, *phone = NULL;
    int have_card = 0, have_phone = 0, rc;

    rc = fw__party_worker_bank_card(ctx, worker_id, &card, err);
    if (rc == FW_ESHREDDED)
        rc = FW_OK;                         /* erased: nothing left to screen */
    if (rc == FW_OK && card)
        have_card = fw__risk_blind(ctx, FW_RISK_KIND_BANK_CARD, card, NULL, card_b, masked, sizeof(masked), NULL) == FW_OK;
    if (rc == FW_OK)
        rc = fw__party_worker_phone(ctx, worker_id, &phone, err);
    if (rc == FW_ESHREDDED)
        rc = FW_OK;
    if (rc == FW_OK && phone)
        have_phone = fw__risk_blind(ctx, FW_RISK_KIND_PHONE, phone, NULL, phone_b, masked, sizeof(masked), NULL) == FW_OK;
    if (card)
        sodium_memzero(card, strlen(card));
    if (phone)
        sodium_memzero(phone, strlen(phone));
    fw_free(card);
    fw_free(phone);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_worker_key(worker_id, card_blind, phone_blind, updated_ms) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT(worker_id) DO UPDATE SET card_blind = excluded.card_blind, "
                         "phone_blind = excluded.phone_blind, updated_ms = excluded.updated_ms", "ibbi", worker_id,
                         have_card ? card_b : NULL, (size_t)32, have_phone ? phone_b : NULL, (size_t)32,
                         fw_ctx_now(ctx));
    return rc;
}

/* ---- policy ------------------------------------------------------------------------------ */

int fw_risk_config_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "require_qualification", "rating_interval_ms", NULL };
    cJSON *root = NULL;
    int64_t interval = -1;
    int req = -1, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.configure", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_bool(root, "$", "require_qualification", FW__OPTIONAL, &req, err)) == FW_OK)
        rc = fw__json_i64(root, "$", "rating_interval_ms", FW__OPTIONAL, 60000, 31536000000LL, &interval, err);
    cJSON_Delete(root);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "UPDATE fw_risk_config SET updated_ms = ? WHERE id = 1", "i", fw_ctx_now(ctx));
    if (rc == FW_OK && req >= 0)
        rc = fw__db_exec(ctx, err, "UPDATE fw_risk_config SET require_qualification = ? WHERE id = 1", "i",
                         (int64_t)req);
    if (rc == FW_OK && interval > 0)
        rc = fw__db_exec(ctx, err, "UPDATE fw_risk_config SET rating_interval_ms = ? WHERE id = 1", "i", interval);
    if (rc == FW_OK)
        rc = fw__risk_audit(ctx, err, "risk.config", "risk_config", 1,
                            "{\"require_qualification\":%d,\"rating_interval_ms\":%lld}", req, (long long)interval);
    return fw__tx_end(ctx, rc, err);
}
