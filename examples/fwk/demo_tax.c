/* Demo step: a worker's three months of payments with cumulative IIT withholding (STA 2025
 * No. 16), the month's declaration filed and accepted, the withheld tax paid, and the signed
 * tax-payment certificate issued and verified (R-7.7.a-c, R-7.8). */
#include <stdio.h>
#include <string.h>

#include "demo.h"

static const char *yuan(int64_t fen, char *buf, size_t size)
{
    snprintf(buf, size, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(fen < 0 ? -fen : fen) / 100,
             (long long)(fen < 0 ? -fen : fen) % 100);
    return buf;
}

/* 12:00 CST on the 15th of a 2026 month. */
static int64_t mid_month(int month)
{
    static const int days_before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    int64_t days = 20454 + days_before[month - 1] + 14;   /* 2026-01-01 is day 20454 */
    return days * 86400000LL + 4LL * 3600 * 1000;          /* 12:00 CST = 04:00 UTC */
}

/* the worker authorises the platform as tax agent before anything is filed for them. */
static int authorise(fw_ctx *ctx, fw_id worker, fw_error **err)
{
    static const char tpl_json[] =
        "{\"kind\":\"tax_authorisation\",\"name\":\"个人所得税代扣代缴授权书\",\"version\":1,"
        "\"body\":\"本人 {{worker_name}} 授权 {{platform_name}} 代为办理税务登记与代扣代缴。\",\"placeholders\":[]}";
    fw_contract *c = NULL;
    fw_id tpl = 0, k = 0;
    char json[96];
    int rc;

    if ((rc = fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "demo-admin", err)) != FW_OK ||
        (rc = fw_contract_template_add(ctx, tpl_json, strlen(tpl_json), &tpl, err)) != FW_OK)
        return rc;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)tpl, (long long)worker);
    if ((rc = fw_contract_create(&c, ctx, json, strlen(json), err)) != FW_OK)
        return rc;
    k = fw_contract_id(c);
    fw_contract_free(c);
    if ((rc = fw_contract_send(ctx, k, err)) == FW_OK &&
        (rc = fw_ctx_set_actor(ctx, FW_ROLE_WORKER, worker, "demo-worker", err)) == FW_OK &&
        (rc = fw_contract_sign(ctx, k, "{\"auth_method\":\"sms_code\",\"ip\":\"203.0.113.7\"}", (size_t)-1, NULL,
                               err)) == FW_OK)
        printf("  worker %lld signed the tax-agency authorisation (contract %lld)\n", (long long)worker, (long long)k);
    return rc;
}

int demo_tax(struct demo *d)
{
    static const int64_t pay[3] = { 2000000, 2000000, 3000000 };
    fw_id worker = d->worker_id ? d->worker_id : 1001, decl = 0, payment = 0, cert = 0;
    uint8_t pk[32], *doc = NULL;
    size_t doc_len = 0;
    fw_error *err = NULL;
    char ref[64], key[64], b1[32], b2[32], *json = NULL;
    int64_t withheld = 0;
    int rc, m;

    rc = d->worker_id ? authorise(d->ctx, worker, &err) : FW_OK;
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_TAX_AGENT, 0, "demo-tax-agent", &err);
    for (m = 1; rc == FW_OK && m <= 3; m++) {
        snprintf(ref, sizeof(ref), "demo-payout-2026-%02d-w%lld", m, (long long)worker);
        rc = fw_tax_withhold(d->ctx, worker, ref, pay[m - 1], mid_month(m), &withheld, &err);
        if (rc == FW_OK)
            printf("  2026-%02d: paid %s to worker %lld, withheld %s (cumulative method)\n", m,
                   yuan(pay[m - 1], b1, sizeof(b1)), (long long)worker, yuan(withheld, b2, sizeof(b2)));
    }
    if (rc == FW_OK && (rc = fw_tax_cumulative_get(d->ctx, worker, 2026, &json, NULL, &err)) == FW_OK)
        printf("  year to date: %s\n", json);
    fw_free(json);
    json = NULL;
    if (rc == FW_OK)
        rc = fw_tax_declaration_build(d->ctx, "2026-03", &decl, &err);
    if (rc == FW_OK)
        rc = fw_tax_declaration_submit(d->ctx, decl, &err);     /* no tax provider: filed by hand */
    if (rc == FW_OK)
        rc = fw_tax_declaration_resolve(d->ctx, decl, "{\"status\":\"accepted\",\"receipt_no\":\"DEMO-2026-03\"}",
                                        (size_t)-1, &err);
    if (rc == FW_OK && (rc = fw_tax_declaration_get(d->ctx, decl, &json, NULL, &err)) == FW_OK)
        printf("  declaration 2026-03 accepted: %s\n", strstr(json, "\"totals\"") ? strstr(json, "\"totals\"") : json);
    fw_free(json);
    snprintf(key, sizeof(key), "demo-tax-pay-%lld", (long long)decl);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_FINANCE, 0, "demo-finance", &err);
    if (rc == FW_OK)
        rc = fw_tax_pay(d->ctx, decl, key, &payment, &err);
    if (rc == FW_OK)
        rc = fw_tax_payment_resolve(d->ctx, payment, "{\"status\":\"paid\",\"bank_ref\":\"DEMO-BANK-1\"}", (size_t)-1,
                                    &err);
    if (rc == FW_OK)
        printf("  withheld tax paid to the tax bureau (payment %lld)\n", (long long)payment);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_TAX_AGENT, 0, "demo-tax-agent", &err);
    if (rc == FW_OK)
        rc = fw_tax_certificate_issue(d->ctx, worker, "2026-03", &cert, &err);
    if (rc == FW_OK)
        rc = fw_tax_certificate_download(d->ctx, cert, &doc, &doc_len, &err);
    if (rc == FW_OK)
        rc = fw_audit_public_key(d->ctx, pk, &err);
    if (rc == FW_OK)
        rc = fw_tax_certificate_verify(doc, doc_len, pk, &err);
    if (rc == FW_OK)
        printf("  certificate %lld issued for 2026-03 (%zu bytes); its Ed25519 signature verifies offline\n",
               (long long)cert, doc_len);
    fw_free(doc);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err);
    return rc == FW_OK ? 0 : fwk_fail("tax", rc, err);
}
