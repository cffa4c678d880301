/*
 * Demo step "party": the platform records its profile; an enterprise applies, is verified by a
 * reviewer, signs the cooperation agreement with the platform and is activated; a worker
 * registers online, is verified and signs a service agreement with the enterprise
 * . Every contract is verified at the end.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define CHECK(call)                                                                                \
    do {                                                                                           \
        if ((rc = (call)) != FW_OK)                                                                \
            goto done;                                                                             \
    } while (0)

static int actor(fw_ctx *ctx, uint32_t role, fw_id party, const char *name, fw_error **err)
{
    return fw_ctx_set_actor(ctx, role, party, name, err);
}

/* Creates, sends and has every party sign a contract; prints its hash and verification. */
static int contract(struct demo *d, const char *json, fw_id ent, fw_id worker, const char *what, fw_id *out,
                    fw_error **err)
{
    static const char *evidence = "{\"auth_method\":\"sms_code\",\"ip\":\"203.0.113.7\"}";
    fw_contract *c = NULL;
    uint8_t h[32];
    uint32_t st = 0;
    int rc;

    CHECK(actor(d->ctx, FW_ROLE_OPERATOR, 0, "demo-operator", err));
    CHECK(fw_contract_create(&c, d->ctx, json, strlen(json), err));
    *out = fw_contract_id(c);
    fw_contract_hash(c, h);
    CHECK(fw_contract_send(d->ctx, *out, err));
    if (ent) {
        CHECK(actor(d->ctx, FW_ROLE_ENTERPRISE_USER, ent, "ent-admin", err));
        CHECK(fw_contract_sign(d->ctx, *out, evidence, strlen(evidence), &st, err));
    }
    if (!worker || !ent) {
        CHECK(actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", err));
        CHECK(fw_contract_sign(d->ctx, *out, NULL, 0, &st, err));
    }
    if (worker) {
        CHECK(actor(d->ctx, FW_ROLE_WORKER, worker, "worker-app", err));
        CHECK(fw_contract_sign(d->ctx, *out, evidence, strlen(evidence), &st, err));
    }
    CHECK(actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", err));
    CHECK(fw_contract_verify(d->ctx, *out, NULL, NULL, err));
    printf("  %s: contract %lld signed by every party (sha256 %02x%02x%02x%02x...), signatures verify\n", what,
           (long long)*out, h[0], h[1], h[2], h[3]);
done:
    fw_contract_free(c);
    return rc;
}

int demo_party(struct demo *d)
{
    static const char *profile =
        "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\","
        "\"licences\":[{\"kind\":\"human_resources_service\",\"number\":\"330100HR2024001\","
        "\"valid_from\":\"2024-01-01\",\"valid_to\":\"2099-12-31\"}]}";
    static const char *channel =
        "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":\"CMB-DEMO-001\","
        "\"valid_from\":\"2024-01-01\",\"valid_to\":\"2099-12-31\"}";
    static const char *application =
        "{\"name\":\"杭州云帆科技有限公司\",\"uscc\":\"91330100799655058B\","
        "\"legal_rep\":{\"name\":\"王建国\",\"id_number\":\"11010519491231002X\"},"
        "\"contact\":{\"name\":\"李四\",\"phone\":\"13812345678\"},"
        "\"bank_account\":{\"bank\":\"中国工商银行杭州分行\",\"account_no\":\"1202020209000012345\","
        "\"account_name\":\"杭州云帆科技有限公司\"},\"business_scope\":\"软件开发；信息技术服务\","
        "\"industry\":\"I65\",\"qualifications\":[{\"kind\":\"business_licence\","
        "\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}";
    static const char *coop_tpl =
        "{\"kind\":\"cooperation\",\"name\":\"平台企业合作协议\",\"version\":1,"
        "\"body\":\"甲方：{{platform_name}}\\n乙方：{{enterprise_name}}（{{enterprise_uscc}}）\\n服务费率：{{fee_rate}}\","
        "\"placeholders\":[{\"name\":\"fee_rate\",\"type\":\"text\"}]}";
    static const char *service_tpl =
        "{\"kind\":\"service\",\"name\":\"灵活用工服务协议\",\"version\":1,"
        "\"body\":\"甲方：{{enterprise_name}}\\n乙方：{{worker_name}}（{{worker_id_number}}）\",\"placeholders\":[]}";
    static const char *worker =
        "{\"name\":\"王五\",\"id_number\":\"110105199003071239\",\"phone\":\"13900001111\","
        "\"bank_card\":\"6222021000000000009\",\"channel\":\"self\"}";
    fw_error *err = NULL;
    fw_id channel_id = 0, tpl_c = 0, tpl_s = 0, cid = 0, sid = 0;
    uint32_t st = 0;
    char json[256], *out = NULL;
    int rc;

    CHECK(actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err));
    CHECK(fw_party_platform_set(d->ctx, profile, strlen(profile), &err));
    CHECK(fw_party_channel_add(d->ctx, channel, strlen(channel), &channel_id, &err));
    CHECK(fw_party_platform_check(d->ctx, &err));
    printf("  platform profile and payment-channel agreement %lld recorded: money may move\n", (long long)channel_id);
    CHECK(fw_contract_template_add(d->ctx, coop_tpl, strlen(coop_tpl), &tpl_c, &err));
    CHECK(fw_contract_template_add(d->ctx, service_tpl, strlen(service_tpl), &tpl_s, &err));

    CHECK(actor(d->ctx, FW_ROLE_OPERATOR, 0, "demo-operator", &err));
    CHECK(fw_party_enterprise_apply(d->ctx, application, strlen(application), &d->enterprise_id, &err));
    CHECK(fw_party_enterprise_verify(d->ctx, d->enterprise_id, &st, &err));
    printf("  enterprise %lld applied; no registry provider, so it waits under review (state %u)\n",
           (long long)d->enterprise_id, st);
    CHECK(actor(d->ctx, FW_ROLE_REVIEWER, 0, "demo-reviewer", &err));
    CHECK(fw_party_enterprise_review(d->ctx, d->enterprise_id, "{\"decision\":\"approve\"}", (size_t)-1, &err));
    printf("  reviewer approved enterprise %lld\n", (long long)d->enterprise_id);
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"values\":{\"fee_rate\":\"6%%\"}}",
             (long long)tpl_c, (long long)d->enterprise_id);
    CHECK(contract(d, json, d->enterprise_id, 0, "cooperation agreement", &cid, &err));
    CHECK(fw_party_enterprise_activate(d->ctx, d->enterprise_id, &err));
    printf("  enterprise %lld is active\n", (long long)d->enterprise_id);

    CHECK(actor(d->ctx, FW_ROLE_SYSTEM, 0, "worker-app", &err));
    CHECK(fw_party_worker_register(d->ctx, worker, strlen(worker), &d->worker_id, &err));
    CHECK(fw_party_worker_verify(d->ctx, d->worker_id, "pass", &st, &err));
    CHECK(actor(d->ctx, FW_ROLE_REVIEWER, 0, "demo-reviewer", &err));
    CHECK(fw_party_worker_review(d->ctx, d->worker_id, "{\"decision\":\"approve\"}", (size_t)-1, &err));
    CHECK(actor(d->ctx, FW_ROLE_OPERATOR, 0, "demo-operator", &err));
    CHECK(fw_party_worker_get(d->ctx, d->worker_id, &out, NULL, &err));
    printf("  worker %lld registered online and verified; as the operator sees it: %s\n", (long long)d->worker_id, out);
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}", (long long)tpl_s,
             (long long)d->enterprise_id, (long long)d->worker_id);
    CHECK(contract(d, json, d->enterprise_id, d->worker_id, "service agreement", &sid, &err));
    CHECK(actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err));
    CHECK(fw_party_worker_activate(d->ctx, d->worker_id, &err));
    printf("  worker %lld is active and may take work from enterprise %lld\n", (long long)d->worker_id,
           (long long)d->enterprise_id);
done:
    fw_free(out);
    fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", NULL);
    return rc == FW_OK ? 0 : fwk_fail("party", rc, err);
}
