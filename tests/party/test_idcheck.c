/* Identity validators against the shared golden vectors (cn-rules §5): .d, R-5.1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "support.h"

static cJSON *load(const char *name)
{
    size_t len = 0;
    char *text = test_read_vector(name, &len);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    assert_true(cJSON_IsArray(root));
    return root;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

/* .d: GB 11643 MOD 11-2, birth date, gender, region, each invalid vector's reason. */
static void id_number_vectors(void **state)
{
    cJSON *root = load("id_numbers.json"), *v;
    int n = 0;
    (void)state;
    cJSON_ArrayForEach(v, root) {
        fw_id_number_info info;
        fw_error *err = NULL;
        const char *value = str(v, "value");
        int rc = fw_id_number_check(value, &info, &err);
        char birth[16];

        if (cJSON_IsTrue(cJSON_GetObjectItem(v, "valid"))) {
            if (rc != FW_OK)
                fail_msg("%s: %s", value, fw_error_message(err));
            snprintf(birth, sizeof(birth), "%04d-%02d-%02d", info.birth_year, info.birth_month, info.birth_day);
            assert_string_equal(birth, str(v, "birth_date"));
            assert_int_equal(info.gender, strcmp(str(v, "gender"), "male") == 0 ? FW_GENDER_MALE : FW_GENDER_FEMALE);
            assert_int_equal(info.reason, FW_CHECK_OK);
            assert_int_equal(strlen(info.normalized), 18);
            assert_int_equal(info.normalized[17], value[17] == 'x' ? 'X' : value[17]);
        } else {
            if (rc != FW_EINVAL)
                fail_msg("%s: accepted, want %s", value, str(v, "reason"));
            assert_string_equal(fw_check_reason_name(info.reason), str(v, "reason"));
            if (str(v, "expected_check"))
                assert_int_equal(info.expected_check, str(v, "expected_check")[0]);
        }
        fw_error_free(err);
        n++;
    }
    assert_int_equal(n, 15);
    cJSON_Delete(root);
}

static void id_number_messages_name_the_rule(void **state)
{
    fw_error *err = NULL;
    (void)state;
    assert_int_equal(fw_id_number_check("110105194912310021", NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "check character must be 'X' (ISO 7064 MOD 11-2), got '1'");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_id_number_check("110105194902300028", NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "birth date 19490230 does not exist");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_id_number_check("1101051949123100", NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "must be 18 characters (GB 11643), got 16");
    fw_error_free(err);
    assert_int_equal(fw_id_number_check(NULL, NULL, NULL), FW_EINVAL);
}

/* GB 32100 check character and alphabet; strict mode checks the organisation code. */
static void uscc_vectors(void **state)
{
    cJSON *root = load("uscc.json"), *v;
    int n = 0;
    (void)state;
    cJSON_ArrayForEach(v, root) {
        const char *value = str(v, "value");
        uint32_t reason = 99, sreason = 99;
        int rc = fw_uscc_check(value, 0, &reason, NULL);
        int src = fw_uscc_check(value, FW_USCC_STRICT, &sreason, NULL);

        if (cJSON_IsTrue(cJSON_GetObjectItem(v, "valid"))) {
            if (rc != FW_OK)
                fail_msg("%s rejected", value);
            assert_int_equal(reason, FW_CHECK_OK);
            if (cJSON_IsTrue(cJSON_GetObjectItem(v, "strict_valid"))) {
                assert_int_equal(src, FW_OK);
            } else {
                assert_int_equal(src, FW_EINVAL);
                assert_string_equal(fw_check_reason_name(sreason), str(v, "strict_reason"));
            }
        } else {
            if (rc != FW_EINVAL)
                fail_msg("%s accepted, want %s", value, str(v, "reason"));
            assert_string_equal(fw_check_reason_name(reason), str(v, "reason"));
            assert_int_equal(src, FW_EINVAL);
        }
        n++;
    }
    assert_int_equal(n, 16);
    cJSON_Delete(root);
}

static void uscc_messages(void **state)
{
    fw_error *err = NULL;
    (void)state;
    assert_int_equal(fw_uscc_check("91350100M000100Y42", 0, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "check character must be '3' (GB 32100), got '2'");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_uscc_check("9135010OM000100Y43", 0, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err),
                        "character 8 ('O') is not allowed: use 0-9 and A-Z without I, O, S, V, Z "
                        "(positions 3-8 digits only)");
    fw_error_free(err);
}

/* .d: Luhn; the genuine cards that fail it are reported as checksum (a warning upstream). */
static void bank_card_vectors(void **state)
{
    cJSON *root = load("bank_cards.json"), *v;
    int n = 0;
    (void)state;
    cJSON_ArrayForEach(v, root) {
        const char *value = str(v, "value");
        uint32_t reason = 99;
        int rc = fw_bank_card_check(value, &reason, NULL);
        if (cJSON_IsTrue(cJSON_GetObjectItem(v, "valid"))) {
            if (rc != FW_OK)
                fail_msg("%s rejected", value);
            assert_int_equal(reason, FW_CHECK_OK);
        } else {
            if (rc != FW_EINVAL)
                fail_msg("%s accepted", value);
            assert_string_equal(fw_check_reason_name(reason), str(v, "reason"));
        }
        n++;
    }
    assert_int_equal(n, 13);
    cJSON_Delete(root);
}

TEST_MAIN(cmocka_unit_test(id_number_vectors), cmocka_unit_test(id_number_messages_name_the_rule),
          cmocka_unit_test(uscc_vectors), cmocka_unit_test(uscc_messages),
          cmocka_unit_test(bank_card_vectors))
