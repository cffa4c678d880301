/**
 * @file contract.h
 * Contracts and electronic signatures (R-3.3.b, R-5.1, R-5.2, R-7.4), and the workers' tax
 * registration that rests on their tax-agency authorisation.
 *
 * A template (versioned, with typed placeholders and a content hash) is rendered for its
 * parties into canonical document bytes whose SHA-256 every signature covers. Signers sign in
 * a fixed order; each signature is Ed25519 over the document hash, the signer, the signer's
 * public key, the time, the stated intent, the hash of the consent text shown and the hash of
 * the previous signature. Keys: the platform signs with its own key (the one that signs audit
 * checkpoints); each enterprise and worker gets an Ed25519 key generated on first signing,
 * issued only to a verified party, its seed sealed in the vault under the party's subject and
 * used only when that party itself is the actor. Erasing a worker destroys the key with the
 * rest of their personal data; the stored public keys keep old signatures verifiable.
 *
 * Lifecycle: draft -> sent -> partially signed -> signed (in force) -> terminated | expired |
 * superseded. A cooperation agreement in force moves its enterprise to "signed" (it may then
 * be activated); a service agreement in force moves its worker to "signed".
 *
 * Kinds and signing order:
 *   cooperation        platform-enterprise   enterprise, then platform
 *   service            enterprise-worker     enterprise (or platform when no enterprise), then worker
 *   tax_authorisation  worker -> platform    worker
 *
 * Conventions of every function below: `ctx` is an open context with an actor set; JSON input
 * is `json`/`json_len` (UTF-8, copied); JSON output comes through `out_json`/`out_len` and the
 * caller frees it with fw_free(); `err` is optional. Besides the codes listed per function,
 * any call may return FW_EINVAL for a missing required argument, FW_EPERM when the actor's role
 * (or party) may not, FW_EJSON for malformed JSON, and FW_EBUSY/FW_EIO from the store. On
 * failure every output is untouched and the store is unchanged (fw_contract_verify's report is
 * the one documented exception).
 */
#ifndef FLEXWORK_CONTRACT_H
#define FLEXWORK_CONTRACT_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** A contract loaded from the store: a snapshot; reload after changes. Not shared between threads. */
typedef struct fw_contract fw_contract;

/** Contract kinds. Values are pinned. */
#define FW_CONTRACT_COOPERATION       1  /**< platform-enterprise cooperation agreement */
#define FW_CONTRACT_SERVICE           2  /**< enterprise (or platform) - worker service agreement */
#define FW_CONTRACT_TAX_AUTHORISATION 3  /**< the worker's tax-agency authorisation of the platform */

/** Contract states. Values are pinned. */
#define FW_CONTRACT_DRAFT            1
#define FW_CONTRACT_SENT             2
#define FW_CONTRACT_PARTIALLY_SIGNED 3
#define FW_CONTRACT_SIGNED           4  /**< every party signed: in force until expiry */
#define FW_CONTRACT_TERMINATED       5
#define FW_CONTRACT_EXPIRED          6
#define FW_CONTRACT_SUPERSEDED       7

/**
 * Adds a template version.
 * @param json  {"kind":"cooperation"|"service"|"tax_authorisation", "name" (1..100),
 *              "version" (1..1000000), "body" (1..262144 bytes, placeholders written {{name}}),
 *              "placeholders":[{"name":"[a-z0-9_]{1,40}","type":"text"|"int"|"fen"|"date"}]}.
 *              The body may also use the filled-in placeholders {{contract_no}},
 *              {{platform_name}}, {{enterprise_name}}, {{enterprise_uscc}}, {{worker_name}},
 *              {{worker_id_number}}.
 * @param[out] out_id  the template's id.
 * @return FW_OK; FW_EINVAL (an undeclared placeholder in the body names it); FW_EEXISTS for a
 *         (kind, name, version) already present; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_template_add(fw_ctx *ctx, const char *json, size_t json_len,
                                        fw_id *out_id, fw_error **err);

/**
 * A template as JSON: id, kind, name, version, body, placeholders, sha256 (of the body).
 * @return FW_OK; FW_ENOTFOUND.
 */
FW_EXTERN(int) fw_contract_template_get(fw_ctx *ctx, fw_id template_id, char **out_json,
                                        size_t *out_len, fw_error **err);

/**
 * Creates a contract (draft) by rendering a template for its parties.
 *
 * @param[out] out  the contract; free with fw_contract_free().
 * @param json  {"template_id", "enterprise_id"? (cooperation: required; service: optional),
 *              "worker_id"? (service, tax_authorisation: required), "values":{placeholder:
 *              value}, "expires"?: "YYYY-MM-DD" (in force through that CST day),
 *              "supersedes"?: id of a signed contract of the same kind and parties,
 *              "external_ref"?}.
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND (template, party); FW_EDENIED with
 *         ENTERPRISE_NOT_VERIFIED / ENTERPRISE_NOT_SIGNED ... / WORKER_NOT_VERIFIED when a party
 *         may not contract yet; FW_EPERM (an enterprise user for another enterprise).
 *         On failure *out is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_contract_create(fw_contract **out, fw_ctx *ctx, const char *json, size_t json_len,
                                  fw_error **err);

/**
 * Loads a contract. An enterprise user loads only its enterprise's contracts, a worker only
 * their own. @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_load(fw_contract **out, fw_ctx *ctx, fw_id contract_id, fw_error **err);

/** The contract's id (0 for NULL). */
FW_EXTERN(fw_id) fw_contract_id(const fw_contract *c);
/** FW_CONTRACT_* state at load time. */
FW_EXTERN(uint32_t) fw_contract_state(const fw_contract *c);
/** FW_CONTRACT_* kind. */
FW_EXTERN(uint32_t) fw_contract_kind(const fw_contract *c);
/** The SHA-256 of the canonical document bytes. */
FW_EXTERN(void) fw_contract_hash(const fw_contract *c, uint8_t out[32]);
/**
 * The canonical document bytes (UTF-8 text), borrowed until fw_contract_free(). *doc is NULL
 * when the document was erased with its worker's personal data.
 */
FW_EXTERN(void) fw_contract_document(const fw_contract *c, const char **doc, size_t *len);
/**
 * The contract as JSON: id, kind, state, state_name, template_id, enterprise_id, worker_id,
 * document_sha256, signers (in order, with "signed"), signatures (evidence records:
 * seq, signer, public_key, signature, signed_ms, intent, consent_sha256, prev_sha256,
 * auth_method, ip, user_agent, session_id, actor, minor), created_ms, sent_ms, effective_ms,
 * expires_ms, ended_ms, end_reason, supersedes, superseded_by.
 */
FW_EXTERN(int) fw_contract_to_json(const fw_contract *c, char **out_json, size_t *out_len,
                                   fw_error **err);
/** Frees a contract handle. NULL is allowed. */
FW_EXTERN(void) fw_contract_free(fw_contract *c);

/**
 * Sends a draft to its parties for signing (draft -> sent).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless a draft; FW_EPERM (an enterprise user for
 *         another enterprise's contract).
 */
FW_EXTERN(int) fw_contract_send(fw_ctx *ctx, fw_id contract_id, fw_error **err);

/**
 * Signs as the current actor: a worker signs as themself, an enterprise user as its
 * enterprise, an admin or operator as the platform. The actor must be the next signer.
 *
 * @param json  evidence of the act: {"intent"? (1..200, default "I have read and agree to
 *              this contract"), "consent_sha256"? (SHA-256 of the consent text shown),
 *              "auth_method"? ("password"|"sms_code"|"face"|"in_person"|"ukey"),
 *              "ip"?, "user_agent"?, "session_id"?}; NULL for none.
 * @param[out] out_state  optional: the contract's state afterwards.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_EPERM when the actor is not a party;
 *         FW_ESTATE when not sent, already signed by that party, another party must sign
 *         first, or expired; FW_EDENIED with WORKER_UNDER_16, WORKER_NOT_VERIFIED,
 *         ENTERPRISE_NOT_VERIFIED, ... when a party may not sign.
 */
FW_EXTERN(int) fw_contract_sign(fw_ctx *ctx, fw_id contract_id, const char *json, size_t json_len,
                                uint32_t *out_state, fw_error **err);

/**
 * Verifies a contract: the document's SHA-256 against the stored hash, and every signature
 * (Ed25519 over the canonical signing text, the signer's registered key, the chain of
 * previous-signature hashes).
 *
 * @param[out] out_report  optional: JSON {"contract_id","document":"ok"|"altered"|"erased",
 *              "signatures":[{"seq","signer","ok","problem"?}],"valid":true|false}; set on
 *              FW_OK and also on FW_ECORRUPT / FW_EAUTH (it is the finding); free with fw_free().
 * @return FW_OK when everything verifies (an erased document is reported, not an error);
 *         FW_ECORRUPT when the stored document was altered; FW_EAUTH when a signature, key or
 *         chain link fails — the message names the first failing part; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_verify(fw_ctx *ctx, fw_id contract_id, char **out_report,
                                  size_t *out_len, fw_error **err);

/**
 * Terminates a contract (reason 1..500 bytes). Ending a cooperation agreement in force sends
 * the enterprise back to "verified".
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE when already ended; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_terminate(fw_ctx *ctx, fw_id contract_id, const char *reason,
                                     fw_error **err);

/**
 * Marks every signed contract whose expiry date has passed as expired (a scheduled job).
 * @param[out] out_count  optional: how many expired.
 * @return FW_OK; FW_EPERM (staff or system).
 */
FW_EXTERN(int) fw_contract_expire_due(fw_ctx *ctx, int64_t *out_count, fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Tax registration of workers                                                       */
/* ---------------------------------------------------------------------------------------- */

/** Tax registration states. Values are pinned. */
#define FW_TAXREG_PENDING    1  /**< waiting on the tax provider or an operator */
#define FW_TAXREG_REGISTERED 2
#define FW_TAXREG_REJECTED   3

/**
 * Requests the tax registration of a worker whose tax-agency authorisation is in force,
 * through the tax provider's register_taxpayer ({"worker_id","name","id_number",
 * "jurisdiction"} -> {"status":"registered","registration_no","registered_on":"YYYY-MM-DD"} or
 * {"status":"rejected","reason"}). Without a provider it stays pending for
 * fw_contract_taxreg_complete().
 *
 * @param json  {"jurisdiction" (1..100, e.g. the tax bureau's district)}.
 * @param[out] out_state  optional: FW_TAXREG_* afterwards.
 * @return FW_OK; FW_EINVAL; FW_EDENIED with WORKER_NO_TAX_AUTHORISATION; FW_ESTATE when
 *         already registered; FW_EPROVIDER; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_taxreg_request(fw_ctx *ctx, fw_id worker_id, const char *json,
                                          size_t json_len, uint32_t *out_state, fw_error **err);

/**
 * An operator completes a pending registration: {"status":"registered"|"rejected",
 * "registration_no" (registered), "registered_on":"YYYY-MM-DD" (registered), "reason" (rejected)}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless pending; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_taxreg_complete(fw_ctx *ctx, fw_id worker_id, const char *json,
                                           size_t json_len, fw_error **err);

/**
 * A worker's tax registration as JSON: worker_id, state, state_name, jurisdiction,
 * registration_no (masked unless the actor may see personal data), registered_on, reason,
 * authorisation_contract_id, requested_ms, updated_ms.
 * @return FW_OK; FW_ENOTFOUND when none was requested; FW_EPERM.
 */
FW_EXTERN(int) fw_contract_taxreg_get(fw_ctx *ctx, fw_id worker_id, char **out_json,
                                      size_t *out_len, fw_error **err);

FW_END_DECL
#endif
