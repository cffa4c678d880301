/**
 * @file party.h
 * Parties: the platform itself, enterprises, their staff, and workers (R-4.1, R-4.2, R-5.1,
 * .a, R-6.b, R-7.2, R-7.10.a, R-7.10.d).
 *
 * Enterprise lifecycle (R-5.1, R-6.a):
 *   applied -> under review -> verified | rejected -> agreement signed -> active
 *   -> suspended -> active ... -> cancelled.
 * A change of a key field (name, USCC, legal representative, funding account) sends a verified
 * enterprise back to review; the cooperation agreement stays in force, so a re-verified
 * enterprise that was active is active again.
 *
 * Worker lifecycle (R-5.2, R-6.b):
 *   registered -> verified | failed -> signed -> active -> suspended -> active ... -> closed.
 *
 * The identity validators (resident ID number, Unified Social Credit Code, bank card) are pure
 * functions usable without a store.
 *
 * Every change is audited; audit details never carry personal data in clear. Personal fields
 * (names, ID numbers, phones, bank cards) live sealed in the PII vault and are shown masked
 * unless the actor may see them. Records go in and out as JSON (docs/api/party.md).
 *
 * Conventions of every function below: `ctx` is an open context with an actor set; JSON input
 * is `json`/`json_len` (UTF-8, copied); JSON output comes through `out_json`/`out_len` and the
 * caller frees it with fw_free(); `err` is optional. Besides the codes listed per function,
 * any call may return FW_EINVAL for a missing required argument, FW_EPERM when the actor's role
 * (or party) may not, FW_EJSON for malformed JSON, and FW_EBUSY/FW_EIO from the store. On
 * failure every output is untouched and the store is unchanged.
 */
#ifndef FLEXWORK_PARTY_H
#define FLEXWORK_PARTY_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/* ---------------------------------------------------------------------------------------- */
/* Identity validators                                                                       */
/* ---------------------------------------------------------------------------------------- */

/** Why a check failed. Values are pinned. */
#define FW_CHECK_OK        0  /**< valid */
#define FW_CHECK_LENGTH    1  /**< wrong number of characters */
#define FW_CHECK_CHARSET   2  /**< a character outside the allowed alphabet */
#define FW_CHECK_CHECKSUM  3  /**< the check character or digit does not match */
#define FW_CHECK_DATE      4  /**< the embedded birth date does not exist */
#define FW_CHECK_REGION    5  /**< the region (province) code does not exist */
#define FW_CHECK_CATEGORY  6  /**< the USCC authority and category pair does not exist */
#define FW_CHECK_ORG_CODE  7  /**< the organisation code inside a USCC fails its own check */

/** Genders as written in a resident ID number (17th digit odd = male). */
#define FW_GENDER_MALE   1
#define FW_GENDER_FEMALE 2

/** What a resident ID number says. */
typedef struct fw_id_number_info {
    uint32_t reason;        /**< FW_CHECK_*: FW_CHECK_OK when valid */
    int32_t birth_year;     /**< when valid */
    int32_t birth_month;
    int32_t birth_day;
    uint32_t gender;        /**< FW_GENDER_* when valid */
    char normalized[19];    /**< the 18 characters with a lower-case 'x' made 'X' */
    char expected_check;    /**< the right check character, when reason is FW_CHECK_CHECKSUM */
} fw_id_number_info;

/**
 * Checks a resident ID number (公民身份号码, GB 11643-1999): 18 characters, 17 digits and a
 * check character ('0'-'9' or 'X'; 'x' is accepted and normalised) by ISO 7064 MOD 11-2, a
 * known province code and a birth date that exists. Whether the date is in the past, and the
 * holder's age, depend on a date and are checked where a worker registers or signs.
 *
 * @param id_number  NUL-terminated text.
 * @param[out] info  optional: filled on success and on failure (then only reason, and
 *                   expected_check for a checksum failure, are meaningful).
 * @param[out] err   optional error detail; the message names the rule, e.g.
 *                   "check character must be 'X' (ISO 7064 MOD 11-2), got '1'".
 * @return FW_OK; FW_EINVAL when invalid (info->reason says why).
 */
FW_EXTERN(int) fw_id_number_check(const char *id_number, fw_id_number_info *info, fw_error **err);

/** Flag of fw_uscc_check(): also check the authority/category pair and the embedded organisation code. */
#define FW_USCC_STRICT 1u

/**
 * Checks a Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from
 * "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z), digits in positions 3-8, and the check
 * character (weights 3^(i-1) mod 31). With FW_USCC_STRICT also the authority+category pair and
 * the GB 11714 check of the organisation code in positions 9-17.
 *
 * @param uscc         NUL-terminated text (upper case).
 * @param flags        0 or FW_USCC_STRICT.
 * @param[out] reason  optional: FW_CHECK_*, set on success (FW_CHECK_OK) and failure.
 * @return FW_OK; FW_EINVAL when invalid.
 */
FW_EXTERN(int) fw_uscc_check(const char *uscc, uint32_t flags, uint32_t *reason, fw_error **err);

/**
 * Checks a bank card number: 8 to 19 digits and the Luhn (ISO/IEC 7812) check digit.
 * Some genuine Chinese cards fail Luhn: callers that register cards treat FW_CHECK_CHECKSUM
 * as a warning (as fw_party_worker_register() does) and confirm the card with the bank.
 *
 * @param card         NUL-terminated digits.
 * @param[out] reason  optional: FW_CHECK_*, set on success and failure.
 * @return FW_OK; FW_EINVAL when invalid.
 */
FW_EXTERN(int) fw_bank_card_check(const char *card, uint32_t *reason, fw_error **err);

/** A static lower-case name of a FW_CHECK_* reason ("ok", "length", "checksum", ...). */
FW_EXTERN(const char *) fw_check_reason_name(uint32_t reason);

/* ---------------------------------------------------------------------------------------- */
/* Enterprises (R-5.1, R-6.a, R-7.2, R-7.10.a)                                               */
/* ---------------------------------------------------------------------------------------- */

/** Enterprise states. Values are pinned. */
#define FW_ENTERPRISE_APPLIED      1
#define FW_ENTERPRISE_UNDER_REVIEW 2
#define FW_ENTERPRISE_VERIFIED     3
#define FW_ENTERPRISE_REJECTED     4
#define FW_ENTERPRISE_SIGNED       5  /**< cooperation agreement signed, not yet active */
#define FW_ENTERPRISE_ACTIVE       6
#define FW_ENTERPRISE_SUSPENDED    7
#define FW_ENTERPRISE_CANCELLED    8

/**
 * Records an enterprise's application (state applied).
 *
 * @param ctx        actor: admin, operator, coordinator or system.
 * @param json       {"name", "uscc", "legal_rep":{"name","id_number"?}, "contact":{"name","phone"},
 *                   "bank_account":{"bank","account_no","account_name"}, "business_scope",
 *                   "industry", "qualifications":[{"kind","sha256"}], "external_ref"?}.
 * @param[out] out_id  the enterprise's id.
 * @return FW_OK; FW_EINVAL naming the field (a bad USCC names the rule); FW_EEXISTS when a
 *         live enterprise has the USCC; FW_EPERM. On failure *out_id is untouched and the store
 *         unchanged.
 */
FW_EXTERN(int) fw_party_enterprise_apply(fw_ctx *ctx, const char *json, size_t json_len,
                                         fw_id *out_id, fw_error **err);

/**
 * Starts verification (applied -> under review) and asks the identity provider's
 * verify_enterprise registry check. A provider answer {"result":"pass"} verifies,
 * {"result":"fail","reason":"..."} rejects; without a provider, or when it answers later,
 * the enterprise stays under review for fw_party_enterprise_review().
 *
 * @param[out] out_state  optional: the state afterwards (FW_ENTERPRISE_*).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless applied (or re-submitted under review);
 *         FW_EPROVIDER when the provider fails (the state is unchanged); FW_EPERM.
 */
FW_EXTERN(int) fw_party_enterprise_verify(fw_ctx *ctx, fw_id enterprise_id, uint32_t *out_state,
                                          fw_error **err);

/**
 * A reviewer's decision on an enterprise under review (R-7.10.a).
 *
 * @param json  {"decision":"approve"|"reject", "reasons":["..."] (required to reject),
 *              "evidence_sha256"?}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless under review; FW_EPERM (admin or reviewer).
 */
FW_EXTERN(int) fw_party_enterprise_review(fw_ctx *ctx, fw_id enterprise_id, const char *json,
                                          size_t json_len, fw_error **err);

/**
 * Activates an enterprise whose cooperation agreement is signed (signed -> active), running
 * the activation hooks of higher modules (the ledger opens its accounts).
 * @return FW_OK; FW_ENOTFOUND; FW_EDENIED with reason ENTERPRISE_NOT_VERIFIED or
 *         ENTERPRISE_NOT_SIGNED; FW_ESTATE otherwise; FW_EPERM.
 */
FW_EXTERN(int) fw_party_enterprise_activate(fw_ctx *ctx, fw_id enterprise_id, fw_error **err);

/**
 * Changes an enterprise's record. Only the fields given change (same shapes as the
 * application). A change of name, uscc, legal_rep or bank_account sends a verified, signed or
 * active enterprise back to review (R-7.10.a). The audit record names the changed fields.
 * @return FW_OK; FW_EINVAL; FW_EEXISTS (USCC taken); FW_ENOTFOUND; FW_ESTATE when cancelled.
 */
FW_EXTERN(int) fw_party_enterprise_change(fw_ctx *ctx, fw_id enterprise_id, const char *json,
                                          size_t json_len, fw_error **err);

/**
 * Suspends an active enterprise (reason required, 1..500 characters).
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless active.
 */
FW_EXTERN(int) fw_party_enterprise_suspend(fw_ctx *ctx, fw_id enterprise_id, const char *reason,
                                           fw_error **err);

/**
 * Resumes a suspended enterprise (suspended -> active).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless suspended; FW_EPERM.
 */
FW_EXTERN(int) fw_party_enterprise_resume(fw_ctx *ctx, fw_id enterprise_id, fw_error **err);

/**
 * Cancels an enterprise. Every cancellation check registered by higher modules must pass
 * (zero balances, no open work); the first that fails is returned with its message naming
 * what blocks.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already cancelled; FW_EDENIED from a check.
 */
FW_EXTERN(int) fw_party_enterprise_cancel(fw_ctx *ctx, fw_id enterprise_id, fw_error **err);

/**
 * An enterprise as JSON: id, state, state_name, name, uscc, legal_rep, contact, bank_account,
 * business_scope, industry, qualifications, review (method, reasons), timestamps. Personal
 * fields are masked unless the actor may see them. An enterprise user reads only its own.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM; FW_ESHREDDED is not returned: erased fields read null.
 */
FW_EXTERN(int) fw_party_enterprise_get(fw_ctx *ctx, fw_id enterprise_id, char **out_json,
                                       size_t *out_len, fw_error **err);

/**
 * Adds a staff account of an enterprise with its own roles.
 * @param json  {"login" (1..64, unique per enterprise), "name", "phone"?, "roles":["admin",
 *              "operator", "finance", "viewer"]}.
 * @return FW_OK; FW_EINVAL; FW_EEXISTS; FW_ENOTFOUND; FW_EPERM (staff or that enterprise's user).
 */
FW_EXTERN(int) fw_party_enterprise_user_add(fw_ctx *ctx, fw_id enterprise_id, const char *json,
                                            size_t json_len, fw_id *out_id, fw_error **err);

/**
 * Disables an enterprise user account (platform staff or that enterprise's users).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already disabled; FW_EPERM.
 */
FW_EXTERN(int) fw_party_enterprise_user_disable(fw_ctx *ctx, fw_id user_id, fw_error **err);

/**
 * The users of an enterprise as a JSON array of {"id","login","roles","enabled","name"}, the
 * name masked unless the actor may see personal data. An enterprise user lists only its own.
 * @return FW_OK (an empty array for none); FW_EPERM.
 */
FW_EXTERN(int) fw_party_enterprise_user_list(fw_ctx *ctx, fw_id enterprise_id, char **out_json,
                                             size_t *out_len, fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Workers (R-5.2, R-6.b, R-7.2, R-7.10.d)                                                   */
/* ---------------------------------------------------------------------------------------- */

/** Worker states. Values are pinned. */
#define FW_WORKER_REGISTERED 1
#define FW_WORKER_VERIFIED   2
#define FW_WORKER_FAILED     3
#define FW_WORKER_SIGNED     4
#define FW_WORKER_ACTIVE     5
#define FW_WORKER_SUSPENDED  6
#define FW_WORKER_CLOSED     7

/** Registration channels. */
#define FW_CHANNEL_SELF     1  /**< online, by the worker */
#define FW_CHANNEL_ASSISTED 2  /**< offline, by an operator */

/**
 * Registers a worker. The ID number must pass GB 11643 with a birth date in the past;
 * a person under 16 today is refused; 16-17 is flagged as a minor worker. A bank card that
 * fails Luhn is accepted with the warning "BANK_CARD_LUHN". Duplicates are found through the
 * blind index of the ID number.
 *
 * @param json  {"name", "id_number", "phone" (11-digit mobile), "bank_card",
 *              "channel":"self"|"assisted", "enterprise_id"? (links the worker to that
 *              enterprise, which must be active), "external_ref"?}. An enterprise user may
 *              register only with its own enterprise_id.
 * @param[out] out_id  the worker's id.
 * @return FW_OK; FW_EINVAL naming the field; FW_EDENIED with reason WORKER_UNDER_16 or an
 *         ENTERPRISE_* reason; FW_ENOTFOUND for an unknown enterprise_id;
 *         FW_EEXISTS for a registered ID number; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_register(fw_ctx *ctx, const char *json, size_t json_len,
                                        fw_id *out_id, fw_error **err);

/**
 * Real-name verification through the identity provider's verify_person (name + ID match,
 * optional liveness, bank-card four-element check). {"result":"pass"} verifies,
 * {"result":"fail","reason":"..."} fails; the method and a digest of the answer are recorded.
 * Without a provider (or FW_EPENDING) the worker stays registered awaiting
 * fw_party_worker_review().
 * @param liveness  optional result of a liveness check done by the host ("pass"), or NULL.
 * @param[out] out_state  optional: FW_WORKER_* afterwards.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless registered or failed; FW_EPROVIDER; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_verify(fw_ctx *ctx, fw_id worker_id, const char *liveness,
                                      uint32_t *out_state, fw_error **err);

/**
 * A reviewer's decision on a worker's real name (by hand).
 * @param json  {"decision":"approve"|"reject", "reason"? (required to reject), "evidence_sha256"?}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless registered or failed; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_review(fw_ctx *ctx, fw_id worker_id, const char *json,
                                      size_t json_len, fw_error **err);

/**
 * Activates a worker whose service agreement is in force (signed -> active).
 * @return FW_OK; FW_ENOTFOUND; FW_EDENIED with WORKER_NOT_SIGNED for a verified worker;
 *         FW_ESTATE from any other state; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_activate(fw_ctx *ctx, fw_id worker_id, fw_error **err);

/**
 * Suspends a verified, signed or active worker; `reason` (1..500 bytes) is recorded.
 * @return FW_OK; FW_EINVAL (reason); FW_ENOTFOUND; FW_ESTATE; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_suspend(fw_ctx *ctx, fw_id worker_id, const char *reason,
                                       fw_error **err);

/**
 * Resumes a suspended worker to the state it was suspended from.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless suspended; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_resume(fw_ctx *ctx, fw_id worker_id, fw_error **err);

/**
 * Closes a worker (R-6.b). Every cancellation check registered by higher modules must pass
 * (nothing payable, no open work); the first that fails is returned naming what blocks.
 * Personal data stays until fw_party_worker_erase().
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already closed; FW_EDENIED from a check; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_close(fw_ctx *ctx, fw_id worker_id, fw_error **err);

/**
 * Changes a worker's phone or bank card: {"phone"?, "bank_card"?} (at least one). A new bank
 * card clears the earlier Luhn warning or sets it again. A worker may change their own.
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND; FW_ESTATE when closed;
 *         FW_ESHREDDED after erasure; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_change(fw_ctx *ctx, fw_id worker_id, const char *json,
                                      size_t json_len, fw_error **err);

/**
 * A worker as JSON: id, state, state_name, channel, name, id_number, phone, bank_card (masked
 * unless the actor may see personal data), gender, minor (at the context's time), warnings,
 * verification {method, result, reason, evidence_sha256}, erased. A worker reads only their
 * own record; an enterprise user only workers linked to its enterprise.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_party_worker_get(fw_ctx *ctx, fw_id worker_id, char **out_json,
                                   size_t *out_len, fw_error **err);

/**
 * Erases a worker's personal data (crypto-shredding of subject "worker:<id>") and closes the
 * worker. Financial records stay whole; the record reads "erased": true.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (admin only).
 */
FW_EXTERN(int) fw_party_worker_erase(fw_ctx *ctx, fw_id worker_id, fw_error **err);

/**
 * Finds a worker by ID number through the blind index (no decryption).
 * @return FW_OK with *out_id; FW_ENOTFOUND; FW_EINVAL for a malformed number.
 */
FW_EXTERN(int) fw_party_worker_find(fw_ctx *ctx, const char *id_number, fw_id *out_id,
                                    fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* The platform's profile and staff                                           */
/* ---------------------------------------------------------------------------------------- */

/**
 * Sets the platform's profile: {"operating_entity", "uscc", "licences":[{"kind","number",
 * "valid_from":"YYYY-MM-DD","valid_to":"YYYY-MM-DD"}]}. Replaces the earlier profile; audited.
 * @return FW_OK; FW_EINVAL; FW_EPERM (admin).
 */
FW_EXTERN(int) fw_party_platform_set(fw_ctx *ctx, const char *json, size_t json_len,
                                     fw_error **err);

/**
 * The platform's profile with "channels" (each with "in_force" and "revoked") as JSON.
 * @return FW_OK; FW_ENOTFOUND when the profile was never set; FW_EPERM.
 */
FW_EXTERN(int) fw_party_platform_get(fw_ctx *ctx, char **out_json, size_t *out_len,
                                     fw_error **err);

/**
 * Records a payment-channel agreement: {"kind":"bank"|"payment_institution",
 * "counterparty", "agreement_no", "valid_from":"YYYY-MM-DD", "valid_to":"YYYY-MM-DD"}.
 * @return FW_OK; FW_EINVAL (valid_to before valid_from); FW_EEXISTS (agreement_no); FW_EPERM.
 */
FW_EXTERN(int) fw_party_channel_add(fw_ctx *ctx, const char *json, size_t json_len,
                                    fw_id *out_id, fw_error **err);

/**
 * Revokes a channel agreement (admin).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already revoked; FW_EPERM.
 */
FW_EXTERN(int) fw_party_channel_revoke(fw_ctx *ctx, fw_id channel_id, fw_error **err);

/**
 * Checks that money may move: a profile is recorded and a channel agreement is in
 * force at the context's time.
 * @return FW_OK; FW_EDENIED with reason PLATFORM_NO_PROFILE or PLATFORM_NO_CHANNEL_AGREEMENT.
 */
FW_EXTERN(int) fw_party_platform_check(fw_ctx *ctx, fw_error **err);

/**
 * Adds a platform staff account: {"login", "name", "role":"admin"|"operator"|
 * "reviewer"|"finance"|"tax_agent"|"auditor"|"coordinator"|"support"}.
 * @return FW_OK; FW_EINVAL; FW_EEXISTS (login); FW_EPERM (admin).
 */
FW_EXTERN(int) fw_party_staff_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                  fw_error **err);

/**
 * Disables a staff account (admin).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already disabled; FW_EPERM.
 */
FW_EXTERN(int) fw_party_staff_disable(fw_ctx *ctx, fw_id staff_id, fw_error **err);

/**
 * The FW_ROLE_* of an enabled staff account, for the host to pass to fw_ctx_set_actor().
 * @return FW_OK; FW_ENOTFOUND (unknown or disabled login).
 */
FW_EXTERN(int) fw_party_staff_role(fw_ctx *ctx, const char *login, uint32_t *out_role,
                                   fw_error **err);

FW_END_DECL
#endif
