/*
 * Demo step "payout": the enterprise's month of payouts (R-5.6, R-7.5.c-e, R-6.d). Twenty more
 * workers are onboarded, the enterprise funds its account, pays them in batches through a
 * payment channel (one payee's account is closed: that payout fails; another comes back from
 * the bank days later: reversed), and the month is closed: statements, vouchers, the tax
 * declaration, an invoice for what was served, and the operator's summary with the trial
 * balance and the audit chain verified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

#define WORKERS 20
#define BATCHES 5
#define PER_BATCH 100

#define CHECK(call)                                                                                \
    do {                                                                                           \
        if ((rc = (call)) != FW_OK)                                                                \
            goto done;                                                                             \
    } while (0)

static const char *yuan(int64_t fen, char *buf, size_t size)
{
    snprintf(buf, size, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(fen < 0 ? -fen : fen) / 100,
             (long long)(fen < 0 ? -fen : fen) % 100);
    return buf;
}

/* The channel: pays everyone but the worker whose card is closed. */
static int channel_submit(const char *req, size_t len, fw_reply *reply, void *payload)
{
    static const char ok[] = "{\"status\":\"success\",\"channel_ref\":\"CMB-DEMO\"}";
    static const char closed[] = "{\"status\":\"failed\",\"reason\":\"payee account closed\"}";
    const char *needle = payload;
    int fail = strstr(req, needle) != NULL && len > 0;
    return fw_reply_set(reply, fail ? closed : ok, fail ? sizeof(closed) - 1 : sizeof(ok) - 1);
}

static int sign(fw_ctx *ctx, uint32_t role, fw_id party, fw_id contract, fw_error **err)
{
    int rc = fw_ctx_set_actor(ctx, role, party, role == FW_ROLE_WORKER ? "demo-worker" : "demo-admin", err);
    if (rc == FW_OK)
        rc = fw_contract_sign(ctx, contract, "{\"auth_method\":\"sms_code\",\"ip\":\"203.0.113.7\"}", (size_t)-1,
                              NULL, err);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "demo-admin", err);
    return rc;
}

/* A verified worker with a service agreement with the enterprise, activated. */
static int onboard(struct demo *d, fw_id tpl, int i, fw_id *out, fw_error **err)
{
    static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    char idn[19], card[20], json[400];
    fw_contract *c = NULL;
    fw_id id = 0, k;
    int sum = 0, j, dbl = 1, rc;

    snprintf(idn, sizeof(idn), "33010619920215%03u", (unsigned)(i % 1000));
    for (j = 0; j < 17; j++)
        sum += (idn[j] - '0') * w[j];
    idn[17] = "10X98765432"[sum % 11];
    idn[18] = '\0';
    snprintf(card, sizeof(card), "622848%012u", (unsigned)i);
    for (sum = 0, j = 17; j >= 0; j--, dbl = !dbl) {
        int v = card[j] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
    }
    card[18] = (char)('0' + (10 - sum % 10) % 10);
    card[19] = '\0';
    snprintf(json, sizeof(json), "{\"name\":\"骑手%02d\",\"id_number\":\"%s\",\"phone\":\"1370000%04d\","
             "\"bank_card\":\"%s\",\"channel\":\"self\"}", i, idn, i, card);
    CHECK(fw_party_worker_register(d->ctx, json, strlen(json), &id, err));
    CHECK(fw_party_worker_verify(d->ctx, id, "pass", NULL, err));
    CHECK(fw_party_worker_review(d->ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, err));
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}", (long long)tpl,
             (long long)d->enterprise_id, (long long)id);
    CHECK(fw_contract_create(&c, d->ctx, json, strlen(json), err));
    k = fw_contract_id(c);
    fw_contract_free(c);
    CHECK(fw_contract_send(d->ctx, k, err));
    CHECK(sign(d->ctx, FW_ROLE_ENTERPRISE_USER, d->enterprise_id, k, err));
    CHECK(sign(d->ctx, FW_ROLE_WORKER, id, k, err));
    CHECK(fw_party_worker_activate(d->ctx, id, err));
    *out = id;
done:
    return rc;
}

static int64_t balance(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type)
{
    fw_id id = 0;
    int64_t posted = 0;
    if (fw_ledger_account_find(ctx, &id, kind, owner, type, "CNY", NULL) == FW_OK)
        fw_ledger_balance(ctx, id, &posted, NULL, NULL, NULL);
    return posted;
}

static int64_t member(const char *json, const char *name)
{
    char key[64];
    const char *p;
    snprintf(key, sizeof(key), "\"%s\":", name);
    p = json ? strstr(json, key) : NULL;
    return p ? strtoll(p + strlen(key), NULL, 10) : 0;
}

/* How many times a member name occurs in a JSON text (orders in a list, vouchers). */
static int64_t occurrences(const char *json, const char *name)
{
    char key[64];
    const char *p = json;
    int64_t n = 0;
    snprintf(key, sizeof(key), "\"%s\":", name);
    while (p && (p = strstr(p, key)) != NULL) {
        n++;
        p += strlen(key);
    }
    return n;
}

/* "YYYY-MM" of the China Standard Time month of an instant (days to civil date, H. Hinnant). */
static void cst_month(int64_t ms, char *buf, size_t size)
{
    int64_t days = (ms + 8 * 3600000LL) / 86400000LL + 719468, era = days / 146097;
    int64_t doe = days - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    snprintf(buf, size, "%04u-%02u", (unsigned)(y % 10000), (unsigned)m);
}

int demo_payout(struct demo *d)
{
    static const char service_tpl[] =
        "{\"kind\":\"service\",\"name\":\"众包配送服务协议\",\"version\":1,"
        "\"body\":\"甲方：{{enterprise_name}}\\n乙方：{{worker_name}}\",\"placeholders\":[]}";
    fw_payment_provider channel = { FW_PAYMENT_PROVIDER_VERSION, NULL, channel_submit, NULL };
    fw_id workers[WORKERS], tpl = 0, sched = 0, funding = 0, returned = 0, failed = 0, decl = 0, inv = 0;
    fw_id suspended = 0;
    char month[8], json[512], needle[32], a[32], b[32], c[32], *out = NULL, *body = NULL;
    int64_t now, paid_orders = 0, amount = 0, vouchers = 0, bad = -1;
    fw_error *err = NULL;
    size_t cap = 256 + PER_BATCH * 160, len;
    int rc, i, k;

    CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err));
    CHECK(fw_contract_template_add(d->ctx, service_tpl, strlen(service_tpl), &tpl, &err));
    for (i = 0; i < WORKERS; i++)
        CHECK(onboard(d, tpl, i + 1, &workers[i], &err));
    printf("  %d more workers verified and signed with enterprise %lld\n", WORKERS, (long long)d->enterprise_id);

    /* riders take many small jobs a day: the platform allows 100 payouts per worker per day */
    CHECK(fw_risk_limits_set(d->ctx, "{\"scope\":\"platform\",\"limits\":{\"worker_day_count\":100,"
                             "\"worker_month_count\":1000}}", (size_t)-1, &err));
    snprintf(json, sizeof(json), "{\"enterprise_id\":%lld,\"valid_from\":\"2026-01-01\",\"rate_ppm\":30000,"
             "\"bearer\":\"on_top\",\"charge\":\"during\"}", (long long)d->enterprise_id);
    CHECK(fw_fee_schedule_set(d->ctx, &sched, json, strlen(json), &err));
    CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_FINANCE, 0, "demo-finance", &err));
    CHECK(fw_funding_notice(d->ctx, &funding, "{\"bank_txn_id\":\"DEMO-PAYROLL-1\",\"amount_fen\":120000000,"
                            "\"payer_account\":\"6222020012345678009\",\"remark\":\"payroll\"}", (size_t)-1, &err));
    printf("  fee schedule v%lld: 3%% on top, charged at each payout; enterprise funded 1,200,000.00 yuan\n",
           (long long)sched);

    /* the month's payouts, in batches */
    snprintf(needle, sizeof(needle), "\"worker_id\":%lld,", (long long)workers[WORKERS - 1]);
    channel.payload = needle;
    CHECK(fw_ctx_set_payment_provider(d->ctx, &channel, &err));
    if (!(body = malloc(cap))) {
        rc = FW_ENOMEM;
        goto done;
    }
    now = fw_ctx_now(d->ctx);
    for (k = 0; k < BATCHES; k++) {
        len = (size_t)snprintf(body, cap, "{\"idempotency_key\":\"demo-%lld-batch-%d\",\"enterprise_id\":%lld,"
                               "\"mode\":\"partial\",\"submit\":true,\"orders\":[", (long long)now, k,
                               (long long)d->enterprise_id);
        for (i = 0; i < PER_BATCH; i++) {
            int n = k * PER_BATCH + i;
            /* the failing payee appears once, in the last batch */
            fw_id w = n == BATCHES * PER_BATCH - 1 ? workers[WORKERS - 1] : workers[n % (WORKERS - 1)];
            len += (size_t)snprintf(body + len, cap - len, "%s{\"idempotency_key\":\"demo-%lld-order-%d\","
                                    "\"worker_id\":%lld,\"amount_fen\":%d,\"task_ref\":\"DELIVERY-%04d\"}",
                                    i ? "," : "", (long long)now, n, (long long)w,
                                    n == 250 ? 6000000 : 50000 + (n * 7919) % 250000, n);
        }
        snprintf(body + len, cap - len, "]}");
        CHECK(fw_payout_batch(d->ctx, body, strlen(body), &out, NULL, &err));
        paid_orders += member(out, "paid");
        amount += member(out, "amount_fen");
        if (k == 0)
            returned = member(out, "order_id");
        fw_free(out);
        out = NULL;
        printf("\r  batch %d/%d: %lld orders paid, %s yuan", k + 1, BATCHES, (long long)paid_orders,
               yuan(amount, a, sizeof(a)));
        fflush(stdout);
    }
    printf("\n");
    /* the 60,000.00 order was above the per-payment limit: suspended (挂起) for an operator */
    snprintf(json, sizeof(json), "{\"state\":\"suspended\",\"enterprise_id\":%lld,\"limit\":1}",
             (long long)d->enterprise_id);
    CHECK(fw_payout_list(d->ctx, json, strlen(json), &out, NULL, &err));
    suspended = member(out, "id");
    if (suspended) {
        const char *r = strstr(out, "\"reason\":\"");
        printf("  order %lld suspended by the risk gate (%.*s)\n", (long long)suspended,
               r ? (int)(strchr(r + 10, '"') - r - 10) : 0, r ? r + 10 : "");
    }
    fw_free(out);
    out = NULL;
    if (suspended) {
        CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_OPERATOR, 0, "demo-operator", &err));
        CHECK(fw_payout_release(d->ctx, suspended, "one-off bonus approved by the enterprise in writing", NULL, &err));
        CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_FINANCE, 0, "demo-finance", &err));
        CHECK(fw_payout_submit(d->ctx, suspended, NULL, &err));
        printf("  operator released it with a note; submitted and paid\n");
    }
    snprintf(json, sizeof(json), "{\"state\":\"failed\",\"enterprise_id\":%lld,\"limit\":1}", (long long)d->enterprise_id);
    CHECK(fw_payout_list(d->ctx, json, strlen(json), &out, NULL, &err));
    failed = member(out, "id");
    fw_free(out);
    out = NULL;
    if (failed) {
        CHECK(fw_payout_get(d->ctx, failed, &out, NULL, &err));
        printf("  order %lld failed at the channel (payee account closed): hold voided, withholding reversed\n",
               (long long)failed);
        fw_free(out);
        out = NULL;
    }
    /* the bank returns the first payment days later (退汇) */
    CHECK(fw_payout_result(d->ctx, returned, FW_PAYOUT_RESULT_RETURNED, "RT-DEMO-1", "payee name mismatch", NULL,
                           &err));
    printf("  order %lld came back from the bank: postings and withholding reversed, order returned\n",
           (long long)returned);

    /* month close */
    fw_ctx_set_actor(d->ctx, FW_ROLE_WORKER, workers[0], "demo-worker", NULL);
    cst_month(now, month, sizeof(month));
    CHECK(fw_payout_statement(d->ctx, workers[0], month, FW_PAYOUT_FORMAT_JSON, &out, NULL, &err));
    printf("  worker %lld's statement for %s: %lld orders, gross %s, IIT %s, net %s, returned %lld\n",
           (long long)workers[0], month, (long long)member(out, "orders"), yuan(member(out, "gross_fen"), a, sizeof(a)),
           yuan(member(out, "iit_fen"), b, sizeof(b)), yuan(member(out, "net_fen"), c, sizeof(c)),
           (long long)member(out, "returned_orders"));
    fw_free(out);
    out = NULL;
    CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_ENTERPRISE_USER, d->enterprise_id, "demo-enterprise", &err));
    CHECK(fw_payout_vouchers(d->ctx, d->enterprise_id, month, FW_PAYOUT_FORMAT_JSON, &out, NULL, &err));
    vouchers = occurrences(out, "no");
    fw_free(out);
    out = NULL;
    CHECK(fw_payout_vouchers(d->ctx, d->enterprise_id, month, FW_PAYOUT_FORMAT_CSV, &out, &len, &err));
    printf("  %lld accounting vouchers (记账凭证) from the journal; CSV begins:\n    %.*s\n", (long long)vouchers,
           (int)(strchr(strchr(out, '\n') + 1, '\n') - out), out);
    fw_free(out);
    out = NULL;
    CHECK(fw_payout_enterprise_summary(d->ctx, d->enterprise_id, month, &out, NULL, &err));
    printf("  enterprise summary: %s\n", out);
    fw_free(out);
    out = NULL;
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"demo-invoice-%lld\",\"enterprise_id\":%lld,"
             "\"kind\":\"vat_special\",\"amount_fen\":50000000}", (long long)now, (long long)d->enterprise_id);
    CHECK(fw_invoice_request(d->ctx, json, strlen(json), &inv, &err));
    CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_FINANCE, 0, "demo-finance", &err));
    snprintf(json, sizeof(json), "{\"kind\":\"vat_special\",\"invoice_no\":\"2633%016lld\",\"amount_fen\":50000000,"
             "\"tax_fen\":2830189,\"date\":\"%s-28\"}", (long long)(now % 10000000000000000LL), month);
    CHECK(fw_invoice_record(d->ctx, inv, json, strlen(json), &err));
    CHECK(fw_invoice_list(d->ctx, d->enterprise_id, &out, NULL, &err));
    printf("  invoice %lld (专票 500,000.00, tax 28,301.89) recorded by hand; served %s, still invoiceable %s\n",
           (long long)inv, yuan(member(out, "served_fen"), a, sizeof(a)), yuan(member(out, "available_fen"), b, sizeof(b)));
    fw_free(out);
    out = NULL;
    CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_TAX_AGENT, 0, "demo-tax-agent", &err));
    CHECK(fw_tax_declaration_build(d->ctx, month, &decl, &err));
    CHECK(fw_tax_declaration_get(d->ctx, decl, &out, NULL, &err));
    printf("  declaration %s built: %lld workers, income %s, IIT %s, VAT %s, surcharges %s\n", month,
           (long long)member(out, "workers"), yuan(member(out, "income_fen"), a, sizeof(a)),
           yuan(member(out, "iit_fen"), b, sizeof(b)), yuan(member(out, "vat_fen"), c, sizeof(c)),
           yuan(member(out, "surcharge_fen"), json, sizeof(json)));
    fw_free(out);
    out = NULL;

    /* the operator's summary */
    CHECK(fw_ctx_set_actor(d->ctx, FW_ROLE_AUDITOR, 0, "demo-auditor", &err));
    {
        static const char *const states[] = { "paid", "failed", "returned", "held", "submitted", "suspended" };
        printf("  summary for %s:\n    orders:", month);
        for (i = 0; i < 6; i++) {
            snprintf(json, sizeof(json), "{\"state\":\"%s\",\"enterprise_id\":%lld,\"limit\":1000}", states[i],
                     (long long)d->enterprise_id);
            CHECK(fw_payout_list(d->ctx, json, strlen(json), &out, NULL, &err));
            printf(" %s %lld", states[i], (long long)occurrences(out, "id"));
            fw_free(out);
            out = NULL;
        }
        printf("\n");
    }
    printf("    fee revenue %s; IIT withheld %s; VAT payable %s; surcharges payable %s\n",
           yuan(balance(d->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE), a, sizeof(a)),
           yuan(balance(d->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_IIT_WITHHELD), b, sizeof(b)),
           yuan(balance(d->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_VAT_PAYABLE), c, sizeof(c)),
           yuan(balance(d->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_SURCHARGES_PAYABLE), json, sizeof(json)));
    printf("    enterprise funds %s; bank clearing %s\n",
           yuan(balance(d->ctx, FW_LEDGER_OWNER_ENTERPRISE, d->enterprise_id, FW_ACCT_ENTERPRISE_FUNDS), a, sizeof(a)),
           yuan(balance(d->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING), b, sizeof(b)));
    CHECK(fw_ledger_trial_balance(d->ctx, &out, NULL, &err));
    printf("    trial balance: %s\n", strstr(out, "\"balanced\":true") ? "debits = credits (difference 0)" : out);
    fw_free(out);
    out = NULL;
    CHECK(fw_audit_verify(d->ctx, &bad, &err));
    printf("    audit chain verified end to end\n");
    rc = FW_OK;
done:
    fw_free(out);
    free(body);
    if (rc != FW_OK)
        printf("  payout step failed: %s (%s)\n", err ? fw_error_message(err) : "", fw_strerror(rc));
    fw_error_free(err);
    fw_ctx_set_payment_provider(d->ctx, NULL, NULL);
    return rc == FW_OK ? 0 : 1;
}
