/* Contracts and e-signatures: templates, signing order, tamper detection, gates (R-7.4, R-3.3.b). */
#include <sodium.h>

#include "../party/fixtures.h"
#include "contract/contract.h"

#define COOP_TEMPLATE                                                                              \
    "{\"kind\":\"cooperation\",\"name\":\"平台企业合作协议\",\"version\":1,"                          \
    "\"body\":\"甲方：{{platform_name}}\\n乙方：{{enterprise_name}}（{{enterprise_uscc}}）\\n"        \
    "服务费率：{{fee_rate}}，起始日：{{start}}，保证金：{{deposit}} 元。\","                          \
    "\"placeholders\":[{\"name\":\"fee_rate\",\"type\":\"text\"},{\"name\":\"start\",\"type\":\"date\"}," \
    "{\"name\":\"deposit\",\"type\":\"fen\"}]}"
#define SERVICE_TEMPLATE                                                                           \
    "{\"kind\":\"service\",\"name\":\"灵活用工服务协议\",\"version\":1,"                              \
    "\"body\":\"甲方：{{enterprise_name}}\\n乙方：{{worker_name}}，身份证号 {{worker_id_number}}\\n\","   \
    "\"placeholders\":[]}"
#define TAX_TEMPLATE                                                                               \
    "{\"kind\":\"tax_authorisation\",\"name\":\"个人所得税代扣代缴授权书\",\"version\":1,"               \
    "\"body\":\"本人 {{worker_name}} 授权 {{platform_name}} 代为办理税务登记与代扣代缴。\","            \
    "\"placeholders\":[]}"
#define COOP_VALUES "\"values\":{\"fee_rate\":\"6%%\",\"start\":\"2026-04-01\",\"deposit\":1000000}"
#define PROFILE "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"licences\":[]}"
#define CARD "6222021000000000009"

static fw_id add_template(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_contract_template_add(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

static fw_id create(fw_ctx *ctx, const char *json)
{
    fw_contract *c = NULL;
    fw_error *err = NULL;
    fw_id id;
    assert_rc(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_OK, &err);
    assert_int_equal(fw_contract_state(c), FW_CONTRACT_DRAFT);
    id = fw_contract_id(c);
    fw_contract_free(c);
    return id;
}

static uint32_t sign_as(fw_ctx *ctx, uint32_t role, fw_id party, fw_id contract)
{
    fw_error *err = NULL;
    uint32_t st = 0;
    test_actor(ctx, role, party);
    assert_rc(fw_contract_sign(ctx, contract, "{\"auth_method\":\"sms_code\",\"ip\":\"203.0.113.7\"}", (size_t)-1, &st,
                               &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    return st;
}

static uint32_t contract_state(fw_ctx *ctx, fw_id id)
{
    fw_contract *c = NULL;
    uint32_t st;
    assert_int_equal(fw_contract_load(&c, ctx, id, NULL), FW_OK);
    st = fw_contract_state(c);
    fw_contract_free(c);
    return st;
}

/* A verified enterprise with a signed cooperation agreement, activated. Returns the contract. */
static fw_id signed_cooperation(fw_ctx *ctx, fw_id ent, fw_id tpl)
{
    char json[256];
    fw_id c;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld," COOP_VALUES "}", (long long)tpl,
             (long long)ent);
    c = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, c, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_ENTERPRISE_USER, ent, c), FW_CONTRACT_PARTIALLY_SIGNED);
    assert_int_equal(sign_as(ctx, FW_ROLE_ADMIN, 0, c), FW_CONTRACT_SIGNED);
    return c;
}

static fw_id active_enterprise(fw_ctx *ctx, const char *json, fw_id tpl)
{
    fw_id ent = verified_enterprise(ctx, json);
    signed_cooperation(ctx, ent, tpl);
    assert_int_equal(fw_party_enterprise_activate(ctx, ent, NULL), FW_OK);
    return ent;
}

static int setup(void **state)
{
    fw_ctx *ctx;
    test_setup_admin(state);
    ctx = *state;
    assert_int_equal(fw_party_platform_set(ctx, PROFILE, strlen(PROFILE), NULL), FW_OK);
    return 0;
}

static void template_placeholders_checked(void **state)
{
    fw_ctx *ctx = *state;
    const char *undeclared = "{\"kind\":\"service\",\"name\":\"t\",\"version\":1,\"body\":\"x {{amount}} y\","
                             "\"placeholders\":[]}";
    const char *reserved = "{\"kind\":\"service\",\"name\":\"t\",\"version\":1,\"body\":\"x\","
                           "\"placeholders\":[{\"name\":\"worker_name\",\"type\":\"text\"}]}";
    fw_error *err = NULL;
    fw_id id = 0, t;
    char *out = NULL, hex[65];
    unsigned char h[32];
    const char *body = "甲方：{{platform_name}}\n乙方：{{enterprise_name}}（{{enterprise_uscc}}）\n"
                       "服务费率：{{fee_rate}}，起始日：{{start}}，保证金：{{deposit}} 元。";
    cJSON *o;

    assert_int_equal(fw_contract_template_add(ctx, undeclared, strlen(undeclared), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.body: placeholder {{amount}} is not declared in $.placeholders");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_contract_template_add(ctx, reserved, strlen(reserved), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.placeholders[0].name");
    fw_error_free(err);
    err = NULL;
    t = add_template(ctx, COOP_TEMPLATE);
    assert_int_equal(fw_contract_template_add(ctx, COOP_TEMPLATE, strlen(COOP_TEMPLATE), &id, &err), FW_EEXISTS);
    fw_error_free(err);
    o = get_json(fw_contract_template_get(ctx, t, &out, NULL, NULL), &out);
    crypto_hash_sha256(h, (const unsigned char *)body, strlen(body));
    sodium_bin2hex(hex, sizeof(hex), h, 32);
    assert_string_equal(jstr(o, "sha256", NULL), hex);
    assert_string_equal(jstr(o, "kind", NULL), "cooperation");
    cJSON_Delete(o);
    assert_int_equal(id, 0);
}

/* cooperation agreement, signed in order, makes the enterprise signed; activation follows. */
static void cooperation_agreement_flow(void **state)
{
    fw_ctx *ctx = *state;
    fw_id tpl = add_template(ctx, COOP_TEMPLATE), ent = verified_enterprise(ctx, ENT1), other = apply_enterprise(ctx, ENT2);
    fw_contract *c = NULL;
    fw_error *err = NULL;
    const char *doc = NULL;
    char json[256], *out = NULL;
    size_t len = 0;
    uint8_t h[32], hh[32], pk[32];
    fw_id id;
    cJSON *o, *sig;

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld," COOP_VALUES "}", (long long)tpl,
             (long long)ent);
    id = create(ctx, json);
    assert_int_equal(fw_contract_load(&c, ctx, id, NULL), FW_OK);
    fw_contract_document(c, &doc, &len);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "乙方：杭州云帆科技有限公司（91330100799655058B）\n服务费率：6%，起始日：2026-04-01，保证金：10000.00 元。"));
    assert_non_null(strstr(doc, "甲方：杭州灵工平台科技有限公司"));
    assert_memory_equal(doc, "flexwork-contract-v1\ncontract_no:1\nkind:cooperation\n", 51);
    fw_contract_hash(c, h);
    crypto_hash_sha256(hh, (const unsigned char *)doc, len);
    assert_memory_equal(h, hh, 32);
    fw_contract_free(c);

    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, ent);
    assert_int_equal(fw_contract_sign(ctx, id, NULL, 0, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "contract 1 is draft; only a sent contract is signed");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_contract_send(ctx, id, &err), FW_OK, &err);
    assert_int_equal(fw_contract_sign(ctx, id, NULL, 0, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "contract 1 waits for the signature of enterprise:1 first");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, other);
    assert_int_equal(fw_contract_sign(ctx, id, NULL, 0, NULL, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "contract.sign: enterprise:2 is not a party to contract 1");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(contract_state(ctx, id), FW_CONTRACT_SENT);

    assert_int_equal(sign_as(ctx, FW_ROLE_ENTERPRISE_USER, ent, id), FW_CONTRACT_PARTIALLY_SIGNED);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, ent);
    assert_int_equal(fw_contract_sign(ctx, id, NULL, 0, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "enterprise:1 has already signed contract 1");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw__contract_require_signed(ctx, ent, 0, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NO_COOPERATION_AGREEMENT: enterprise 1 has no cooperation agreement in force");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(enterprise_state(ctx, ent), FW_ENTERPRISE_VERIFIED);
    assert_int_equal(sign_as(ctx, FW_ROLE_OPERATOR, 0, id), FW_CONTRACT_SIGNED);
    assert_int_equal(enterprise_state(ctx, ent), FW_ENTERPRISE_SIGNED);
    assert_int_equal(fw__contract_require_signed(ctx, ent, 0, NULL), FW_OK);
    assert_rc(fw_party_enterprise_activate(ctx, ent, &err), FW_OK, &err);

    /* the evidence records (anchors-money §5) */
    assert_int_equal(fw_contract_load(&c, ctx, id, NULL), FW_OK);
    assert_int_equal(fw_contract_to_json(c, &out, NULL, NULL), FW_OK);
    fw_contract_free(c);
    o = get_json(FW_OK, &out);
    assert_string_equal(jstr(o, "state_name", NULL), "signed");
    sig = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "signatures"), 0);
    assert_string_equal(jstr(sig, "signer", NULL), "enterprise:1");
    assert_string_equal(jstr(sig, "auth_method", NULL), "sms_code");
    assert_string_equal(jstr(sig, "ip", NULL), "203.0.113.7");
    assert_string_equal(jstr(sig, "intent", NULL), "I have read and agree to this contract");
    assert_string_equal(jstr(sig, "actor", NULL), "enterprise_user:test");
    assert_int_equal(strlen(jstr(sig, "signature", NULL)), 128);
    assert_null(cJSON_GetObjectItem(sig, "prev_sha256"));
    sig = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "signatures"), 1);
    assert_string_equal(jstr(sig, "signer", NULL), "platform");
    assert_int_equal(strlen(jstr(sig, "prev_sha256", NULL)), 64);
    assert_int_equal(fw_audit_public_key(ctx, pk, NULL), FW_OK);
    {
        char hex[65];
        sodium_bin2hex(hex, sizeof(hex), pk, 32);
        assert_string_equal(jstr(sig, "public_key", NULL), hex);  /* the platform's key */
    }
    cJSON_Delete(o);
    o = get_json(fw_contract_verify(ctx, id, &out, NULL, NULL), &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "valid")));
    assert_string_equal(jstr(o, "document", NULL), "ok");
    cJSON_Delete(o);
}

/* no contract for a party that may not contract yet; nothing is stored. */
static void unverified_parties_cannot_contract(void **state)
{
    fw_ctx *ctx = *state;
    fw_id tpl = add_template(ctx, COOP_TEMPLATE), stpl = add_template(ctx, SERVICE_TEMPLATE);
    fw_id ent = apply_enterprise(ctx, ENT1), w = register_worker(ctx, WORKER_JSON("王五", ID_1990, CARD, "self"));
    fw_contract *c = NULL;
    fw_error *err = NULL;
    char json[256];
    int64_t audits = audit_count(ctx);

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld," COOP_VALUES "}", (long long)tpl,
             (long long)ent);
    assert_int_equal(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NOT_VERIFIED: enterprise 1 is applied; it must be verified first");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)stpl, (long long)w);
    assert_int_equal(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "WORKER_NOT_VERIFIED: worker 1 is registered; real-name verification is required");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"values\":{\"fee_rate\":\"6%%\"}}",
             (long long)tpl, (long long)ent);
    assert_int_equal(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.values.start: is required");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"values\":{\"fee_rate\":\"6%%\","
             "\"start\":\"2026-04-31\",\"deposit\":1}}", (long long)tpl, (long long)ent);
    assert_int_equal(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.values.start");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"values\":{\"fee_rate\":\"6%%\","
             "\"start\":\"2026-04-01\",\"deposit\":1,\"bonus\":2}}", (long long)tpl, (long long)ent);
    assert_int_equal(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.values.bonus: is not a placeholder of the template");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld," COOP_VALUES "}", (long long)tpl,
             (long long)w);
    assert_int_equal(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.enterprise_id");
    fw_error_free(err);
    assert_null(c);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract"), 0);
    assert_int_equal(audit_count(ctx), audits);
}

/* .b: a worker signs a service agreement by confirmation with their own key. */
static void service_agreement_flow(void **state)
{
    fw_ctx *ctx = *state;
    fw_id tpl = add_template(ctx, COOP_TEMPLATE), stpl = add_template(ctx, SERVICE_TEMPLATE);
    fw_id ent = active_enterprise(ctx, ENT1, tpl), ent2 = active_enterprise(ctx, ENT2, tpl);
    fw_id w = verified_worker(ctx, WORKER_JSON("王五", ID_1990, CARD, "self")), id;
    fw_error *err = NULL;
    fw_contract *c = NULL;
    const char *doc;
    char json[128];

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}", (long long)stpl,
             (long long)ent, (long long)w);
    id = create(ctx, json);
    assert_int_equal(fw_contract_load(&c, ctx, id, NULL), FW_OK);
    fw_contract_document(c, &doc, NULL);
    assert_non_null(strstr(doc, "乙方：王五，身份证号 " ID_1990));
    fw_contract_free(c);
    /* the document names the worker: stored sealed, never in clear */
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract WHERE instr(document, '" ID_1990 "') > 0"), 0);
    assert_int_equal(count_rows(ctx, "SELECT sealed FROM fw_contract WHERE id=3"), 1);
    assert_int_equal(fw_contract_send(ctx, id, NULL), FW_OK);

    test_actor(ctx, FW_ROLE_WORKER, w);
    assert_int_equal(fw_contract_sign(ctx, id, NULL, 0, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "contract 3 waits for the signature of enterprise:1 first");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(sign_as(ctx, FW_ROLE_ENTERPRISE_USER, ent, id), FW_CONTRACT_PARTIALLY_SIGNED);
    assert_int_equal(fw__contract_require_signed(ctx, ent, w, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "WORKER_NO_SERVICE_AGREEMENT: worker 1 has no service agreement in force with enterprise 1");
    fw_error_free(err);
    err = NULL;
    /* an admin cannot sign in the worker's place */
    assert_int_equal(fw_contract_sign(ctx, id, NULL, 0, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(sign_as(ctx, FW_ROLE_WORKER, w, id), FW_CONTRACT_SIGNED);
    assert_int_equal(worker_state(ctx, w), FW_WORKER_SIGNED);
    assert_int_equal(fw__contract_require_signed(ctx, ent, w, NULL), FW_OK);
    assert_int_equal(fw__contract_require_signed(ctx, ent2, w, NULL), FW_EDENIED);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract_key"), 3);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract_key WHERE subject='worker:1'"), 1);
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, NULL), FW_OK);
    /* the enterprise may now read its worker */
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, ent);
    {
        char *out = NULL;
        cJSON *o = get_json(fw_party_worker_get(ctx, w, &out, NULL, NULL), &out);
        cJSON_Delete(o);
    }
}

static void tamper(fw_ctx *ctx, const char *sql)
{
    assert_int_equal(fw__db_script(ctx, sql, NULL), FW_OK);
}

/* R-7.4 (Electronic Signature Law art. 13): changes to the document or a signature are detected. */
static void tampering_is_detected(void **state)
{
    fw_ctx *ctx = *state;
    fw_id tpl = add_template(ctx, COOP_TEMPLATE), ent = verified_enterprise(ctx, ENT1), id = signed_cooperation(ctx, ent, tpl);
    fw_error *err = NULL;
    char *out = NULL;
    cJSON *o;

    tamper(ctx, "CREATE TEMP TABLE keep AS SELECT * FROM fw_contract;"
                "UPDATE fw_contract SET document=replace(document, '6%', '0.6%') WHERE id=1");
    assert_int_equal(fw_contract_verify(ctx, id, &out, NULL, &err), FW_ECORRUPT);
    assert_string_equal(fw_error_message(err), "contract 1: the stored document does not match its SHA-256");
    fw_error_free(err);
    err = NULL;
    o = get_json(FW_OK, &out);
    assert_string_equal(jstr(o, "document", NULL), "altered");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "valid")));
    cJSON_Delete(o);

    /* a matching new hash does not help: every signature covers the original hash */
    tamper(ctx, "UPDATE fw_contract SET doc_sha256=(SELECT doc_sha256 FROM fw_contract) WHERE id=1");
    tamper(ctx, "UPDATE fw_contract SET document=(SELECT document FROM keep) WHERE id=1");
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, NULL), FW_OK);

    tamper(ctx, "DROP TRIGGER fw_contract_signature_no_update;"
                "UPDATE fw_contract_signature SET signed_ms=signed_ms-86400000 WHERE seq=2");
    assert_int_equal(fw_contract_verify(ctx, id, &out, NULL, &err), FW_EAUTH);
    assert_string_equal(fw_error_message(err),
                        "contract 1: signature 2 (platform): the Ed25519 signature does not verify over the document "
                        "hash and signing record");
    fw_error_free(err);
    err = NULL;
    o = get_json(FW_OK, &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "signatures"), 0), "ok")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "signatures"), 1), "ok")));
    cJSON_Delete(o);
    tamper(ctx, "UPDATE fw_contract_signature SET signed_ms=signed_ms+86400000 WHERE seq=2");
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, NULL), FW_OK);

    /* a substituted key: the signature verifies under it, but it is not the signer's key */
    tamper(ctx, "UPDATE fw_contract_signature SET public_key=zeroblob(32) WHERE seq=1");
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, &err), FW_EAUTH);
    assert_string_equal(fw_error_message(err),
                        "contract 1: signature 1 (enterprise:1): the public key is not the one issued to the signer");
    fw_error_free(err);
    err = NULL;
    tamper(ctx, "UPDATE fw_contract_signature SET public_key=(SELECT public_key FROM fw_contract_key "
                "WHERE subject='enterprise:1') WHERE seq=1");
    /* a re-ordered chain */
    tamper(ctx, "UPDATE fw_contract_signature SET prev_sha256=NULL WHERE seq=2");
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, &err), FW_EAUTH);
    assert_string_equal(fw_error_message(err),
                        "contract 1: signature 2 (platform): the chain to the previous signature is broken");
    fw_error_free(err);
}

/* A sealed document altered in place no longer opens: reported as altered. */
static void sealed_document_tampering_detected(void **state)
{
    fw_ctx *ctx = *state;
    fw_id ttpl = add_template(ctx, TAX_TEMPLATE), w = verified_worker(ctx, WORKER_JSON("王五", ID_1990, CARD, "self"));
    fw_error *err = NULL;
    char json[96];
    fw_id id;

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)w);
    id = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, id, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_WORKER, w, id), FW_CONTRACT_SIGNED);
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, NULL), FW_OK);
    tamper(ctx, "UPDATE fw_contract SET document=substr(document,1,40)||CASE WHEN substr(document,41,1)=x'00' "
                "THEN x'01' ELSE x'00' END||substr(document,42) WHERE id=1");
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, &err), FW_ECORRUPT);
    fw_error_free(err);
}

/* cn-rules §6: age at signing: under 16 refused, 16-17 signed and flagged minor. */
static void age_at_signing(void **state)
{
    fw_ctx *ctx = *state;
    fw_id ttpl = add_template(ctx, TAX_TEMPLATE), young, minor, a, b;
    fw_error *err = NULL;
    char json[96], *out = NULL;
    cJSON *o;

    /* registered on their 16th birthday (2026-03-16); the clock then reads a day earlier */
    test_clock_set(TEST_CLOCK_START + 86400000LL);
    young = verified_worker(ctx, WORKER_JSON("小明", ID_AGE15, CARD, "self"));
    minor = verified_worker(ctx, WORKER_JSON("小刚", ID_AGE17, CARD, "self"));
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)young);
    a = create(ctx, json);
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)minor);
    b = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, a, NULL), FW_OK);
    assert_int_equal(fw_contract_send(ctx, b, NULL), FW_OK);
    test_clock_set(TEST_CLOCK_START);
    test_actor(ctx, FW_ROLE_WORKER, young);
    assert_int_equal(fw_contract_sign(ctx, a, NULL, 0, NULL, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "WORKER_UNDER_16: worker 1 is 15 years old at signing; workers must be at least 16");
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract_signature"), 0);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract_key"), 0);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(sign_as(ctx, FW_ROLE_WORKER, minor, b), FW_CONTRACT_SIGNED);
    test_actor(ctx, FW_ROLE_WORKER, minor);
    {
        fw_contract *c = NULL;
        assert_int_equal(fw_contract_load(&c, ctx, b, NULL), FW_OK);
        assert_int_equal(fw_contract_to_json(c, &out, NULL, NULL), FW_OK);
        fw_contract_free(c);
    }
    o = get_json(FW_OK, &out);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "signatures"), 0), "minor")));
    cJSON_Delete(o);
}

/* R-6.h: an enterprise user cannot read another enterprise's contracts, a worker another's. */
static void contract_isolation(void **state)
{
    fw_ctx *ctx = *state;
    fw_id tpl = add_template(ctx, COOP_TEMPLATE), ttpl = add_template(ctx, TAX_TEMPLATE);
    fw_id e1 = verified_enterprise(ctx, ENT1), e2 = verified_enterprise(ctx, ENT2), id = signed_cooperation(ctx, e1, tpl);
    fw_id w1 = verified_worker(ctx, WORKER_JSON("王五", ID_1990, CARD, "self"));
    fw_id w2 = verified_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD, "self")), t;
    fw_contract *c = NULL;
    fw_error *err = NULL;
    char json[96];

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)w1);
    t = create(ctx, json);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, e2);
    assert_int_equal(fw_contract_load(&c, ctx, id, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err),
                        "contract.load: enterprise 2's user may not act on another enterprise's data");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_contract_verify(ctx, id, NULL, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_null(c);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, e1);
    assert_int_equal(fw_contract_load(&c, ctx, id, NULL), FW_OK);
    fw_contract_free(c);
    c = NULL;
    test_actor(ctx, FW_ROLE_WORKER, w2);
    assert_int_equal(fw_contract_load(&c, ctx, t, &err), FW_EPERM);
    fw_error_free(err);
    assert_null(c);
    test_actor(ctx, FW_ROLE_WORKER, w1);
    assert_int_equal(fw_contract_load(&c, ctx, t, NULL), FW_OK);
    fw_contract_free(c);
}

/* R-6.a: ending the cooperation agreement stops the enterprise; expiry is enforced. */
static void termination_expiry_supersession(void **state)
{
    fw_ctx *ctx = *state;
    fw_id tpl = add_template(ctx, COOP_TEMPLATE), ent = verified_enterprise(ctx, ENT1), a, b, c;
    fw_error *err = NULL;
    char json[256];
    int64_t n = -1;

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"expires\":\"2026-06-30\"," COOP_VALUES "}",
             (long long)tpl, (long long)ent);
    a = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, a, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_ENTERPRISE_USER, ent, a), FW_CONTRACT_PARTIALLY_SIGNED);
    assert_int_equal(sign_as(ctx, FW_ROLE_ADMIN, 0, a), FW_CONTRACT_SIGNED);
    assert_int_equal(fw_party_enterprise_activate(ctx, ent, NULL), FW_OK);

    /* superseded by a new version: the enterprise stays active */
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"supersedes\":%lld," COOP_VALUES "}",
             (long long)tpl, (long long)ent, (long long)a);
    b = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, b, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_ENTERPRISE_USER, ent, b), FW_CONTRACT_PARTIALLY_SIGNED);
    assert_int_equal(sign_as(ctx, FW_ROLE_ADMIN, 0, b), FW_CONTRACT_SIGNED);
    assert_int_equal(contract_state(ctx, a), FW_CONTRACT_SUPERSEDED);
    assert_int_equal(enterprise_state(ctx, ent), FW_ENTERPRISE_ACTIVE);

    assert_int_equal(fw_contract_terminate(ctx, b, "", &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_contract_terminate(ctx, b, "合作终止", &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, ent), FW_ENTERPRISE_VERIFIED);
    assert_int_equal(fw__party_require_active_enterprise(ctx, ent, NULL), FW_EDENIED);
    assert_int_equal(fw_contract_terminate(ctx, b, "again", &err), FW_ESTATE);
    fw_error_free(err);

    /* expiry: in force through 2026-06-30 (CST), not after */
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"expires\":\"2026-06-30\"," COOP_VALUES "}",
             (long long)tpl, (long long)ent);
    c = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, c, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_ENTERPRISE_USER, ent, c), FW_CONTRACT_PARTIALLY_SIGNED);
    assert_int_equal(sign_as(ctx, FW_ROLE_ADMIN, 0, c), FW_CONTRACT_SIGNED);
    test_clock_set(1782835199000LL);   /* 2026-06-30 23:59:59 CST */
    assert_int_equal(fw__contract_require_signed(ctx, ent, 0, NULL), FW_OK);
    test_clock_set(1782835200000LL);   /* 2026-07-01 00:00:00 CST */
    assert_int_equal(fw__contract_require_signed(ctx, ent, 0, NULL), FW_EDENIED);
    assert_int_equal(fw_contract_expire_due(ctx, &n, NULL), FW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(contract_state(ctx, c), FW_CONTRACT_EXPIRED);
    assert_int_equal(enterprise_state(ctx, ent), FW_ENTERPRISE_VERIFIED);
    assert_int_equal(fw_contract_expire_due(ctx, &n, NULL), FW_OK);
    assert_int_equal(n, 0);
}

/* R-6.h: erasing a worker destroys the sealed document and key; signatures still verify. */
static void erased_worker_contract_still_verifies(void **state)
{
    fw_ctx *ctx = *state;
    fw_id ttpl = add_template(ctx, TAX_TEMPLATE), w = verified_worker(ctx, WORKER_JSON("王五", ID_1990, CARD, "self")), id;
    fw_contract *c = NULL;
    const char *doc = "x";
    char json[96], *out = NULL;
    cJSON *o;

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)w);
    id = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, id, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_WORKER, w, id), FW_CONTRACT_SIGNED);
    assert_int_equal(fw_party_worker_erase(ctx, w, NULL), FW_OK);
    o = get_json(fw_contract_verify(ctx, id, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "document", NULL), "erased");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "valid")));
    cJSON_Delete(o);
    assert_int_equal(fw_contract_load(&c, ctx, id, NULL), FW_OK);
    fw_contract_document(c, &doc, NULL);
    assert_null(doc);
    fw_contract_free(c);
}

/* A fake tax bureau. */
static const char *tax_answer;
static char tax_request[512];
static int fake_register(const char *req, size_t len, fw_reply *reply, void *payload)
{
    (void)payload;
    snprintf(tax_request, sizeof(tax_request), "%.*s", (int)len, req);
    if (!tax_answer)
        return FW_EPENDING;
    return fw_reply_set(reply, tax_answer, strlen(tax_answer));
}

/* tax registration only with the worker's authorisation; provider or operator completes. */
static void tax_registration(void **state)
{
    fw_ctx *ctx = *state;
    fw_id ttpl = add_template(ctx, TAX_TEMPLATE);
    fw_id a = verified_worker(ctx, WORKER_JSON("王五", ID_1990, CARD, "self"));
    fw_id b = verified_worker(ctx, WORKER_JSON("张小红", ID_1949, CARD, "self")), id;
    fw_tax_provider tp = { FW_TAX_PROVIDER_VERSION, NULL, fake_register, NULL, NULL, NULL };
    const char *jur = "{\"jurisdiction\":\"国家税务总局杭州市西湖区税务局\"}";
    fw_error *err = NULL;
    uint32_t st = 0;
    char json[96], *out = NULL;
    int64_t audits = audit_count(ctx);
    cJSON *o;

    assert_int_equal(fw_contract_taxreg_request(ctx, a, jur, strlen(jur), &st, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "WORKER_NO_TAX_AUTHORISATION: worker 1 has not authorised the platform as tax agent");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_contract_taxreg"), 0);
    assert_int_equal(audit_count(ctx), audits);
    assert_int_equal(fw_contract_taxreg_get(ctx, a, &out, NULL, &err), FW_ENOTFOUND);
    fw_error_free(err);
    err = NULL;

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)a);
    id = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, id, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_WORKER, a, id), FW_CONTRACT_SIGNED);
    assert_int_equal(worker_state(ctx, a), FW_WORKER_VERIFIED);   /* not a service agreement */

    /* no provider: pending, then the tax agent completes it */
    assert_rc(fw_contract_taxreg_request(ctx, a, jur, strlen(jur), &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_TAXREG_PENDING);
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_contract_taxreg_complete(ctx, a, "{\"status\":\"registered\"}", (size_t)-1, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_TAX_AGENT, 0);
    assert_int_equal(fw_contract_taxreg_complete(ctx, a, "{\"status\":\"registered\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.registration_no");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_contract_taxreg_complete(ctx, a, "{\"status\":\"registered\",\"registration_no\":\"" ID_1990 "\","
                                                  "\"registered_on\":\"2026-03-16\"}", (size_t)-1, &err), FW_OK, &err);
    o = get_json(fw_contract_taxreg_get(ctx, a, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "state_name", NULL), "registered");
    assert_string_equal(jstr(o, "registration_no", NULL), ID_1990);
    assert_string_equal(jstr(o, "registered_on", NULL), "2026-03-16");
    cJSON_Delete(o);
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    o = get_json(fw_contract_taxreg_get(ctx, a, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "registration_no", NULL), "110***********1239");
    cJSON_Delete(o);
    assert_int_equal(fw_contract_taxreg_request(ctx, a, jur, strlen(jur), &st, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_audit_lacks(ctx, ID_1990);

    /* with the tax provider */
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"worker_id\":%lld}", (long long)ttpl, (long long)b);
    id = create(ctx, json);
    assert_int_equal(fw_contract_send(ctx, id, NULL), FW_OK);
    assert_int_equal(sign_as(ctx, FW_ROLE_WORKER, b, id), FW_CONTRACT_SIGNED);
    assert_int_equal(fw_ctx_set_tax_provider(ctx, &tp, NULL), FW_OK);
    tax_answer = "{\"status\":\"registered\",\"registration_no\":\"" ID_1949 "\",\"registered_on\":\"2026-03-15\"}";
    assert_rc(fw_contract_taxreg_request(ctx, b, jur, strlen(jur), &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_TAXREG_REGISTERED);
    assert_string_equal(tax_request, "{\"worker_id\":2,\"name\":\"张小红\",\"id_number\":\"" ID_1949 "\","
                                     "\"jurisdiction\":\"国家税务总局杭州市西湖区税务局\"}");
    tax_answer = NULL;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, test_teardown_ctx)
TEST_MAIN(T(template_placeholders_checked), T(cooperation_agreement_flow), T(unverified_parties_cannot_contract),
          T(service_agreement_flow), T(tampering_is_detected), T(sealed_document_tampering_detected), T(age_at_signing),
          T(contract_isolation), T(termination_expiry_supersession), T(erased_worker_contract_still_verifies),
          T(tax_registration))
