/* Archives: lifecycle, read log, retention, holds, blocking and purging, statistics, bundles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "archive/archive.h"
#include "core/clock.h"
#include "core/db.h"

#define CONTRACT "{\"party_kind\":\"worker\",\"party_id\":7,\"category\":\"contract\"," \
                 "\"title\":\"service contract 2026-001\",\"source\":\"contract\",\"retention\":\"labour_contract\"}"
#define TAX_RECORD "{\"party_kind\":\"enterprise\",\"party_id\":3,\"category\":\"tax\"," \
                   "\"title\":\"IIT return 2026-02\",\"source\":\"tax\",\"retention\":\"tax_record\"}"

static fw_id file_doc(fw_ctx *ctx, const char *json, const char *content)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_archive_file(ctx, json, strlen(json), (const uint8_t *)content, strlen(content), &id, &err),
              FW_OK, &err);
    assert_true(id > 0);
    return id;
}

static int64_t count(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

static int64_t cst(int y, int m, int d)
{
    int64_t ms = 0;
    assert_int_equal(fw__cst_from_date(y, m, d, &ms), FW_OK);
    return ms;
}

static const char *tmp_path(const char *name, char *buf, size_t size)
{
    const char *dir = getenv("FW_TEST_TMP");
    if (!dir || !*dir)
        dir = "/tmp";
    mkdir(dir, 0700);
    snprintf(buf, size, "%s/%s-%d", dir, name, (int)getpid());
    return buf;
}

static void rm_rf(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

/* receive -> arrange (numbered within the archive) -> use, every read logged with its purpose. */
static void file_arrange_read_logs_every_use(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    uint8_t *out = NULL;
    size_t len = 0;
    char *json = NULL;
    fw_id a = file_doc(ctx, CONTRACT, "contract text"), b = file_doc(ctx, CONTRACT, "annex");

    assert_rc(fw_archive_arrange(ctx, b, "{\"category\":\"contract_annex\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_archive_arrange(ctx, a, NULL, 0, &err), FW_OK, &err);
    assert_rc(fw_archive_arrange(ctx, a, NULL, 0, &err), FW_ESTATE, &err);

    assert_rc(fw_archive_read(ctx, a, "", &out, &len, &err), FW_EINVAL, &err);
    assert_rc(fw_archive_read(ctx, a, "labour dispute 2026-17", &out, &len, &err), FW_OK, &err);
    assert_int_equal(len, 13);
    assert_memory_equal(out, "contract text", 13);
    fw_free(out);

    assert_rc(fw_archive_access_log(ctx, a, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[{\"at_ms\":1773540000000,\"actor_role\":\"admin\",\"actor_party\":0,"
                              "\"actor_name\":\"test\",\"purpose\":\"labour dispute 2026-17\"}]");
    fw_free(json);

    assert_rc(fw_archive_list(ctx, "worker", 7, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"number\":1,\"state\":\"kept\",\"category\":\"contract_annex\""));
    assert_non_null(strstr(json, "\"number\":2,\"state\":\"kept\",\"category\":\"contract\""));
    fw_free(json);
    /* The purpose is in the read log, never in the audit log. */
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE detail LIKE '%dispute%'"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE action='archive.read'"), 1);
}

/* retention defaults from cn-rules.md §10; the period counts from the next 1 January. */
static void retention_defaults_and_periods(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL;
    fw_id id;

    assert_rc(fw_archive_retention_list(ctx, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "{\"code\":\"accounting_voucher\",\"title\":\"original and bookkeeping vouchers\","
                                 "\"months\":360,"));
    assert_non_null(strstr(json, "{\"code\":\"tax_record\",\"title\":\"tax books, vouchers, returns, certificates\","
                                 "\"months\":120,"));
    assert_non_null(strstr(json, "{\"code\":\"ecommerce_transaction\",\"title\":\"transaction, goods and service "
                                 "records\",\"months\":36,"));
    assert_non_null(strstr(json, "{\"code\":\"annual_report\",\"title\":\"annual financial report\",\"months\":0,"));
    fw_free(json);

    id = file_doc(ctx, TAX_RECORD, "return");
    assert_rc(fw_archive_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    {
        char want[64];
        snprintf(want, sizeof(want), "\"keep_until_ms\":%lld,", (long long)cst(2037, 1, 1));
        assert_non_null(strstr(json, want));
    }
    fw_free(json);

    /* Configurable: a new class, and a changed default. */
    assert_rc(fw_archive_retention_set(ctx, "{\"code\":\"tax_record\",\"title\":\"tax records\",\"months\":180,"
                                            "\"basis\":\"local rule\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_archive_retention_set(ctx, "{\"code\":\"Bad\",\"title\":\"x\",\"months\":1,\"basis\":\"y\"}",
                                       (size_t)-1, &err), FW_EINVAL, &err);
    id = file_doc(ctx, TAX_RECORD, "return 2");
    assert_rc(fw_archive_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    {
        char want[64];
        snprintf(want, sizeof(want), "\"keep_until_ms\":%lld,", (long long)cst(2042, 1, 1));
        assert_non_null(strstr(json, want));
    }
    fw_free(json);
}

/* A refused filing names the field and stores nothing. */
static void refused_filing_names_the_field_and_stores_nothing(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;
    const char *bad = "{\"party_kind\":\"worker\",\"party_id\":7,\"category\":\"c\",\"title\":\"t\","
                      "\"source\":\"s\",\"retention\":\"forever\"}";

    assert_int_equal(fw_archive_file(ctx, bad, strlen(bad), (const uint8_t *)"x", 1, &id, &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_path(err), "$.retention");
    assert_string_equal(fw_error_message(err),
                        "$.retention: no retention class \"forever\"; see fw_archive_retention_list()");
    fw_error_free(err);
    err = NULL;
    bad = "{\"party_kind\":\"robot\",\"party_id\":7}";
    assert_int_equal(fw_archive_file(ctx, bad, strlen(bad), NULL, 0, &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.party_kind: must be one of \"enterprise\", \"worker\", got \"robot\"");
    fw_error_free(err);
    assert_int_equal(id, 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_doc"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_archive"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit"), 0);
}

static int claim_open;
static int claim_check(fw_ctx *ctx, const char *party_kind, fw_id party_id, fw_id doc_id,
                       const char *category, char *why, size_t why_size, void *payload)
{
    (void)ctx; (void)doc_id; (void)category; (void)payload;
    if (!claim_open || strcmp(party_kind, "enterprise") != 0 || party_id != 3)
        return 0;
    snprintf(why, why_size, "payout order 17 of enterprise 3 is not settled");
    return 1;
}

/* appraisal at expiry; a hold (claim, unsettled amount) refuses destruction and names itself. */
static void appraise_and_destroy_with_holds(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = file_doc(ctx, TAX_RECORD, "return"), twin = file_doc(ctx, TAX_RECORD, "return"), hold = 0;
    char *json = NULL;
    uint8_t *out = NULL;
    size_t len = 0;
    char msg[200];

    assert_rc(fw_archive_arrange(ctx, id, NULL, 0, &err), FW_OK, &err);
    assert_int_equal(fw_archive_appraise(ctx, id, "{\"decision\":\"destroy\",\"opinion\":\"expired\"}",
                                         (size_t)-1, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "document 1 is kept until 2037-01-01 (retention class tax_record); "
                                               "it is appraised after that");
    fw_error_free(err);
    err = NULL;

    test_clock_set(cst(2037, 1, 2));
    assert_rc(fw_archive_hold_place(ctx, "{\"party_kind\":\"enterprise\",\"party_id\":3,\"doc_id\":1,"
                                         "\"kind\":\"claim\",\"reason\":\"refund claim R-88\"}", (size_t)-1,
                                    &hold, &err), FW_OK, &err);
    assert_int_equal(fw_archive_appraise(ctx, id, "{\"decision\":\"destroy\",\"opinion\":\"expired\"}",
                                         (size_t)-1, &err), FW_EDENIED);
    snprintf(msg, sizeof(msg), "document 1 is held by hold %lld (claim on this document): refund claim R-88",
             (long long)hold);
    assert_string_equal(fw_error_message(err), msg);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_archive_hold_release(ctx, hold, &err), FW_OK, &err);
    assert_rc(fw_archive_hold_release(ctx, hold, &err), FW_ESTATE, &err);

    /* A hold check registered by the host or a lower module. */
    claim_open = 1;
    assert_rc(fw_archive_register_hold_check(ctx, "payout", claim_check, NULL, &err), FW_OK, &err);
    assert_int_equal(fw_archive_appraise(ctx, id, "{\"decision\":\"destroy\",\"opinion\":\"expired\"}",
                                         (size_t)-1, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "document 1 is held by the payout check: "
                                               "payout order 17 of enterprise 3 is not settled");
    fw_error_free(err);
    err = NULL;
    claim_open = 0;

    assert_rc(fw_archive_destroy(ctx, id, "{\"approver\":\"CFO Wang\"}", (size_t)-1, &err), FW_ESTATE, &err);
    assert_rc(fw_archive_appraise(ctx, id, "{\"decision\":\"destroy\",\"opinion\":\"period ended, no claims\"}",
                                  (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_archive_destroy(ctx, id, "{\"approver\":\"\"}", (size_t)-1, &err), FW_EINVAL, &err);
    assert_rc(fw_archive_destroy(ctx, id, "{\"approver\":\"CFO Wang\",\"supervisor\":\"auditor Li\"}",
                                 (size_t)-1, &err), FW_OK, &err);

    assert_int_equal(fw_archive_read(ctx, id, "check", &out, &len, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "document 1 was destroyed; see the destruction register");
    fw_error_free(err);
    err = NULL;
    /* The twin shares the content by hash: it stays readable, the blob stays. */
    assert_rc(fw_archive_read(ctx, twin, "check", &out, &len, &err), FW_OK, &err);
    fw_free(out);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_blob"), 1);

    assert_rc(fw_archive_destruction_register(ctx, 0, 0, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"doc_id\":1,\"party_kind\":\"enterprise\",\"party_id\":3,\"number\":1,"
                                 "\"category\":\"tax\",\"title\":\"IIT return 2026-02\",\"retention\":\"tax_record\""));
    assert_non_null(strstr(json, "\"appraisal\":\"period ended, no claims\",\"approver\":\"CFO Wang\","
                                 "\"supervisor\":\"auditor Li\""));
    fw_free(json);
    /* The register is permanent. */
    assert_int_not_equal(fw__db_exec(ctx, NULL, "DELETE FROM fw_archive_destruction", ""), FW_OK);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_destruction"), 1);

    /* Keep: the period is extended from now. */
    assert_rc(fw_archive_appraise(ctx, twin, "{\"decision\":\"keep\",\"opinion\":\"still referenced\"}",
                                  (size_t)-1, &err), FW_EINVAL, &err);
    assert_rc(fw_archive_appraise(ctx, twin, "{\"decision\":\"keep\",\"opinion\":\"still referenced\","
                                             "\"extend_months\":12}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_archive_get(ctx, twin, &json, NULL, &err), FW_OK, &err);
    snprintf(msg, sizeof(msg), "\"keep_until_ms\":%lld,", (long long)cst(2038, 1, 2));
    assert_non_null(strstr(json, msg));
    fw_free(json);
}

/* PIPL art. 47: personal information past its purpose is blocked, then purged by crypto-shredding. */
static void personal_information_blocked_then_purged(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    const char *id_copy = "{\"party_kind\":\"worker\",\"party_id\":9,\"category\":\"identity\","
                          "\"title\":\"ID card copy\",\"source\":\"party\",\"retention\":\"general\",\"personal\":true}";
    fw_id doc = file_doc(ctx, id_copy, "ID 110105199001011234"), plain = file_doc(ctx,
        "{\"party_kind\":\"worker\",\"party_id\":9,\"category\":\"statement\",\"title\":\"statement\","
        "\"source\":\"payout\",\"retention\":\"accounting_voucher\"}", "paid 100.00");
    uint8_t *out = NULL;
    size_t len = 0;

    /* Sealed: the clear text is nowhere in the store. */
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_blob WHERE content LIKE '%1990%'"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_doc WHERE sealed IS NOT NULL"), 1);
    assert_rc(fw_archive_read(ctx, doc, "identity re-check", &out, &len, &err), FW_OK, &err);
    assert_memory_equal(out, "ID 110105199001011234", 21);
    fw_free(out);

    assert_rc(fw_archive_pi_purge(ctx, "worker", 9, &err), FW_ESTATE, &err);
    assert_rc(fw_archive_pi_block(ctx, "worker", 9, "{\"reason\":\"account closed\",\"until\":\"2029-03-15\"}",
                                  (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(fw_archive_read(ctx, doc, "marketing", &out, &len, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "document 1 holds personal information of worker 9 that is past its "
                                               "purpose: it is blocked from use and kept only until 2029-03-15");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_access"), 1);   /* refused: not logged */
    /* Non-personal records stay usable. */
    assert_rc(fw_archive_read(ctx, plain, "tax audit", &out, &len, &err), FW_OK, &err);
    fw_free(out);
    assert_rc(fw_archive_file(ctx, id_copy, strlen(id_copy), (const uint8_t *)"x", 1, &doc, &err), FW_ESTATE, &err);

    assert_int_equal(fw_archive_pi_purge(ctx, "worker", 9, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "the legal period of the personal information of worker 9 runs "
                                               "until 2029-03-15; it is purged after that");
    fw_error_free(err);
    err = NULL;
    test_clock_set(cst(2029, 3, 15));
    assert_rc(fw_archive_pi_purge(ctx, "worker", 9, &err), FW_OK, &err);
    assert_rc(fw_archive_read(ctx, 1, "any", &out, &len, &err), FW_ESHREDDED, &err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_vault_key WHERE subject='worker:9' AND wrapped IS NULL"), 1);
    assert_rc(fw_archive_pi_purge(ctx, "worker", 9, &err), FW_ESTATE, &err);
}

/* a worker reads only their own archive; an enterprise user only its enterprise's. */
static void parties_see_only_their_own_archive(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id doc = file_doc(ctx, CONTRACT, "contract text");
    uint8_t *out = NULL;
    size_t len = 0;

    test_actor(ctx, FW_ROLE_WORKER, 8);
    assert_rc(fw_archive_read(ctx, doc, "curious", &out, &len, &err), FW_EPERM, &err);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 3);
    assert_rc(fw_archive_read(ctx, doc, "curious", &out, &len, &err), FW_EPERM, &err);
    assert_rc(fw_archive_destroy(ctx, doc, "{\"approver\":\"me\"}", (size_t)-1, &err), FW_EPERM, &err);
    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_archive_read(ctx, doc, "my own contract", &out, &len, &err), FW_OK, &err);
    fw_free(out);
}

/* statistics per month: received, used, destroyed, by category and party kind. */
static void statistics_per_month(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL;
    uint8_t *out = NULL;
    size_t len = 0;
    fw_id a = file_doc(ctx, CONTRACT, "a");

    file_doc(ctx, CONTRACT, "b");
    file_doc(ctx, TAX_RECORD, "c");
    assert_rc(fw_archive_read(ctx, a, "review", &out, &len, &err), FW_OK, &err);
    fw_free(out);
    test_clock_set(cst(2026, 4, 1));
    file_doc(ctx, TAX_RECORD, "d");

    assert_rc(fw_archive_stats(ctx, "2026-03", &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"period\":\"2026-03\","
        "\"received\":{\"total\":3,\"by_category\":{\"tax\":1,\"contract\":2},\"by_party_kind\":{\"enterprise\":1,\"worker\":2}},"
        "\"used\":{\"total\":1,\"by_category\":{\"contract\":1},\"by_party_kind\":{\"worker\":1}},"
        "\"destroyed\":{\"total\":0,\"by_category\":{},\"by_party_kind\":{}}}");
    fw_free(json);
    assert_rc(fw_archive_stats(ctx, "2026-13", &json, NULL, &err), FW_EINVAL, &err);
}

/* a party's archive exports as a signed bundle that verifies offline, and fails once tampered. */
static void export_bundles_verify_offline(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char dir[600], tar[600], p[800], *manifest = NULL;
    uint8_t pk[32], other[32] = { 1 };
    FILE *f;

    file_doc(ctx, CONTRACT, "contract text");
    file_doc(ctx, "{\"party_kind\":\"worker\",\"party_id\":7,\"category\":\"identity\",\"title\":\"ID\","
                  "\"source\":\"party\",\"retention\":\"general\",\"personal\":true}", "personal bytes");
    assert_rc(fw_audit_public_key(ctx, pk, &err), FW_OK, &err);
    tmp_path("bundle-dir", dir, sizeof(dir));
    tmp_path("bundle.tar", tar, sizeof(tar));
    rm_rf(dir);
    unlink(tar);

    assert_rc(fw_archive_export(ctx, "worker", 7, dir, FW_ARCHIVE_BUNDLE_DIR, "hand-over to the worker", &err),
              FW_OK, &err);
    assert_rc(fw_archive_export(ctx, "worker", 7, tar, FW_ARCHIVE_BUNDLE_TAR, "hand-over to the worker", &err),
              FW_OK, &err);
    assert_rc(fw_archive_export(ctx, "worker", 7, tar, FW_ARCHIVE_BUNDLE_TAR, "again", &err), FW_EEXISTS, &err);
    assert_rc(fw_archive_export(ctx, "worker", 99, "/tmp/none", FW_ARCHIVE_BUNDLE_TAR, "x", &err), FW_ENOTFOUND, &err);
    /* Each export is a use of each document. */
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_access"), 4);

    assert_rc(fw_archive_verify_bundle(dir, pk, &manifest, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(manifest, "\"format\":\"flexwork-archive-bundle/1\",\"party_kind\":\"worker\",\"party_id\":7"));
    fw_free(manifest);
    assert_rc(fw_archive_verify_bundle(tar, pk, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_archive_verify_bundle(tar, NULL, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_archive_verify_bundle(tar, other, NULL, NULL, &err), FW_EAUTH, &err);

    /* The tar is a real ustar file that tar(1) lists. */
    snprintf(p, sizeof(p), "tar -tf '%s' | grep -c '^documents/0000' | grep -qx 2", tar);
    assert_int_equal(system(p), 0);

    /* Tampering with a document. */
    snprintf(p, sizeof(p), "%s/documents/000001-%s", dir, "*");
    {
        char cmd[1000];
        snprintf(cmd, sizeof(cmd), "for f in %s; do printf 'X' >> \"$f\"; done", p);
        assert_int_equal(system(cmd), 0);
    }
    assert_int_equal(fw_archive_verify_bundle(dir, pk, NULL, NULL, &err), FW_ECORRUPT);
    assert_non_null(strstr(fw_error_message(err), "was altered: its size or BLAKE2b-256 hash differs from the manifest"));
    fw_error_free(err);
    err = NULL;
    rm_rf(dir);

    /* Tampering with the manifest inside the tar: the signature fails. */
    {
        unsigned char *t = NULL;
        size_t n = 0, i;
        assert_int_equal(fw__archive_read_file(tar, &t, &n, NULL), FW_OK);
        for (i = 0; i + 10 < n; i++)
            if (memcmp(t + i, "\"party_id\":7", 12) == 0) {
                t[i + 11] = '8';
                break;
            }
        assert_true(i + 10 < n);
        f = fopen(tar, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(t, 1, n, f), n);
        fclose(f);
        free(t);
    }
    assert_rc(fw_archive_verify_bundle(tar, pk, NULL, NULL, &err), FW_EAUTH, &err);
    unlink(tar);
}

/* documents kept in the host's directory, named by their hash; damage is detected on use. */
static void directory_storage(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char dir[600], cmd[1400];
    uint8_t *out = NULL;
    size_t len = 0;
    fw_id id;

    tmp_path("archive-store", dir, sizeof(dir));
    rm_rf(dir);
    assert_rc(fw_archive_set_directory(ctx, dir, &err), FW_OK, &err);
    id = file_doc(ctx, CONTRACT, "kept on disk");
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_archive_blob"), 0);
    assert_rc(fw_archive_read(ctx, id, "check", &out, &len, &err), FW_OK, &err);
    assert_memory_equal(out, "kept on disk", 12);
    fw_free(out);
    snprintf(cmd, sizeof(cmd), "for f in '%s'/*; do printf 'Y' > \"$f\"; done", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(fw_archive_read(ctx, id, "check", &out, &len, &err), FW_ECORRUPT);
    assert_string_equal(fw_error_message(err), "document 1: its content no longer matches its BLAKE2b-256 hash");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_archive_set_directory(ctx, NULL, &err), FW_OK, &err);
    rm_rf(dir);
}

/* destroying a document kept in the host's directory removes its file; a hold on the whole
 * archive holds every document; statistics by quarter and year count the destruction. */
static void destruction_in_directory_and_statistics_by_period(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char dir[600], cmd[1400], *json = NULL;
    const char *log = "{\"party_kind\":\"enterprise\",\"party_id\":3,\"category\":\"log\",\"title\":\"access log\","
                      "\"source\":\"host\",\"retention\":\"network_log\"}";
    fw_id a, b, hold = 0;

    tmp_path("archive-destroy", dir, sizeof(dir));
    rm_rf(dir);
    assert_rc(fw_archive_set_directory(ctx, dir, &err), FW_OK, &err);
    a = file_doc(ctx, log, "log A");
    b = file_doc(ctx, log, "log B");
    assert_rc(fw_archive_get(ctx, a, &json, NULL, &err), FW_OK, &err);
    snprintf(cmd, sizeof(cmd), "\"keep_until_ms\":%lld,", (long long)cst(2027, 7, 1));   /* 2027-01-01 + 6 months */
    assert_non_null(strstr(json, cmd));
    assert_non_null(strstr(json, "\"storage\":\"directory\""));
    fw_free(json);

    test_clock_set(cst(2027, 7, 2));
    assert_rc(fw_archive_hold_place(ctx, "{\"party_kind\":\"enterprise\",\"party_id\":3,\"kind\":\"audit\","
                                         "\"reason\":\"tax inspection 2027\"}", (size_t)-1, &hold, &err), FW_OK, &err);
    assert_int_equal(fw_archive_appraise(ctx, b, "{\"decision\":\"destroy\",\"opinion\":\"expired\"}", (size_t)-1,
                                         &err), FW_EDENIED);
    snprintf(cmd, sizeof(cmd), "document 2 is held by hold %lld (audit on the whole archive): tax inspection 2027",
             (long long)hold);
    assert_string_equal(fw_error_message(err), cmd);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_archive_hold_release(ctx, hold, &err), FW_OK, &err);

    assert_rc(fw_archive_appraise(ctx, a, "{\"decision\":\"destroy\",\"opinion\":\"expired\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_rc(fw_archive_destroy(ctx, a, "{\"approver\":\"IT head\"}", (size_t)-1, &err), FW_OK, &err);
    snprintf(cmd, sizeof(cmd), "test $(ls '%s' | wc -l) -eq 1", dir);   /* log B's file remains */
    assert_int_equal(system(cmd), 0);

    assert_rc(fw_archive_stats(ctx, "2027-Q3", &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"period\":\"2027-Q3\",\"received\":{\"total\":0,\"by_category\":{},"
        "\"by_party_kind\":{}},\"used\":{\"total\":0,\"by_category\":{},\"by_party_kind\":{}},"
        "\"destroyed\":{\"total\":1,\"by_category\":{\"log\":1},\"by_party_kind\":{\"enterprise\":1}}}");
    fw_free(json);
    assert_rc(fw_archive_stats(ctx, "2026", &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"received\":{\"total\":2,\"by_category\":{\"log\":2}"));
    fw_free(json);
    assert_rc(fw_archive_stats(ctx, "2027-Q5", &json, NULL, &err), FW_EINVAL, &err);
    assert_rc(fw_archive_set_directory(ctx, NULL, &err), FW_OK, &err);
    rm_rf(dir);
}

/* The bundle reader takes untrusted input: damaged bundles are refused, never crash. */
static void damaged_bundles_are_refused(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char tar[600], bad[620];
    unsigned char *t = NULL, *m;
    size_t n = 0, i;
    uint32_t seed = 12345;
    int refused = 0;
    FILE *f;

    file_doc(ctx, CONTRACT, "contract text");
    tmp_path("fuzz.tar", tar, sizeof(tar));
    snprintf(bad, sizeof(bad), "%s.bad", tar);
    unlink(tar);
    assert_rc(fw_archive_export(ctx, "worker", 7, tar, FW_ARCHIVE_BUNDLE_TAR, "robustness", &err), FW_OK, &err);
    assert_int_equal(fw__archive_read_file(tar, &t, &n, NULL), FW_OK);
    m = malloc(n);
    assert_non_null(m);
    for (i = 0; i < 300; i++) {
        size_t len = n, k;
        memcpy(m, t, n);
        for (k = 0; k < 1 + i % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            m[(seed >> 8) % n] ^= (unsigned char)(1u << ((seed >> 4) % 8));
        }
        if (i % 10 == 0) {
            seed = seed * 1103515245u + 12345u;
            len = (seed >> 8) % n;             /* truncated */
        }
        f = fopen(bad, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(m, 1, len, f), len);
        fclose(f);
        if (fw_archive_verify_bundle(bad, NULL, NULL, NULL, &err) != FW_OK)
            refused++;
        fw_error_free(err);
        err = NULL;
    }
    /* Flips in the zero padding go unnoticed; everything that carries meaning is checked. */
    assert_true(refused >= 150);
    free(m);
    free(t);
    unlink(bad);
    unlink(tar);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(file_arrange_read_logs_every_use, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(retention_defaults_and_periods, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(refused_filing_names_the_field_and_stores_nothing, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(appraise_and_destroy_with_holds, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(personal_information_blocked_then_purged, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(parties_see_only_their_own_archive, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(statistics_per_month, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(export_bundles_verify_offline, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(directory_storage, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(destruction_in_directory_and_statistics_by_period, test_setup_admin,
                                    test_teardown_ctx),
    cmocka_unit_test_setup_teardown(damaged_bundles_are_refused, test_setup_admin, test_teardown_ctx))
