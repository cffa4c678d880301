/* Service step (R-6.e, R-8): a worker's complaint handled end to end per GB/T 19012, then the month's
 * KPIs and service-quality report. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "demo.h"

static int step(int (*fn)(fw_ctx *, fw_id, const char *, size_t, fw_error **), fw_ctx *ctx, fw_id id,
                const char *json, fw_error **err)
{
    return fn(ctx, id, json, json ? strlen(json) : 0, err);
}

int demo_service(struct demo *d)
{
    fw_id worker = d->worker_id ? d->worker_id : 1, id = 0;
    char open[500], month[16], *json = NULL;
    time_t cst = (time_t)((fw_ctx_now(d->ctx) + 8 * 3600000LL) / 1000);
    struct tm tm;
    size_t len = 0;
    fw_error *err = NULL;
    int rc;

    gmtime_r(&cst, &tm);
    strftime(month, sizeof(month), "%Y-%m", &tm);
    snprintf(open, sizeof(open), "{\"kind\":\"complaint\",\"party_kind\":\"worker\",\"party_id\":%lld,"
             "\"channel\":\"app\",\"category\":\"payout\",\"title\":\"payment late\","
             "\"description\":\"the payment for a finished task arrived three days late\","
             "\"requested_remedy\":\"compensation\",\"contact\":\"13800138000\"}", (long long)worker);
    rc = fw_ctx_set_actor(d->ctx, FW_ROLE_WORKER, worker, "demo-worker", &err);
    if (rc == FW_OK)
        rc = fw_service_case_open(d->ctx, open, strlen(open), &id, &err);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_OPERATOR, 0, "demo-service-desk", &err);
    if (rc == FW_OK)
        rc = step(fw_service_case_acknowledge, d->ctx, id, "{\"note\":\"received, we are on it\"}", &err);
    if (rc == FW_OK)
        rc = step(fw_service_case_assess, d->ctx, id, "{\"severity\":\"high\",\"priority\":2}", &err);
    if (rc == FW_OK)
        rc = step(fw_service_case_investigate, d->ctx, id, "{\"note\":\"payout batch held by a bank holiday\"}", &err);
    if (rc == FW_OK)
        rc = step(fw_service_case_respond, d->ctx, id, "{\"response\":\"compensation of 10.00 CNY paid\","
                  "\"remedy\":\"compensation\",\"cause\":\"late_payout\"}", &err);
    if (rc == FW_OK)
        rc = step(fw_service_case_decide, d->ctx, id, "{\"decision\":\"compensation paid\",\"accepted\":true}", &err);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_WORKER, worker, "demo-worker", &err);
    if (rc == FW_OK)
        rc = step(fw_service_case_close, d->ctx, id, "{\"satisfaction\":4}", &err);
    if (rc == FW_OK)
        rc = fw_service_case_get(d->ctx, id, &json, &len, &err);
    if (rc == FW_OK)
        printf("  complaint %lld handled and closed by the worker: %.160s...\n", (long long)id, json);
    fw_free(json);
    json = NULL;
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-quality", &err);
    if (rc == FW_OK)
        rc = fw_service_kpis(d->ctx, month, "{\"orders\":1000}", (size_t)-1, &json, NULL, &err);
    if (rc == FW_OK)
        printf("  KPIs %s: %s\n", month, json);
    fw_free(json);
    json = NULL;
    if (rc == FW_OK)
        rc = fw_service_report_html(d->ctx, month, NULL, 0, &json, &len, &err);
    if (rc == FW_OK)
        printf("  service-quality report %s: %zu bytes of HTML with inline SVG\n", month, len);
    fw_free(json);
    return rc == FW_OK ? 0 : fwk_fail("service", rc, err);
}
