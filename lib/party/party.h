/*
 * The party module's internal API, for the modules above it (contract, task, payout, risk,
 * ledger hooks). Every function runs inside the caller's transaction and sets *err on failure.
 */
#ifndef FW_PARTY_PARTY_H
#define FW_PARTY_PARTY_H

#include <flexwork/party.h>

/* Validators with a JSON path for the message ("$.id_number"); the public ones pass NULL. */
int fw__id_number_parse(const char *s, const char *path, fw_id_number_info *out, fw_error **err);
int fw__uscc_parse(const char *s, uint32_t flags, const char *path, uint32_t *reason,
                   fw_error **err);
int fw__bank_card_parse(const char *s, const char *path, uint32_t *reason, fw_error **err);

/* Party kinds passed to hooks. */
#define FW__PARTY_ENTERPRISE 1
#define FW__PARTY_WORKER     2

/*
 * Higher modules take part through core hooks (core/hook.h), registered from their
 * fw__<module>_init when a context opens:
 *
 *   "party.enterprise.cancel", "party.worker.cancel"   run before an enterprise is cancelled or
 *        a worker closed; a hook returns FW_OK when nothing of its own blocks, or FW_EDENIED
 *        naming what blocks ("enterprise 3 has 120.00 on account 7"). The ledger checks
 *        balances, the task module open work.
 *   "party.enterprise.activate", "party.worker.activate"   run when the party becomes active
 *        (the ledger opens its accounts, risk screens its lists). A failure refuses it.
 */

/*
 * gates. FW_ENOTFOUND for no such party; FW_EDENIED with a reason code first in the
 * message: ENTERPRISE_NOT_VERIFIED, ENTERPRISE_NOT_SIGNED, ENTERPRISE_SUSPENDED,
 * ENTERPRISE_CANCELLED; WORKER_NOT_VERIFIED, WORKER_SUSPENDED, WORKER_CLOSED.
 */
int fw__party_require_active_enterprise(fw_ctx *ctx, fw_id enterprise_id, fw_error **err);
/* Verified (FW_ENTERPRISE_VERIFIED or later, not suspended or cancelled): enough to sign. */
int fw__party_require_verified_enterprise(fw_ctx *ctx, fw_id enterprise_id, fw_error **err);
/* Verified, signed or active worker. */
int fw__party_require_verified_worker(fw_ctx *ctx, fw_id worker_id, fw_error **err);
/* profile recorded and a channel agreement in force (PLATFORM_NO_PROFILE, ...). */
int fw__party_require_platform_ready(fw_ctx *ctx, fw_error **err);

/*
 * The record of a party's verification, for its archive: canonical JSON text (malloc'd)
 * {"format":"flexwork-verification","version":1,"party_kind","party_id","method",
 * "result" (workers),"reasons","evidence"} built only from the stored decision, so it is the
 * same bytes every time. *out is NULL when the party has not been verified. FW_ENOTFOUND.
 */
int fw__party_verification_record(fw_ctx *ctx, int worker, fw_id party_id, char **out, fw_error **err);

/* The state of a party, FW_ENOTFOUND when none. */
int fw__party_enterprise_state(fw_ctx *ctx, fw_id enterprise_id, uint32_t *out, fw_error **err);
int fw__party_worker_state(fw_ctx *ctx, fw_id worker_id, uint32_t *out, fw_error **err);

/* The worker's birth date from the sealed ID number; FW_ESHREDDED after erasure. */
int fw__party_worker_birth_date(fw_ctx *ctx, fw_id worker_id, int *y, int *m, int *d,
                                fw_error **err);
/* The worker's bank card in clear (malloc'd, free with fw_free), for the payout module only. */
int fw__party_worker_bank_card(fw_ctx *ctx, fw_id worker_id, char **out, fw_error **err);
/* The worker's phone number in clear (malloc'd), for the risk module's list screening. */
int fw__party_worker_phone(fw_ctx *ctx, fw_id worker_id, char **out, fw_error **err);
/* The worker's name and ID number in clear (malloc'd), for tax registration and declaration. */
int fw__party_worker_identity(fw_ctx *ctx, fw_id worker_id, char **name, char **id_number,
                              fw_error **err);
/* The enterprise's registered name (malloc'd): not personal data. */
int fw__party_enterprise_name(fw_ctx *ctx, fw_id enterprise_id, char **out, fw_error **err);

/*
 * Called by the contract module when a cooperation agreement takes effect (verified -> signed)
 * or ends (signed/active/suspended -> verified), and when a worker's service agreement takes
 * effect (verified -> signed; also links the worker to the enterprise, 0 for the platform).
 */
int fw__party_enterprise_agreement(fw_ctx *ctx, fw_id enterprise_id, int signed_, fw_error **err);
int fw__party_worker_agreement(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, fw_error **err);
/* Links a worker to an enterprise (idempotent): the enterprise's users may then read the worker. */
int fw__party_link_worker(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, fw_error **err);
/* 1 when linked. */
int fw__party_worker_linked(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id);

/* Seals plain text for a subject into a column; helpers shared by the party files. */
int fw__party_seal_json(fw_ctx *ctx, const char *subject, const char *table, fw_id row,
                        const char *json, unsigned char **out, size_t *out_len, fw_error **err);
/* Appends an audit record whose detail is printf-formatted JSON (never personal data). */
int fw__party_audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
