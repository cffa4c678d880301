/*
 * The one authorisation table (DESIGN §6, R-4.2, R-6.h). Each action names the roles that may
 * perform it. Party-bound roles (enterprise user, worker) are further limited to their own
 * party's data by fw__authz_require_owner().
 *
 * Modules keep their rows together under their own heading, actions named "<module>.<verb>".
 */
#include <string.h>

#include "core/authz.h"
#include "core/ctx.h"
#include "core/error.h"

#define R(role) (1u << (FW_ROLE_##role))
#define STAFF   (R(ADMIN) | R(OPERATOR))
#define ANYONE  (R(ADMIN) | R(OPERATOR) | R(REVIEWER) | R(FINANCE) | R(TAX_AGENT) | R(AUDITOR) | \
                 R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) | R(COORDINATOR) | R(SUPPORT))
#define READERS (R(ADMIN) | R(OPERATOR) | R(REVIEWER) | R(FINANCE) | R(TAX_AGENT) | R(AUDITOR) | \
                 R(COORDINATOR))

struct rule {
    const char *action;
    uint32_t roles;
};

static const struct rule rules[] = {
    /* core */
    { "audit.verify",       R(ADMIN) | R(AUDITOR) | R(SYSTEM) },
    { "audit.checkpoint",   R(ADMIN) | R(AUDITOR) | R(SYSTEM) },
    { "audit.export",       R(ADMIN) | R(AUDITOR) },
    { "vault.shred",        R(ADMIN) },
    { "core.test",          R(ADMIN) },

    /* party */

    /* contract */

    /* training */

    /* task */

    /* ledger */

    /* funding */

    /* fee */

    /* tax */

    /* risk */

    /* payout */

    /* invoice */

    /* recon */

    /* archive */
    { "archive.configure",      R(ADMIN) },
    { "archive.file",           STAFF | R(REVIEWER) | R(FINANCE) | R(TAX_AGENT) | R(SYSTEM) |
                                R(ENTERPRISE_USER) | R(WORKER) },
    { "archive.arrange",        STAFF | R(SYSTEM) },
    { "archive.read",           READERS | R(SYSTEM) | R(ENTERPRISE_USER) | R(WORKER) },
    { "archive.get",            READERS | R(SYSTEM) | R(ENTERPRISE_USER) | R(WORKER) },
    { "archive.access_log",     READERS },
    { "archive.retention_set",  R(ADMIN) },
    { "archive.retention_list", READERS | R(SYSTEM) },
    { "archive.hold",           STAFF | R(FINANCE) | R(SYSTEM) },
    { "archive.appraise",       STAFF },
    { "archive.destroy",        R(ADMIN) },
    { "archive.register",       READERS },
    { "archive.pi_block",       STAFF | R(SYSTEM) },
    { "archive.pi_purge",       R(ADMIN) },
    { "archive.stats",          READERS },
    { "archive.export",         R(ADMIN) | R(OPERATOR) | R(AUDITOR) },

    /* insurance */
    { "insurance.product",        STAFF },
    { "insurance.product_get",    ANYONE },
    { "insurance.recommend",      STAFF | R(SYSTEM) | R(COORDINATOR) | R(WORKER) },
    { "insurance.enrol",          STAFF | R(SYSTEM) | R(WORKER) },
    { "insurance.enrol_cancel",   STAFF | R(SYSTEM) },
    { "insurance.enrolments",     READERS | R(SYSTEM) | R(WORKER) },
    { "insurance.charge",         STAFF | R(FINANCE) | R(SYSTEM) },
    { "insurance.premiums",       READERS | R(SYSTEM) },
    { "insurance.certificate",    STAFF | R(SYSTEM) | R(WORKER) },
    { "insurance.social_request", STAFF | R(SYSTEM) | R(WORKER) },
    { "insurance.social_update",  STAFF | R(FINANCE) | R(SYSTEM) },
    { "insurance.social_list",    READERS | R(SYSTEM) | R(WORKER) },

    /* service */
    { "service.case_open",        STAFF | R(SYSTEM) | R(COORDINATOR) | R(SUPPORT) | R(ENTERPRISE_USER) | R(WORKER) },
    { "service.case_acknowledge", STAFF | R(SYSTEM) | R(SUPPORT) },
    { "service.case_assess",      STAFF | R(SUPPORT) },
    { "service.case_investigate", STAFF | R(SUPPORT) },
    { "service.case_respond",     STAFF | R(SUPPORT) },
    { "service.case_decide",      STAFF },
    { "service.case_close",       STAFF | R(SUPPORT) | R(ENTERPRISE_USER) | R(WORKER) },
    { "service.case_escalate",    STAFF | R(SUPPORT) | R(SYSTEM) | R(ENTERPRISE_USER) | R(WORKER) },
    { "service.case_reopen",      STAFF | R(ENTERPRISE_USER) | R(WORKER) },
    { "service.case_get",         READERS | R(SYSTEM) | R(SUPPORT) | R(ENTERPRISE_USER) | R(WORKER) },
    { "service.overdue",          READERS | R(SYSTEM) | R(SUPPORT) },
    { "service.sla_set",          R(ADMIN) },
    { "service.evaluate",         STAFF | R(SYSTEM) | R(SUPPORT) | R(ENTERPRISE_USER) | R(WORKER) },
    { "service.plan_set",         R(ADMIN) },
    { "service.incident",         STAFF | R(SYSTEM) | R(SUPPORT) },
    { "service.incident_get",     READERS | R(SYSTEM) | R(SUPPORT) },
    { "service.checkpoint_define", R(ADMIN) },
    { "service.action",           STAFF },
    { "service.report",           READERS | R(SYSTEM) },

    { NULL, 0 }
};

const char *fw__role_name(uint32_t role)
{
    static const char *const names[] = { "none", "admin", "operator", "reviewer", "finance",
                                         "tax_agent", "auditor", "enterprise_user", "worker",
                                         "system", "coordinator", "support" };
    return role < sizeof(names) / sizeof(names[0]) ? names[role] : "unknown";
}

static const struct rule *find_rule(const char *action)
{
    const struct rule *r;
    for (r = rules; r->action; r++)
        if (strcmp(r->action, action) == 0)
            return r;
    return NULL;
}

int fw__authz_require(fw_ctx *ctx, const char *action, fw_error **err)
{
    const struct rule *r = find_rule(action);

    if (ctx->role == FW_ROLE_NONE)
        return fw__error_set(err, FW_EPERM, NULL,
                             "%s: no actor is set on the context; call fw_ctx_set_actor() first", action);
    if (!r)
        return fw__error_set(err, FW_EPERM, NULL, "%s: no rule allows this action", action);
    if (!(r->roles & (1u << ctx->role)))
        return fw__error_set(err, FW_EPERM, NULL, "%s: the role %s may not do this", action,
                             fw__role_name(ctx->role));
    return FW_OK;
}

int fw__authz_require_owner(fw_ctx *ctx, const char *action, fw_id enterprise_id,
                            fw_id worker_id, fw_error **err)
{
    int rc = fw__authz_require(ctx, action, err);

    if (rc != FW_OK)
        return rc;
    if (ctx->role == FW_ROLE_ENTERPRISE_USER && enterprise_id != ctx->party_id)
        return fw__error_set(err, FW_EPERM, NULL,
                             "%s: enterprise %lld's user may not act on another enterprise's data",
                             action, (long long)ctx->party_id);
    if (ctx->role == FW_ROLE_WORKER && worker_id != ctx->party_id)
        return fw__error_set(err, FW_EPERM, NULL,
                             "%s: worker %lld may not act on another person's data", action,
                             (long long)ctx->party_id);
    return FW_OK;
}

int fw__authz_may_see_pii(const fw_ctx *ctx, fw_id worker_id)
{
    switch (ctx->role) {
    case FW_ROLE_ADMIN:
    case FW_ROLE_REVIEWER:
    case FW_ROLE_TAX_AGENT:
    case FW_ROLE_SYSTEM:
        return 1;
    case FW_ROLE_WORKER:
        return worker_id == ctx->party_id;
    default:
        return 0;
    }
}
