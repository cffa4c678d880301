/* The platform's profile, channel agreements and staff. */
#include "fixtures.h"

#define PROFILE "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\"," \
                "\"licences\":[{\"kind\":\"human_resources_service\",\"number\":\"330100HR2024001\","    \
                "\"valid_from\":\"2024-01-01\",\"valid_to\":\"2028-12-31\"}]}"
#define CHANNEL "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":\"CMB-2026-001\"," \
                "\"valid_from\":\"2026-01-01\",\"valid_to\":\"2026-12-31\"}"

/* money refuses to move without a profile and a channel agreement in force. */
static void money_needs_profile_and_channel_agreement(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ch = 0;
    char *out = NULL;
    cJSON *o;

    assert_int_equal(fw_party_platform_check(ctx, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "PLATFORM_NO_PROFILE: the platform's profile (operating entity, licences) is not recorded");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_platform_set(ctx, PROFILE, strlen(PROFILE), &err), FW_OK, &err);
    assert_int_equal(fw__party_require_platform_ready(ctx, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "PLATFORM_NO_CHANNEL_AGREEMENT: no payment-channel agreement is in force today; money cannot move");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_OK, &err);
    assert_int_equal(fw__party_require_platform_ready(ctx, NULL), FW_OK);
    o = get_json(fw_party_platform_get(ctx, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "uscc", NULL), "91350100M000100Y43");
    assert_string_equal(jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "channels"), 0), "valid_to", NULL), "2026-12-31");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "channels"), 0), "in_force")));
    cJSON_Delete(o);

    /* in force through the last day (CST), not after */
    test_clock_set(1798732799000LL);   /* 2026-12-31 23:59:59 CST */
    assert_int_equal(fw__party_require_platform_ready(ctx, NULL), FW_OK);
    test_clock_set(1798732800000LL);   /* 2027-01-01 00:00:00 CST */
    assert_int_equal(fw__party_require_platform_ready(ctx, NULL), FW_EDENIED);
    test_clock_set(TEST_CLOCK_START);
    assert_rc(fw_party_channel_revoke(ctx, ch, &err), FW_OK, &err);
    assert_int_equal(fw__party_require_platform_ready(ctx, NULL), FW_EDENIED);
    assert_int_equal(fw_party_channel_revoke(ctx, ch, &err), FW_ESTATE);
    fw_error_free(err);
}

static void channel_refusals(void **state)
{
    fw_ctx *ctx = *state;
    const char *backwards = "{\"kind\":\"bank\",\"counterparty\":\"某银行\",\"agreement_no\":\"X-1\","
                            "\"valid_from\":\"2026-02-01\",\"valid_to\":\"2026-01-01\"}";
    const char *kind = "{\"kind\":\"crypto\",\"counterparty\":\"某\",\"agreement_no\":\"X-1\","
                       "\"valid_from\":\"2026-02-01\",\"valid_to\":\"2026-03-01\"}";
    fw_error *err = NULL;
    fw_id ch = 0;

    assert_int_equal(fw_party_channel_add(ctx, backwards, strlen(backwards), &ch, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.valid_to: must not be before valid_from");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_channel_add(ctx, kind, strlen(kind), &ch, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.kind");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_OK, &err);
    assert_int_equal(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_EEXISTS);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_EPERM);
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_party_channel"), 1);
}

/* staff accounts with roles mapped onto the authorisation table. */
static void staff_roles(void **state)
{
    fw_ctx *ctx = *state;
    const char *tax = "{\"login\":\"liu.tax\",\"name\":\"刘税务\",\"role\":\"tax_agent\"}";
    const char *coord = "{\"login\":\"chen\",\"name\":\"陈协调\",\"role\":\"coordinator\"}";
    const char *bad = "{\"login\":\"x\",\"name\":\"x\",\"role\":\"boss\"}";
    fw_error *err = NULL;
    fw_id a = 0, b = 0;
    uint32_t role = 0;

    assert_rc(fw_party_staff_add(ctx, tax, strlen(tax), &a, &err), FW_OK, &err);
    assert_rc(fw_party_staff_add(ctx, coord, strlen(coord), &b, &err), FW_OK, &err);
    assert_int_equal(fw_party_staff_add(ctx, tax, strlen(tax), &b, &err), FW_EEXISTS);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_staff_add(ctx, bad, strlen(bad), &b, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.role");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_party_staff_role(ctx, "liu.tax", &role, NULL), FW_OK);
    assert_int_equal(role, FW_ROLE_TAX_AGENT);
    assert_int_equal(fw_party_staff_role(ctx, "chen", &role, NULL), FW_OK);
    assert_int_equal(role, FW_ROLE_COORDINATOR);
    assert_rc(fw_party_staff_disable(ctx, a, &err), FW_OK, &err);
    assert_int_equal(fw_party_staff_role(ctx, "liu.tax", &role, &err), FW_ENOTFOUND);
    fw_error_free(err);
    assert_audit_lacks(ctx, "刘税务");
    /* a coordinator may register workers but not add staff */
    test_actor(ctx, FW_ROLE_COORDINATOR, 0);
    assert_int_equal(fw_party_staff_add(ctx, bad, strlen(bad), &b, NULL), FW_EPERM);
    register_worker(ctx, WORKER_JSON("王五", ID_1990, "6222021000000000009", "assisted"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(money_needs_profile_and_channel_agreement), T(channel_refusals), T(staff_roles))
