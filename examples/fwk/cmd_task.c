/*
 * fwk task: categories, tasks and assignments. An enterprise creates a task,
 * submits it for review, the platform publishes it, workers take it, deliver, and the
 * enterprise accepts (which makes the pay due).
 *
 *   fwk task create STORE --json task.json --as enterprise:1
 *   fwk task take STORE 1 --as worker:1          (the worker is the --as party)
 */
#include <stdio.h>

#include "fwk.h"

static int id_arg(struct fwk *f, int64_t *id)
{
    return fwk_arg_i64(f, 0, id);
}

static int category_set(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_task_category_set(f->ctx, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"category\":\"recorded\"}");
}

static int category_list(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_task_category_list(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int create(struct fwk *f, fw_error **err)
{
    fw_task *t = NULL;
    const char *json;
    char *out = NULL;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_task_create(&t, f->ctx, json, len, err)) != FW_OK)
        return rc;
    rc = fw_task_to_json(t, &out, &len, err);
    fw_task_free(t);
    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int submit(struct fwk *f, fw_error **err)
{
    uint32_t flags = 0;
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_submit(f->ctx, id, &flags, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"task_id\":%lld,\"state\":\"submitted\",\"flags\":%u}", (long long)id, flags);
}

/* {"decision":"approve"|"reject","reasons"?:[...],"acknowledge"?:[flag codes]} */
static int review(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_task_review(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"task_id\":%lld,\"reviewed\":true}", (long long)id);
}

static int publish(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_publish(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"task_id\":%lld,\"state\":\"published\"}", (long long)id);
}

static int cancel(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_cancel(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"task_id\":%lld,\"state\":\"cancelled\"}", (long long)id);
}

/* --json takes the filter ({"state":...,"enterprise_id":...}); none lists what the actor may see. */
static int list(struct fwk *f, fw_error **err)
{
    const char *filter;
    char *out = NULL;
    size_t flen, len = 0;
    int rc;

    if ((rc = fwk_json_opt(f, &filter, &flen)) != FW_OK ||
        (rc = fw_task_list(f->ctx, filter, flen, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int take(struct fwk *f, fw_error **err)
{
    int64_t id, worker;
    fw_id assignment = 0;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fwk_arg_i64(f, 1, &worker)) != FW_OK)
        return rc;
    if ((rc = fw_task_take(f->ctx, id, worker, &assignment, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"assignment_id\":%lld,\"task_id\":%lld,\"worker_id\":%lld}", (long long)assignment,
                      (long long)id, (long long)worker);
}

static int deliver(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_task_deliver(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"assignment_id\":%lld,\"state\":\"delivered\"}", (long long)id);
}

static int accept(struct fwk *f, fw_error **err)
{
    const char *key = fwk_opt(f, "idem");
    fw_id payable = 0;
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_accept(f->ctx, id, key, &payable, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"assignment_id\":%lld,\"state\":\"accepted\",\"payable_id\":%lld}", (long long)id,
                      (long long)payable);
}

static int reject(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_reject(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"assignment_id\":%lld,\"state\":\"rejected\"}", (long long)id);
}

static int assignment_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = id_arg(f, &id)) != FW_OK || (rc = fw_task_assignment_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int timers(struct fwk *f, fw_error **err)
{
    int64_t changed = 0;
    int rc = fw_task_run_timers(f->ctx, &changed, err);

    return rc != FW_OK ? rc : fwk_printf("{\"changed\":%lld}", (long long)changed);
}

static const struct fwk_verb verbs[] = {
    { "category set", "", "json!", category_set, "{\"code\",\"name\",\"risk_level\",\"restricted\",...}", 0 },
    { "category list", "", "", category_list, NULL, 0 },
    { "create", "", "json!", create, "a draft task of an enterprise", 0 },
    { "get", "TASK_ID", "", get, NULL, 0 },
    { "submit", "TASK_ID", "", submit, "draft -> submitted; prints how many review flags were raised", 0 },
    { "review", "TASK_ID", "json!", review, "{\"decision\":\"approve\"|\"reject\",\"reasons\"?,\"acknowledge\"?}", 0 },
    { "publish", "TASK_ID", "", publish, NULL, 0 },
    { "cancel", "TASK_ID REASON", "", cancel, NULL, 0 },
    { "list", "", "json", list, "--json takes the filter", 0 },
    { "take", "TASK_ID WORKER_ID", "", take, "a worker takes a slot", 0 },
    { "deliver", "ASSIGNMENT_ID", "json!", deliver, "{\"summary\",\"attachments\"?,\"completed_ms\"}", 0 },
    { "accept", "ASSIGNMENT_ID", "idem", accept, "the pay becomes due", 0 },
    { "reject", "ASSIGNMENT_ID REASON", "", reject, NULL, 0 },
    { "assignment", "ASSIGNMENT_ID", "", assignment_get, NULL, 0 },
    { "timers", "", "", timers, "run deadlines due by the clock", 0 },
};

int fwk_cmd_task(int argc, char **argv)
{
    return FWK_RUN("task", verbs, argc, argv);
}
