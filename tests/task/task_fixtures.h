/* Fixtures of the task and training suites: an active enterprise, workers, categories, tasks. */
#ifndef FW_TEST_TASK_FIXTURES_H
#define FW_TEST_TASK_FIXTURES_H

#include "../party/fixtures.h"
#include "task/task_int.h"
#include "training/training.h"

#define HOUR (3600LL * 1000)
#define DAY  (24 * HOUR)

/* Card numbers that pass Luhn. */
#define CARD "6222020200112233445"

static inline fw_id active_enterprise(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = verified_enterprise(ctx, json);
    assert_rc(fw__party_enterprise_agreement(ctx, id, 1, &err), FW_OK, &err);
    assert_rc(fw_party_enterprise_activate(ctx, id, &err), FW_OK, &err);
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
