/*
 * Party, contract and task together: an enterprise is activated only under a signed cooperation
 * agreement, and a worker takes work only under a signed service agreement with
 * the task's enterprise (R-6.b, R-7.4, R-7.2).
 */
#include "../task/task_fixtures.h"

#define ID_W3 "110105197001011233"

struct world {
    fw_ctx *ctx;
    fw_id ent, ent2, task;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    char buf[1024];

    test_setup_admin((void **)&w->ctx);
    set_categories(w->ctx);
    w->ent = active_enterprise(w->ctx, ENT1);
    w->ent2 = active_enterprise(w->ctx, ENT2);
    w->task = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 3, NULL));
    publish_task(w->ctx, w->task);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    fw_ctx_free(w->ctx);
    free(w);
    return 0;
}

/* A refused take leaves the store as it was: no assignment, no slot, no audit record. */
static void take_refused(struct world *w, fw_id worker, const char *message)
{
    fw_error *err = NULL;
    fw_id a = 4242;
    int64_t audits = audit_count(w->ctx);
    int64_t asg = count_rows(w->ctx, "SELECT count(*) FROM fw_task_assignment");
    int64_t taken = count_rows(w->ctx, "SELECT sum(slots_taken) FROM fw_task");

    test_actor(w->ctx, FW_ROLE_WORKER, worker);
    assert_int_equal(fw_task_take(w->ctx, w->task, worker, &a, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), message);
    fw_error_free(err);
    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(a, 4242);
    assert_int_equal(audit_count(w->ctx), audits);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task_assignment"), asg);
    assert_int_equal(count_rows(w->ctx, "SELECT sum(slots_taken) FROM fw_task"), taken);
}

/* R-6.b, R-7.4: a verified worker without a service agreement is refused with the reason code. */
static void take_needs_a_service_agreement(void **state)
{
    struct world *w = *state;
    fw_id wk = verified_worker(w->ctx, WORKER_JSON("王五", ID_W3, CARD, "self"));

    take_refused(w, wk, "WORKER_NO_SERVICE_AGREEMENT: worker 1 has no service agreement in force with enterprise 1");
    assert_int_equal(fw__party_worker_linked(w->ctx, wk, w->ent), 0);

    /* an agreement with another enterprise does not count */
    sign_service(w->ctx, w->ent2, wk);
    take_refused(w, wk, "WORKER_NO_SERVICE_AGREEMENT: worker 1 has no service agreement in force with enterprise 1");

    sign_service(w->ctx, w->ent, wk);
    take(w->ctx, w->task, wk);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task_assignment WHERE worker_id=1"), 1);
}

/* a service agreement signed by the enterprise alone is not in force; nor is a terminated one. */
static void agreement_must_be_in_force(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_contract *c = NULL;
    fw_id wk = verified_worker(w->ctx, WORKER_JSON("王五", ID_W3, CARD, "self")), id;
    uint32_t st = 0;
    char json[128];

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}",
             (long long)fixture_template(w->ctx, FW_CONTRACT_SERVICE), (long long)w->ent, (long long)wk);
    assert_rc(fw_contract_create(&c, w->ctx, json, strlen(json), &err), FW_OK, &err);
    id = fw_contract_id(c);
    fw_contract_free(c);
    assert_rc(fw_contract_send(w->ctx, id, &err), FW_OK, &err);
    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent);
    assert_rc(fw_contract_sign(w->ctx, id, NULL, 0, &st, &err), FW_OK, &err);
    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(st, FW_CONTRACT_PARTIALLY_SIGNED);
    take_refused(w, wk, "WORKER_NO_SERVICE_AGREEMENT: worker 1 has no service agreement in force with enterprise 1");

    id = sign_service(w->ctx, w->ent, wk);
    assert_rc(fw_contract_terminate(w->ctx, id, "双方协商解除", &err), FW_OK, &err);
    take_refused(w, wk, "WORKER_NO_SERVICE_AGREEMENT: worker 1 has no service agreement in force with enterprise 1");
}

/* The agreement is checked after the worker's and the enterprise's own standing. */
static void party_refusals_come_first(void **state)
{
    struct world *w = *state;
    fw_id reg = register_worker(w->ctx, WORKER_JSON("王五", ID_W3, CARD, "self"));

    take_refused(w, reg, "WORKER_NOT_VERIFIED: worker 1 is registered; real-name verification is required");
}

/* activation needs a cooperation agreement signed by both sides, through the contract module. */
static void activation_needs_a_signed_cooperation_agreement(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_contract *c = NULL;
    fw_id ent = verified_enterprise(w->ctx, ENT_JSON("苏州工业园区测试有限公司", "91110108551385082Q")), id;
    uint32_t st = 0;
    int64_t audits;
    char json[128];

    audits = audit_count(w->ctx);
    assert_int_equal(fw_party_enterprise_activate(w->ctx, ent, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "ENTERPRISE_NOT_SIGNED: enterprise 3 has not signed the cooperation agreement");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(audit_count(w->ctx), audits);
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_VERIFIED);

    /* signed by the enterprise only: not yet */
    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld}",
             (long long)fixture_template(w->ctx, FW_CONTRACT_COOPERATION), (long long)ent);
    assert_rc(fw_contract_create(&c, w->ctx, json, strlen(json), &err), FW_OK, &err);
    id = fw_contract_id(c);
    fw_contract_free(c);
    assert_rc(fw_contract_send(w->ctx, id, &err), FW_OK, &err);
    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, ent);
    assert_rc(fw_contract_sign(w->ctx, id, NULL, 0, &st, &err), FW_OK, &err);
    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(st, FW_CONTRACT_PARTIALLY_SIGNED);
    assert_int_equal(fw_party_enterprise_activate(w->ctx, ent, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "ENTERPRISE_NOT_SIGNED: enterprise 3 has not signed the cooperation agreement");
    fw_error_free(err);
    err = NULL;

    /* the platform's signature puts it in force and marks the enterprise signed */
    assert_rc(fw_contract_sign(w->ctx, id, NULL, 0, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_CONTRACT_SIGNED);
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_SIGNED);
    assert_rc(fw_party_enterprise_activate(w->ctx, ent, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_ACTIVE);
}

/* ending the cooperation agreement stops the enterprise's work until a new one is signed. */
static void terminated_cooperation_stops_taking(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id wk = verified_worker(w->ctx, WORKER_JSON("王五", ID_W3, CARD, "self"));

    sign_service(w->ctx, w->ent, wk);
    assert_rc(fw_contract_terminate(w->ctx, 1, "合作终止", &err), FW_OK, &err);
    assert_int_equal(enterprise_state(w->ctx, w->ent), FW_ENTERPRISE_VERIFIED);
    take_refused(w, wk, "ENTERPRISE_NOT_SIGNED: enterprise 1 has not signed the cooperation agreement");
    assert_int_equal(fw_party_enterprise_activate(w->ctx, w->ent, &err), FW_EDENIED);
    fw_error_free(err);
    err = NULL;

    fixture_contract(w->ctx, FW_CONTRACT_COOPERATION, w->ent, 0);
    assert_rc(fw_party_enterprise_activate(w->ctx, w->ent, &err), FW_OK, &err);
    take(w->ctx, w->task, wk);
}

/* The enterprise's cooperation agreement, expiring at the end of 2026-03-31 (CST), signed by both sides. */
static fw_id expiring_cooperation(fw_ctx *ctx, fw_id ent)
{
    fw_error *err = NULL;
    fw_contract *c = NULL;
    uint32_t st = 0;
    char json[160];
    fw_id id;

    snprintf(json, sizeof(json), "{\"template_id\":%lld,\"enterprise_id\":%lld,\"expires\":\"2026-03-31\"}",
             (long long)fixture_template(ctx, FW_CONTRACT_COOPERATION), (long long)ent);
    assert_rc(fw_contract_create(&c, ctx, json, strlen(json), &err), FW_OK, &err);
    id = fw_contract_id(c);
    fw_contract_free(c);
    assert_rc(fw_contract_send(ctx, id, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, ent);
    assert_rc(fw_contract_sign(ctx, id, NULL, 0, &st, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_contract_sign(ctx, id, NULL, 0, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_CONTRACT_SIGNED);
    return id;
}

/*
 * a cooperation agreement past its expiry date stops the enterprise's work at once, before
 * the expiry sweep has run; the sweep then sends the enterprise back to verified.
 */
static void expired_cooperation_stops_taking(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id ent = verified_enterprise(w->ctx, ENT_JSON("北京海淀测试科技有限公司", "91110108551385082Q"));
    fw_id wk = verified_worker(w->ctx, WORKER_JSON("王五", ID_W3, CARD, "self"));
    int64_t n = 0;
    char buf[1024];

    expiring_cooperation(w->ctx, ent);
    assert_rc(fw_party_enterprise_activate(w->ctx, ent, &err), FW_OK, &err);
    sign_service(w->ctx, ent, wk);
    test_clock_advance(10 * DAY);     /* 2026-03-25: a task open for taking until 04-04 */
    w->task = make_task(w->ctx, task_json(buf, sizeof(buf), ent, "DESIGN", 50000, 3, NULL));
    publish_task(w->ctx, w->task);

    test_clock_advance(7 * DAY);      /* 2026-04-01 10:00: past the expiry, not yet swept */
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_ACTIVE);
    take_refused(w, wk, "ENTERPRISE_NO_COOPERATION_AGREEMENT: enterprise 3 has no cooperation agreement in force");

    assert_rc(fw_contract_expire_due(w->ctx, &n, &err), FW_OK, &err);
    assert_int_equal(n, 1);
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_VERIFIED);
    take_refused(w, wk, "ENTERPRISE_NOT_SIGNED: enterprise 3 has not signed the cooperation agreement");
    test_clock_set(TEST_CLOCK_START);
}

/* an agreement past its expiry date does not activate the enterprise, swept or not. */
static void expired_cooperation_does_not_activate(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id ent = verified_enterprise(w->ctx, ENT_JSON("北京海淀测试科技有限公司", "91110108551385082Q"));
    int64_t audits, accounts;

    expiring_cooperation(w->ctx, ent);
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_SIGNED);
    test_clock_advance(20 * DAY);
    audits = audit_count(w->ctx);
    accounts = count_rows(w->ctx, "SELECT count(*) FROM fw_ledger_account");
    assert_int_equal(fw_party_enterprise_activate(w->ctx, ent, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "ENTERPRISE_NO_COOPERATION_AGREEMENT: enterprise 3 has no cooperation agreement in force");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_SIGNED);
    assert_int_equal(audit_count(w->ctx), audits);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_ledger_account"), accounts);

    /* a new agreement in force: activation goes through */
    fixture_contract(w->ctx, FW_CONTRACT_COOPERATION, ent, 0);
    assert_rc(fw_party_enterprise_activate(w->ctx, ent, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(w->ctx, ent), FW_ENTERPRISE_ACTIVE);
    test_clock_set(TEST_CLOCK_START);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
TEST_MAIN(T(take_needs_a_service_agreement), T(agreement_must_be_in_force), T(party_refusals_come_first),
          T(activation_needs_a_signed_cooperation_agreement), T(terminated_cooperation_stops_taking),
          T(expired_cooperation_stops_taking), T(expired_cooperation_does_not_activate))
