/* Providers (DESIGN §8): registration with version checks, replies, and the call contract. */
#include <string.h>

#include "support.h"
#include "core/ctx.h"

struct fake {
    int rc;             /* what the callback returns */
    const char *reply;  /* what it answers, NULL = nothing */
    int calls;
    char seen[128];
};

static int fake_fn(const char *req, size_t len, fw_reply *reply, void *payload)
{
    struct fake *f = payload;
    f->calls++;
    snprintf(f->seen, sizeof(f->seen), "%.*s", (int)len, req);
    if (f->reply)
        fw_reply_set(reply, f->reply, strlen(f->reply));
    return f->rc;
}

static int call(struct fake *f, struct fw_reply *r)
{
    return fw__provider_call(fake_fn, f, "{\"order_id\":1}", 14, r);
}

static void call_contract(void **state)
{
    struct fake f = { FW_OK, "{\"status\":\"success\"}", 0, "" };
    struct fw_reply r;
    (void)state;
    assert_int_equal(call(&f, &r), FW_OK);
    assert_string_equal(r.json, "{\"status\":\"success\"}");
    assert_int_equal(r.len, 20);
    assert_string_equal(f.seen, "{\"order_id\":1}");
    fw__reply_clear(&r);
    assert_null(r.json);

    f.rc = FW_EPENDING;
    f.reply = NULL;
    assert_int_equal(call(&f, &r), FW_EPENDING);
    fw__reply_clear(&r);
    f.rc = FW_ETIMEOUT;
    assert_int_equal(call(&f, &r), FW_ETIMEOUT);
    fw__reply_clear(&r);
    f.rc = 404;                               /* a positive code is not one of ours */
    assert_int_equal(call(&f, &r), FW_EPROVIDER);
    fw__reply_clear(&r);
    f.rc = FW_EPERM;                          /* any other failure is the provider's */
    f.reply = "{\"error\":\"denied\"}";
    assert_int_equal(call(&f, &r), FW_EPROVIDER);
    assert_string_equal(r.json, "{\"error\":\"denied\"}");   /* the reply is kept for the record */
    fw__reply_clear(&r);
    f.rc = FW_OK;                             /* OK without a reply */
    f.reply = NULL;
    assert_int_equal(call(&f, &r), FW_EPROVIDER);
    fw__reply_clear(&r);
    assert_int_equal(f.calls, 6);
    /* No callback registered: the operation waits. */
    assert_int_equal(fw__provider_call(NULL, NULL, "{}", 2, &r), FW_EPENDING);
    assert_null(r.json);
}

static int twice_fn(const char *req, size_t len, fw_reply *reply, void *payload)
{
    (void)req; (void)len; (void)payload;
    fw_reply_set(reply, "{\"a\":1}", 7);
    fw_reply_set(reply, "{\"b\":2}xx", 7);   /* replaces; only json_len bytes are taken */
    return FW_OK;
}

static void reply_set(void **state)
{
    struct fw_reply r;
    (void)state;
    assert_int_equal(fw__provider_call(twice_fn, NULL, "{}", 2, &r), FW_OK);
    assert_string_equal(r.json, "{\"b\":2}");
    assert_int_equal(r.len, 7);
    fw__reply_clear(&r);
    assert_int_equal(fw_reply_set(NULL, "{}", 2), FW_EINVAL);
    assert_int_equal(fw_reply_set(&r, NULL, 0), FW_EINVAL);
}

static void registration(void **state)
{
    fw_ctx *ctx = *state;
    struct fake f = { FW_OK, "{}", 0, "" };
    fw_identity_provider id = { FW_IDENTITY_PROVIDER_VERSION, &f, fake_fn, NULL };
    fw_payment_provider pay = { FW_PAYMENT_PROVIDER_VERSION, &f, fake_fn, fake_fn };
    fw_invoice_provider inv = { FW_INVOICE_PROVIDER_VERSION, &f, fake_fn, NULL };
    fw_tax_provider tax = { FW_TAX_PROVIDER_VERSION, &f, fake_fn, fake_fn, fake_fn, fake_fn };
    fw_error *err = NULL;

    assert_rc(fw_ctx_set_identity_provider(ctx, &id, &err), FW_OK, &err);
    assert_rc(fw_ctx_set_payment_provider(ctx, &pay, &err), FW_OK, &err);
    assert_rc(fw_ctx_set_invoice_provider(ctx, &inv, &err), FW_OK, &err);
    assert_rc(fw_ctx_set_tax_provider(ctx, &tax, &err), FW_OK, &err);
    /* The struct is copied: changing the host's copy changes nothing. */
    id.verify_person = NULL;
    assert_ptr_equal(ctx->identity.verify_person, fake_fn);
    assert_ptr_equal(ctx->payment.payload, &f);
    assert_ptr_equal(ctx->tax.certificate, fake_fn);

    pay.version = 2;
    assert_int_equal(fw_ctx_set_payment_provider(ctx, &pay, &err), FW_EVERSION);
    assert_string_equal(fw_error_path(err), "provider.version");
    assert_string_equal(fw_error_message(err), "provider.version: the payment provider struct "
                        "version must be 1..1, got 2");
    fw_error_free(err);
    err = NULL;
    assert_ptr_equal(ctx->payment.submit, fake_fn);       /* unchanged */
    pay.version = 0;
    assert_int_equal(fw_ctx_set_payment_provider(ctx, &pay, NULL), FW_EVERSION);
    inv.version = 9;
    assert_int_equal(fw_ctx_set_invoice_provider(ctx, &inv, NULL), FW_EVERSION);
    tax.version = 9;
    assert_int_equal(fw_ctx_set_tax_provider(ctx, &tax, NULL), FW_EVERSION);
    id.version = 9;
    assert_int_equal(fw_ctx_set_identity_provider(ctx, &id, NULL), FW_EVERSION);

    /* NULL unregisters. */
    assert_rc(fw_ctx_set_payment_provider(ctx, NULL, &err), FW_OK, &err);
    assert_null(ctx->payment.submit);
    assert_int_equal(ctx->payment.version, 0);
    assert_rc(fw_ctx_set_identity_provider(ctx, NULL, &err), FW_OK, &err);
    assert_rc(fw_ctx_set_invoice_provider(ctx, NULL, &err), FW_OK, &err);
    assert_rc(fw_ctx_set_tax_provider(ctx, NULL, &err), FW_OK, &err);
    assert_null(ctx->tax.declare);
    assert_int_equal(fw_ctx_set_tax_provider(NULL, NULL, NULL), FW_EINVAL);
}

TEST_MAIN(cmocka_unit_test(call_contract),
          cmocka_unit_test(reply_set),
          cmocka_unit_test_setup_teardown(registration, test_setup_admin, test_teardown_ctx))
