/**
 * @file archive.h
 * Archives (R-7.11, 一企一档 一户一档): one archive per enterprise and per worker holding the
 * documents the platform keeps about them, through the archive-work links of 《会计档案管理办法》
 * art. 5: receive -> arrange -> keep -> use -> appraise -> destroy, with statistics.
 *
 * - Documents are content-addressed (BLAKE2b-256 of the content) and kept in the store or in
 *   a directory the host names (fw_archive_set_directory()). Personal documents are sealed
 *   under the party's vault key, so crypto-shredding the party erases them.
 * - Every read names its purpose and is logged (who, when, why).
 * - At the end of its retention period a document is appraised: kept longer, or approved for
 *   destruction and destroyed with an entry in the destruction register, which is kept
 *   permanently. A hold (a claim or an unsettled amount still attached) refuses destruction
 *   with an error that names it.
 * - Personal information past its purpose is blocked from every use but storage until its
 *   legal period ends, then purged by crypto-shredding.
 * - A party's archive exports as a bundle (a directory or a POSIX ustar file) with a manifest
 *   signed by the platform's Ed25519 key, verifiable offline.
 *
 * Parties are named by kind ("enterprise" or "worker") and id; the archive is created on the
 * first document filed for the party.
 *
 * Every function returns FW_OK or a negative FW_E* code with the detail in the optional
 * fw_error (JSON input errors name the field's path). On failure the outputs are untouched and
 * the store is unchanged: each call is one transaction. JSON text returned through out_json is
 * the caller's, freed with fw_free().
 */
#ifndef FLEXWORK_ARCHIVE_H
#define FLEXWORK_ARCHIVE_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** States of a document. Values are pinned. */
#define FW_ARCHIVE_RECEIVED  1  /**< filed, not yet arranged */
#define FW_ARCHIVE_KEPT      2  /**< arranged (numbered within its archive) and kept */
#define FW_ARCHIVE_APPRAISED 3  /**< appraised at retention expiry: approved for destruction */
#define FW_ARCHIVE_DESTROYED 4  /**< content erased; the register holds the entry */

/** The largest document fw_archive_file() accepts, in bytes (256 MiB). */
#define FW_ARCHIVE_MAX_CONTENT (256u * 1024u * 1024u)

/** Bundle formats of fw_archive_export(). */
#define FW_ARCHIVE_BUNDLE_DIR 1  /**< a directory */
#define FW_ARCHIVE_BUNDLE_TAR 2  /**< one uncompressed POSIX ustar file */

/**
 * A hold check: says whether something still attached to a party or document (an open claim,
 * an unsettled amount) forbids destroying it. Called inside the library's transaction; it may
 * make read-only calls on ctx.
 * @param doc_id    the document about to be appraised or destroyed.
 * @param why       where to write, NUL-terminated, what holds the document (e.g.
 *                  "payout order 17 is not settled"); why_size >= 128.
 * @return 0 when nothing holds the document, 1 when something does (why filled in), or a
 *         negative FW_E* code, which fails the appraisal or destruction.
 */
typedef int (*fw_archive_hold_fn)(fw_ctx *ctx, const char *party_kind, fw_id party_id,
                                  fw_id doc_id, const char *category, char *why,
                                  size_t why_size, void *payload);

/**
 * Registers a hold check on a context (at most 16 per context); it lasts as long as the
 * context, and other contexts, in this process or another, do not see it: register it on each
 * context that appraises or destroys documents. Registering the same name again replaces it.
 * The checks run after the manual holds and the built-in ones (the party's ledger balances,
 * its open tasks and unpaid work), in registration order.
 * @param ctx      the context.
 * @param name     1..63 bytes, copied; it names the check in the refusal's message.
 * @param fn       the check. @param payload passed to fn as is (the caller keeps it alive).
 * @return FW_OK; FW_EINVAL for a NULL ctx, name or function; FW_ELIMIT when 16 are registered.
 */
FW_EXTERN(int) fw_archive_register_hold_check(fw_ctx *ctx, const char *name, fw_archive_hold_fn fn,
                                              void *payload, fw_error **err);

/**
 * Files into a party's archive every document the other modules hold for it and the archive
 * does not hold yet (R-7.11 automatic filing): the party's verification record; for an
 * enterprise its signed cooperation agreements; for a worker its signed service agreements and
 * tax-agency authorisations (sealed under the worker's vault key) and its tax certificates.
 * Contracts are filed once signed (also after they ended), as JSON
 * {"format":"flexwork-signed-contract","version":1,"id","kind","template_id","enterprise_id",
 * "worker_id","document_sha256","signers","signatures","document"}. A document whose content
 * (BLAKE2b-256) is already in the party's archive, in any state, is not filed again, so the call
 * may be repeated at will (after each signing, certificate or verification, or on a schedule).
 * Filed documents are RECEIVED, with external_ref "contract:<id>", "tax_certificate:<id>" or
 * "verification". One audit record "archive.collect" gives the number filed.
 *
 * @param party_kind "enterprise" or "worker". @param party_id > 0.
 * @return FW_OK; FW_EINVAL (party_kind, party_id); FW_ENOTFOUND for an unknown party;
 *         FW_ESTATE when the party's personal information is blocked or purged and a personal
 *         document is due; FW_EIO; FW_EPERM (admin, operator, system; the actor also reads the
 *         contracts and certificates). On failure nothing is filed.
 */
FW_EXTERN(int) fw_archive_collect(fw_ctx *ctx, const char *party_kind, fw_id party_id, fw_error **err);

/**
 * Names the directory where documents filed from now on are kept (created if missing), or
 * with NULL keeps them in the store. Documents already filed stay where they are.
 * @return FW_OK; FW_EINVAL for an empty or over-long path; FW_EIO when the directory cannot be
 *         created; FW_EPERM (admin only).
 */
FW_EXTERN(int) fw_archive_set_directory(fw_ctx *ctx, const char *path, fw_error **err);

/**
 * Receives a document into its party's archive (creating the archive on first use).
 *
 * @param json  {"party_kind":"enterprise"|"worker", "party_id":N>0,
 *              "category":"contract" (1..64 chars), "title":"..." (1..200),
 *              "source":"contract module" (1..64), "retention":"tax_record" (a retention class),
 *              "personal":false (true seals the content under the party's vault key),
 *              "retention_from":"YYYY-MM-DD" (optional: when the period starts; by default the
 *              first day of the year after receipt, as 《会计档案管理办法》 counts it),
 *              "external_ref":"..." (optional, 1..128)}
 * @param content      the document's bytes (may be empty: content_len 0).
 * @param[out] out_id  the document's id.
 * @return FW_OK; FW_EINVAL naming the field; FW_ELIMIT above FW_ARCHIVE_MAX_CONTENT;
 *         FW_ENOTFOUND ($.retention) for an unknown class;
 *         FW_ESTATE when the party's personal information is blocked and the document is
 *         personal; FW_EIO when the directory cannot be written; FW_EPERM. On failure nothing
 *         is stored.
 */
FW_EXTERN(int) fw_archive_file(fw_ctx *ctx, const char *json, size_t json_len,
                               const uint8_t *content, size_t content_len, fw_id *out_id,
                               fw_error **err);

/**
 * Arranges a received document: classifies it (optionally changing category and title) and
 * gives it the next number within its archive. RECEIVED -> KEPT.
 * @param json  {} or {"category":"...","title":"..."}; NULL means {}.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when not RECEIVED; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_arrange(fw_ctx *ctx, fw_id doc_id, const char *json, size_t json_len,
                                  fw_error **err);

/**
 * Uses (reads) a document. The read is logged with the actor and the purpose.
 * @param purpose      why it is read (1..200 characters), e.g. "tax audit 2026-Q1".
 * @param[out] out     the content, freed with fw_free() (NULL when content is empty).
 * @param[out] out_len its length.
 * @return FW_OK; FW_EINVAL for a missing purpose; FW_ENOTFOUND; FW_ESTATE when destroyed, or
 *         personal and blocked (the message says until when); FW_ESHREDDED when purged;
 *         FW_ECORRUPT when the content no longer matches its hash; FW_EPERM for another
 *         party's archive. Nothing is logged on failure.
 */
FW_EXTERN(int) fw_archive_read(fw_ctx *ctx, fw_id doc_id, const char *purpose, uint8_t **out,
                               size_t *out_len, fw_error **err);

/**
 * The catalogue entry of one document: {"id","party_kind","party_id","number","state",
 * "category","title","source","retention","received_ms","keep_until_ms" (0 = permanent),
 * "personal","hash","size","storage":"store"|"directory","external_ref",
 * "appraisal","destroyed_ms"}. Free *out_json with fw_free().
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_get(fw_ctx *ctx, fw_id doc_id, char **out_json, size_t *out_len,
                              fw_error **err);

/**
 * The catalogue of a party's archive: {"party_kind","party_id","pi_blocked":bool,
 * "pi_until_ms","documents":[entries as fw_archive_get, in number order]}.
 * @return FW_OK (an empty list when the party has no archive); FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_list(fw_ctx *ctx, const char *party_kind, fw_id party_id,
                               char **out_json, size_t *out_len, fw_error **err);

/**
 * The read log of one document: [{"at_ms","actor_role","actor_party","actor_name","purpose"}].
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (platform staff and auditors).
 */
FW_EXTERN(int) fw_archive_access_log(fw_ctx *ctx, fw_id doc_id, char **out_json,
                                     size_t *out_len, fw_error **err);

/**
 * Adds or changes a retention class.
 * @param json  {"code":"tax_record" ([a-z0-9_], 1..32), "title":"...", "months":N (0..1200;
 *              0 = permanent), "basis":"the rule it follows"}.
 * Documents already filed keep the period they were filed with.
 * @return FW_OK; FW_EINVAL; FW_EPERM (admin).
 */
FW_EXTERN(int) fw_archive_retention_set(fw_ctx *ctx, const char *json, size_t json_len,
                                        fw_error **err);

/** The retention classes: [{"code","title","months","basis"}]. @return FW_OK; FW_EPERM. */
FW_EXTERN(int) fw_archive_retention_list(fw_ctx *ctx, char **out_json, size_t *out_len,
                                         fw_error **err);

/**
 * Places a hold on a party's archive or on one document.
 * @param json  {"party_kind","party_id","doc_id":N (optional: omitted = the whole archive),
 *              "kind":"claim"|"unsettled_amount"|"litigation"|"audit"|"other",
 *              "reason":"..." (1..200)}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND for an unknown archive or document; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_hold_place(fw_ctx *ctx, const char *json, size_t json_len,
                                     fw_id *out_hold_id, fw_error **err);

/** Releases a hold. @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already released; FW_EPERM. */
FW_EXTERN(int) fw_archive_hold_release(fw_ctx *ctx, fw_id hold_id, fw_error **err);

/**
 * Appraises a document whose retention period has ended.
 * @param json  {"decision":"destroy"|"keep", "opinion":"..." (1..500),
 *              "extend_months":N (with "keep", 1..1200)}.
 * "destroy" moves it to APPRAISED; "keep" extends its period from now.
 * @return FW_OK; FW_ESTATE when its period has not ended, it is permanent, or it is not
 *         RECEIVED/KEPT; FW_EDENIED when a hold applies (the message names it); FW_EINVAL;
 *         FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_appraise(fw_ctx *ctx, fw_id doc_id, const char *json, size_t json_len,
                                   fw_error **err);

/**
 * Destroys an APPRAISED document: erases its content (from the store, or its file once no
 * other document shares it) and writes the destruction register entry.
 * @param json  {"approver":"who signed off" (1..100), "supervisor":"..." (optional)}.
 * @return FW_OK; FW_ESTATE when not APPRAISED; FW_EDENIED when a hold was placed since;
 *         FW_EINVAL; FW_ENOTFOUND; FW_EPERM (admin). A file in the host's directory is removed
 *         as the call's last step, so a host transaction rolled back later cannot restore it.
 */
FW_EXTERN(int) fw_archive_destroy(fw_ctx *ctx, fw_id doc_id, const char *json, size_t json_len,
                                  fw_error **err);

/**
 * The destruction register, destroyed in [from_ms, to_ms) (0, 0 = all):
 * [{"id","doc_id","party_kind","party_id","number","category","title","retention","hash",
 * "size","appraisal","approver","supervisor","destroyed_ms","actor_name"}].
 * @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_destruction_register(fw_ctx *ctx, int64_t from_ms, int64_t to_ms,
                                               char **out_json, size_t *out_len, fw_error **err);

/**
 * Blocks a party's personal information whose purpose has ended (PIPL art. 47): personal
 * documents refuse every use but storage until the legal period ends.
 * @param json  {"reason":"..." (1..200), "until":"YYYY-MM-DD" (end of the legal period, CST)}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND when the party has no archive; FW_ESTATE when
 *         already purged; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_pi_block(fw_ctx *ctx, const char *party_kind, fw_id party_id,
                                   const char *json, size_t json_len, fw_error **err);

/**
 * Purges a blocked party's personal information once its legal period has ended, by
 * crypto-shredding the party's vault key ("worker:<id>" / "enterprise:<id>"). Personal
 * documents then read as FW_ESHREDDED; their catalogue entries remain.
 * @return FW_OK; FW_ESTATE when not blocked, or the period has not ended (the message gives
 *         the date); FW_ENOTFOUND; FW_EPERM (admin).
 */
FW_EXTERN(int) fw_archive_pi_purge(fw_ctx *ctx, const char *party_kind, fw_id party_id,
                                   fw_error **err);

/**
 * Statistics of one CST period: a month "2026-03", a quarter "2026-Q1" or a year "2026":
 * {"period","received":{"total","by_category":{},"by_party_kind":{}},"used":{...},
 * "destroyed":{...}}. "used" counts logged reads (exports included).
 * @return FW_OK; FW_EINVAL for a bad period; FW_EPERM.
 */
FW_EXTERN(int) fw_archive_stats(fw_ctx *ctx, const char *period, char **out_json,
                                size_t *out_len, fw_error **err);

/**
 * Exports a party's archive (documents not destroyed) as a bundle at path, which must not
 * exist: documents/NNNNNN-<hash>.bin, manifest.json and manifest.sig (hex Ed25519 signature of
 * manifest.json by the platform key). The export is a use: each document's read is logged
 * with the purpose. Personal documents of a blocked party are refused.
 * @param format   FW_ARCHIVE_BUNDLE_DIR or FW_ARCHIVE_BUNDLE_TAR.
 * @param purpose  why (1..200 characters).
 * @return FW_OK; FW_EINVAL; FW_EEXISTS when path exists; FW_ENOTFOUND when the party has no
 *         archive; FW_ESTATE / FW_ESHREDDED as fw_archive_read(); FW_EIO; FW_EPERM. On failure
 *         nothing is logged and a partly written bundle is removed.
 */
FW_EXTERN(int) fw_archive_export(fw_ctx *ctx, const char *party_kind, fw_id party_id,
                                 const char *path, uint32_t format, const char *purpose,
                                 fw_error **err);

/**
 * Verifies a bundle offline (no store): the manifest's signature, and every document's size
 * and BLAKE2b-256 hash; no document missing and none added.
 * @param path                a bundle directory or ustar file.
 * @param expected_public_key 32 bytes, or NULL to trust the key inside the manifest.
 * @param[out] out_manifest   optional: the manifest JSON, freed with fw_free().
 * @return FW_OK; FW_EAUTH when the signature or key does not verify; FW_ECORRUPT when a
 *         document is altered, missing or extra (the message names it); FW_EJSON / FW_EINVAL
 *         for a malformed bundle; FW_EIO / FW_ENOTFOUND when it cannot be read.
 */
FW_EXTERN(int) fw_archive_verify_bundle(const char *path, const uint8_t *expected_public_key,
                                        char **out_manifest, size_t *out_len, fw_error **err);

FW_END_DECL
#endif
