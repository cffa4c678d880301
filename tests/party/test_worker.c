/* Workers: registration, real-name verification, age rules, masking, erasure. */
#include "fixtures.h"
#include "core/hook.h"

#define CARD_OK "6222021000000000009"
#define CARD_LUHN_FAIL "6214832018989180"

/* self-service registration, recorded as such, personal data masked for operators. */
static void register_self_service(void **state)
{
    fw_ctx *ctx = *state;
    char *out = NULL;
    cJSON *o;
    fw_id id;

    test_actor(ctx, FW_ROLE_SYSTEM, 0);
    id = register_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));
    assert_int_equal(id, 1);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_REGISTERED);
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "state_name", NULL), "registered");
    assert_string_equal(jstr(o, "channel", NULL), "self");
    assert_string_equal(jstr(o, "registered_by", NULL), "system:test");
    assert_string_equal(jstr(o, "name", NULL), "张**");
    assert_string_equal(jstr(o, "id_number", NULL), "110***********002X");
    assert_string_equal(jstr(o, "phone", NULL), "139****1111");
    assert_string_equal(jstr(o, "bank_card", NULL), "6222***********0009");
    assert_string_equal(jstr(o, "gender", NULL), "female");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "minor")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "warnings")), 0);
    cJSON_Delete(o);
    /* R-6.h: sealed in the vault, absent from the audit log and from every clear column */
    assert_audit_lacks(ctx, "张小红");
    assert_audit_lacks(ctx, ID_1949);
    assert_audit_lacks(ctx, CARD_OK);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_worker WHERE instr(pii, '张小红') > 0 "
                                     "OR instr(pii, '" ID_1949 "') > 0"), 0);
}

/* operator-assisted (offline) registration is recorded with the operator. */
static void register_assisted_by_operator(void **state)
{
    fw_ctx *ctx = *state;
    char *out = NULL;
    cJSON *o;
    fw_id id;

    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    id = register_worker(ctx, WORKER_JSON("王五", ID_1990, CARD_OK, "assisted"));
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "channel", NULL), "assisted");
    assert_string_equal(jstr(o, "registered_by", NULL), "operator:test");
    assert_string_equal(jstr(o, "gender", NULL), "male");
    cJSON_Delete(o);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_audit WHERE action='party.worker.register' AND "
                                     "detail LIKE '%\"channel\":\"assisted\"%'"), 1);
}

/* .d: a duplicate ID number is found through the blind index ('x' and 'X' alike). */
static void duplicate_id_number_refused(void **state)
{
    fw_ctx *ctx = *state;
    const char *dup = WORKER_JSON("别人", "11010519491231002x", CARD_OK, "self");
    fw_error *err = NULL;
    fw_id id = 0, found = 0;
    int64_t audits;

    register_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));
    audits = audit_count(ctx);
    assert_int_equal(fw_party_worker_register(ctx, dup, strlen(dup), &id, &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err),
                        "$.id_number: a worker with this ID number is already registered (worker 1)");
    fw_error_free(err);
    assert_int_equal(id, 0);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_worker"), 1);
    assert_int_equal(audit_count(ctx), audits);
    assert_int_equal(fw_party_worker_find(ctx, "11010519491231002x", &found, NULL), FW_OK);
    assert_int_equal(found, 1);
    assert_int_equal(fw_party_worker_find(ctx, ID_1990, &found, NULL), FW_ENOTFOUND);
}

/* .d: GB 11643 checksum and calendar date; refused with the field named. */
static void bad_id_numbers_refused(void **state)
{
    fw_ctx *ctx = *state;
    const char *bad = WORKER_JSON("甲", "110105194912310021", CARD_OK, "self");
    const char *feb30 = WORKER_JSON("乙", "110105194902300020", CARD_OK, "self");
    const char *future = WORKER_JSON("丙", ID_FUTURE, CARD_OK, "self");
    const char *phone = "{\"name\":\"丁\",\"id_number\":\"" ID_1990 "\",\"phone\":\"12345\",\"bank_card\":\"" CARD_OK
                        "\",\"channel\":\"self\"}";
    fw_error *err = NULL;
    fw_id id = 0;

    assert_int_equal(fw_party_worker_register(ctx, bad, strlen(bad), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.id_number: check character must be 'X' (ISO 7064 MOD 11-2), got '1'");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_worker_register(ctx, feb30, strlen(feb30), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.id_number: birth date 19490230 does not exist");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_worker_register(ctx, future, strlen(future), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.id_number: birth date 2030-01-01 is in the future");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_worker_register(ctx, phone, strlen(phone), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.phone");
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_worker"), 0);
    assert_int_equal(audit_count(ctx), 0);
}

/* cn-rules §6: under 16 refused; 16 and 17 registered as minor workers. */
static void age_rules(void **state)
{
    fw_ctx *ctx = *state;
    const char *young = WORKER_JSON("小明", ID_AGE15, CARD_OK, "self");
    fw_error *err = NULL;
    char *out = NULL;
    fw_id id = 0, a16, a17;
    cJSON *o;

    assert_int_equal(fw_party_worker_register(ctx, young, strlen(young), &id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "$.id_number: WORKER_UNDER_16: the person is 15 years old; workers must be at least 16");
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_worker"), 0);

    a16 = register_worker(ctx, WORKER_JSON("小华", ID_AGE16, CARD_OK, "self"));
    a17 = register_worker(ctx, WORKER_JSON("小刚", ID_AGE17, CARD_OK, "self"));
    o = get_json(fw_party_worker_get(ctx, a16, &out, NULL, NULL), &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "minor")));
    cJSON_Delete(o);
    o = get_json(fw_party_worker_get(ctx, a17, &out, NULL, NULL), &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "minor")));
    cJSON_Delete(o);
    /* a year later the 17-year-old is an adult */
    test_clock_advance(366LL * 86400000);
    o = get_json(fw_party_worker_get(ctx, a17, &out, NULL, NULL), &out);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "minor")));
    cJSON_Delete(o);
    {
        int y = 0, m = 0, d = 0;
        assert_int_equal(fw__party_worker_birth_date(ctx, a16, &y, &m, &d, NULL), FW_OK);
        assert_int_equal(y * 10000 + m * 100 + d, 20100315);
    }
}

/* cn-rules §5.3: a card that fails Luhn is accepted with a warning. */
static void luhn_failure_is_a_warning(void **state)
{
    fw_ctx *ctx = *state;
    const char *bad_card = WORKER_JSON("甲", ID_1990, "6222 0210", "self");
    const char *fix = "{\"bank_card\":\"" CARD_OK "\"}";
    fw_error *err = NULL;
    char *out = NULL, *card = NULL;
    fw_id id = 0;
    cJSON *o;

    assert_int_equal(fw_party_worker_register(ctx, bad_card, strlen(bad_card), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.bank_card: must be digits only");
    fw_error_free(err);
    err = NULL;
    id = register_worker(ctx, WORKER_JSON("甲", ID_1990, CARD_LUHN_FAIL, "self"));
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "warnings"), 0)->valuestring, "BANK_CARD_LUHN");
    cJSON_Delete(o);
    assert_int_equal(fw__party_worker_bank_card(ctx, id, &card, NULL), FW_OK);
    assert_string_equal(card, CARD_LUHN_FAIL);
    fw_free(card);
    assert_rc(fw_party_worker_change(ctx, id, fix, strlen(fix), &err), FW_OK, &err);
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "warnings")), 0);
    assert_string_equal(jstr(o, "bank_card", NULL), CARD_OK);
    cJSON_Delete(o);
    assert_audit_lacks(ctx, CARD_OK);
}

/* .d: real-name verification through the provider; method and evidence recorded. */
static void provider_verification(void **state)
{
    fw_ctx *ctx = *state;
    struct fake_identity f = { "{\"result\":\"pass\",\"four_element\":\"pass\"}", FW_OK, "", 0 };
    fw_error *err = NULL;
    uint32_t st = 0;
    char *out = NULL;
    fw_id a, b;
    cJSON *o;

    a = register_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));
    b = register_worker(ctx, WORKER_JSON("王五", ID_1990, CARD_OK, "self"));
    assert_int_equal(fw__party_require_verified_worker(ctx, a, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "WORKER_NOT_VERIFIED: worker 1 is registered; real-name verification is required");
    fw_error_free(err);
    err = NULL;

    use_fake_identity(ctx, &f);
    assert_rc(fw_party_worker_verify(ctx, a, "pass", &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_WORKER_VERIFIED);
    assert_string_equal(f.last_request, "{\"name\":\"张小红\",\"id_number\":\"" ID_1949 "\",\"phone\":\"13900001111\","
                                        "\"bank_card\":\"" CARD_OK "\",\"liveness\":\"pass\"}");
    assert_int_equal(fw__party_require_verified_worker(ctx, a, NULL), FW_OK);
    o = get_json(fw_party_worker_get(ctx, a, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "verification", "method"), "provider+liveness");
    assert_string_equal(jstr(o, "verification", "result"), "pass");
    assert_int_equal(strlen(jstr(o, "verification", "evidence_sha256")), 64);
    cJSON_Delete(o);
    assert_int_equal(fw_party_worker_verify(ctx, a, NULL, &st, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;

    f.answer = "{\"result\":\"fail\",\"reason\":\"NAME_ID_MISMATCH\"}";
    assert_rc(fw_party_worker_verify(ctx, b, NULL, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_WORKER_FAILED);
    o = get_json(fw_party_worker_get(ctx, b, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "verification", "reason"), "NAME_ID_MISMATCH");
    cJSON_Delete(o);
    assert_int_equal(fw__party_require_verified_worker(ctx, b, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "WORKER_NOT_VERIFIED: worker 2 is failed; real-name verification is required");
    fw_error_free(err);
}

/* Without a provider the worker waits for a reviewer (R-7.10.d, DESIGN §8). */
static void manual_review_without_provider(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    uint32_t st = 0;
    char *out = NULL;
    cJSON *o;
    fw_id id = register_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));

    assert_rc(fw_party_worker_verify(ctx, id, NULL, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_WORKER_REGISTERED);
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "verification"), "pending")));
    cJSON_Delete(o);
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_party_worker_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_REVIEWER, 0);
    assert_int_equal(fw_party_worker_review(ctx, id, "{\"decision\":\"reject\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.reason");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(worker_state(ctx, id), FW_WORKER_REGISTERED);
    assert_rc(fw_party_worker_review(ctx, id, "{\"decision\":\"approve\",\"evidence_sha256\":"
                                              "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}",
                                     (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_VERIFIED);
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "verification", "method"), "manual");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "verification"), "pending")));
    cJSON_Delete(o);
}

/* R-6.h: a worker reads only their own record, in clear; an enterprise only linked workers. */
static void who_may_read_a_worker(void **state)
{
    fw_ctx *ctx = *state;
    const char *linked = "{\"name\":\"王五\",\"id_number\":\"" ID_1990 "\",\"phone\":\"13900001111\","
                         "\"bank_card\":\"" CARD_OK "\",\"channel\":\"assisted\",\"enterprise_id\":1}";
    fw_error *err = NULL;
    char *out = NULL;
    fw_id e1 = party_active_enterprise(ctx, ENT1), e2 = party_active_enterprise(ctx, ENT2), a, b = 0;
    fw_id e3 = apply_enterprise(ctx, ENT_JSON("第三公司", "91350100M000100Y43"));
    const char *unverified = "{\"name\":\"赵六\",\"id_number\":\"" ID_1985 "\",\"phone\":\"13900001111\","
                             "\"bank_card\":\"" CARD_OK "\",\"channel\":\"assisted\",\"enterprise_id\":3}";
    cJSON *o;

    /* an enterprise that is not active cannot bring workers */
    assert_int_equal(fw_party_worker_register(ctx, unverified, strlen(unverified), &b, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_VERIFIED: enterprise 3 is applied; it must be verified first");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(e3, 3);
    assert_int_equal(b, 0);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_worker"), 0);

    a = register_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, e1);
    assert_rc(fw_party_worker_register(ctx, linked, strlen(linked), &b, &err), FW_OK, &err);
    o = get_json(fw_party_worker_get(ctx, b, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "name", NULL), "王*");
    cJSON_Delete(o);
    assert_int_equal(fw_party_worker_get(ctx, a, &out, NULL, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err),
                        "party.worker.get: enterprise 1's user may not read a worker of another enterprise");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, e2);
    assert_int_equal(fw_party_worker_get(ctx, b, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_worker_register(ctx, linked, strlen(linked), &b, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;

    test_actor(ctx, FW_ROLE_WORKER, a);
    o = get_json(fw_party_worker_get(ctx, a, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "id_number", NULL), ID_1949);
    cJSON_Delete(o);
    assert_int_equal(fw_party_worker_get(ctx, b, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    assert_null(out);
}

/* R-6.h: erasure shreds the person's key; the record stays, its personal fields are gone. */
static void erasure_by_crypto_shredding(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL, *card = NULL;
    fw_id id = register_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self")), found = 0;
    cJSON *o;

    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_party_worker_erase(ctx, id, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_party_worker_erase(ctx, id, &err), FW_OK, &err);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_CLOSED);
    o = get_json(fw_party_worker_get(ctx, id, &out, NULL, NULL), &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "erased")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "name")));
    assert_string_equal(jstr(o, "state_name", NULL), "closed");
    cJSON_Delete(o);
    assert_int_equal(fw__party_worker_bank_card(ctx, id, &card, NULL), FW_ESHREDDED);
    assert_null(card);
    assert_int_equal(fw_party_worker_find(ctx, ID_1949, &found, NULL), FW_ENOTFOUND);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_vault_key WHERE subject='worker:1' AND wrapped IS NULL"), 1);
}

static void suspend_resume_returns_to_prior_state(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = verified_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));

    assert_int_equal(fw_party_worker_activate(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "WORKER_NOT_SIGNED: worker 1 has not signed a service agreement");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_worker_suspend(ctx, id, "身份存疑", &err), FW_OK, &err);
    assert_int_equal(fw__party_require_verified_worker(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "WORKER_SUSPENDED: worker 1 is suspended");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_worker_resume(ctx, id, &err), FW_OK, &err);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_VERIFIED);
    assert_int_equal(fw_party_worker_resume(ctx, id, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    /* the contract module reports the signed service agreement */
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_worker_agreement(ctx, id, 0, NULL), NULL), FW_OK);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_SIGNED);
    assert_rc(fw_party_worker_activate(ctx, id, &err), FW_OK, &err);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_ACTIVE);
}

static int worker_blocked;
static int worker_cancel_check(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    (void)ctx;
    (void)data;
    if (worker_blocked && strcmp(event, "party.worker.cancel") == 0)
        return fw__error_set(err, FW_EDENIED, NULL, "worker %lld has 350.00 payable on account 12", (long long)id);
    return FW_OK;
}

/* R-6.b: a worker is closed only when nothing blocks; the blocker is named, nothing changes. */
static void close_blocked_by_higher_module_check(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = verified_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD_OK, "self"));
    int64_t audits;

    assert_int_equal(fw__hook_add(ctx, "party.worker.cancel", worker_cancel_check), FW_OK);
    worker_blocked = 1;
    audits = audit_count(ctx);
    assert_int_equal(fw_party_worker_close(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "worker 1 has 350.00 payable on account 12");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(worker_state(ctx, id), FW_WORKER_VERIFIED);
    assert_int_equal(audit_count(ctx), audits);
    worker_blocked = 0;
    assert_rc(fw_party_worker_close(ctx, id, &err), FW_OK, &err);
    assert_int_equal(worker_state(ctx, id), FW_WORKER_CLOSED);
    assert_int_equal(fw_party_worker_close(ctx, id, &err), FW_ESTATE);
    fw_error_free(err);
}

/* Each module's schema is recorded at version 1. */
static void schema_versions(void **state)
{
    fw_ctx *ctx = *state;
    assert_int_equal(fw_ctx_schema_version(ctx, "party"), 1);
    assert_int_equal(fw_ctx_schema_version(ctx, "contract"), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(register_self_service), T(register_assisted_by_operator), T(duplicate_id_number_refused),
          T(bad_id_numbers_refused), T(age_rules), T(luhn_failure_is_a_warning), T(provider_verification),
          T(manual_review_without_provider), T(who_may_read_a_worker), T(erasure_by_crypto_shredding),
          T(suspend_resume_returns_to_prior_state), T(close_blocked_by_higher_module_check),
          T(schema_versions))
