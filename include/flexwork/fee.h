/**
 * @file fee.h
 * Service fees computed from each enterprise's configuration, charged before, during or after
 * the transaction.
 *
 * A fee schedule belongs to an enterprise and is valid over a range of CST dates; a new
 * schedule is a new version, and the one in force on a date is the highest version whose range
 * contains it. A schedule gives a rate in parts per million, or volume tiers by monthly volume
 * (applied to the whole amount at the tier reached, or marginally band by band), a fixed part,
 * a minimum and a maximum, the base (gross payout, or net to the worker), who bears the fee (on
 * top of the payout, or deducted from it) and when it is charged.
 *
 * Schedule JSON:
 *   {"enterprise_id":int > 0 (not needed for fw_fee_calc_from_json),
 *    "valid_from":"YYYY-MM-DD", "valid_to":"YYYY-MM-DD" (inclusive; optional: open-ended),
 *    "rate_ppm":0..1000000 | "tiers":[{"from_volume_fen":0,"rate_ppm":60000}, ...] (ascending,
 *    the first from 0, at most 16), "tier_mode":"whole"|"marginal" (default "whole"),
 *    "fixed_fen":>= 0 (default 0), "min_fen":>= 0 (default 0), "max_fen":>= min (optional),
 *    "base":"gross"|"net" (default "gross"), "bearer":"on_top"|"deducted" (default "on_top"),
 *    "charge":"before"|"during"|"after" (default "during")}
 *
 * Computation, for an amount A and the period volume V before it (fen):
 *  - rate part: whole mode takes the rate of the tier that V + A reaches, over A; marginal mode
 *    splits [V, V + A) at the tier boundaries and applies each band's rate;
 *  - base "net" with bearer "deducted" solves fee = fixed + rate x (A - fee), i.e.
 *    (fixed + rate x A) / (1 + rate) (whole mode only); otherwise fee = fixed + rate part;
 *  - the exact value is rounded once, half up, to the fen; then clamped to [min, max];
 *  - A = 0 charges nothing. A deducted fee larger than A is refused (FW_ELIMIT).
 * Charging "after" bills a period: compute with A = the period's volume and V = 0.
 */
#ifndef FLEXWORK_FEE_H
#define FLEXWORK_FEE_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** A compiled fee schedule. Not shared between threads; usable without a store. */
typedef struct fw_fee_calc fw_fee_calc;

/** Charge points. Pinned values. */
#define FW_FEE_CHARGE_BEFORE 1  /**< at funding: taken from each incoming payment */
#define FW_FEE_CHARGE_DURING 2  /**< at each payout */
#define FW_FEE_CHARGE_AFTER  3  /**< accrued and billed per CST month */

/** Who bears the fee. */
#define FW_FEE_ON_TOP   1  /**< the enterprise pays amount + fee; the worker gets the amount */
#define FW_FEE_DEDUCTED 2  /**< the enterprise pays the amount; the worker gets amount - fee */

/**
 * Stores a new version of an enterprise's fee schedule.
 *
 * @param[out] out_id the schedule's id.
 * @param json a schedule (see above) with enterprise_id and valid_from.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM (admin, finance). On failure the store is
 *         unchanged.
 */
FW_EXTERN(int) fw_fee_schedule_set(fw_ctx *ctx, fw_id *out_id, const char *json, size_t json_len,
                                   fw_error **err);

/**
 * The schedule in force for an enterprise at an instant, as JSON: the stored schedule plus
 * "id", "version", "enterprise_id". The caller frees *out_json with fw_free().
 *
 * @return FW_OK; FW_ENOTFOUND when none is in force; FW_EPERM (an enterprise user sees its own).
 */
FW_EXTERN(int) fw_fee_schedule_get(fw_ctx *ctx, fw_id enterprise_id, int64_t at_ms,
                                   char **out_json, size_t *out_len, fw_error **err);

/**
 * Compiles the schedule in force for an enterprise at an instant.
 *
 * @param[out] out the calculator; free with fw_fee_calc_free().
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_fee_calc_new(fw_fee_calc **out, fw_ctx *ctx, fw_id enterprise_id,
                               int64_t at_ms, fw_error **err);

/**
 * Compiles a schedule given as JSON, without a store (quotes, tests). enterprise_id and the
 * validity dates are optional here.
 *
 * @return FW_OK; FW_EINVAL naming the field; FW_EJSON.
 */
FW_EXTERN(int) fw_fee_calc_from_json(fw_fee_calc **out, const char *json, size_t json_len,
                                     fw_error **err);

/**
 * Computes the fee for an amount.
 *
 * @param amount_fen the payout amount (>= 0). @param volume_fen the period's volume before it (>= 0).
 * @param[out] fee_fen the fee. @param[out] enterprise_pays_fen amount + fee (on top) or amount.
 * @param[out] worker_receives_fen amount (on top) or amount - fee. Any output may be NULL.
 * @return FW_OK; FW_EINVAL (negative amount or volume); FW_EOVERFLOW; FW_ELIMIT (a deducted fee
 *         beyond the amount). On failure the outputs are untouched.
 */
FW_EXTERN(int) fw_fee_calc_compute(const fw_fee_calc *calc, int64_t amount_fen, int64_t volume_fen,
                                   int64_t *fee_fen, int64_t *enterprise_pays_fen,
                                   int64_t *worker_receives_fen, fw_error **err);

/**
 * As fw_fee_calc_compute(), with a breakdown explaining each part:
 * {"amount_fen","volume_before_fen","tier_mode","base","bearer","charge",
 *  "parts":[{"tier":int,"from_volume_fen":int,"portion_fen":int,"rate_ppm":int}],
 *  "rate_part_exact_fen":"decimal text","fixed_fen","unrounded_fen":"decimal text",
 *  "rounded_fen":int,"clamp":null|"min"|"max","fee_fen","enterprise_pays_fen",
 *  "worker_receives_fen","schedule_id":int|null,"version":int|null}.
 *
 * @return as fw_fee_calc_compute().
 */
FW_EXTERN(int) fw_fee_calc_breakdown(const fw_fee_calc *calc, int64_t amount_fen,
                                     int64_t volume_fen, char **out_json, size_t *out_len,
                                     fw_error **err);

/** The charge point, one of FW_FEE_CHARGE_*. */
FW_EXTERN(uint32_t) fw_fee_calc_charge(const fw_fee_calc *calc);

/** Who bears the fee, FW_FEE_ON_TOP or FW_FEE_DEDUCTED. */
FW_EXTERN(uint32_t) fw_fee_calc_bearer(const fw_fee_calc *calc);

/** The stored schedule's id, or 0 for one compiled from JSON. */
FW_EXTERN(fw_id) fw_fee_calc_schedule_id(const fw_fee_calc *calc);

/** Frees a calculator. NULL is allowed. */
FW_EXTERN(void) fw_fee_calc_free(fw_fee_calc *calc);

FW_END_DECL
#endif
