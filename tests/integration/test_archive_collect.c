/*
 * Automatic filing: fw_archive_collect pulls into a party's archive the documents the
 * party, contract and tax modules hold for it, each once.
 */
#include "../task/task_fixtures.h"

#include <flexwork/archive.h>
#include <flexwork/tax.h>

static int64_t docs(fw_ctx *ctx, const char *kind, fw_id party, const char *where)
{
    int64_t n = -1;
    char sql[512];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM fw_archive_doc d JOIN fw_archive_archive a ON a.id=d.archive_id "
             "WHERE a.party_kind='%s' AND a.party_id=%lld AND %s", kind, (long long)party, where);
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

static void collect(fw_ctx *ctx, const char *kind, fw_id party)
{
    fw_error *err = NULL;
    assert_rc(fw_archive_collect(ctx, kind, party, &err), FW_OK, &err);
}

/* The content of the document filed under an external reference, read back through the archive. */
static cJSON *read_doc(fw_ctx *ctx, const char *kind, fw_id party, const char *ref)
{
    fw_error *err = NULL;
    uint8_t *out = NULL;
    size_t len = 0;
    int64_t id = 0;
    char where[128];
    cJSON *o;

    snprintf(where, sizeof(where), "d.external_ref='%s'", ref);
    assert_int_equal(docs(ctx, kind, party, where), 1);
    assert_int_equal(fw__db_i64(ctx, &id, NULL, "SELECT d.id FROM fw_archive_doc d JOIN fw_archive_archive a ON "
                                "a.id=d.archive_id WHERE a.party_kind=? AND a.party_id=? AND d.external_ref=?", "tit",
                                kind, party, ref), FW_OK);
    assert_rc(fw_archive_read(ctx, id, "check automatic filing", &out, &len, &err), FW_OK, &err);
    o = cJSON_ParseWithLength((const char *)out, len);
    fw_free(out);
    return o;
}

/* the signed contracts and the verification records reach both archives, once. */
static void contracts_and_verifications_are_filed_once(void **state)
{
    fw_ctx *ctx = *state;
    fw_id ent = active_enterprise(ctx, ENT1);
    fw_id wk = contracted_worker(ctx, ent, WORKER_JSON("张三", ID_1990, CARD, "self"));
    int64_t audits;
    cJSON *o;

    collect(ctx, "enterprise", ent);
    assert_int_equal(docs(ctx, "enterprise", ent, "1"), 2);
    assert_int_equal(docs(ctx, "enterprise", ent, "d.category='verification' AND d.personal=0"), 1);
    assert_int_equal(docs(ctx, "enterprise", ent, "d.category='contract' AND d.external_ref='contract:1' AND "
                          "d.retention='labour_contract' AND d.personal=0 AND d.state=1"), 1);
    o = read_doc(ctx, "enterprise", ent, "contract:1");
    assert_string_equal(cJSON_GetObjectItem(o, "format")->valuestring, "flexwork-signed-contract");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "signatures")), 2);
    assert_non_null(strstr(cJSON_GetObjectItem(o, "document")->valuestring, "乙方：杭州云帆科技有限公司"));
    cJSON_Delete(o);
    o = read_doc(ctx, "enterprise", ent, "verification");
    assert_string_equal(cJSON_GetObjectItem(o, "format")->valuestring, "flexwork-verification");
    assert_string_equal(cJSON_GetObjectItem(o, "party_kind")->valuestring, "enterprise");
    cJSON_Delete(o);

    /* the worker's service agreement goes to the worker's archive only, sealed */
    collect(ctx, "worker", wk);
    assert_int_equal(docs(ctx, "worker", wk, "1"), 2);
    assert_int_equal(docs(ctx, "worker", wk, "d.external_ref='contract:2' AND d.personal=1"), 1);
    assert_int_equal(docs(ctx, "worker", wk, "d.category='verification' AND d.personal=1"), 1);
    assert_int_equal(docs(ctx, "enterprise", ent, "d.external_ref='contract:2'"), 0);
    o = read_doc(ctx, "worker", wk, "contract:2");
    assert_non_null(strstr(cJSON_GetObjectItem(o, "document")->valuestring, "乙方：张三"));
    cJSON_Delete(o);

    /* again: nothing new to file; only the run is audited */
    audits = audit_count(ctx);
    collect(ctx, "enterprise", ent);
    collect(ctx, "worker", wk);
    assert_int_equal(docs(ctx, "enterprise", ent, "1") + docs(ctx, "worker", wk, "1"), 4);
    assert_int_equal(audit_count(ctx), audits + 2);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_audit WHERE action='archive.collect' AND detail="
                                "'{\"party_kind\":\"worker\",\"party_id\":1,\"filed\":0}'"), 1);

    /* a second agreement signed later is filed on the next run */
    sign_service(ctx, ent, wk);
    collect(ctx, "worker", wk);
    assert_int_equal(docs(ctx, "worker", wk, "d.external_ref='contract:3'"), 1);
    assert_int_equal(docs(ctx, "worker", wk, "1"), 3);
}

/* a worker's tax certificates are filed under tax_record retention. */
static void tax_certificates_are_filed(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id wk = verified_worker(ctx, WORKER_JSON("张三", ID_1990, CARD, "self")), cert = 0;
    uint8_t *out = NULL;
    size_t len = 0;
    int64_t id = 0;

    assert_rc(fw_tax_certificate_record(ctx, "{\"worker_id\":1,\"period\":\"2026-03\",\"certificate_no\":\"WS-1\","
                                        "\"content_type\":\"text/plain\",\"document_b64\":\"aGVsbG8=\"}", (size_t)-1,
                                        &cert, &err), FW_OK, &err);
    collect(ctx, "worker", wk);
    assert_int_equal(docs(ctx, "worker", wk, "d.category='tax_certificate' AND d.retention='tax_record' AND "
                          "d.external_ref='tax_certificate:1' AND d.size=5"), 1);
    assert_int_equal(fw__db_i64(ctx, &id, NULL, "SELECT id FROM fw_archive_doc WHERE external_ref='tax_certificate:1'",
                                ""), FW_OK);
    assert_rc(fw_archive_read(ctx, id, "tax audit", &out, &len, &err), FW_OK, &err);
    assert_int_equal(len, 5);
    assert_memory_equal(out, "hello", 5);
    fw_free(out);
    collect(ctx, "worker", wk);
    assert_int_equal(docs(ctx, "worker", wk, "d.category='tax_certificate'"), 1);
}

/* Refusals name the field and file nothing. */
static void refusals(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    int64_t audits = audit_count(ctx);

    assert_int_equal(fw_archive_collect(ctx, "platform", 1, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "party_kind: must be \"enterprise\" or \"worker\", got \"platform\"");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_archive_collect(ctx, "worker", 0, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "party_id");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_archive_collect(ctx, "worker", 99, &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "no worker 99");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_WORKER, 1);
    assert_int_equal(fw_archive_collect(ctx, "worker", 1, &err), FW_EPERM);
    fw_error_free(err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(audit_count(ctx), audits);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_archive_doc"), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(contracts_and_verifications_are_filed_once), T(tax_certificates_are_filed), T(refusals))
