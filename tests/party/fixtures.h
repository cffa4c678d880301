/* Fixtures shared by the party and contract suites: records, fake providers, store peeks. */
#ifndef FW_TEST_PARTY_FIXTURES_H
#define FW_TEST_PARTY_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "support.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "party/party.h"

#define ENT_JSON(name, uscc)                                                                     \
    "{\"name\":\"" name "\",\"uscc\":\"" uscc "\","                                              \
    "\"legal_rep\":{\"name\":\"王建国\",\"id_number\":\"11010519491231002X\"},"                  \
    "\"contact\":{\"name\":\"李四\",\"phone\":\"13812345678\"},"                                 \
    "\"bank_account\":{\"bank\":\"中国工商银行杭州分行\",\"account_no\":\"1202020209000012345\"," \
    "\"account_name\":\"" name "\"},"                                                            \
    "\"business_scope\":\"软件开发；信息技术服务\",\"industry\":\"I65\","                        \
    "\"qualifications\":[{\"kind\":\"business_licence\",\"sha256\":"                             \
    "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}"

#define ENT1 ENT_JSON("杭州云帆科技有限公司", "91330100799655058B")
#define ENT2 ENT_JSON("深圳前海数据服务有限公司", "91440300708461136T")

/* Workers, born on the given dates; the test clock starts 2026-03-15 (CST). */
#define ID_1949 "11010519491231002X"  /* female, 76 */
#define ID_1990 "110105199003071239"  /* male, 36 */
#define ID_1985 "110105198512311232"
#define ID_AGE15 "110105201003161234" /* 16 tomorrow */
#define ID_AGE16 "110105201003151239" /* 16 today: a minor worker */
#define ID_AGE17 "11010520090315123X"
#define ID_FUTURE "110105203001011231"

#define WORKER_JSON(name, idn, card, channel)                                                    \
    "{\"name\":\"" name "\",\"id_number\":\"" idn "\",\"phone\":\"13900001111\","                \
    "\"bank_card\":\"" card "\",\"channel\":\"" channel "\"}"

static inline int64_t count_rows(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

static inline int64_t audit_count(fw_ctx *ctx)
{
    return count_rows(ctx, "SELECT count(*) FROM fw_audit");
}

/* Fails the test when any audit detail contains s. */
static inline void assert_audit_lacks(fw_ctx *ctx, const char *s)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_audit WHERE instr(detail, ?) > 0",
                                "t", s), FW_OK);
    if (n != 0)
        fail_msg("audit details contain '%s'", s);
}

static inline fw_id apply_enterprise(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_party_enterprise_apply(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

/* Applies and verifies by hand (reviewer); returns the id. Leaves the actor as admin. */
static inline fw_id verified_enterprise(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    uint32_t st = 0;
    fw_id id = apply_enterprise(ctx, json);
    assert_rc(fw_party_enterprise_verify(ctx, id, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_ENTERPRISE_UNDER_REVIEW);
    assert_rc(fw_party_enterprise_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    return id;
}

/* Verified, cooperation agreement reported in force (as the contract module does), activated. */
static inline fw_id party_active_enterprise(fw_ctx *ctx, const char *json)
{
    fw_id id = verified_enterprise(ctx, json);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, id, 1, NULL), NULL), FW_OK);
    assert_int_equal(fw_party_enterprise_activate(ctx, id, NULL), FW_OK);
    return id;
}

static inline fw_id register_worker(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_party_worker_register(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

static inline fw_id verified_worker(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = register_worker(ctx, json);
    assert_rc(fw_party_worker_verify(ctx, id, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_party_worker_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    return id;
}

static inline uint32_t enterprise_state(fw_ctx *ctx, fw_id id)
{
    uint32_t st = 0;
    assert_int_equal(fw__party_enterprise_state(ctx, id, &st, NULL), FW_OK);
    return st;
}

static inline uint32_t worker_state(fw_ctx *ctx, fw_id id)
{
    uint32_t st = 0;
    assert_int_equal(fw__party_worker_state(ctx, id, &st, NULL), FW_OK);
    return st;
}

/* A fake identity provider: answers with `answer` (or returns `rc`), remembers the request. */
struct fake_identity {
    const char *answer;
    int rc;
    char last_request[1024];
    int calls;
};

static inline int fake_verify(const char *req, size_t len, fw_reply *reply, void *payload)
{
    struct fake_identity *f = payload;
    f->calls++;
    snprintf(f->last_request, sizeof(f->last_request), "%.*s", (int)len, req);
    if (f->rc != FW_OK)
        return f->rc;
    return fw_reply_set(reply, f->answer, strlen(f->answer));
}

static inline void use_fake_identity(fw_ctx *ctx, struct fake_identity *f)
{
    fw_identity_provider p = { FW_IDENTITY_PROVIDER_VERSION, f, fake_verify, fake_verify };
    assert_int_equal(fw_ctx_set_identity_provider(ctx, &p, NULL), FW_OK);
}

/* The JSON of a getter, parsed; the caller deletes it. */
/* Call as get_json(fw_x_get(..., &out, ...), &out): out is read after the call returned. */
static inline cJSON *get_json(int rc, char **text)
{
    cJSON *o;
    assert_int_equal(rc, FW_OK);
    o = cJSON_Parse(*text);
    fw_free(*text);
    *text = NULL;
    assert_non_null(o);
    return o;
}

static inline const char *jstr(const cJSON *o, const char *path1, const char *path2)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, path1);
    if (path2)
        c = cJSON_GetObjectItemCaseSensitive(c, path2);
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

#endif
