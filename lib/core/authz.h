/*
 * Authorisation: one table (authz.c) says which roles may perform each action. Actions are
 * named "<module>.<verb>"; a call checks its action before it reads or writes anything.
 * An enterprise user acts only on its own enterprise's data, a worker only on their own.
 */
#ifndef FW_CORE_AUTHZ_H
#define FW_CORE_AUTHZ_H

#include <flexwork/common.h>

/* FW_EPERM (with the action and the actor's role in the message) unless the actor's role may. */
int fw__authz_require(fw_ctx *ctx, const char *action, fw_error **err);

/*
 * As fw__authz_require, and for party-bound roles also that the data belongs to the actor:
 * an enterprise user needs enterprise_id == its party, a worker needs worker_id == theirs.
 * Pass 0 for an owner the data does not have.
 */
int fw__authz_require_owner(fw_ctx *ctx, const char *action, fw_id enterprise_id,
                            fw_id worker_id, fw_error **err);

/* 1 when the actor may see personal fields unmasked (platform staff cleared for PII, or the person). */
int fw__authz_may_see_pii(const fw_ctx *ctx, fw_id worker_id);

/* The role's name ("admin", "worker", ...) for messages and the audit log. */
const char *fw__role_name(uint32_t role);

#endif
