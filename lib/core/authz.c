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
    { "core.test_owner",    R(ADMIN) | R(ENTERPRISE_USER) | R(WORKER) },

    /* party */
    { "party.enterprise.apply",        STAFF | R(COORDINATOR) | R(SYSTEM) },
    { "party.enterprise.verify",       STAFF | R(REVIEWER) | R(SYSTEM) },
    { "party.enterprise.review",       R(ADMIN) | R(REVIEWER) },
    { "party.enterprise.activate",     STAFF | R(SYSTEM) },
    { "party.enterprise.change",       STAFF | R(ENTERPRISE_USER) | R(SYSTEM) },
    { "party.enterprise.suspend",      STAFF | R(REVIEWER) },
    { "party.enterprise.resume",       STAFF | R(REVIEWER) },
    { "party.enterprise.cancel",       STAFF },
    { "party.enterprise.get",          READERS | R(ENTERPRISE_USER) | R(SYSTEM) | R(SUPPORT) },
    { "party.enterprise.user_add",     STAFF | R(ENTERPRISE_USER) },
    { "party.enterprise.user_disable", STAFF | R(ENTERPRISE_USER) },
    { "party.enterprise.user_list",    READERS | R(ENTERPRISE_USER) | R(SUPPORT) },
    { "party.worker.register",         STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) | R(SYSTEM) },
    { "party.worker.verify",           STAFF | R(REVIEWER) | R(SYSTEM) },
    { "party.worker.review",           R(ADMIN) | R(REVIEWER) },
    { "party.worker.activate",         STAFF | R(SYSTEM) },
    { "party.worker.suspend",          STAFF | R(REVIEWER) },
    { "party.worker.resume",           STAFF | R(REVIEWER) },
    { "party.worker.change",           STAFF | R(WORKER) | R(SYSTEM) },
    { "party.worker.get",              READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },
    { "party.worker.close",            STAFF },
    { "party.worker.erase",            R(ADMIN) },
    { "party.worker.find",             STAFF | R(REVIEWER) | R(TAX_AGENT) | R(SYSTEM) },
    { "party.platform.set",            R(ADMIN) },
    { "party.platform.get",            READERS | R(SYSTEM) | R(SUPPORT) },
    { "party.channel.add",             R(ADMIN) },
    { "party.channel.revoke",          R(ADMIN) },
    { "party.staff.add",               R(ADMIN) },
    { "party.staff.disable",           R(ADMIN) },
    { "party.staff.role",              R(ADMIN) | R(SYSTEM) },

    /* contract */
    { "contract.template_add",     R(ADMIN) | R(OPERATOR) },
    { "contract.template_get",     ANYONE },
    { "contract.create",           STAFF | R(ENTERPRISE_USER) | R(SYSTEM) },
    { "contract.load",             READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },
    { "contract.send",             STAFF | R(ENTERPRISE_USER) | R(SYSTEM) },
    { "contract.sign",             STAFF | R(ENTERPRISE_USER) | R(WORKER) },
    { "contract.verify",           READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },
    { "contract.terminate",        STAFF },
    { "contract.expire_due",       STAFF | R(SYSTEM) },
    { "contract.taxreg_request",   STAFF | R(TAX_AGENT) | R(SYSTEM) },
    { "contract.taxreg_complete",  R(ADMIN) | R(TAX_AGENT) },
    { "contract.taxreg_get",       READERS | R(WORKER) | R(SYSTEM) },

    /* training */
    { "training.instructor.add",       STAFF | R(COORDINATOR) },
    { "training.course.request",       STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "training.request.list",         READERS | R(ENTERPRISE_USER) },
    { "training.course.add",           STAFF | R(COORDINATOR) },
    { "training.course.get",           ANYONE },
    { "training.session.add",          STAFF | R(COORDINATOR) },
    { "training.enrol",                STAFF | R(COORDINATOR) | R(WORKER) },
    { "training.attend",               STAFF | R(COORDINATOR) },
    { "training.assess",               STAFF | R(COORDINATOR) },
    { "training.certificate.revoke",   STAFF | R(REVIEWER) },
    { "training.certificates",         READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },
    { "training.enrolments",           READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },

    /* task */
    { "task.category.set",             STAFF },
    { "task.category.list",            ANYONE },
    { "task.policy.set",               STAFF },
    { "task.create",                   STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "task.update",                   STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "task.submit",                   STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "task.review",                   R(ADMIN) | R(REVIEWER) },
    { "task.publish",                  STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "task.cancel",                   STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "task.close",                    STAFF | R(COORDINATOR) | R(ENTERPRISE_USER) },
    { "task.get",                      READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) | R(SUPPORT) },
    { "task.list",                     READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) | R(SUPPORT) },
    { "task.take",                     STAFF | R(COORDINATOR) | R(WORKER) },
    { "task.withdraw",                 STAFF | R(WORKER) },
    { "task.deliver",                  STAFF | R(COORDINATOR) | R(WORKER) },
    { "task.accept",                   STAFF | R(ENTERPRISE_USER) },
    { "task.reject",                   STAFF | R(ENTERPRISE_USER) },
    { "task.revise",                   STAFF | R(ENTERPRISE_USER) },
    { "task.assignment.get",           READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },
    { "task.assignment.list",          READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },
    { "task.run_timers",               STAFF | R(SYSTEM) },
    { "task.evaluate",                 STAFF | R(ENTERPRISE_USER) | R(WORKER) },
    { "task.rating",                   READERS | R(ENTERPRISE_USER) | R(WORKER) | R(SYSTEM) },

    /* ledger */
    { "ledger.account_open",   STAFF | R(FINANCE) | R(SYSTEM) },
    { "ledger.account_close",  STAFF | R(FINANCE) },
    { "ledger.read",           READERS | R(SYSTEM) | R(ENTERPRISE_USER) | R(WORKER) },
    { "ledger.trial_balance",  READERS | R(SYSTEM) },
    { "ledger.transfer",       R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "ledger.entry_post",     R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "ledger.entry_reverse",  R(ADMIN) | R(FINANCE) },
    { "ledger.hold",           R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "ledger.expire_holds",   R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "ledger.period_close",   R(ADMIN) | R(FINANCE) },
    { "ledger.period_reopen",  R(ADMIN) },
    { "ledger.period_verify",  R(ADMIN) | R(FINANCE) | R(AUDITOR) | R(SYSTEM) },
    { "ledger.coa_set",        R(ADMIN) | R(FINANCE) },

    /* funding */
    { "funding.register_source", STAFF | R(FINANCE) },
    { "funding.notice",          R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "funding.resolve",         STAFF | R(FINANCE) },
    { "funding.read",            READERS | R(SYSTEM) | R(ENTERPRISE_USER) },
    { "funding.refund",          R(ADMIN) | R(FINANCE) | R(ENTERPRISE_USER) },
    { "funding.refund_complete", R(ADMIN) | R(FINANCE) | R(SYSTEM) },

    /* fee */
    { "fee.schedule_set",      R(ADMIN) | R(FINANCE) },
    { "fee.read",              READERS | R(SYSTEM) | R(ENTERPRISE_USER) },

    /* tax */
    { "tax.calc",           READERS | R(SYSTEM) | R(WORKER) },
    { "tax.read",           READERS | R(SYSTEM) | R(WORKER) },
    { "tax.rules_load",     R(ADMIN) | R(TAX_AGENT) },
    { "tax.policy",         R(ADMIN) | R(TAX_AGENT) },
    { "tax.withhold",       R(ADMIN) | R(FINANCE) | R(TAX_AGENT) | R(SYSTEM) },
    { "tax.reverse",        R(ADMIN) | R(FINANCE) | R(TAX_AGENT) | R(SYSTEM) },
    { "tax.declare",        R(ADMIN) | R(TAX_AGENT) | R(SYSTEM) },
    { "tax.declare_read",   READERS | R(SYSTEM) },
    { "tax.pay",            R(ADMIN) | R(FINANCE) | R(TAX_AGENT) | R(SYSTEM) },
    { "tax.certificate",    R(ADMIN) | R(OPERATOR) | R(TAX_AGENT) | R(SYSTEM) },

    /* risk */
    { "risk.check",      STAFF | R(FINANCE) | R(SYSTEM) },
    { "risk.release",    STAFF | R(FINANCE) | R(SYSTEM) },
    { "risk.list",       R(ADMIN) | R(OPERATOR) | R(REVIEWER) },
    { "risk.read",       READERS | R(SYSTEM) },
    { "risk.configure",  R(ADMIN) },
    { "risk.review",     STAFF | R(REVIEWER) },
    { "risk.signal",     STAFF | R(REVIEWER) | R(FINANCE) | R(SYSTEM) },
    { "risk.rate",       STAFF | R(REVIEWER) | R(SYSTEM) },
    { "risk.inspect",    STAFF | R(REVIEWER) | R(SYSTEM) },

    /* payout */
    { "payout.create",       R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "payout.submit",       R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "payout.result",       R(ADMIN) | R(OPERATOR) | R(FINANCE) | R(SYSTEM) },
    { "payout.release",      STAFF },
    { "payout.cancel",       STAFF },
    { "payout.read",         READERS | R(SYSTEM) | R(ENTERPRISE_USER) | R(WORKER) },

    /* invoice */
    { "invoice.request",     R(ADMIN) | R(FINANCE) | R(ENTERPRISE_USER) },
    { "invoice.issue",       R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "invoice.reverse",     R(ADMIN) | R(FINANCE) },
    { "invoice.read",        READERS | R(SYSTEM) | R(ENTERPRISE_USER) },

    /* recon */
    { "recon.import",          R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "recon.profile_set",     R(ADMIN) | R(FINANCE) },
    { "recon.run",             R(ADMIN) | R(FINANCE) | R(SYSTEM) },
    { "recon.read",            READERS | R(SYSTEM) },
    { "recon.case",            STAFF | R(FINANCE) },
    { "recon.adjust_propose",  STAFF | R(FINANCE) },
    { "recon.adjust_approve",  R(ADMIN) | R(FINANCE) },
    { "recon.fee_check",       R(ADMIN) | R(FINANCE) | R(AUDITOR) | R(SYSTEM) },
    { "recon.file",            READERS | R(SYSTEM) | R(ENTERPRISE_USER) },

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
    { "archive.collect",        STAFF | R(SYSTEM) },

    /* insurance */
    { "insurance.product",        STAFF },
    { "insurance.product_get",    ANYONE },
    { "insurance.recommend",      STAFF | R(SYSTEM) | R(COORDINATOR) | R(WORKER) },
    { "insurance.enrol",          STAFF | R(SYSTEM) | R(WORKER) },
    { "insurance.enrol_cancel",   STAFF | R(SYSTEM) },
    { "insurance.enrolments",     READERS | R(SYSTEM) | R(WORKER) },
    { "insurance.charge",         STAFF | R(FINANCE) | R(SYSTEM) },
    { "insurance.premiums",       READERS | R(SYSTEM) },
    { "insurance.post",           R(ADMIN) | R(FINANCE) | R(SYSTEM) },
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
