/*
 * fwk tax: quotes, withholding, declarations, payment and certificates.
 *
 *   fwk tax quote STORE 2000000 --at 2026-03-15     per-payment IIT on a 20,000.00 payment
 *   fwk tax quote STORE --json '{"kind":"vat",...}'  any calculator request, with its explanation
 *   fwk tax quote STORE 2000000 --worker 7           what withholding would take for worker 7
 */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

static int method_of(const char *s, uint32_t *out)
{
    if (!s || strcmp(s, "auto") == 0)
        *out = FW_TAX_METHOD_AUTO;
    else if (strcmp(s, "cumulative") == 0)
        *out = FW_TAX_METHOD_CUMULATIVE;
    else if (strcmp(s, "per_payment") == 0)
        *out = FW_TAX_METHOD_PER_PAYMENT;
    else
        return FWK_USAGE;
    return FW_OK;
}

static int quote(struct fwk *f, fw_error **err)
{
    fw_tax_calc *calc = NULL;
    const char *req;
    char *out = NULL;
    size_t req_len, len = 0;
    int64_t at, gross = 0, worker, tax = 0;
    uint32_t method;
    int rc;

    if ((rc = fwk_opt_time(f, "at", &at)) != FW_OK || (rc = fwk_opt_i64(f, "worker", 0, &worker)) != FW_OK ||
        (rc = method_of(fwk_opt(f, "method"), &method)) != FW_OK || (rc = fwk_json_opt(f, &req, &req_len)) != FW_OK)
        return rc;
    if ((req != NULL) == (f->argc == 1))
        return FWK_USAGE; /* GROSS_FEN or --json, one of the two */
    if (f->argc == 1 && (rc = fwk_arg_i64(f, 0, &gross)) != FW_OK)
        return rc;
    if ((rc = fw_tax_calc_new(&calc, f->ctx, at, err)) != FW_OK)
        return rc;
    rc = fw_tax_calc_set_method(calc, method, err);
    if (rc == FW_OK && req) {
        rc = fw_tax_calc_compute(calc, req, req_len, &out, &len, err);
        if (rc == FW_OK)
            fwk_print_owned(out, len);
    } else if (rc == FW_OK && worker) {
        rc = fw_tax_calc_withholding(calc, worker, gross, &tax, err);
        if (rc == FW_OK)
            fwk_printf("{\"worker_id\":%lld,\"gross_fen\":%lld,\"withheld_fen\":%lld}", (long long)worker,
                       (long long)gross, (long long)tax);
    } else if (rc == FW_OK) {
        rc = fw_tax_calc_labour_payment(calc, gross, &tax, err);
        if (rc == FW_OK)
            fwk_printf("{\"kind\":\"labour_payment\",\"method\":\"per_payment\",\"gross_fen\":%lld,\"iit_fen\":%lld}",
                       (long long)gross, (long long)tax);
    }
    fw_tax_calc_free(calc);
    return rc;
}

static int withhold(struct fwk *f, fw_error **err)
{
    int64_t worker, gross, at, withheld = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &worker)) != FW_OK || (rc = fwk_arg_i64(f, 2, &gross)) != FW_OK ||
        (rc = fwk_opt_time(f, "at", &at)) != FW_OK)
        return rc;
    if ((rc = fw_tax_withhold(f->ctx, worker, f->argv[1], gross, at, &withheld, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"payment_ref\":\"%s\",\"gross_fen\":%lld,\"withheld_fen\":%lld}", fwk_esc(f->argv[1]),
                      (long long)gross, (long long)withheld);
}

static int reverse(struct fwk *f, fw_error **err)
{
    int64_t at, adjust = 0;
    int rc;

    if ((rc = fwk_opt_time(f, "at", &at)) != FW_OK)
        return rc;
    if ((rc = fw_tax_reverse(f->ctx, f->argv[0], at, &adjust, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"payment_ref\":\"%s\",\"adjust_fen\":%lld}", fwk_esc(f->argv[0]), (long long)adjust);
}

static int withholding(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_tax_withholding_get(f->ctx, f->argv[0], &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int cumulative(struct fwk *f, fw_error **err)
{
    int64_t worker, year;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &worker)) != FW_OK || (rc = fwk_arg_i64(f, 1, &year)) != FW_OK)
        return rc;
    if ((rc = fw_tax_cumulative_get(f->ctx, worker, (int32_t)year, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int warnings(struct fwk *f, fw_error **err)
{
    int64_t worker;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &worker)) != FW_OK)
        return rc;
    if ((rc = fw_tax_warnings(f->ctx, worker, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int policies(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_tax_policies(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int policy_set(struct fwk *f, fw_error **err)
{
    int rc = fw_tax_set_policy(f->ctx, f->argv[0], f->argv[1], err);

    return rc != FW_OK ? rc : fwk_printf("{\"policy\":\"%s\",\"value\":\"%s\"}", f->argv[0], f->argv[1]);
}

static int rules_load(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_tax_rules_load(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"rule_file_id\":%lld}", (long long)id);
}

static int declaration_build(struct fwk *f, fw_error **err)
{
    fw_id id = 0;
    int rc = fw_tax_declaration_build(f->ctx, f->argv[0], &id, err);

    return rc != FW_OK ? rc : fwk_printf("{\"declaration_id\":%lld,\"period\":\"%s\"}", (long long)id, f->argv[0]);
}

static int declaration_submit(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_tax_declaration_submit(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"declaration_id\":%lld,\"submitted\":true}", (long long)id);
}

/* The bureau's answer: {"status":"accepted","receipt_no":...} or {"status":"rejected","reason":...}. */
static int declaration_resolve(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_tax_declaration_resolve(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"declaration_id\":%lld,\"resolved\":true}", (long long)id);
}

static int declaration_get(struct fwk *f, fw_error **err)
{
    return fwk_get_json(f, fw_tax_declaration_get, err);
}

static int declaration_csv(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_tax_declaration_export_csv(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    fwrite(out, 1, len, stdout);
    fw_free(out);
    return FW_OK;
}

static int pay(struct fwk *f, fw_error **err)
{
    char keybuf[64];
    int64_t id;
    fw_id payment = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_tax_pay(f->ctx, id, fwk_idem(f, keybuf, sizeof(keybuf)), &payment, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"payment_id\":%lld,\"declaration_id\":%lld}", (long long)payment, (long long)id);
}

/* {"status":"paid","bank_ref":...} or {"status":"failed","reason":...}. */
static int payment_resolve(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_tax_payment_resolve(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"payment_id\":%lld,\"resolved\":true}", (long long)id);
}

static int certificate_issue(struct fwk *f, fw_error **err)
{
    int64_t worker;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &worker)) != FW_OK)
        return rc;
    if ((rc = fw_tax_certificate_issue(f->ctx, worker, f->argv[1], &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"certificate_id\":%lld,\"worker_id\":%lld,\"period\":\"%s\"}", (long long)id,
                      (long long)worker, f->argv[1]);
}

static int certificate_get(struct fwk *f, fw_error **err)
{
    return fwk_get_json(f, fw_tax_certificate_get, err);
}

/* Downloads the document and checks its signature against this store's platform key. */
static int certificate_verify(struct fwk *f, fw_error **err)
{
    uint8_t *doc = NULL, pk[32];
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_audit_public_key(f->ctx, pk, err)) != FW_OK ||
        (rc = fw_tax_certificate_download(f->ctx, id, &doc, &len, err)) != FW_OK)
        return rc;
    rc = fw_tax_certificate_verify(doc, len, pk, err);
    fw_free(doc);
    return rc != FW_OK ? rc : fwk_printf("{\"certificate_id\":%lld,\"signature\":\"verifies\"}", (long long)id);
}

static const struct fwk_verb verbs[] = {
    { "quote", "[GROSS_FEN]", "json worker method at", quote,
      "per-payment IIT on GROSS_FEN; with --worker what withholding would take; or --json request", 0 },
    { "withhold", "WORKER_ID PAYMENT_REF GROSS_FEN", "at", withhold, "record the withholding on a payment", 0 },
    { "reverse", "PAYMENT_REF", "at", reverse, "the payment was returned", 0 },
    { "withholding", "PAYMENT_REF", "", withholding, "a payment's withholding record", 0 },
    { "cumulative", "WORKER_ID YEAR", "", cumulative, "year-to-date figures", 0 },
    { "warnings", "WORKER_ID", "", warnings, NULL, 0 },
    { "policies", "", "", policies, NULL, 0 },
    { "policy set", "NAME VALUE", "", policy_set, "e.g. iit.labour_method per_payment", 0 },
    { "rules load", "", "json!", rules_load, "a host rule file", 0 },
    { "declaration build", "YYYY-MM", "", declaration_build, NULL, 0 },
    { "declaration submit", "ID", "", declaration_submit, NULL, 0 },
    { "declaration resolve", "ID", "json!", declaration_resolve, "{\"status\":\"accepted\",\"receipt_no\":...}", 0 },
    { "declaration get", "ID", "", declaration_get, NULL, 0 },
    { "declaration csv", "ID", "", declaration_csv, NULL, 0 },
    { "pay", "DECLARATION_ID", "idem", pay, "pay the tax of an accepted declaration", 0 },
    { "payment resolve", "ID", "json!", payment_resolve, "{\"status\":\"paid\",\"bank_ref\":...}", 0 },
    { "certificate issue", "WORKER_ID YYYY-MM", "", certificate_issue, "the platform's signed certificate", 0 },
    { "certificate get", "ID", "", certificate_get, NULL, 0 },
    { "certificate verify", "ID", "", certificate_verify, "its signature against the platform key", 0 },
};

int fwk_cmd_tax(int argc, char **argv)
{
    return FWK_RUN("tax", verbs, argc, argv);
}
