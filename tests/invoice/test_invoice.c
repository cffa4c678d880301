/* Invoices for the service actually rendered (R-3.3.g). */
#include "support.h"
#include "../payout/world.h"
#include "payout/payout.h"

#include <cjson/cJSON.h>

struct fx {
    fw_ctx *ctx;
    struct world w;
    fw_id ent, ent2, w1;
};

/* Served: two paid payouts (1,000.00 and 500.00 with a 6% fee on top) = 1,590.00. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fw_error *err = NULL;
    fw_id a = 0, b = 0;
    f->ctx = test_open(":memory:");
    world_init(f->ctx, &f->w);
    f->ent = world_enterprise(f->ctx, &f->w, 1);
    f->ent2 = world_enterprise(f->ctx, &f->w, 2);
    f->w1 = world_worker(f->ctx, &f->w, 1);
    world_fund(f->ctx, f->ent, 1000000);
    assert_rc(fw_fee_schedule_set(f->ctx, &a, "{\"enterprise_id\":1,\"valid_from\":\"2026-01-01\",\"rate_ppm\":60000}",
                                  (size_t)-1, &err), FW_OK, &err);
    test_actor(f->ctx, FW_ROLE_FINANCE, 0);
    assert_rc(fw_payout_create(f->ctx, "{\"idempotency_key\":\"p1\",\"enterprise_id\":1,\"worker_id\":1,"
                               "\"amount_fen\":100000,\"task_ref\":\"T-1\"}", (size_t)-1, &a, NULL, &err), FW_OK, &err);
    assert_rc(fw_payout_create(f->ctx, "{\"idempotency_key\":\"p2\",\"enterprise_id\":1,\"worker_id\":1,"
                               "\"amount_fen\":50000,\"task_ref\":\"T-2\"}", (size_t)-1, &b, NULL, &err), FW_OK, &err);
    assert_rc(fw_payout_result(f->ctx, a, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_payout_result(f->ctx, b, FW_PAYOUT_RESULT_SUCCESS, NULL, NULL, NULL, &err), FW_OK, &err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fw_ctx_free(f->ctx);
    free(f);
    return 0;
}

static cJSON *listing(struct fx *f, fw_id ent)
{
    char *out = NULL;
    cJSON *o;
    assert_int_equal(fw_invoice_list(f->ctx, ent, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    return o;
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_non_null(v);
    return (int64_t)cJSON_GetNumberValue(v);
}

static int fake_issue(const char *req, size_t len, fw_reply *reply, void *payload)
{
    static const char ans[] = "{\"invoice_no\":\"24332000000012345678\",\"issued_date\":\"2026-03-15\"}";
    int *calls = payload;
    (void)req;
    (void)len;
    ++*calls;
    return fw_reply_set(reply, ans, sizeof(ans) - 1);
}

static int fake_cancel(const char *req, size_t len, fw_reply *reply, void *payload)
{
    static const char ans[] = "{\"red_invoice_no\":\"24332000000099990001\"}";
    int *calls = payload;
    (void)len;
    assert_non_null(strstr(req, "\"invoice_no\":\"24332000000012345678\""));
    ++*calls;
    return fw_reply_set(reply, ans, sizeof(ans) - 1);
}

/* .g: the total invoiced never exceeds what was served; the error says by how much. */
static void ceiling_is_what_was_served(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    fw_id id = 0, id2 = 0;
    char *out = NULL;
    cJSON *o;

    o = listing(f, f->ent);
    assert_int_equal(num(o, "served_fen"), 159000);
    assert_int_equal(num(o, "available_fen"), 159000);
    cJSON_Delete(o);
    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i1\",\"enterprise_id\":1,\"kind\":\"vat_special\","
                                 "\"amount_fen\":106000}", (size_t)-1, &id, &err), FW_OK, &err);
    assert_int_equal(fw_invoice_get(f->ctx, id, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_int_equal(num(o, "tax_fen"), 6000);          /* 1,060.00 x 6% / 1.06 */
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o, "state")), "requested");
    cJSON_Delete(o);
    assert_int_equal(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i2\",\"enterprise_id\":1,\"kind\":\"vat_normal\","
                                        "\"amount_fen\":60000}", (size_t)-1, &id2, &err), FW_ELIMIT);
    assert_string_equal(fw_error_message(err), "$.amount_fen: an invoice of 600.00 yuan exceeds what is left to "
                                               "invoice by 70.00 yuan (served 1590.00, invoiced 1060.00)");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(id2, 0);
    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i3\",\"enterprise_id\":1,\"kind\":\"vat_normal\","
                                 "\"amount_fen\":53000}", (size_t)-1, &id2, &err), FW_OK, &err);
    o = listing(f, f->ent);
    assert_int_equal(num(o, "available_fen"), 0);
    cJSON_Delete(o);
    /* the same key again: the same invoice */
    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i1\",\"enterprise_id\":1,\"kind\":\"vat_special\","
                                 "\"amount_fen\":106000}", (size_t)-1, &id2, &err), FW_OK, &err);
    assert_int_equal(id2, id);
    /* cancelling a request frees its amount */
    assert_rc(fw_invoice_reverse(f->ctx, id, "{\"reason\":\"wrong title\"}", (size_t)-1, NULL, &err), FW_OK, &err);
    o = listing(f, f->ent);
    assert_int_equal(num(o, "available_fen"), 106000);
    cJSON_Delete(o);
}

/* Issue through the provider, then a red-letter reversal (冲红). */
static void issue_and_red_letter(void **state)
{
    struct fx *f = *state;
    int issued = 0, cancelled = 0;
    fw_invoice_provider p = { FW_INVOICE_PROVIDER_VERSION, &issued, fake_issue, NULL };
    fw_error *err = NULL;
    uint32_t st = 0;
    fw_id id = 0;
    char *out = NULL;
    cJSON *o;

    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i1\",\"enterprise_id\":1,\"kind\":\"vat_special\","
                                 "\"amount_fen\":159000,\"title\":\"杭州云帆科技有限公司1\"}", (size_t)-1, &id, &err),
              FW_OK, &err);
    /* no provider: the invoice waits */
    assert_int_equal(fw_invoice_issue(f->ctx, id, &st, &err), FW_EPENDING);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ctx_set_invoice_provider(f->ctx, &p, NULL), FW_OK);
    assert_rc(fw_invoice_issue(f->ctx, id, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_INVOICE_ISSUED);
    assert_int_equal(issued, 1);
    assert_int_equal(fw_invoice_issue(f->ctx, id, &st, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_invoice_get(f->ctx, id, &out, NULL, NULL), FW_OK);
    o = cJSON_Parse(out);
    fw_free(out);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o, "invoice_no")), "24332000000012345678");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o, "origin")), "provider");
    cJSON_Delete(o);
    /* without a cancel callback the red-letter number is given by hand */
    assert_int_equal(fw_invoice_reverse(f->ctx, id, "{\"reason\":\"退货\"}", (size_t)-1, &st, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.red_invoice_no");
    fw_error_free(err);
    err = NULL;
    p.cancel = fake_cancel;
    p.payload = &cancelled;
    assert_int_equal(fw_ctx_set_invoice_provider(f->ctx, &p, NULL), FW_OK);
    assert_rc(fw_invoice_reverse(f->ctx, id, "{\"reason\":\"退货\"}", (size_t)-1, &st, &err), FW_OK, &err);
    assert_int_equal(st, FW_INVOICE_REVERSED);
    assert_int_equal(cancelled, 1);
    assert_int_equal(fw_invoice_reverse(f->ctx, id, "{\"reason\":\"again\"}", (size_t)-1, &st, &err), FW_ESTATE);
    fw_error_free(err);
    o = listing(f, f->ent);
    assert_int_equal(num(o, "available_fen"), 159000);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "invoices"), 0),
                                                                 "red_invoice_no")), "24332000000099990001");
    cJSON_Delete(o);
}

/* A manual issue records type, number, amount, tax and date; a number is used once. */
static void manual_issue(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    fw_id a = 0, b = 0;

    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i1\",\"enterprise_id\":1,\"kind\":\"vat_normal\","
                                 "\"amount_fen\":100000}", (size_t)-1, &a, &err), FW_OK, &err);
    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i2\",\"enterprise_id\":1,\"kind\":\"vat_normal\","
                                 "\"amount_fen\":50000}", (size_t)-1, &b, &err), FW_OK, &err);
    assert_int_equal(fw_invoice_record(f->ctx, a, "{\"kind\":\"vat_normal\",\"invoice_no\":\"N-1\",\"amount_fen\":99999,"
                                       "\"tax_fen\":5660,\"date\":\"2026-03-16\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.amount_fen: must be the requested 100000 fen, got 99999");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_invoice_record(f->ctx, a, "{\"kind\":\"vat_normal\",\"invoice_no\":\"N-1\",\"amount_fen\":100000,"
                                "\"tax_fen\":5660,\"date\":\"2026-03-16\"}", (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(fw_invoice_record(f->ctx, b, "{\"kind\":\"vat_normal\",\"invoice_no\":\"N-1\",\"amount_fen\":50000,"
                                       "\"tax_fen\":2830,\"date\":\"2026-03-16\"}", (size_t)-1, &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err), "invoice_no: invoice number \"N-1\" is on invoice 1 already");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_invoice_reverse(f->ctx, a, "{\"reason\":\"开错\",\"red_invoice_no\":\"R-1\"}", (size_t)-1, NULL, &err),
              FW_OK, &err);
}

/* R-6.h: an enterprise user requests and reads for its own enterprise only. */
static void enterprise_rights(void **state)
{
    struct fx *f = *state;
    fw_error *err = NULL;
    char *out = NULL;
    fw_id id = 0;

    test_actor(f->ctx, FW_ROLE_ENTERPRISE_USER, f->ent2);
    assert_int_equal(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i1\",\"enterprise_id\":1,\"kind\":\"vat_normal\","
                                        "\"amount_fen\":100}", (size_t)-1, &id, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_invoice_list(f->ctx, f->ent, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    /* its own enterprise was served nothing */
    assert_int_equal(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i2\",\"enterprise_id\":2,\"kind\":\"vat_normal\","
                                        "\"amount_fen\":100}", (size_t)-1, &id, &err), FW_ELIMIT);
    fw_error_free(err);
    err = NULL;
    test_actor(f->ctx, FW_ROLE_ENTERPRISE_USER, f->ent);
    assert_rc(fw_invoice_request(f->ctx, "{\"idempotency_key\":\"i3\",\"enterprise_id\":1,\"kind\":\"vat_normal\","
                                 "\"amount_fen\":100}", (size_t)-1, &id, &err), FW_OK, &err);
    assert_int_equal(fw_invoice_issue(f->ctx, id, NULL, &err), FW_EPERM);
    fw_error_free(err);
    assert_int_equal(fw_invoice_get(f->ctx, id, &out, NULL, NULL), FW_OK);
    fw_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ceiling_is_what_was_served, setup, teardown),
        cmocka_unit_test_setup_teardown(issue_and_red_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(manual_issue, setup, teardown),
        cmocka_unit_test_setup_teardown(enterprise_rights, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
