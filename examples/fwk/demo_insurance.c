/* Insurance step (R-3.3.i, R-5.8, R-7.12): occupational injury protection and an accident product,
 * a recommendation for a delivery worker, enrolment and a per-order premium. */
#include <stdio.h>
#include <string.h>

#include "demo.h"

static int create(fw_ctx *ctx, const char *json, fw_id *id, fw_error **err)
{
    return fw_insurance_product_create(ctx, json, strlen(json), id, err);
}

int demo_insurance(struct demo *d)
{
    fw_id worker = d->worker_id ? d->worker_id : 1, oip = 0, acc = 0, enrolment = 0, premium = 0;
    char req[400], *json = NULL;
    int64_t fen = 0;
    fw_error *err = NULL;
    int rc;

    rc = fw_ctx_set_actor(d->ctx, FW_ROLE_OPERATOR, 0, "demo-operator", &err);
    if (rc == FW_OK)
        rc = create(d->ctx, "{\"code\":\"OIP-DELIVERY\",\"name\":\"occupational injury protection\","
                    "\"type\":\"occupational_injury\",\"insurer\":\"work-injury insurance fund\","
                    "\"coverage\":\"injuries while performing platform orders\",\"coverage_fen\":0,"
                    "\"premium_rule\":\"per_order\",\"payer\":\"platform\",\"categories\":[\"instant_delivery\"]}",
                    &oip, &err);
    if (rc == FW_OK)
        rc = create(d->ctx, "{\"code\":\"ACC-DAY\",\"name\":\"daily accident insurance\",\"type\":\"accident\","
                    "\"insurer\":\"an insurer\",\"coverage\":\"death, disability, medical costs\","
                    "\"coverage_fen\":60000000,\"premium_rule\":\"per_day\",\"premium_fen\":150,"
                    "\"payer\":\"enterprise\",\"max_risk_level\":4}", &acc, &err);
    snprintf(req, sizeof(req), "{\"worker_id\":%lld,\"birth_date\":\"1992-06-01\",\"hours_per_week\":48,"
             "\"work\":[{\"category\":\"instant_delivery\",\"risk_level\":3,\"orders_per_month\":400}]}",
             (long long)worker);
    if (rc == FW_OK)
        rc = fw_insurance_recommend(d->ctx, req, strlen(req), &json, NULL, &err);
    if (rc == FW_OK)
        printf("  recommendation: %s\n", json);
    snprintf(req, sizeof(req), "{\"product_id\":%lld,\"worker_id\":%lld,\"birth_date\":\"1992-06-01\"}",
             (long long)oip, (long long)worker);
    if (rc == FW_OK)
        rc = fw_insurance_enrol(d->ctx, req, strlen(req), &enrolment, &err);
    if (rc == FW_OK)
        rc = fw_insurance_charge(d->ctx, enrolment, "demo-order-1", fw_ctx_now(d->ctx), "demo-premium-1", &fen,
                                 &premium, &err);
    if (rc == FW_OK)
        printf("  enrolled worker %lld (enrolment %lld); order demo-order-1 owes a premium of %lld fen, "
               "paid by the platform\n", (long long)worker, (long long)enrolment, (long long)fen);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_FINANCE, 0, "demo-finance", &err);
    if (rc == FW_OK)
        rc = fw_insurance_post_premiums(d->ctx, 0, "demo-post-premiums-1", &err);
    if (rc == FW_OK)
        printf("  due premiums posted to the ledger (fee revenue -> insurance payable), each once\n");
    fw_free(json);
    return rc == FW_OK ? 0 : fwk_fail("insurance", rc, err);
}
