/* The audit log's append side; the public verify/checkpoint/export are in audit.c. */
#ifndef FW_CORE_AUDIT_H
#define FW_CORE_AUDIT_H

#include <flexwork/common.h>

/*
 * Appends one record for a change: action ("party.enterprise.apply"), entity type and id,
 * and detail (JSON text of what changed; it is stored, so it must not carry personal data
 * in clear: pass masked values or digests). Runs inside the caller's transaction.
 */
int fw__audit_append(fw_ctx *ctx, const char *action, const char *entity_type, fw_id entity_id,
                     const char *detail, size_t detail_len, fw_error **err);

#endif
