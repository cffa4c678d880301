/*
 * fwk fee: service-fee schedules per enterprise and quotes.
 *
 *   fwk fee schedule set STORE --json '{"enterprise_id":1,"valid_from":"2026-01-01","rate_ppm":60000}' file
 *   fwk fee quote STORE 1 1000000                   the schedule in force for enterprise 1
 *   fwk fee quote STORE 0 1000000 --json sched.json a schedule given as JSON, no store needed
 */
#include <stdio.h>

#include "fwk.h"

static int schedule_set(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_fee_schedule_set(f->ctx, &id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"schedule_id\":%lld}", (long long)id);
}

static int schedule_get(struct fwk *f, fw_error **err)
{
    int64_t ent, at;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fwk_opt_time(f, "at", &at)) != FW_OK ||
        (rc = fw_fee_schedule_get(f->ctx, ent, at, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* The breakdown explains every part: tiers, the exact value, rounding and clamping. */
static int quote(struct fwk *f, fw_error **err)
{
    fw_fee_calc *calc = NULL;
    const char *json;
    char *out = NULL;
    size_t jlen, len = 0;
    int64_t ent, amount, volume, at;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fwk_arg_i64(f, 1, &amount)) != FW_OK ||
        (rc = fwk_opt_i64(f, "volume", 0, &volume)) != FW_OK || (rc = fwk_opt_time(f, "at", &at)) != FW_OK ||
        (rc = fwk_json_opt(f, &json, &jlen)) != FW_OK)
        return rc;
    rc = json ? fw_fee_calc_from_json(&calc, json, jlen, err) : fw_fee_calc_new(&calc, f->ctx, ent, at, err);
    if (rc == FW_OK)
        rc = fw_fee_calc_breakdown(calc, amount, volume, &out, &len, err);
    fw_fee_calc_free(calc);
    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static const struct fwk_verb verbs[] = {
    { "schedule set", "", "json!", schedule_set, "a new version of an enterprise's schedule", 0 },
    { "schedule get", "ENTERPRISE_ID", "at", schedule_get, "the schedule in force (--at YYYY-MM-DD)", 0 },
    { "quote", "ENTERPRISE_ID AMOUNT_FEN", "volume at json", quote,
      "the fee on an amount, with the month's --volume before it; --json quotes a schedule without storing it", 0 },
};

int fwk_cmd_fee(int argc, char **argv)
{
    return FWK_RUN("fee", verbs, argc, argv);
}
