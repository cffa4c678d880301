/* Actors and authorisation (DESIGN §6, R-4.2, R-6.h): one table decides; no actor or a
 * forbidden one fails with FW_EPERM and changes nothing. */
#include <string.h>

#include "support.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/vault.h"

static int64_t count(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    fw_error *err = NULL;
    assert_rc(fw__db_i64(ctx, &n, &err, sql, ""), FW_OK, &err);
    return n;
}

/* R-6.h: a call with no actor fails with FW_EPERM and changes nothing. */
static void no_actor_is_eperm(void **state)
{
    fw_ctx *ctx = test_open(":memory:");
    fw_error *err = NULL;
    unsigned char *sealed = NULL;
    size_t n = 0;
    int64_t bad = -5;
    (void)state;
    /* A vault key exists (sealing runs inside module calls, which checked their own action). */
    assert_rc(fw__vault_seal(ctx, "worker:1", "t", "c", 1, "x", 1, &sealed, &n, &err), FW_OK, &err);
    fw_free(sealed);

    assert_int_equal(fw_vault_shred(ctx, "worker:1", &err), FW_EPERM);
    assert_string_equal(fw_error_message(err),
                        "vault.shred: no actor is set on the context; call fw_ctx_set_actor() first");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_audit_verify(ctx, &bad, &err), FW_EPERM);
    assert_int_equal(bad, -5);
    fw_error_free(err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_vault_key WHERE wrapped IS NOT NULL"), 1);
    fw_ctx_free(ctx);
}

static void forbidden_role_names_action_and_role(void **state)
{
    fw_ctx *ctx = test_open(":memory:");
    fw_error *err = NULL;
    char *out = (char *)"untouched";
    (void)state;
    test_actor(ctx, FW_ROLE_WORKER, 17);
    assert_int_equal(fw_audit_verify(ctx, NULL, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "audit.verify: the role worker may not do this");
    assert_string_equal(fw_error_path(err), "");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_vault_shred(ctx, "worker:1", &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "vault.shred: the role operator may not do this");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_AUDITOR, 0);
    assert_int_equal(fw_audit_checkpoint(ctx, &out, NULL, &err), FW_ESTATE);   /* allowed; log empty */
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_audit_export(ctx, 1, 0, &out, NULL, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "audit.export: the role finance may not do this");
    assert_string_equal(out, "untouched");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__authz_require(ctx, "nosuch.action", &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "nosuch.action: no rule allows this action");
    fw_error_free(err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit"), 0);
    fw_ctx_free(ctx);
}

/* DESIGN §6: an enterprise user acts only on its own enterprise's data, a worker on their own. */
static void owner_checks(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 5);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 5, 0, NULL), FW_OK);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 5, 99, NULL), FW_OK);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 6, 0, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "core.test_owner: enterprise 5's user may not act "
                        "on another enterprise's data");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 0, 0, NULL), FW_EPERM);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test", 5, 0, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "core.test: the role enterprise_user may not do this");
    fw_error_free(err);
    err = NULL;

    test_actor(ctx, FW_ROLE_WORKER, 17);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 5, 17, NULL), FW_OK);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 0, 18, &err), FW_EPERM);
    assert_string_equal(fw_error_message(err), "core.test_owner: worker 17 may not act on another "
                        "person's data");
    fw_error_free(err);
    /* Platform roles are not owner-bound. */
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw__authz_require_owner(ctx, "core.test_owner", 6, 18, NULL), FW_OK);
}

static void set_actor_validation(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char name[300];
    test_actor(ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_NONE, 0, "x", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "role: must be one of FW_ROLE_* (1..11), got 0");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ctx_set_actor(ctx, 12, 0, "x", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "role");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_WORKER, 0, "x", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "party_id: an enterprise user or worker actor needs "
                        "its party id, got 0");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_ENTERPRISE_USER, -3, "x", NULL), FW_EINVAL);
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 5, "x", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "party_id: platform roles take party_id 0, got 5");
    fw_error_free(err);
    err = NULL;
    memset(name, 'n', 256);
    name[256] = '\0';
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, name, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "name: must be at most 255 bytes");
    fw_error_free(err);
    assert_int_equal(fw_ctx_set_actor(NULL, FW_ROLE_ADMIN, 0, NULL, NULL), FW_EINVAL);
    err = NULL;
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "bad\xff", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "name: must be valid UTF-8");
    fw_error_free(err);
    /* Every refusal left the actor as it was. */
    assert_int_equal(ctx->role, FW_ROLE_FINANCE);
    assert_int_equal(ctx->party_id, 0);
    assert_string_equal(ctx->actor_name, "test");
    name[255] = '\0';
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_SUPPORT, 0, name, NULL), FW_OK);
    assert_int_equal(fw_ctx_set_actor(ctx, FW_ROLE_SYSTEM, 0, NULL, NULL), FW_OK);
    assert_null(ctx->actor_name);
}

static void pii_visibility(void **state)
{
    fw_ctx *ctx = *state;
    static const uint32_t may[] = { FW_ROLE_ADMIN, FW_ROLE_REVIEWER, FW_ROLE_TAX_AGENT, FW_ROLE_SYSTEM };
    static const uint32_t may_not[] = { FW_ROLE_OPERATOR, FW_ROLE_FINANCE, FW_ROLE_AUDITOR,
                                        FW_ROLE_COORDINATOR, FW_ROLE_SUPPORT };
    size_t i;
    for (i = 0; i < sizeof(may) / sizeof(may[0]); i++) {
        test_actor(ctx, may[i], 0);
        assert_true(fw__authz_may_see_pii(ctx, 17));
    }
    for (i = 0; i < sizeof(may_not) / sizeof(may_not[0]); i++) {
        test_actor(ctx, may_not[i], 0);
        assert_false(fw__authz_may_see_pii(ctx, 17));
    }
    test_actor(ctx, FW_ROLE_WORKER, 17);
    assert_true(fw__authz_may_see_pii(ctx, 17));
    assert_false(fw__authz_may_see_pii(ctx, 18));
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 17);
    assert_false(fw__authz_may_see_pii(ctx, 17));
}

static void role_names(void **state)
{
    static const char *const names[] = { "none", "admin", "operator", "reviewer", "finance",
                                         "tax_agent", "auditor", "enterprise_user", "worker",
                                         "system", "coordinator", "support" };
    uint32_t r;
    (void)state;
    for (r = 0; r <= FW_ROLE_SUPPORT; r++)
        assert_string_equal(fw__role_name(r), names[r]);
    assert_string_equal(fw__role_name(12), "unknown");
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup_admin, test_teardown_ctx)
TEST_MAIN(cmocka_unit_test(no_actor_is_eperm),
          cmocka_unit_test(forbidden_role_names_action_and_role),
          T(owner_checks),
          T(set_actor_validation),
          T(pii_visibility),
          cmocka_unit_test(role_names))
