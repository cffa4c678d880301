/* Fixtures of the task and training suites: an active enterprise, workers, categories, tasks. */
#ifndef FW_TEST_TASK_FIXTURES_H
#define FW_TEST_TASK_FIXTURES_H

#include "../party/fixtures.h"
#include "task/task_int.h"
#include "training/training.h"
#include <flexwork/contract.h>
#include "contract/contract.h"

#define HOUR (3600LL * 1000)
#define DAY  (24 * HOUR)

/* Card numbers that pass Luhn. */
#define CARD "6222020200112233445"

#define FIX_PLATFORM "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"licences\":[]}"
#define FIX_COOP_TEMPLATE "{\"kind\":\"cooperation\",\"name\":\"平台企业合作协议\",\"version\":1," \
    "\"body\":\"甲方：{{platform_name}}\\n乙方：{{enterprise_name}}\",\"placeholders\":[]}"
#define FIX_SERVICE_TEMPLATE "{\"kind\":\"service\",\"name\":\"灵活用工服务协议\",\"version\":1," \
    "\"body\":\"甲方：{{enterprise_name}}\\n乙方：{{worker_name}}\",\"placeholders\":[]}"

/* The contract template of a kind (FW_CONTRACT_*), added with the platform profile on first use. */
static inline fw_id fixture_template(fw_ctx *ctx, uint32_t kind)
{
    fw_error *err = NULL;
    int64_t id = 0;
    if (fw__db_i64(ctx, &id, NULL, "SELECT id FROM fw_contract_template WHERE kind=? ORDER BY id LIMIT 1", "i",
                   (int64_t)kind) == FW_OK)
        return id;
    if (count_rows(ctx, "SELECT count(*) FROM fw_contract_template") == 0)
        assert_rc(fw_party_platform_set(ctx, FIX_PLATFORM, strlen(FIX_PLATFORM), &err), FW_OK, &err);
    if (kind == FW_CONTRACT_COOPERATION)
        assert_rc(fw_contract_template_add(ctx, FIX_COOP_TEMPLATE, strlen(FIX_COOP_TEMPLATE), &id, &err), FW_OK, &err);
    else
        assert_rc(fw_contract_template_add(ctx, FIX_SERVICE_TEMPLATE, strlen(FIX_SERVICE_TEMPLATE), &id, &err), FW_OK,
                  &err);
    return id;
}

/* Draws up, sends and has every party sign a contract (the enterprise, then the worker or the platform). */
static inline fw_id fixture_contract(fw_ctx *ctx, uint32_t kind, fw_id ent, fw_id worker)
{
    const char *ev = "{\"auth_method\":\"sms_code\",\"ip\":\"203.0.113.7\"}";
    fw_contract *c = NULL;
    fw_error *err = NULL;
    uint32_t st = 0;
    char json[160];
    fw_id id;

    if (worker)
        snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}",
                 (long long)fixture_template(ctx, kind), (long long)ent, (long long)worker);
    else
        snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld}",
                 (long long)fixture_template(ctx, kind), (long long)ent);
    assert_rc(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_OK, &err);
    id = fw_contract_id(c);
    fw_contract_free(c);
    assert_rc(fw_contract_send(ctx, id, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, ent);
    assert_rc(fw_contract_sign(ctx, id, ev, strlen(ev), &st, &err), FW_OK, &err);
    test_actor(ctx, worker ? FW_ROLE_WORKER : FW_ROLE_ADMIN, worker);
    assert_rc(fw_contract_sign(ctx, id, ev, strlen(ev), &st, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(st, FW_CONTRACT_SIGNED);
    return id;
}

/* Verified, a cooperation agreement signed by both sides, activated. */
static inline fw_id active_enterprise(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = verified_enterprise(ctx, json);
    fixture_contract(ctx, FW_CONTRACT_COOPERATION, id, 0);
    assert_rc(fw_party_enterprise_activate(ctx, id, &err), FW_OK, &err);
    return id;
}

/* A service agreement between an active enterprise and a verified worker, signed by both (R-6.b). */
static inline fw_id sign_service(fw_ctx *ctx, fw_id ent, fw_id worker)
{
    return fixture_contract(ctx, FW_CONTRACT_SERVICE, ent, worker);
}

/* A verified worker who has signed a service agreement with the enterprise. */
static inline fw_id contracted_worker(fw_ctx *ctx, fw_id ent, const char *json)
{
    fw_id id = verified_worker(ctx, json);
    sign_service(ctx, ent, id);
    return id;
}

/* Categories: DESIGN (low risk, 100.00-2000.00, software scope), HIGH_ALT (restricted, building scope). */
static inline void set_categories(fw_ctx *ctx)
{
    fw_error *err = NULL;
    assert_rc(fw_task_category_set(ctx, "{\"code\":\"DESIGN\",\"name\":\"界面设计\",\"risk_level\":\"low\","
                                   "\"restricted\":false,\"min_unit_fen\":10000,\"max_unit_fen\":200000,"
                                   "\"scope_keywords\":[\"软件\",\"设计\"]}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_task_category_set(ctx, "{\"code\":\"HIGH_ALT\",\"name\":\"高处作业\",\"risk_level\":\"high\","
                                   "\"restricted\":true,\"min_unit_fen\":20000,\"max_unit_fen\":500000,"
                                   "\"scope_keywords\":[\"建筑\"]}", (size_t)-1, &err), FW_OK, &err);
}

/* A task record: deadlines relative to the test clock, extra members appended verbatim. */
static inline const char *task_json(char *buf, size_t size, fw_id ent, const char *category, int64_t unit,
                                    int64_t slots, const char *extra)
{
    snprintf(buf, size,
             "{\"enterprise_id\":%lld,\"title\":\"首页改版\",\"description\":\"设计首页三稿\","
             "\"category\":\"%s\",\"remote\":true,\"unit_price_fen\":%lld,\"slots\":%lld,"
             "\"take_deadline_ms\":%lld,\"delivery_deadline_ms\":%lld%s%s}",
             (long long)ent, category, (long long)unit, (long long)slots,
             (long long)(test_clock_ms + 10 * DAY), (long long)(test_clock_ms + 20 * DAY),
             extra && *extra ? "," : "", extra ? extra : "");
    return buf;
}

static inline fw_id make_task(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_task *t = NULL;
    fw_id id;
    assert_rc(fw_task_create(&t, ctx, json, strlen(json), &err), FW_OK, &err);
    id = fw_task_id(t);
    fw_task_free(t);
    return id;
}

static inline uint32_t task_state(fw_ctx *ctx, fw_id id)
{
    int64_t st = 0;
    assert_int_equal(fw__db_i64(ctx, &st, NULL, "SELECT state FROM fw_task WHERE id=?", "i", id), FW_OK);
    return (uint32_t)st;
}

static inline uint32_t asg_state(fw_ctx *ctx, fw_id id)
{
    int64_t st = 0;
    assert_int_equal(fw__db_i64(ctx, &st, NULL, "SELECT state FROM fw_task_assignment WHERE id=?", "i", id), FW_OK);
    return (uint32_t)st;
}

/* Draft -> submitted -> approved -> published, as admin. */
static inline void publish_task(fw_ctx *ctx, fw_id id)
{
    fw_error *err = NULL;
    assert_rc(fw_task_submit(ctx, id, NULL, &err), FW_OK, &err);
    assert_rc(fw_task_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_task_publish(ctx, id, &err), FW_OK, &err);
}

static inline fw_id take(fw_ctx *ctx, fw_id task, fw_id worker)
{
    fw_error *err = NULL;
    fw_id a = 0;
    assert_rc(fw_task_take(ctx, task, worker, &a, &err), FW_OK, &err);
    return a;
}

#define PROOF "{\"description\":\"三稿已交付\",\"evidence\":[{\"name\":\"v1.png\",\"sha256\":" \
              "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]," \
              "\"completed_ms\":%lld}"

static inline void deliver(fw_ctx *ctx, fw_id a)
{
    fw_error *err = NULL;
    char buf[512];
    snprintf(buf, sizeof(buf), PROOF, (long long)test_clock_ms);
    assert_rc(fw_task_deliver(ctx, a, buf, strlen(buf), &err), FW_OK, &err);
}

/* Asserts rc and that the message starts with (or, for prefix NULL, contains) the text. */
static inline void assert_refused(int rc, int want, fw_error **err, const char *text)
{
    if (rc != want)
        fail_msg("got %d (%s), want %d", rc, *err ? fw_error_message(*err) : "", want);
    assert_non_null(*err);
    if (!strstr(fw_error_message(*err), text))
        fail_msg("message \"%s\" lacks \"%s\"", fw_error_message(*err), text);
    fw_error_free(*err);
    *err = NULL;
}

#endif
