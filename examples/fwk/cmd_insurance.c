/*
 * fwk insurance: insurance products, recommendations for a worker's work, enrolment and
 * signed certificates of cover.
 */
#include <stdio.h>

#include "fwk.h"

static int product_create(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_insurance_product_create(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"product_id\":%lld}", (long long)id);
}

static int product_list(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_insurance_product_list(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int product_retire(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_insurance_product_retire(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"product_id\":%lld,\"state\":\"retired\"}", (long long)id);
}

/* The worker's age, region and work in --json; ranked products with the reasons. */
static int recommend(struct fwk *f, fw_error **err)
{
    const char *json;
    char *out = NULL;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_insurance_recommend(f->ctx, json, len, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int enrol(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_insurance_enrol(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enrolment_id\":%lld}", (long long)id);
}

static int enrolments(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t worker;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &worker)) != FW_OK ||
        (rc = fw_insurance_enrolments(f->ctx, worker, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int premium(struct fwk *f, fw_error **err)
{
    int64_t product, units, fen = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &product)) != FW_OK || (rc = fwk_arg_i64(f, 1, &units)) != FW_OK ||
        (rc = fw_insurance_premium_fen(f->ctx, product, units, &fen, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"product_id\":%lld,\"units\":%lld,\"premium_fen\":%lld}", (long long)product,
                      (long long)units, (long long)fen);
}

static int certificate(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_insurance_certificate(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static const struct fwk_verb verbs[] = {
    { "product create", "", "json!", product_create,
      "{\"code\",\"name\",\"type\",\"insurer\",\"premium_rule\",...}", 0 },
    { "product list", "", "", product_list, NULL, 0 },
    { "product retire", "PRODUCT_ID", "", product_retire, NULL, 0 },
    { "recommend", "", "json!", recommend,
      "{\"worker_id\",\"birth_date\",\"work\":[{\"category\",\"risk_level\"}]}", 0 },
    { "enrol", "", "json!", enrol, "{\"product_id\",\"worker_id\",\"birth_date\",\"start\"?,\"end\"?}", 0 },
    { "enrolments", "WORKER_ID", "", enrolments, NULL, 0 },
    { "premium", "PRODUCT_ID UNITS", "", premium, "orders, days or person-months, by the product's rule", 0 },
    { "certificate", "ENROLMENT_ID", "", certificate, "a signed certificate of cover", 0 },
};

int fwk_cmd_insurance(int argc, char **argv)
{
    return FWK_RUN("insurance", verbs, argc, argv);
}
