/*
 * fwk invoice: invoices to enterprises for the service actually rendered (R-3.3.g). Without an
 * e-invoicing provider an issued invoice waits as requested until an operator records the
 * number issued by hand; an issued invoice is reversed by a red-letter invoice.
 *
 *   echo '{"idempotency_key":"inv-1","enterprise_id":1,"kind":"vat_normal","amount_fen":100000}' |
 *     fwk invoice request STORE --json - --as enterprise:1
 *   fwk invoice issue STORE 1 --as finance
 */
#include <stdio.h>

#include "fwk.h"

static const char *state_name(uint32_t s)
{
    static const char *names[] = { "?", "requested", "issued", "reversed", "cancelled" };
    return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int print_invoice(struct fwk *f, fw_id id, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_invoice_get(f->ctx, id, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int request(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_invoice_request(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return print_invoice(f, id, err);
}

/* Through the provider; without one the library answers FW_EPENDING and the request waits. */
static int issue(struct fwk *f, fw_error **err)
{
    uint32_t state = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_invoice_issue(f->ctx, id, &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"invoice_id\":%lld,\"state\":\"%s\"}", (long long)id, state_name(state));
}

/* An invoice issued by hand: {"kind","invoice_no","amount_fen","tax_fen","date"}. */
static int record(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_invoice_record(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return print_invoice(f, id, err);
}

/* {"reason","red_invoice_no"? (without a provider)}; a requested invoice is cancelled instead. */
static int reverse(struct fwk *f, fw_error **err)
{
    const char *json;
    uint32_t state = 0;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_invoice_reverse(f->ctx, id, json, len, &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"invoice_id\":%lld,\"state\":\"%s\"}", (long long)id, state_name(state));
}

static int get(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    return print_invoice(f, id, err);
}

/* What was served, what is invoiced and what is left to invoice, with every invoice. */
static int list(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t ent;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fw_invoice_list(f->ctx, ent, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static const struct fwk_verb verbs[] = {
    { "request", "", "json!", request, "{\"idempotency_key\",\"enterprise_id\",\"kind\",\"amount_fen\",...}", 0 },
    { "issue", "INVOICE_ID", "", issue, "through the e-invoicing provider", 0 },
    { "record", "INVOICE_ID", "json!", record, "an invoice issued by hand", 0 },
    { "reverse", "INVOICE_ID", "json!", reverse, "a red-letter invoice {\"reason\",\"red_invoice_no\"?}", 0 },
    { "get", "INVOICE_ID", "", get, NULL, 0 },
    { "list", "ENTERPRISE_ID", "", list, "served, invoiced, available, and every invoice", 0 },
};

int fwk_cmd_invoice(int argc, char **argv)
{
    return FWK_RUN("invoice", verbs, argc, argv);
}
