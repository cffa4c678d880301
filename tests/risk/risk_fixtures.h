/* Fixtures of the risk suites: active enterprises and workers, gate shortcuts. */
#ifndef FW_TEST_RISK_FIXTURES_H
#define FW_TEST_RISK_FIXTURES_H

#include "../party/fixtures.h"
#include "core/clock.h"
#include "risk/risk.h"

/* A valid resident ID number born 1990-01-01 + seq days' worth of serial (seq < 1000). */
static inline void make_id_number(char out[19], int seq, const char *birth)
{
    static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char chk[] = "10X98765432";
    int i, sum = 0;
    snprintf(out, 19, "110105%s%03d", birth, seq % 1000);
    for (i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = chk[sum % 11];
    out[18] = 0;
}

/* An active enterprise (verified, agreement signed, activated). */
static inline fw_id active_enterprise(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = verified_enterprise(ctx, json);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, id, 1, NULL), NULL), FW_OK);
    assert_rc(fw_party_enterprise_activate(ctx, id, &err), FW_OK, &err);
    return id;
}

/* A signed worker (not yet active): seq picks a distinct ID number, phone and card. */
static inline fw_id signed_worker_born(fw_ctx *ctx, int seq, fw_id enterprise_id, const char *birth)
{
    char idn[19], json[400];
    fw_id id;
    make_id_number(idn, seq, birth);
    snprintf(json, sizeof(json), "{\"name\":\"测试%d\",\"id_number\":\"%s\",\"phone\":\"139%08d\","
             "\"bank_card\":\"62220200%08d\",\"channel\":\"self\"}", seq, idn, seq, seq);
    id = verified_worker(ctx, json);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_worker_agreement(ctx, id, enterprise_id, NULL), NULL), FW_OK);
    return id;
}

static inline fw_id active_worker(fw_ctx *ctx, int seq, fw_id enterprise_id)
{
    fw_error *err = NULL;
    fw_id id = signed_worker_born(ctx, seq, enterprise_id, "19900101");
    assert_rc(fw_party_worker_activate(ctx, id, &err), FW_OK, &err);
    return id;
}

/* A payout check; returns the outcome and, when code is given, asserts it is among the reasons. */
static inline uint32_t check_payout(fw_ctx *ctx, fw_id ent, fw_id worker, int64_t amount, uint32_t flags,
                                    fw_id *reservation)
{
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    fw_error *err = NULL;
    uint32_t o;
    p.enterprise_id = ent;
    p.worker_id = worker;
    p.flags = flags;
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, amount, &d, &err), FW_OK, &err);
    o = fw_risk_decision_outcome(d);
    if (reservation)
        *reservation = fw_risk_decision_reservation(d);
    fw_risk_decision_free(d);
    return o;
}

/* 1 when the decision lists code with the severity. */
static inline int has_reason(const fw_risk_decision *d, const char *code, uint32_t severity)
{
    size_t i;
    for (i = 0; i < fw_risk_decision_count(d); i++)
        if (strcmp(fw_risk_decision_code(d, i), code) == 0 && fw_risk_decision_severity(d, i) == severity)
            return 1;
    return 0;
}

static inline void record_payout(fw_ctx *ctx, fw_id worker, fw_id ent, int64_t amount, int64_t at)
{
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__risk_record_payout(ctx, worker, ent, amount, at, NULL), NULL), FW_OK);
}

static inline void add_list(fw_ctx *ctx, const char *json, fw_id *out)
{
    fw_error *err = NULL;
    assert_rc(fw_risk_list_add(ctx, json, strlen(json), out, &err), FW_OK, &err);
}

#endif
