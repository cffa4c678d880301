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
 * Walks the whole chain and checks every link, then every stored checkpoint: its signature
 * by the platform key, and that the chain reaches its record with its hash. The chain alone
 * finds an edited, deleted or reordered record; the checkpoints also find records cut off
 * the end and a log rewritten with recomputed hashes.
 * @param[out] first_bad  optional: the sequence number of the first record whose hash or link
 *                        does not verify (for a truncated log, the first missing record; for
 *                        a checkpoint that does not match, the checkpoint's record); 0 when
 *                        the log is whole. Untouched for other errors.
 * @return FW_OK when whole; FW_ECORRUPT naming the first broken record; FW_EPERM when the
 *         actor may not verify (admin, auditor and system may).
 */
FW_EXTERN(int) fw_audit_verify(fw_ctx *ctx, int64_t *first_bad, fw_error **err);

/**
 * Signs the chain's head with the platform key and stores the checkpoint.
 * @param[out] out_json  {"seq":N,"hash":"hex","at_ms":T,"public_key":"hex","signature":"hex"};
 *                       free with fw_free(). May be NULL.
 * The chain is verified first, in the same transaction: a broken chain is never signed.
 * @return FW_OK; FW_ESTATE when the log is empty; FW_ECORRUPT when the chain does not verify;
 *         FW_EPERM (admin, auditor and system may).
 */
FW_EXTERN(int) fw_audit_checkpoint(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err);

/**
 * Exports records with a checkpoint that signs them, as JSON that fw_audit_verify_export()
 * checks offline: {"format":"flexwork-audit-1","prev_hash":"hex","checkpoint":{...},
 * "records":[{"seq","at_ms","actor_role","actor_party","actor_name","action","entity_type",
 * "entity_id","detail","hash"},...]}.
 * The checkpoint is the earliest one at or after to_seq (the newest when to_seq is 0), and the
 * records run from from_seq (values below 1 mean 1) through the checkpoint's record.
 * @param[out] out_json  required; free with fw_free(). Untouched on failure.
 * @return FW_OK; FW_ESTATE when no checkpoint covers to_seq (make one first); FW_EINVAL when
 *         to_seq < from_seq or from_seq is past the checkpoint; FW_EPERM (admin and auditor may).
 */
FW_EXTERN(int) fw_audit_export(fw_ctx *ctx, int64_t from_seq, int64_t to_seq, char **out_json,
                               size_t *out_len, fw_error **err);

/**
 * Verifies an exported log without a store: every link, and the checkpoint's Ed25519
 * signature against expected_public_key (32 bytes; NULL trusts the key inside the export).
 * The export is parsed with the library's JSON limits (16 MiB, depth 32): export a long log in
 * ranges, each with its checkpoint.
 * @param[out] first_bad  optional: the first record that fails (an edited record; for a
 *                        missing one, its sequence number), 0 when all verify; set only with
 *                        FW_OK and FW_ECORRUPT.
 * @return FW_OK; FW_ECORRUPT for a broken link or records that do not end at the checkpoint;
 *         FW_EAUTH for a bad signature, or a key other than expected_public_key;
 *         FW_EVERSION for a "format" other than "flexwork-audit-1"; FW_EJSON / FW_EINVAL
 *         (with the path) for a malformed export.
 */
FW_EXTERN(int) fw_audit_verify_export(const char *json, size_t json_len,
                                      const uint8_t *expected_public_key, int64_t *first_bad,
                                      fw_error **err);

/**
 * Copies the platform's Ed25519 public key (32 bytes, derived from the master key) into out:
 * what an outsider passes to fw_audit_verify_export() as expected_public_key.
 * @return FW_OK; FW_EINVAL when ctx or out is NULL.
 */
FW_EXTERN(int) fw_audit_public_key(fw_ctx *ctx, uint8_t out[32], fw_error **err);

FW_END_DECL
#endif
