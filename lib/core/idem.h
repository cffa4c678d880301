/*
 * Idempotency (DESIGN §4, TigerBeetle semantics). Every call that moves money or changes a
 * financial state takes a key (1..255 bytes) and runs:
 *
 *   fw__idem idem;
 *   if ((rc = fw__tx_begin(ctx, err)) != FW_OK) return rc;
 *   rc = fw__idem_begin(ctx, &idem, "ledger.transfer", key, canonical_request, len, err);
 *   if (rc == FW_OK && idem.replayed) {        // same key, same request: the first outcome
 *       id = idem.result_id; rc = idem.rc;     // (a first failure fails again the same way)
 *   } else if (rc == FW_OK) {
 *       rc = do_the_work(ctx, ..., &id, err);
 *   }
 *   return fw__idem_end(ctx, &idem, rc, id, NULL, err);   // records, then commits or rolls back
 *
 * The canonical request is JSON text of the request's fields; a different request under the
 * same key fails with FW_ECONFLICT naming the first field that differs.
 */
#ifndef FW_CORE_IDEM_H
#define FW_CORE_IDEM_H

#include <flexwork/common.h>

#define FW__IDEM_KEY_MAX 255

typedef struct fw__idem {
    const char *scope;
    char key[FW__IDEM_KEY_MAX + 1];
    unsigned char hash[32];
    char *request;          /* keyed digests of the request's fields (never the request itself) */
    size_t request_len;
    int active;             /* 1 when a key was given (an empty key disables idempotency) */
    int replayed;           /* 1: the stored outcome is below */
    int rc;
    fw_id result_id;
    char *result_json;      /* owned; freed by fw__idem_end */
} fw__idem;

/* Must run inside the caller's transaction. A NULL or "" key makes the call non-idempotent. */
int fw__idem_begin(fw_ctx *ctx, fw__idem *idem, const char *scope, const char *key,
                   const char *request, size_t request_len, fw_error **err);

/*
 * Ends the call: on FW_OK stores the outcome and commits; on a business failure (a final
 * outcome such as FW_EFUNDS, FW_ESTATE, FW_EDENIED, FW_ELIMIT, FW_ENOTFOUND) rolls the work
 * back and stores the failure so that a retry fails the same way; on a transient failure
 * (FW_EBUSY, FW_EIO, FW_ENOMEM, ...) rolls back and stores nothing. Returns rc.
 */
int fw__idem_end(fw_ctx *ctx, fw__idem *idem, int rc, fw_id result_id, const char *result_json,
                 fw_error **err);

/* 1 when rc is a final business outcome worth remembering. */
int fw__idem_is_final(int rc);

#endif
