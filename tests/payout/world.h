/*
 * A platform ready to pay: profile and channel agreement, templates, active enterprises with
 * a cooperation agreement, verified workers with a service agreement with the platform, funds.
 * Shared by the payout and invoice suites, the crash test and the benchmarks.
 */
#ifndef FW_TEST_PAYOUT_WORLD_H
#define FW_TEST_PAYOUT_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flexwork.h>

#include "core/ctx.h"
#include "core/db.h"
#include "ledger/ledger.h"

#define WORLD_PROFILE "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"licences\":[]}"
#define WORLD_CHANNEL "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":\"CMB-2026-001\"," \
                      "\"valid_from\":\"2026-01-01\",\"valid_to\":\"2027-12-31\"}"
#define WORLD_COOP "{\"kind\":\"cooperation\",\"name\":\"平台企业合作协议\",\"version\":1," \
                   "\"body\":\"甲方：{{platform_name}}\\n乙方：{{enterprise_name}}\",\"placeholders\":[]}"
#define WORLD_SERVICE "{\"kind\":\"service\",\"name\":\"灵活用工服务协议\",\"version\":1," \
                      "\"body\":\"乙方：{{worker_name}}\",\"placeholders\":[]}"

#define WORLD_NO_LIMITS "{\"scope\":\"platform\",\"limits\":{\"per_payment_fen\":0,\"worker_day_fen\":0," \
    "\"worker_month_fen\":0,\"worker_12m_fen\":0,\"worker_day_count\":0,\"worker_month_count\":0," \
    "\"enterprise_day_fen\":0,\"enterprise_month_fen\":0,\"enterprise_day_count\":0}}"

struct world {
    fw_id coop_tpl, service_tpl;
};

/* Stops on an unexpected code (usable outside cmocka: benchmarks and the crash child). */
#define WORLD_OK(call)                                                                             \
    do {                                                                                           \
        fw_error *e_ = NULL;                                                                       \
        int rc_ = (call);                                                                          \
        if (rc_ != FW_OK) {                                                                        \
            fprintf(stderr, "%s:%d: %s -> %d %s\n", __FILE__, __LINE__, #call, rc_,                \
                    fw_error_message(e_));                                                         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
#define WORLD_OKE(call)                                                                            \
    do {                                                                                           \
        fw_error *werr = NULL;                                                                     \
        int rc_ = (call);                                                                          \
        if (rc_ != FW_OK) {                                                                        \
            fprintf(stderr, "%s:%d: %s -> %d %s\n", __FILE__, __LINE__, #call, rc_,                \
                    fw_error_message(werr));                                                       \
            abort();                                                                               \
        }                                                                                          \
        fw_error_free(werr);                                                                       \
    } while (0)

static inline void world_actor(fw_ctx *ctx, uint32_t role, fw_id party)
{
    WORLD_OK(fw_ctx_set_actor(ctx, role, party, "world", NULL));
}

/* A valid USCC (GB 32100) for index i. */
static inline void world_uscc(char out[19], long i)
{
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
    static const int ow[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
    int sum = 0, k, c;
    snprintf(out, 19, "91330100%08u", (unsigned)((10000000L + i) % 100000000L));
    for (k = 0; k < 8; k++)
        sum += (out[8 + k] - '0') * ow[k];
    c = 11 - sum % 11;
    out[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    if (out[16] == 'X') {    /* not in the USCC alphabet: move to the next body */
        world_uscc(out, i + 1000000);
        return;
    }
    sum = 0;
    for (k = 0; k < 17; k++)
        sum += (int)(strchr(alpha, out[k]) - alpha) * w[k];
    c = 31 - sum % 31;
    out[17] = alpha[c == 31 ? 0 : c];
    out[18] = '\0';
}

/* A valid resident ID number for index i (born 1980 onwards, one date per 1,000). */
static inline void world_id_number(char out[19], long i)
{
    static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char checks[] = "10X98765432";
    long day = i / 1000;
    int y = 1980 + (int)(day / 336), m = 1 + (int)(day % 336) / 28, d = 1 + (int)(day % 28), k, sum = 0;
    snprintf(out, 19, "110105%04u%02u%02u%03u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
             (unsigned)(i % 1000));
    for (k = 0; k < 17; k++)
        sum += (out[k] - '0') * w[k];
    out[17] = checks[sum % 11];
    out[18] = '\0';
}

/* A Luhn-valid 19-digit card number for index i. */
static inline void world_card(char out[20], long i)
{
    int sum = 0, k, dbl = 1;
    snprintf(out, 20, "622202%012llu", (unsigned long long)i % 1000000000000ULL);
    for (k = 17; k >= 0; k--, dbl = !dbl) {
        int v = out[k] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
    }
    out[18] = (char)('0' + (10 - sum % 10) % 10);
    out[19] = '\0';
}

static inline void world_init(fw_ctx *ctx, struct world *w)
{
    fw_id ch = 0;
    world_actor(ctx, FW_ROLE_ADMIN, 0);
    WORLD_OK(fw_party_platform_set(ctx, WORLD_PROFILE, strlen(WORLD_PROFILE), NULL));
    WORLD_OK(fw_party_channel_add(ctx, WORLD_CHANNEL, strlen(WORLD_CHANNEL), &ch, NULL));
    WORLD_OK(fw_contract_template_add(ctx, WORLD_COOP, strlen(WORLD_COOP), &w->coop_tpl, NULL));
    WORLD_OK(fw_contract_template_add(ctx, WORLD_SERVICE, strlen(WORLD_SERVICE), &w->service_tpl, NULL));
    /* no platform limits: the suites that test the risk gate set their own */
    WORLD_OK(fw_risk_limits_set(ctx, WORLD_NO_LIMITS, strlen(WORLD_NO_LIMITS), NULL));
}

static inline void world_sign(fw_ctx *ctx, uint32_t role, fw_id party, fw_id contract)
{
    world_actor(ctx, role, party);
    WORLD_OKE(fw_contract_sign(ctx, contract, "{\"auth_method\":\"sms_code\",\"ip\":\"203.0.113.7\"}",
                               (size_t)-1, NULL, &werr));
    world_actor(ctx, FW_ROLE_ADMIN, 0);
}

static inline fw_id world_contract(fw_ctx *ctx, const char *json)
{
    fw_contract *c = NULL;
    fw_id id;
    WORLD_OKE(fw_contract_create(&c, ctx, json, strlen(json), &werr));
    id = fw_contract_id(c);
    fw_contract_free(c);
    WORLD_OK(fw_contract_send(ctx, id, NULL));
    return id;
}

/* An active enterprise (index i names it) with a cooperation agreement in force. */
static inline fw_id world_enterprise(fw_ctx *ctx, const struct world *w, long i)
{
    char uscc[19], json[1400], c[128];
    fw_id id = 0, k;
    uint32_t st = 0;
    world_uscc(uscc, i);
    snprintf(json, sizeof(json),
             "{\"name\":\"杭州云帆科技有限公司%ld\",\"uscc\":\"%s\","
             "\"legal_rep\":{\"name\":\"王建国\",\"id_number\":\"11010519491231002X\"},"
             "\"contact\":{\"name\":\"李四\",\"phone\":\"13812345678\"},"
             "\"bank_account\":{\"bank\":\"中国工商银行杭州分行\",\"account_no\":\"1202020209%09ld\","
             "\"account_name\":\"杭州云帆科技有限公司%ld\"},"
             "\"business_scope\":\"软件开发；信息技术服务\",\"industry\":\"I65\","
             "\"qualifications\":[{\"kind\":\"business_licence\",\"sha256\":"
             "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}", i, uscc, i, i);
    world_actor(ctx, FW_ROLE_ADMIN, 0);
    WORLD_OKE(fw_party_enterprise_apply(ctx, json, strlen(json), &id, &werr));
    WORLD_OKE(fw_party_enterprise_verify(ctx, id, &st, &werr));
    WORLD_OKE(fw_party_enterprise_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &werr));
    snprintf(c, sizeof(c), "{\"template_id\":%lld,\"enterprise_id\":%lld}", (long long)w->coop_tpl,
             (long long)id);
    k = world_contract(ctx, c);
    world_sign(ctx, FW_ROLE_ENTERPRISE_USER, id, k);
    world_sign(ctx, FW_ROLE_ADMIN, 0, k);
    WORLD_OKE(fw_party_enterprise_activate(ctx, id, &werr));
    WORLD_OKE(fw_ledger_open_party_accounts(ctx, FW_LEDGER_OWNER_ENTERPRISE, id, &werr));
    return id;
}

/* A verified worker (index i) with a service agreement in force with the platform. */
static inline fw_id world_worker(fw_ctx *ctx, const struct world *w, long i)
{
    char idn[19], card[20], json[400], c[128];
    fw_id id = 0, k;
    world_id_number(idn, i);
    world_card(card, i);
    snprintf(json, sizeof(json), "{\"name\":\"工人%ld\",\"id_number\":\"%s\",\"phone\":\"139%08ld\","
             "\"bank_card\":\"%s\",\"channel\":\"self\"}", i, idn, i, card);
    world_actor(ctx, FW_ROLE_ADMIN, 0);
    WORLD_OKE(fw_party_worker_register(ctx, json, strlen(json), &id, &werr));
    WORLD_OKE(fw_party_worker_verify(ctx, id, NULL, NULL, &werr));
    WORLD_OKE(fw_party_worker_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &werr));
    snprintf(c, sizeof(c), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)w->service_tpl,
             (long long)id);
    k = world_contract(ctx, c);
    world_sign(ctx, FW_ROLE_ADMIN, 0, k);
    world_sign(ctx, FW_ROLE_WORKER, id, k);
    return id;
}

/* Funds an enterprise as a recognised bank payment would: bank clearing / enterprise funds. */
static inline void world_fund(fw_ctx *ctx, fw_id enterprise, int64_t fen)
{
    fw_id bank = 0, funds = 0, entry = 0;
    WORLD_OK(fw__tx_begin(ctx, NULL));
    WORLD_OK(fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL, 1, &bank, NULL));
    WORLD_OK(fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, enterprise, FW_ACCT_ENTERPRISE_FUNDS, NULL, 1,
                                &funds, NULL));
    WORLD_OK(fw__tx_end(ctx, fw__ledger_transfer(ctx, &entry, bank, funds, fen, "funding.recognised", NULL,
                                                 NULL, NULL), NULL));
}

/* The posted balance of an owner's account on its normal side (0 when it has none). */
static inline int64_t world_posted(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type)
{
    fw_id id = 0;
    int64_t p = 0;
    if (fw__ledger_account(ctx, kind, owner, type, NULL, 0, &id, NULL) != FW_OK)
        return 0;
    WORLD_OK(fw__ledger_balance(ctx, id, &p, NULL, NULL, NULL));
    return p;
}

static inline int64_t world_available(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type)
{
    fw_id id = 0;
    int64_t a = 0;
    if (fw__ledger_account(ctx, kind, owner, type, NULL, 0, &id, NULL) != FW_OK)
        return 0;
    WORLD_OK(fw__ledger_balance(ctx, id, NULL, NULL, &a, NULL));
    return a;
}

/* 1 when the ledger balances and every stored balance equals its postings. */
static inline int world_ledger_ok(fw_ctx *ctx)
{
    int balanced = 0, consistent = 0;
    WORLD_OK(fw__ledger_check(ctx, &balanced, &consistent, NULL));
    return balanced && consistent;
}

#endif
