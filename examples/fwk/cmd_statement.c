/*
 * fwk statement: what the payouts mean to each side (R-5.6, R-6.b, R-7.5.c-e): a worker's
 * income statement, an enterprise's monthly summary, and its accounting vouchers.
 *
 *   fwk statement worker STORE 1 2026-11 --format csv --as worker:1
 *   fwk statement vouchers STORE 1 2026-11 --as enterprise:1
 */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

/* JSON is indented; CSV is printed as the library wrote it. */
static int print_format(char *out, size_t len, uint32_t format)
{
    if (format == FW_PAYOUT_FORMAT_JSON)
        return fwk_print_owned(out, len);
    fwrite(out, 1, len, stdout);
    fw_free(out);
    return FW_OK;
}

static int format_of(const struct fwk *f, uint32_t *format)
{
    const char *s = fwk_opt(f, "format");

    if (!s || strcmp(s, "json") == 0)
        *format = FW_PAYOUT_FORMAT_JSON;
    else if (strcmp(s, "csv") == 0)
        *format = FW_PAYOUT_FORMAT_CSV;
    else
        return FWK_USAGE;
    return FW_OK;
}

static int worker(struct fwk *f, fw_error **err)
{
    uint32_t format;
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = format_of(f, &format)) != FW_OK ||
        (rc = fw_payout_statement(f->ctx, id, f->argv[1], format, &out, &len, err)) != FW_OK)
        return rc;
    return print_format(out, len, format);
}

static int enterprise(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK ||
        (rc = fw_payout_enterprise_summary(f->ctx, id, f->argv[1], &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int vouchers(struct fwk *f, fw_error **err)
{
    uint32_t format;
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = format_of(f, &format)) != FW_OK ||
        (rc = fw_payout_vouchers(f->ctx, id, f->argv[1], format, &out, &len, err)) != FW_OK)
        return rc;
    return print_format(out, len, format);
}

static const struct fwk_verb verbs[] = {
    { "worker", "WORKER_ID YYYY-MM", "format", worker, "the worker's income statement; --format json|csv", 0 },
    { "enterprise", "ENTERPRISE_ID YYYY-MM", "", enterprise, "the enterprise's payouts of the month", 0 },
    { "vouchers", "ENTERPRISE_ID YYYY-MM", "format", vouchers, "accounting vouchers; --format json|csv", 0 },
};

int fwk_cmd_statement(int argc, char **argv)
{
    return FWK_RUN("statement", verbs, argc, argv);
}
