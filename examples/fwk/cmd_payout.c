/*
 * fwk payout: from accepted work to money in the worker's account. An order
 * runs the gates, the fee, the tax withholding and a hold on the enterprise's funds; the
 * payment channel's answer (or an operator's `result`) pays or fails it.
 *
 *   echo '{"idempotency_key":"pay-1","payable_id":1}' | fwk payout order STORE --json - --as finance
 *   fwk payout submit STORE 1 --as finance
 *   fwk payout result STORE 1 success --ref BANK-REF-1 --as finance
 */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

static int print_order(struct fwk *f, fw_id id, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_payout_get(f->ctx, id, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

/* One order: a direct payment or a task's payable item; prints the order with its timeline. */
static int order(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    uint32_t state = 0;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_payout_create(f->ctx, json, len, &id, &state, err)) != FW_OK)
        return rc;
    return print_order(f, id, err);
}

static int get(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    return print_order(f, id, err);
}

static int submit(struct fwk *f, fw_error **err)
{
    uint32_t state = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_payout_submit(f->ctx, id, &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"order_id\":%lld,\"state\":\"%s\"}", (long long)id, fw_payout_state_name(state));
}

static int batch(struct fwk *f, fw_error **err)
{
    const char *json;
    char *out = NULL;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_payout_batch(f->ctx, json, len, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* A batch of every accepted, unpaid payable item of an enterprise. */
static int batch_payables(struct fwk *f, fw_error **err)
{
    const char *json;
    char *out = NULL;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_payout_batch_payables(f->ctx, json, len, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int batch_submit(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_payout_batch_submit(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* The channel's answer when it has no provider: RESULT is success, failed or returned. */
static int result(struct fwk *f, fw_error **err)
{
    static const char *names[] = { "", "success", "failed", "returned" };
    uint32_t res = 0, state = 0, i;
    int64_t id;
    int rc;

    for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(f->argv[1], names[i]) == 0)
            res = i; /* FW_PAYOUT_RESULT_SUCCESS, _FAILED, _RETURNED */
    if (!res) {
        fprintf(stderr, "fwk: %s: RESULT is success, failed or returned, got '%s'\n", f->what, f->argv[1]);
        return FWK_USAGE;
    }
    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK ||
        (rc = fw_payout_result(f->ctx, id, res, fwk_opt(f, "ref"), fwk_opt(f, "reason"), &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"order_id\":%lld,\"state\":\"%s\"}", (long long)id, fw_payout_state_name(state));
}

/* Asks the channel about submitted orders (a scheduled job's sweep). */
static int query(struct fwk *f, fw_error **err)
{
    int64_t max, resolved = 0;
    int rc;

    if ((rc = fwk_opt_i64(f, "max", 1000, &max)) != FW_OK)
        return rc;
    if (max < 1 || max > UINT32_MAX)
        return FWK_USAGE;
    if ((rc = fw_payout_sweep(f->ctx, (uint32_t)max, &resolved, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"resolved\":%lld}", (long long)resolved);
}

static int list(struct fwk *f, fw_error **err)
{
    const char *query_json;
    char *out = NULL;
    size_t qlen, len = 0;
    int rc;

    if ((rc = fwk_json_opt(f, &query_json, &qlen)) != FW_OK ||
        (rc = fw_payout_list(f->ctx, query_json, qlen, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int release(struct fwk *f, fw_error **err)
{
    uint32_t state = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK ||
        (rc = fw_payout_release(f->ctx, id, f->argv[1], &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"order_id\":%lld,\"state\":\"%s\"}", (long long)id, fw_payout_state_name(state));
}

static int cancel(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_payout_cancel(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"order_id\":%lld,\"state\":\"cancelled\"}", (long long)id);
}

static const struct fwk_verb verbs[] = {
    { "order", "", "json!", order,
      "{\"idempotency_key\",\"payable_id\"} or {...,\"worker_id\",\"amount_fen\",\"task_ref\"}", 0 },
    { "get", "ORDER_ID", "", get, "an order with its state timeline", 0 },
    { "submit", "ORDER_ID", "", submit, "hand a held order to the payment channel", 0 },
    { "batch", "", "json!", batch,
      "{\"idempotency_key\",\"enterprise_id\",\"mode\"?,\"submit\"?,\"orders\":[...]}", 0 },
    { "batch payables", "", "json!", batch_payables, "every accepted, unpaid item of an enterprise", 0 },
    { "batch submit", "BATCH_ID", "", batch_submit, NULL, 0 },
    { "result", "ORDER_ID success|failed|returned", "ref reason", result, "the channel's answer, by hand", 0 },
    { "query", "", "max", query, "ask the channel about submitted orders", 0 },
    { "list", "", "json", list, "--json takes the query", 0 },
    { "release", "ORDER_ID NOTE", "", release, "a suspended order goes on after review", 0 },
    { "cancel", "ORDER_ID REASON", "", cancel, NULL, 0 },
};

int fwk_cmd_payout(int argc, char **argv)
{
    return FWK_RUN("payout", verbs, argc, argv);
}
