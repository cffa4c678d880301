/* Enterprises: application, verification, activation, change, suspension, cancellation, users. */
#include "fixtures.h"
#include "core/hook.h"

static void apply_ok(void **state)
{
    fw_ctx *ctx = *state;
    cJSON *o;
    char *out = NULL;
    fw_id id = apply_enterprise(ctx, ENT1);

    assert_int_equal(id, 1);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_APPLIED);
    o = get_json(fw_party_enterprise_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "state_name", NULL), "applied");
    assert_string_equal(jstr(o, "uscc", NULL), "91330100799655058B");
    assert_string_equal(jstr(o, "legal_rep", "name"), "王建国");   /* admin sees personal data */
    cJSON_Delete(o);

    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    o = get_json(fw_party_enterprise_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "legal_rep", "name"), "王**");
    assert_string_equal(jstr(o, "legal_rep", "id_number"), "110***********002X");
    assert_string_equal(jstr(o, "contact", "phone"), "138****5678");
    cJSON_Delete(o);
    /* R-6.h: the audit log carries no personal data */
    assert_audit_lacks(ctx, "王建国");
    assert_audit_lacks(ctx, "13812345678");
    assert_audit_lacks(ctx, "11010519491231002X");
}

/* a bad USCC, an unknown field, a missing qualification: refused, nothing stored. */
static void apply_refusals_change_nothing(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 77;
    const char *bad = ENT_JSON("坏公司", "91350100M000100Y42");
    const char *soft = ENT_JSON("坏公司", "91110000100000000R");
    const char *extra = "{\"name\":\"x公司\",\"nickname\":1}";
    int64_t audits = audit_count(ctx);

    assert_int_equal(fw_party_enterprise_apply(ctx, bad, strlen(bad), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.uscc");
    assert_string_equal(fw_error_message(err), "$.uscc: check character must be '3' (GB 32100), got '2'");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_enterprise_apply(ctx, soft, strlen(soft), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err),
                        "$.uscc: the organisation code's check character (position 17) must be '8' (GB 11714), got '0'");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_enterprise_apply(ctx, extra, strlen(extra), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.nickname");
    fw_error_free(err);
    assert_int_equal(id, 77);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_enterprise"), 0);
    assert_int_equal(audit_count(ctx), audits);
}

static void duplicate_uscc_refused(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;

    apply_enterprise(ctx, ENT1);
    assert_int_equal(fw_party_enterprise_apply(ctx, ENT1, strlen(ENT1), &id, &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err),
                        "$.uscc: enterprise 1 is already registered with USCC 91330100799655058B");
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_enterprise"), 1);
}

/* every step before activation is stopped with a reason code. */
static void unverified_enterprise_stopped_with_reason(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    uint32_t st = 0;
    fw_id id = apply_enterprise(ctx, ENT1);

    assert_int_equal(fw__party_require_active_enterprise(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_VERIFIED: enterprise 1 is applied; it must be verified first");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__party_require_active_enterprise(ctx, 99, &err), FW_ENOTFOUND);
    fw_error_free(err);
    err = NULL;

    /* no identity provider: the enterprise waits under review for a reviewer */
    assert_rc(fw_party_enterprise_verify(ctx, id, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_ENTERPRISE_UNDER_REVIEW);
    assert_int_equal(fw_party_enterprise_activate(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_VERIFIED: enterprise 1 is under_review; it must be verified first");
    fw_error_free(err);
    err = NULL;
    /* an operator may not decide */
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_party_enterprise_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_REVIEWER, 0);
    assert_rc(fw_party_enterprise_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_VERIFIED);
    assert_int_equal(fw__party_require_verified_enterprise(ctx, id, NULL), FW_OK);
    assert_int_equal(fw__party_require_active_enterprise(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_SIGNED: enterprise 1 has not signed the cooperation agreement");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_party_enterprise_activate(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_SIGNED: enterprise 1 has not signed the cooperation agreement");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_VERIFIED);

    /* the contract module reports the signed cooperation agreement */
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, id, 1, NULL), NULL), FW_OK);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_SIGNED);
    assert_rc(fw_party_enterprise_activate(ctx, id, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_ACTIVE);
    assert_int_equal(fw__party_require_active_enterprise(ctx, id, NULL), FW_OK);
}

static void rejection_needs_a_reason(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    cJSON *o;
    char *out = NULL;
    fw_id id = apply_enterprise(ctx, ENT1);

    assert_rc(fw_party_enterprise_verify(ctx, id, NULL, &err), FW_OK, &err);
    assert_int_equal(fw_party_enterprise_review(ctx, id, "{\"decision\":\"reject\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.reasons");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_UNDER_REVIEW);
    assert_rc(fw_party_enterprise_review(ctx, id, "{\"decision\":\"reject\",\"reasons\":[\"营业执照已过期\"]}",
                                         (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_REJECTED);
    o = get_json(fw_party_enterprise_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "review", "method"), "manual");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "review"), "reasons"), 0)->valuestring,
                        "营业执照已过期");
    cJSON_Delete(o);
    assert_int_equal(fw__party_require_active_enterprise(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_VERIFIED: enterprise 1 is rejected; it must be verified first");
    fw_error_free(err);
}

/* .a: the registry check through the identity provider: pass, fail, pending. */
static void registry_provider_decides(void **state)
{
    fw_ctx *ctx = *state;
    struct fake_identity f = { "{\"result\":\"pass\"}", FW_OK, "", 0 };
    fw_error *err = NULL;
    uint32_t st = 0;
    cJSON *o;
    char *out = NULL;
    fw_id a, b, c;

    use_fake_identity(ctx, &f);
    a = apply_enterprise(ctx, ENT1);
    assert_rc(fw_party_enterprise_verify(ctx, a, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_ENTERPRISE_VERIFIED);
    assert_string_equal(f.last_request,
                        "{\"name\":\"杭州云帆科技有限公司\",\"uscc\":\"91330100799655058B\",\"legal_rep\":\"王建国\"}");
    o = get_json(fw_party_enterprise_get(ctx, a, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "review", "method"), "registry");
    assert_int_equal(strlen(jstr(o, "review", "evidence_sha256")), 64);
    cJSON_Delete(o);

    f.answer = "{\"result\":\"fail\",\"reason\":\"吊销\"}";
    b = apply_enterprise(ctx, ENT2);
    assert_rc(fw_party_enterprise_verify(ctx, b, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_ENTERPRISE_REJECTED);

    f.rc = FW_EPENDING;
    c = apply_enterprise(ctx, ENT_JSON("第三公司", "91350100M000100Y43"));
    assert_rc(fw_party_enterprise_verify(ctx, c, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_ENTERPRISE_UNDER_REVIEW);
    /* a provider failure changes nothing */
    f.rc = FW_EIO;
    assert_int_equal(fw_party_enterprise_verify(ctx, c, &st, &err), FW_EPROVIDER);
    fw_error_free(err);
    assert_int_equal(enterprise_state(ctx, c), FW_ENTERPRISE_UNDER_REVIEW);
    assert_int_equal(f.calls, 4);
}

#define active_enterprise party_active_enterprise

/* R-6.a, R-7.10.a: a change of a key field sends the enterprise back to review. */
static void key_change_triggers_re_review(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    cJSON *o;
    char *out = NULL;
    fw_id id = active_enterprise(ctx, ENT1);
    const char *minor = "{\"business_scope\":\"软件开发\"}";
    const char *key = "{\"legal_rep\":{\"name\":\"赵六\"}}";
    const char *same = "{\"industry\":\"I65\"}";
    int64_t audits;

    assert_rc(fw_party_enterprise_change(ctx, id, minor, strlen(minor), &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_ACTIVE);
    audits = audit_count(ctx);
    assert_int_equal(fw_party_enterprise_change(ctx, id, same, strlen(same), &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$: the change would change nothing");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(audit_count(ctx), audits);

    assert_rc(fw_party_enterprise_change(ctx, id, key, strlen(key), &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_UNDER_REVIEW);
    assert_int_equal(fw__party_require_active_enterprise(ctx, id, &err), FW_EDENIED);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_audit WHERE action='party.enterprise.change' AND "
                                     "detail='{\"fields\":[\"legal_rep\"],\"from\":\"active\",\"to\":\"under_review\","
                                     "\"re_review\":true}'"), 1);
    assert_audit_lacks(ctx, "赵六");
    o = get_json(fw_party_enterprise_get(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "legal_rep", "name"), "赵六");
    assert_string_equal(jstr(o, "contact", "name"), "李四");
    assert_string_equal(jstr(o, "business_scope", NULL), "软件开发");
    cJSON_Delete(o);
    /* re-verified: the agreement is still in force, so the enterprise is active again */
    assert_rc(fw_party_enterprise_review(ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_ACTIVE);
}

static void suspend_and_resume(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id v = verified_enterprise(ctx, ENT2);
    fw_id id = active_enterprise(ctx, ENT1);

    assert_int_equal(fw_party_enterprise_suspend(ctx, v, "风险", &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "enterprise 1 is verified; it must be active");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_enterprise_suspend(ctx, id, "", &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_enterprise_suspend(ctx, id, "异常交易排查", &err), FW_OK, &err);
    assert_int_equal(fw__party_require_active_enterprise(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "ENTERPRISE_SUSPENDED: enterprise 2 is suspended");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_enterprise_resume(ctx, id, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_ACTIVE);
}

static int block_cancel;
static int hook_calls;

static int test_cancel_check(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    (void)ctx;
    (void)data;
    hook_calls++;
    if (block_cancel && strcmp(event, "party.enterprise.cancel") == 0)
        return fw__error_set(err, FW_EDENIED, NULL, "enterprise %lld has a balance of 120.00 on account 7",
                             (long long)id);
    return FW_OK;
}

static int activations, fail_activation;
static int test_activate_hook(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    (void)ctx;
    (void)data;
    if (fail_activation)
        return fw__error_set(err, FW_EIO, NULL, "ledger: accounts of enterprise %lld could not be opened",
                             (long long)id);
    if (strcmp(event, "party.enterprise.activate") == 0)
        activations++;
    return FW_OK;
}

/* activation opens the accounts through the ledger's hook; its failure refuses activation. */
static void activation_runs_hooks(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = verified_enterprise(ctx, ENT1);
    int64_t audits;

    assert_int_equal(fw__hook_add(ctx, "party.enterprise.activate", test_activate_hook), FW_OK);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, id, 1, NULL), NULL), FW_OK);
    fail_activation = 1;
    audits = audit_count(ctx);
    assert_int_equal(fw_party_enterprise_activate(ctx, id, &err), FW_EIO);
    assert_string_equal(fw_error_message(err), "ledger: accounts of enterprise 1 could not be opened");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_SIGNED);
    assert_int_equal(audit_count(ctx), audits);
    fail_activation = 0;
    activations = 0;
    assert_rc(fw_party_enterprise_activate(ctx, id, &err), FW_OK, &err);
    assert_int_equal(activations, 1);
    assert_int_equal(fw_party_enterprise_activate(ctx, id, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "enterprise 1 is active; only a signed enterprise is activated");
    fw_error_free(err);
}

/* R-6.a: cancellation only with zero balances and no open work; the blocker is named. */
static void cancel_blocked_by_higher_module_check(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id;
    int64_t audits;

    assert_int_equal(fw__hook_add(ctx, "party.enterprise.cancel", test_cancel_check), FW_OK);
    assert_int_equal(fw__hook_add(ctx, "party.enterprise.activate", test_activate_hook), FW_OK);
    activations = 0;
    id = active_enterprise(ctx, ENT1);
    assert_int_equal(activations, 1);

    block_cancel = 1;
    hook_calls = 0;
    audits = audit_count(ctx);
    assert_int_equal(fw_party_enterprise_cancel(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "enterprise 1 has a balance of 120.00 on account 7");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(hook_calls, 1);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_ACTIVE);
    assert_int_equal(audit_count(ctx), audits);

    block_cancel = 0;
    assert_rc(fw_party_enterprise_cancel(ctx, id, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, id), FW_ENTERPRISE_CANCELLED);
    assert_int_equal(fw_party_enterprise_cancel(ctx, id, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__party_require_active_enterprise(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "ENTERPRISE_CANCELLED: enterprise 1 is cancelled");
    fw_error_free(err);
    /* a cancelled enterprise frees its USCC for a new application */
    assert_int_equal(apply_enterprise(ctx, ENT1), 2);
}

/* several staff accounts per enterprise; an enterprise user sees only its own. */
static void enterprise_users_and_isolation(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id a = apply_enterprise(ctx, ENT1), b = apply_enterprise(ctx, ENT2), u1 = 0, u2 = 0;
    const char *j1 = "{\"login\":\"zhang\",\"name\":\"张三\",\"phone\":\"13700001111\",\"roles\":[\"admin\",\"finance\"]}";
    const char *j2 = "{\"login\":\"li\",\"name\":\"李四\",\"roles\":[\"viewer\"]}";
    const char *bad = "{\"login\":\"x\",\"name\":\"x\",\"roles\":[\"boss\"]}";
    char *out = NULL;
    cJSON *o;

    assert_rc(fw_party_enterprise_user_add(ctx, a, j1, strlen(j1), &u1, &err), FW_OK, &err);
    assert_int_equal(fw_party_enterprise_user_add(ctx, a, j1, strlen(j1), &u2, &err), FW_EEXISTS);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_enterprise_user_add(ctx, a, bad, strlen(bad), &u2, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.roles[0]: must be one of admin, operator, finance, viewer");
    fw_error_free(err);
    err = NULL;

    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, a);
    assert_rc(fw_party_enterprise_user_add(ctx, a, j2, strlen(j2), &u2, &err), FW_OK, &err);
    assert_int_equal(u2, 2);
    o = get_json(fw_party_enterprise_user_list(ctx, a, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetArraySize(o), 2);
    assert_string_equal(jstr(cJSON_GetArrayItem(o, 0), "name", NULL), "张*");
    cJSON_Delete(o);
    assert_int_equal(fw_party_enterprise_get(ctx, b, &out, NULL, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err),
                        "party.enterprise.get: enterprise 1's user may not act on another enterprise's data");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_enterprise_user_list(ctx, b, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_enterprise_user_add(ctx, b, j2, strlen(j2), &u2, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_enterprise_user_disable(ctx, u1, &err), FW_OK, &err);
    assert_int_equal(fw_party_enterprise_user_disable(ctx, u1, &err), FW_ESTATE);
    fw_error_free(err);
    assert_audit_lacks(ctx, "张三");
}

TEST_MAIN(cmocka_unit_test_setup_teardown(apply_ok, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(apply_refusals_change_nothing, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(duplicate_uscc_refused, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(unverified_enterprise_stopped_with_reason, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(rejection_needs_a_reason, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(registry_provider_decides, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(key_change_triggers_re_review, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(suspend_and_resume, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(cancel_blocked_by_higher_module_check, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(enterprise_users_and_isolation, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(activation_runs_hooks, test_setup_admin, test_teardown_ctx))
