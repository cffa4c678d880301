/* Risk control: lists, qualification review, rating, the gate, inspection and cases. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "demo.h"

#define DEMO_ENT                                                                                   \
    "{\"name\":\"杭州风控演示科技有限公司\",\"uscc\":\"91330100799655058B\","                      \
    "\"legal_rep\":{\"name\":\"王建国\",\"id_number\":\"11010519491231002X\"},"                    \
    "\"contact\":{\"name\":\"李四\",\"phone\":\"13812345678\"},"                                   \
    "\"bank_account\":{\"bank\":\"中国工商银行杭州分行\",\"account_no\":\"1202020209000012345\","   \
    "\"account_name\":\"杭州风控演示科技有限公司\"},\"business_scope\":\"软件开发；信息技术服务\","  \
    "\"industry\":\"I65\",\"qualifications\":[{\"kind\":\"business_licence\",\"sha256\":"         \
    "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}"

#define DEMO_WORKER                                                                                \
    "{\"name\":\"赵六\",\"id_number\":\"110105198512311232\",\"phone\":\"13900001111\","           \
    "\"bank_card\":\"6222020200112233445\",\"channel\":\"self\"}"

/* Prints a JSON answer indented under the step, then frees it. */
static void show(const char *label, char *json)
{
    printf("  %s: %s\n", label, json);
    fw_free(json);
}

static int ensure_parties(struct demo *d, fw_error **err)
{
    uint32_t st = 0;
    int rc = FW_OK;

    if (!d->enterprise_id) {
        rc = fw_party_enterprise_apply(d->ctx, DEMO_ENT, strlen(DEMO_ENT), &d->enterprise_id, err);
        if (rc == FW_OK)
            rc = fw_party_enterprise_verify(d->ctx, d->enterprise_id, &st, err);
        if (rc == FW_OK && st == FW_ENTERPRISE_UNDER_REVIEW)
            rc = fw_party_enterprise_review(d->ctx, d->enterprise_id, "{\"decision\":\"approve\"}", (size_t)-1, err);
    }
    if (rc == FW_OK && !d->worker_id) {
        rc = fw_party_worker_register(d->ctx, DEMO_WORKER, strlen(DEMO_WORKER), &d->worker_id, err);
        if (rc == FW_OK)
            rc = fw_party_worker_verify(d->ctx, d->worker_id, NULL, NULL, err);
        if (rc == FW_OK)
            rc = fw_party_worker_review(d->ctx, d->worker_id, "{\"decision\":\"approve\"}", (size_t)-1, err);
    }
    return rc;
}

int demo_risk(struct demo *d)
{
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *dec = NULL;
    fw_error *err = NULL;
    char *out = NULL, req[300];
    fw_id entry = 0, case_id = 0;
    int rc;

    rc = fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err);
    if (rc == FW_OK)
        rc = ensure_parties(d, &err);
    /* before: checklist, qualification review, rating, lists */
    if (rc == FW_OK)
        rc = fw_risk_checklist_set(d->ctx, "{\"industry\":\"I65\",\"documents\":[\"business_licence\"],"
                                           "\"scope_keywords\":[\"软件\",\"信息技术\"]}", (size_t)-1, &err);
    if (rc == FW_OK && (rc = fw_risk_qualification_review(d->ctx, d->enterprise_id,
                                                          "{\"document_expiry\":{\"business_licence\":\"2030-12-31\"}}",
                                                          (size_t)-1, &out, NULL, &err)) == FW_OK)
        show("qualification review (R-7.10.a)", out);
    if (rc == FW_OK && (rc = fw_risk_rating_compute(d->ctx, d->enterprise_id, &out, NULL, &err)) == FW_OK)
        show("rating (R-7.10.b)", out);
    if (rc == FW_OK && (rc = fw_risk_list_add(d->ctx, "{\"list\":\"black\",\"kind\":\"bank_card\",\"value\":"
                                                      "\"6222020000000002\",\"reason\":\"涉诈账户\",\"source\":"
                                                      "\"银行通报\"}", (size_t)-1, &entry, &err)) == FW_OK)
        printf("  black-listed a bank card as entry %lld (stored as a blind index, shown masked)\n",
               (long long)entry);
    if (rc == FW_OK && (rc = fw_risk_limits_get(d->ctx, d->enterprise_id, &out, NULL, &err)) == FW_OK)
        show("limits in force (R-7.10.e, shipped profile)", out);

    /* during: the gate explains every refusal */
    if (rc == FW_OK) {
        p.enterprise_id = d->enterprise_id;
        p.worker_id = d->worker_id;
        p.bank_card = "6222020000000002";
        rc = fw_risk_check(d->ctx, FW_RISK_ACTION_PAYOUT, &p, 12000000, &dec, &err);
    }
    if (rc == FW_OK && (rc = fw_risk_decision_to_json(dec, &out, NULL, &err)) == FW_OK)
        show("payout gate for 120,000.00 to a listed card (R-7.10.h)", out);
    fw_risk_decision_free(dec);

    /* after: a fact recorded by the task module, an inspection, a case resolved, a sample */
    snprintf(req, sizeof(req), "{\"kind\":\"task_completed\",\"enterprise_id\":%lld,\"worker_id\":%lld,"
             "\"value\":15000,\"category\":\"design\"}", (long long)d->enterprise_id, (long long)d->worker_id);
    if (rc == FW_OK)
        rc = fw_risk_signal_record(d->ctx, req, strlen(req), NULL, &err);
    if (rc == FW_OK) {
        char from[16], to[16];
        int64_t now = fw_ctx_now(d->ctx) / 1000 + 8 * 3600;
        time_t t0 = (time_t)now, t1 = (time_t)(now + 86400);
        strftime(from, sizeof(from), "%Y-%m-%d", gmtime(&t0));
        strftime(to, sizeof(to), "%Y-%m-%d", gmtime(&t1));
        snprintf(req, sizeof(req), "{\"from\":\"%s\",\"to\":\"%s\"}", from, to);
        rc = fw_risk_inspect(d->ctx, req, strlen(req), NULL, 0, &out, NULL, &err);
        if (rc == FW_OK) {
            case_id = strstr(out, "\"case_id\":") ? 1 : 0;
            show("inspection (R-7.10.f)", out);
        }
    }
    if (rc == FW_OK && case_id)
        rc = fw_risk_case_update(d->ctx, case_id, "{\"state\":\"resolved\",\"resolution\":\"no_issue\","
                                                  "\"note\":\"rush order: the design was delivered in advance\"}",
                                 (size_t)-1, &err);
    if (rc == FW_OK && (rc = fw_risk_sample(d->ctx, "{\"population\":\"payouts\",\"from\":\"2026-01-01\",\"to\":"
                                                    "\"2027-01-01\",\"per_enterprise\":2,\"seed\":\"000102030405060708"
                                                    "090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}", (size_t)-1,
                                            &out, NULL, &err)) == FW_OK)
        show("random sample with a recorded seed (R-7.10.g)", out);
    if (rc == FW_OK && (rc = fw_risk_stats(d->ctx, req, strlen(req), &out, NULL, &err)) == FW_OK)
        show("statistics", out);
    return rc == FW_OK ? 0 : fwk_fail("risk", rc, err);
}
