/**
 * @file audit.h
 * Full-process traceability (R-3.3.j): every change appends a record to a hash-chained log
 * (BLAKE2b-256 over the previous hash and the canonical record: sequence, time, actor,
 * action, entity and the digest of the change). Signed checkpoints (Ed25519, a platform key
 * derived from the master key) let an outsider verify an exported log without the store.
 */
#ifndef FLEXWORK_AUDIT_H
#define FLEXWORK_AUDIT_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/**
 * Walks the whole chain and checks every link.
 * @param[out] first_bad  optional: the sequence number of the first record whose hash or link
 *                        does not verify; 0 when the chain is whole.
 * @return FW_OK when whole; FW_ECORRUPT naming the first broken record; FW_EPERM when the
 *         actor may not read the log.
 */
FW_EXTERN(int) fw_audit_verify(fw_ctx *ctx, int64_t *first_bad, fw_error **err);

/**
 * Signs the chain's head with the platform key and stores the checkpoint.
 * @param[out] out_json  {"seq":N,"hash":"hex","at_ms":T,"public_key":"hex","signature":"hex"};
 *                       free with fw_free(). May be NULL.
 * @return FW_OK; FW_ESTATE when the log is empty; FW_EPERM.
 */
FW_EXTERN(int) fw_audit_checkpoint(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err);

/**
 * Exports records from_seq..to_seq (0 = through the head) with the newest checkpoint covering
 * them, as JSON that fw_audit_verify_export() checks offline.
 * @return FW_OK; FW_ESTATE when no checkpoint covers to_seq (make one first); FW_EPERM.
 */
FW_EXTERN(int) fw_audit_export(fw_ctx *ctx, int64_t from_seq, int64_t to_seq, char **out_json,
                               size_t *out_len, fw_error **err);

/**
 * Verifies an exported log without a store: every link, and the checkpoint's Ed25519
 * signature against expected_public_key (32 bytes; NULL trusts the key inside the export).
 * @param[out] first_bad  optional: first record that fails, 0 when all verify.
 * @return FW_OK; FW_ECORRUPT for a broken link; FW_EAUTH for a bad signature or key;
 *         FW_EJSON / FW_EINVAL for a malformed export.
 */
FW_EXTERN(int) fw_audit_verify_export(const char *json, size_t json_len,
                                      const uint8_t *expected_public_key, int64_t *first_bad,
                                      fw_error **err);

/** Copies the platform's Ed25519 public key (32 bytes) into out. */
FW_EXTERN(int) fw_audit_public_key(fw_ctx *ctx, uint8_t out[32], fw_error **err);

FW_END_DECL
#endif
