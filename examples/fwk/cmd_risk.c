/*
 * fwk risk: the risk gate, lists, limits, periodic inspection, random sampling and the cases
 * they open.
 *
 *   echo '{"action":"payout","enterprise_id":1,"worker_id":1,"amount_fen":500000}' |
 *     fwk risk check STORE --json -              allow, review or deny, with every reason
 *   fwk risk inspect STORE --json '{"from":"2026-03-01","to":"2026-04-01"}' file
 */
#include <stdio.h>

#include "fwk.h"

/* The verbs that send --json and print the library's JSON answer. */
static int ask(struct fwk *f, fw_error **err,
               int (*fn)(fw_ctx *, const char *, size_t, char **, size_t *, fw_error **))
{
    const char *json;
    char *out = NULL;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fn(f->ctx, json, len, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* A gate check changes nothing unless "reserve" is true; an allowed reservation is held until released. */
static int check(struct fwk *f, fw_error **err)
{
    return ask(f, err, fw_risk_check_json);
}

static int sample(struct fwk *f, fw_error **err)
{
    return ask(f, err, fw_risk_sample);
}

static int inspect(struct fwk *f, fw_error **err)
{
    const char *json;
    char *out = NULL;
    size_t len;
    int rc;

    /* A host would pass its own rules here; the command runs the library's. */
    if ((rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_risk_inspect(f->ctx, json, len, NULL, 0, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int release(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_risk_release(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"reservation_id\":%lld,\"released\":true}", (long long)id);
}

static int list_add(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_risk_list_add(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"entry_id\":%lld}", (long long)id);
}

static int list_remove(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_risk_list_remove(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"entry_id\":%lld,\"removed\":true}", (long long)id);
}

static int lists(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_risk_list_query(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int limits_set(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_risk_limits_set(f->ctx, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"limits\":\"recorded\"}");
}

static int limits_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t ent;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fw_risk_limits_get(f->ctx, ent, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int rating(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t ent;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fw_risk_rating_compute(f->ctx, ent, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* --json takes the filter: {"state":"open"|"reviewing"|"resolved","enterprise_id":N}. */
static int cases(struct fwk *f, fw_error **err)
{
    const char *filter;
    char *out = NULL;
    size_t flen, len = 0;
    int rc;

    if ((rc = fwk_json_opt(f, &filter, &flen)) != FW_OK ||
        (rc = fw_risk_case_list(f->ctx, filter, flen, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* {"state":"reviewing"|"resolved","resolution":"no_issue"|"suspend"|"limit"|"list","note"} */
static int case_update(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_risk_case_update(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"case_id\":%lld,\"updated\":true}", (long long)id);
}

static const struct fwk_verb verbs[] = {
    { "check", "", "json!", check, "{\"action\",\"enterprise_id\",\"worker_id\",\"amount_fen\",\"reserve\"?}", 0 },
    { "release", "RESERVATION_ID", "", release, "give back what a reserving check held", 0 },
    { "list add", "", "json!", list_add, "{\"list\":\"black\"|...,\"kind\",\"value\",\"reason\",\"source\"}", 0 },
    { "list remove", "ENTRY_ID REASON", "", list_remove, NULL, 0 },
    { "lists", "", "", lists, "every list entry", 0 },
    { "limits set", "", "json!", limits_set, NULL, 0 },
    { "limits get", "ENTERPRISE_ID", "", limits_get, "the limits in force for an enterprise", 0 },
    { "rating", "ENTERPRISE_ID", "", rating, "compute the enterprise's risk rating now", 0 },
    { "inspect", "", "json!", inspect, "{\"from\",\"to\"} (YYYY-MM-DD): each finding opens a case", 0 },
    { "sample", "", "json!", sample, "{\"population\":\"payouts\"|\"workers\",\"from\",\"to\",\"per_enterprise\"}", 0 },
    { "cases", "", "json", cases, "--json takes the filter", 0 },
    { "case update", "CASE_ID", "json!", case_update, "{\"state\",\"resolution\"?,\"note\"?}", 0 },
};

int fwk_cmd_risk(int argc, char **argv)
{
    return FWK_RUN("risk", verbs, argc, argv);
}
