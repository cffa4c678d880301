/* Audit (R-3.3.j, DESIGN §6): the hash chain, tamper detection on the file, append-only
 * triggers, signed checkpoints, exports verified offline. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/audit.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/json.h"

static void append(fw_ctx *ctx, int i)
{
    char detail[64];
    fw_error *err = NULL;
    snprintf(detail, sizeof(detail), "{\"step\":%d}", i);
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__audit_append(ctx, "core.test", "thing", i, detail, strlen(detail), &err), FW_OK, &err);
    assert_rc(fw__tx_end(ctx, FW_OK, &err), FW_OK, &err);
    test_clock_advance(1000);
}

/* A file store with n records, closed. */
static void make_store(const char *name, char *path, size_t size, int n, int checkpoint)
{
    fw_ctx *ctx;
    fw_error *err = NULL;
    int i;
    test_path(name, path, size);
    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    for (i = 1; i <= n; i++)
        append(ctx, i);
    if (checkpoint)
        assert_rc(fw_audit_checkpoint(ctx, NULL, NULL, &err), FW_OK, &err);
    fw_ctx_free(ctx);
}

/* Opens the store and verifies; returns the code with *bad. */
static int verify_file(const char *path, int64_t *bad, char *msg, size_t msg_size)
{
    fw_ctx *ctx = test_open(path);
    fw_error *err = NULL;
    int rc;
    test_actor(ctx, FW_ROLE_AUDITOR, 0);
    *bad = -1;
    rc = fw_audit_verify(ctx, bad, &err);
    if (msg)
        snprintf(msg, msg_size, "%s", fw_error_message(err));
    fw_error_free(err);
    fw_ctx_free(ctx);
    return rc;
}

static void chain_links_and_verifies(void **state)
{
    fw_ctx *ctx = *state;
    fw__stmt *s;
    fw_error *err = NULL;
    unsigned char prev[32] = { 0 };
    int64_t bad = -1, seq = 0;
    int i;
    for (i = 1; i <= 5; i++)
        append(ctx, i);
    assert_rc(fw_audit_verify(ctx, &bad, &err), FW_OK, &err);
    assert_int_equal(bad, 0);
    assert_rc(fw__db_query(ctx, &s, &err, "SELECT seq, prev_hash, hash, actor_role, actor_name, "
                           "action, at_ms FROM fw_audit ORDER BY seq", ""), FW_OK, &err);
    while (fw__db_step(s, &err) == FW__ROW) {
        seq++;
        assert_int_equal(fw__db_col_i64(s, 0), seq);
        assert_memory_equal(fw__db_col_blob(s, 1), prev, 32);     /* links to the previous */
        memcpy(prev, fw__db_col_blob(s, 2), 32);
        assert_int_equal(fw__db_col_i64(s, 3), FW_ROLE_ADMIN);
        assert_string_equal(fw__db_col_text(s, 4), "test");
        assert_string_equal(fw__db_col_text(s, 5), "core.test");
        assert_int_equal(fw__db_col_i64(s, 6), TEST_CLOCK_START + (seq - 1) * 1000);
    }
    fw__db_done(s);
    assert_int_equal(seq, 5);
    /* A record appended in a call that then fails is rolled back with it. */
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__audit_append(ctx, "core.test", "thing", 6, NULL, 0, &err), FW_OK, &err);
    assert_int_equal(fw__tx_end(ctx, FW_EFUNDS, NULL), FW_EFUNDS);
    assert_rc(fw__db_i64(ctx, &seq, &err, "SELECT max(seq) FROM fw_audit", ""), FW_OK, &err);
    assert_int_equal(seq, 5);
}

/* Each edit behind the library's back is found, and first_bad is the edited record. */
static void tampering_on_the_file_is_found(void **state)
{
    static const struct {
        const char *sql;
        int64_t bad;
    } edits[] = {
        { "UPDATE fw_audit SET detail = '{\"step\":33}' WHERE seq = 3", 3 },
        { "UPDATE fw_audit SET action = 'core.other' WHERE seq = 2", 2 },
        { "UPDATE fw_audit SET actor_name = 'mallory' WHERE seq = 5", 5 },
        { "UPDATE fw_audit SET at_ms = at_ms + 1 WHERE seq = 1", 1 },
        { "UPDATE fw_audit SET entity_id = 99 WHERE seq = 4", 4 },
        { "DELETE FROM fw_audit WHERE seq = 4", 4 },
        { "UPDATE fw_audit SET seq = -2 WHERE seq = 2; UPDATE fw_audit SET seq = 2 WHERE seq = 3;"
          "UPDATE fw_audit SET seq = 3 WHERE seq = -2", 2 },
        /* Even with the record's own digest recomputed the link to the next breaks. */
        { "UPDATE fw_audit SET hash = zeroblob(32) WHERE seq = 3", 3 },
    };
    char path[512], msg[512];
    int64_t bad;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        char sql[600];
        make_store("audit-tamper", path, sizeof(path), 5, 0);
        snprintf(sql, sizeof(sql), "DROP TRIGGER fw_audit_no_update; DROP TRIGGER fw_audit_no_delete; %s",
                 edits[i].sql);
        test_raw_exec(path, sql);
        assert_int_equal(verify_file(path, &bad, msg, sizeof(msg)), FW_ECORRUPT);
        if (bad != edits[i].bad)
            fail_msg("edit %zu (%s): first_bad %lld, want %lld", i, edits[i].sql, (long long)bad,
                     (long long)edits[i].bad);
    }
    assert_string_equal(msg, "audit record 3 does not verify: it or its link to record 2 was changed "
                        "outside the library");
}

/* Checkpoints catch what the chain alone cannot: records cut off the end, a bad signature. */
static void checkpoints_catch_truncation_and_forgery(void **state)
{
    char path[512], msg[512];
    int64_t bad;
    (void)state;
    make_store("audit-trunc", path, sizeof(path), 5, 1);
    assert_int_equal(verify_file(path, &bad, NULL, 0), FW_OK);
    assert_int_equal(bad, 0);
    test_raw_exec(path, "DROP TRIGGER fw_audit_no_delete; DELETE FROM fw_audit WHERE seq >= 4");
    assert_int_equal(verify_file(path, &bad, msg, sizeof(msg)), FW_ECORRUPT);
    assert_int_equal(bad, 4);
    assert_string_equal(msg, "the audit log ends at record 3 but a checkpoint signed record 5: "
                        "records were removed outside the library");

    make_store("audit-forge", path, sizeof(path), 5, 1);
    test_raw_exec(path, "UPDATE fw_audit_checkpoint SET signature = zeroblob(64)");
    assert_int_equal(verify_file(path, &bad, msg, sizeof(msg)), FW_ECORRUPT);
    assert_int_equal(bad, 5);
    /* A checkpoint pointing at another hash than the chain's. */
    make_store("audit-forge2", path, sizeof(path), 5, 1);
    test_raw_exec(path, "UPDATE fw_audit_checkpoint SET hash = (SELECT hash FROM fw_audit WHERE seq = 4)");
    assert_int_equal(verify_file(path, &bad, NULL, 0), FW_ECORRUPT);
    assert_int_equal(bad, 5);
}

/* The append-only triggers refuse edits through the library's own connection. */
static void append_only_triggers(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    append(ctx, 1);
    assert_int_equal(fw__db_exec(ctx, &err, "UPDATE fw_audit SET action = 'x'", ""), FW_EPERM);
    assert_non_null(strstr(fw_error_message(err), "fw_audit is append-only"));
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__db_exec(ctx, &err, "DELETE FROM fw_audit", ""), FW_EPERM);
    assert_non_null(strstr(fw_error_message(err), "fw_audit is append-only"));
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_audit_verify(ctx, NULL, &err), FW_OK, &err);
}

static char *checkpoint_and_export(fw_ctx *ctx, int64_t from, int64_t to)
{
    char *out = NULL;
    size_t len = 0;
    fw_error *err = NULL;
    assert_rc(fw_audit_export(ctx, from, to, &out, &len, &err), FW_OK, &err);
    assert_int_equal(len, strlen(out));
    return out;
}

static int verify_text(const char *json, const uint8_t *key, int64_t *bad, char *msg, size_t size)
{
    fw_error *err = NULL;
    int rc;
    *bad = -1;
    rc = fw_audit_verify_export(json, strlen(json), key, bad, &err);
    if (msg)
        snprintf(msg, size, "%s", fw_error_message(err));
    fw_error_free(err);
    return rc;
}

static void checkpoint_and_export_verify(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL, *exp;
    size_t len = 0;
    uint8_t pk[32], wrong[32];
    int64_t bad;
    cJSON *cp;
    int i;
    assert_int_equal(fw_audit_checkpoint(ctx, &out, &len, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "the audit log is empty: nothing to sign");
    assert_null(out);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_audit_export(ctx, 1, 0, &out, &len, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    for (i = 1; i <= 5; i++)
        append(ctx, i);
    assert_rc(fw_audit_checkpoint(ctx, &out, &len, &err), FW_OK, &err);
    assert_int_equal(len, strlen(out));
    cp = cJSON_Parse(out);
    assert_int_equal(cJSON_GetObjectItem(cp, "seq")->valueint, 5);
    assert_int_equal((int64_t)cJSON_GetObjectItem(cp, "at_ms")->valuedouble, test_clock_ms);
    assert_int_equal(strlen(cJSON_GetObjectItem(cp, "hash")->valuestring), 64);
    assert_int_equal(strlen(cJSON_GetObjectItem(cp, "signature")->valuestring), 128);
    assert_rc(fw_audit_public_key(ctx, pk, &err), FW_OK, &err);
    {
        char hex[65];
        for (i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", pk[i]);
        assert_string_equal(cJSON_GetObjectItem(cp, "public_key")->valuestring, hex);
    }
    cJSON_Delete(cp);
    fw_free(out);

    exp = checkpoint_and_export(ctx, 1, 0);
    assert_int_equal(verify_text(exp, NULL, &bad, NULL, 0), FW_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(verify_text(exp, pk, &bad, NULL, 0), FW_OK);
    memcpy(wrong, pk, 32);
    wrong[0] ^= 1;
    assert_int_equal(verify_text(exp, wrong, &bad, NULL, 0), FW_EAUTH);
    assert_int_equal(bad, -1);
    fw_free(exp);

    /* A range starting past record 1 chains from the exported prev_hash. */
    exp = checkpoint_and_export(ctx, 3, 0);
    assert_int_equal(verify_text(exp, pk, &bad, NULL, 0), FW_OK);
    cp = cJSON_Parse(exp);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cp, "records")), 3);
    cJSON_Delete(cp);
    fw_free(exp);

    /* Records after the checkpoint need a new one. */
    append(ctx, 6);
    assert_int_equal(fw_audit_export(ctx, 1, 6, &out, &len, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "to_seq: no checkpoint covers record 6; call "
                        "fw_audit_checkpoint() first");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_audit_export(ctx, 6, 0, &out, &len, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "from_seq: must be at most 5, the checkpoint's record");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_audit_export(ctx, 4, 2, &out, &len, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    /* The earliest checkpoint covering to_seq is used. */
    assert_rc(fw_audit_checkpoint(ctx, NULL, NULL, &err), FW_OK, &err);
    exp = checkpoint_and_export(ctx, 2, 4);
    cp = cJSON_Parse(exp);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cp, "checkpoint"), "seq")->valueint, 5);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cp, "records")), 4);
    cJSON_Delete(cp);
    assert_int_equal(verify_text(exp, pk, &bad, NULL, 0), FW_OK);
    fw_free(exp);
    exp = checkpoint_and_export(ctx, 0, 0);
    assert_int_equal(verify_text(exp, pk, &bad, NULL, 0), FW_OK);
    fw_free(exp);
    /* Checkpoints are verified with the chain. */
    assert_rc(fw_audit_verify(ctx, &bad, &err), FW_OK, &err);
}

/* Edits of an export: first_bad names the record. */
static void edited_exports_fail(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *exp, *text, msg[512];
    cJSON *root, *records;
    int64_t bad;
    uint8_t pk[32];
    int i;
    for (i = 1; i <= 5; i++)
        append(ctx, i);
    assert_rc(fw_audit_checkpoint(ctx, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_audit_public_key(ctx, pk, &err), FW_OK, &err);
    exp = checkpoint_and_export(ctx, 1, 0);

#define EDIT(stmt, code, want_bad)                                                 \
    do {                                                                           \
        root = cJSON_Parse(exp);                                                   \
        records = cJSON_GetObjectItem(root, "records");                            \
        (void)records;                                                             \
        stmt;                                                                      \
        text = cJSON_PrintUnformatted(root);                                       \
        assert_int_equal(verify_text(text, pk, &bad, msg, sizeof(msg)), (code));   \
        if ((want_bad) >= 0)                                                       \
            assert_int_equal(bad, (want_bad));                                     \
        free(text);                                                                \
        cJSON_Delete(root);                                                        \
    } while (0)

    EDIT(cJSON_ReplaceItemInObject(cJSON_GetArrayItem(records, 1), "detail",
                                   cJSON_CreateString("{\"step\":22}")), FW_ECORRUPT, 2);
    assert_string_equal(msg, "exported audit record 2 does not verify");
    EDIT(cJSON_ReplaceItemInObject(cJSON_GetArrayItem(records, 0), "action",
                                   cJSON_CreateString("core.x")), FW_ECORRUPT, 1);
    EDIT(cJSON_DeleteItemFromArray(records, 2), FW_ECORRUPT, 3);
    EDIT(cJSON_DeleteItemFromArray(records, 4), FW_ECORRUPT, 5);
    assert_string_equal(msg, "the exported records do not end at the signed checkpoint (record 5)");
    EDIT(cJSON_DeleteItemFromArray(records, 0), FW_ECORRUPT, 2);
    {
        /* Flip one hex digit of the signature. */
        EDIT({
            cJSON *cp = cJSON_GetObjectItem(root, "checkpoint");
            char sig[129];
            snprintf(sig, sizeof(sig), "%s", cJSON_GetObjectItem(cp, "signature")->valuestring);
            sig[10] = sig[10] == '0' ? '1' : '0';
            cJSON_ReplaceItemInObject(cp, "signature", cJSON_CreateString(sig));
        }, FW_EAUTH, -1);
        assert_string_equal(msg, "$.checkpoint.signature: the checkpoint's signature does not verify");
        EDIT(cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "checkpoint"), "seq",
                                       cJSON_CreateNumber(4)), FW_EAUTH, -1);
        EDIT(cJSON_ReplaceItemInObject(root, "prev_hash", cJSON_CreateString(
                 "0101010101010101010101010101010101010101010101010101010101010101")), FW_ECORRUPT, 1);
    }
    /* Malformed exports. */
    assert_int_equal(verify_text("not json", NULL, &bad, msg, sizeof(msg)), FW_EJSON);
    assert_int_equal(verify_text("[]", NULL, &bad, msg, sizeof(msg)), FW_EINVAL);
    assert_int_equal(verify_text("{}", NULL, &bad, msg, sizeof(msg)), FW_EINVAL);
    assert_string_equal(msg, "$.format: is required");
    EDIT(cJSON_DeleteItemFromObject(cJSON_GetArrayItem(records, 2), "hash"), FW_EINVAL, -1);
    assert_string_equal(msg, "$.records[2]: is not a complete audit record");
    EDIT(cJSON_ReplaceItemInObject(cJSON_GetArrayItem(records, 2), "seq", cJSON_CreateString("3")),
         FW_EINVAL, -1);
    EDIT(cJSON_ReplaceItemInArray(records, 1, cJSON_CreateNumber(1)), FW_EINVAL, -1);
    EDIT(cJSON_ReplaceItemInObject(root, "prev_hash", cJSON_CreateString("zz")), FW_EINVAL, -1);
    EDIT(cJSON_DeleteItemFromObject(root, "checkpoint"), FW_EINVAL, -1);
    assert_string_equal(msg, "$.checkpoint: is required");
    EDIT(cJSON_ReplaceItemInObject(root, "format", cJSON_CreateString("flexwork-audit-2")), FW_EVERSION, -1);
    assert_string_equal(msg, "$.format: must be \"flexwork-audit-1\", got \"flexwork-audit-2\"");
    assert_int_equal(fw_audit_verify_export(NULL, 0, NULL, NULL, NULL), FW_EINVAL);
    fw_free(exp);
}

static void argument_checks(void **state)
{
    fw_ctx *ctx = *state;
    char *out = NULL;
    uint8_t pk[32];
    assert_int_equal(fw_audit_verify(NULL, NULL, NULL), FW_EINVAL);
    assert_int_equal(fw_audit_checkpoint(NULL, NULL, NULL, NULL), FW_EINVAL);
    assert_int_equal(fw_audit_export(NULL, 1, 0, &out, NULL, NULL), FW_EINVAL);
    assert_int_equal(fw_audit_export(ctx, 1, 0, NULL, NULL, NULL), FW_EINVAL);
    assert_int_equal(fw_audit_public_key(NULL, pk, NULL), FW_EINVAL);
    assert_int_equal(fw_audit_public_key(ctx, NULL, NULL), FW_EINVAL);
    assert_null(out);
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(chain_links_and_verifies),
          cmocka_unit_test(tampering_on_the_file_is_found),
          cmocka_unit_test(checkpoints_catch_truncation_and_forgery),
          T(append_only_triggers),
          T(checkpoint_and_export_verify),
          T(edited_exports_fail),
          T(argument_checks))
