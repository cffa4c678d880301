/**
 * @file insurance.h
 * Insurance and protection of workers (R-3.3.i, R-5.8, R-7.12).
 *
 * - Products: commercial accident insurance, employer liability insurance, and occupational
 *   injury protection for new employment forms (新就业形态人员职业伤害保障, 人社部发〔2025〕24号):
 *   insurer, coverage, premium rule (per order, per day, per person per month), payer,
 *   eligible task categories, risk levels, ages and regions.
 * - Recommendation matched to a worker's characteristics (age, the categories and risk levels
 *   of their work, hours, region, existing cover), ranked, with the reasons shown.
 * - Enrolment, and premiums computed in fen: per order, per day of work, or per month. Due
 *   premiums wait until fw_insurance_post_premiums() posts them to the ledger.
 * - Certificates of cover, signed with the platform key and verifiable offline.
 * - Social-insurance contribution service: requests made on a worker's behalf and their status.
 *
 * Occupational injury protection follows cn-rules.md §4: the platform pays 100% per order
 * ("平台全额缴费、按单缴费、每单必保"), for ride-hailing (0.01 CNY an order), instant delivery
 * (0.07 CNY; 0.07-0.25 for earlier pilot platforms) and intra-city freight (0.18 CNY).
 *
 * Facts about a worker that other modules own (birth date, region, the work they take) come in
 * the request JSON; the library does not read them from elsewhere.
 *
 * Every function returns FW_OK or a negative FW_E* code with the detail in the optional
 * fw_error (JSON input errors name the field's path). On failure the outputs are untouched and
 * the store is unchanged: each call is one transaction. JSON text returned through out_json is
 * the caller's, freed with fw_free().
 */
#ifndef FLEXWORK_INSURANCE_H
#define FLEXWORK_INSURANCE_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** States of a social-insurance contribution request. Values are pinned. */
#define FW_INSURANCE_SOCIAL_REQUESTED 1
#define FW_INSURANCE_SOCIAL_SUBMITTED 2
#define FW_INSURANCE_SOCIAL_PAID      3
#define FW_INSURANCE_SOCIAL_FAILED    4
#define FW_INSURANCE_SOCIAL_CANCELLED 5

/**
 * Creates an insurance product.
 * @param json {"code" (1..32, unique),"name" (1..200),
 *   "type":"accident"|"employer_liability"|"occupational_injury","insurer" (1..200),
 *   "coverage" (1..1000: what is covered),"coverage_fen" (sum insured, >= 0),
 *   "premium_rule":"per_order"|"per_day"|"per_person_month","premium_fen" (>= 0),
 *   "payer":"platform"|"enterprise"|"worker","min_age" (16..100, default 16),
 *   "max_age" (min_age..100, default 65),"max_risk_level" (1..5, default 5),
 *   "categories":["instant_delivery",...] (default []: any),"regions":["310000",...] (default [])}.
 *   Occupational injury protection must be per_order, paid by the platform, for categories among
 *   "ride_hailing", "instant_delivery", "intra_city_freight"; without premium_fen and with one
 *   category it takes the national base amount (1, 7 or 18 fen an order).
 * @return FW_OK; FW_EINVAL naming the field; FW_EEXISTS ($.code); FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_product_create(fw_ctx *ctx, const char *json, size_t json_len,
                                           fw_id *out_id, fw_error **err);

/** A product as JSON (the fields above plus "id","state":"active"|"retired"). @return FW_OK; FW_ENOTFOUND; FW_EPERM. */
FW_EXTERN(int) fw_insurance_product_get(fw_ctx *ctx, fw_id product_id, char **out_json,
                                        size_t *out_len, fw_error **err);

/** All products, active first: [product, ...]. @return FW_OK; FW_EPERM. */
FW_EXTERN(int) fw_insurance_product_list(fw_ctx *ctx, char **out_json, size_t *out_len,
                                         fw_error **err);

/** Retires a product: no new enrolments; existing ones run on. @return FW_OK; FW_ENOTFOUND; FW_ESTATE; FW_EPERM. */
FW_EXTERN(int) fw_insurance_product_retire(fw_ctx *ctx, fw_id product_id, fw_error **err);

/**
 * Recommends products for a worker, ranked.
 * @param json {"worker_id":N,"birth_date":"YYYY-MM-DD","on":"YYYY-MM-DD" (default today, CST),
 *   "region" (optional, 1..16),"hours_per_week" (0..168, default 40),
 *   "work":[{"category" (1..64),"risk_level":1..5,"orders_per_month" (0..1000000, default 0),
 *   "days_per_month" (0..31, default from hours_per_week)}] (1..50 items),
 *   "existing_cover":["accident",...] (types the worker already has, default [])}
 * @param[out] out_json {"worker_id","age","recommended":[{"product_id","code","name","type",
 *   "insurer","required","score","monthly_premium_fen","reasons":["..."]}],
 *   "excluded":[{"product_id","code","reasons":["..."]}]}. Ranked by score (mandatory
 *   protection first; products of a type already held last), then the estimated monthly
 *   premium, then id. Free with fw_free().
 * @return FW_OK; FW_EINVAL naming the field; FW_EDENIED when the worker is under 16 (no
 *   unit may engage them: 《禁止使用童工规定》 art. 2); FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_recommend(fw_ctx *ctx, const char *json, size_t json_len,
                                      char **out_json, size_t *out_len, fw_error **err);

/**
 * Enrols a worker in a product.
 * @param json {"product_id","worker_id","birth_date":"YYYY-MM-DD","enterprise_id" (optional),
 *   "start":"YYYY-MM-DD" (default today),"end":"YYYY-MM-DD" (optional, after start),
 *   "region" (optional),"categories":[...] (optional: the work it is for)}
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND ($.product_id); FW_ESTATE when the product is retired;
 *   FW_EDENIED when the age, region or categories are not eligible (the message says which);
 *   FW_EEXISTS when the worker already has an active enrolment in the product; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_enrol(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                  fw_error **err);

/** Cancels an active enrolment from now: {"reason" (1..200)}. @return FW_OK; FW_ENOTFOUND; FW_ESTATE; FW_EINVAL; FW_EPERM. */
FW_EXTERN(int) fw_insurance_enrolment_cancel(fw_ctx *ctx, fw_id enrolment_id, const char *json,
                                             size_t json_len, fw_error **err);

/**
 * A worker's enrolments: [{"id","product_id","code","type","enterprise_id","start_ms","end_ms",
 * "state":"active"|"cancelled","age"}]. @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_enrolments(fw_ctx *ctx, fw_id worker_id, char **out_json,
                                       size_t *out_len, fw_error **err);

/**
 * The premium of units (orders, days or months) of a product: premium_fen x units.
 * @return FW_OK; FW_EINVAL for units < 0; FW_ENOTFOUND; FW_EOVERFLOW; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_premium_fen(fw_ctx *ctx, fw_id product_id, int64_t units,
                                        int64_t *out_fen, fw_error **err);

/**
 * Charges the premium an enrolment owes for work at at_ms: per order (order_ref names the
 * order), per CST day of work, or per CST month. Each order, day or month is charged once:
 * charging it again returns the first premium. The premium is due until the ledger posts it.
 * @param order_ref     the order (1..128 bytes); required for per-order products, otherwise
 *                      optional and unused.
 * @param idem_key      idempotency key (NULL or "" for none), see DESIGN §4.
 * @param[out] out_fen  the premium in fen (optional).
 * @param[out] out_premium_id the premium record (optional).
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE when the enrolment is cancelled or at_ms
 *   is outside its period; FW_ECONFLICT for a reused key; FW_EOVERFLOW; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_charge(fw_ctx *ctx, fw_id enrolment_id, const char *order_ref,
                                   int64_t at_ms, const char *idem_key, int64_t *out_fen,
                                   fw_id *out_premium_id, fw_error **err);

/**
 * Premiums charged in [from_ms, to_ms) (0, 0 = all): {"total_fen","due_fen","posted_fen",
 * "premiums":[{"id","enrolment_id","product_id","worker_id","enterprise_id","basis",
 * "basis_ref","units","amount_fen","payer","at_ms","state":"due"|"posted","journal_ref"}]}.
 * @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_premiums(fw_ctx *ctx, int64_t from_ms, int64_t to_ms, char **out_json,
                                     size_t *out_len, fw_error **err);

/**
 * A certificate of cover for an active enrolment, signed with the platform's Ed25519 key:
 * {"certificate":{"enrolment_id","worker_id","product":{"code","name","type","insurer",
 * "coverage","coverage_fen"},"start_ms","end_ms","issued_ms"},"public_key":"hex",
 * "signature":"hex"}; the signature covers the "certificate" member's text exactly as printed.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when cancelled; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_certificate(fw_ctx *ctx, fw_id enrolment_id, char **out_json,
                                        size_t *out_len, fw_error **err);

/**
 * Verifies a certificate offline.
 * @param expected_public_key 32 bytes, or NULL to trust the key inside.
 * @return FW_OK; FW_EAUTH when the signature or key does not verify; FW_EJSON / FW_EINVAL.
 */
FW_EXTERN(int) fw_insurance_certificate_verify(const char *json, size_t json_len,
                                               const uint8_t *expected_public_key, fw_error **err);

/**
 * Records a social-insurance contribution the platform makes or arranges on a worker's behalf.
 * @param json {"worker_id","kind":"pension"|"medical"|"work_injury"|"unemployment"|"maternity",
 *   "region" (1..16),"month":"YYYY-MM","base_fen" (> 0),"rate_ppm" (1..1000000),
 *   "note" (optional)}; amount = base x rate, rounded half up to the fen.
 * @return FW_OK; FW_EINVAL; FW_EEXISTS when one of the kind and month is open or paid; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_social_request(fw_ctx *ctx, const char *json, size_t json_len,
                                           fw_id *out_id, fw_error **err);

/**
 * Moves a contribution request on: {"state":"submitted"|"paid"|"failed"|"cancelled",
 * "reference" (optional, the bureau's receipt),"note" (optional)}. Allowed: requested ->
 * submitted | cancelled; submitted -> paid | failed; failed -> submitted.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE naming both states; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_social_update(fw_ctx *ctx, fw_id request_id, const char *json,
                                          size_t json_len, fw_error **err);

/**
 * A worker's contribution requests: [{"id","kind","region","month","base_fen","rate_ppm",
 * "amount_fen","state","reference","note","updated_ms"}]. @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_insurance_social_list(fw_ctx *ctx, fw_id worker_id, char **out_json,
                                        size_t *out_len, fw_error **err);

/**
 * Posts the due premiums charged before before_ms (0: every due premium) to the ledger, one
 * journal entry each, and marks each posted with its entry ("ledger_entry:<id>") in the same
 * transaction, so that a premium is posted exactly once. The payer's account is
 * debited and the platform's insurance payable credited: an enterprise's funds, a worker's
 * payable, or for premiums the platform pays its fee revenue. A premium whose payer cannot
 * cover it (funds short, no such account) stays due for a later run; the others are posted.
 * The run is audited ("insurance.post": how many posted, their total, how many left due).
 *
 * @param ctx        the context (admin, finance or system).
 * @param before_ms  0, or a time: premiums charged at or after it are left for a later run.
 * @param idem_key   1..255 bytes: the same key with the same before_ms returns the first
 *                   outcome without posting again; with another before_ms, FW_ECONFLICT.
 * @return FW_OK; FW_EINVAL (before_ms, idem_key); FW_ECONFLICT; FW_ECLOSED when a premium's
 *         entry falls in a closed accounting period; FW_EPERM. On failure nothing is posted.
 */
FW_EXTERN(int) fw_insurance_post_premiums(fw_ctx *ctx, int64_t before_ms, const char *idem_key,
                                          fw_error **err);

FW_END_DECL
#endif
