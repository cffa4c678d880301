/*
 * fwk contract: templates, contracts and electronic signatures.
 * A contract is created from a template, sent, then signed by each party in turn: run `sign`
 * once per party with --as naming it (enterprise:ID, worker:ID, or admin for the platform).
 */
#include <stdio.h>

#include "fwk.h"

static const char *state_name(uint32_t s)
{
    static const char *names[] = { "?", "draft", "sent", "partially_signed", "signed", "terminated", "expired",
                                   "superseded" };
    return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int template_add(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_contract_template_add(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"template_id\":%lld}", (long long)id);
}

static int template_get(struct fwk *f, fw_error **err)
{
    return fwk_get_json(f, fw_contract_template_get, err);
}

static int create(struct fwk *f, fw_error **err)
{
    fw_contract *c = NULL;
    const char *json;
    uint8_t h[32];
    char hex[65];
    size_t len, i;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_contract_create(&c, f->ctx, json, len, err)) != FW_OK)
        return rc;
    fw_contract_hash(c, h);
    for (i = 0; i < sizeof(h); i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    fwk_printf("{\"contract_id\":%lld,\"state\":\"%s\",\"sha256\":\"%s\"}", (long long)fw_contract_id(c),
               state_name(fw_contract_state(c)), hex);
    fw_contract_free(c);
    return FW_OK;
}

static int send(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_contract_send(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"contract_id\":%lld,\"state\":\"sent\"}", (long long)id);
}

/* Evidence of the act of signing is optional: --json '{"auth_method":"sms_code",...}' file. */
static int sign(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    uint32_t state = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json_opt(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_contract_sign(f->ctx, id, json, len, &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"contract_id\":%lld,\"state\":\"%s\"}", (long long)id, state_name(state));
}

/* Prints the finding also when it is bad: the report says which part failed. */
static int verify(struct fwk *f, fw_error **err)
{
    char *report = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    rc = fw_contract_verify(f->ctx, id, &report, &len, err);
    if (report)
        fwk_print_owned(report, len);
    return rc;
}

static int get(struct fwk *f, fw_error **err)
{
    fw_contract *c = NULL;
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_contract_load(&c, f->ctx, id, err)) != FW_OK)
        return rc;
    rc = fw_contract_to_json(c, &out, &len, err);
    fw_contract_free(c);
    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static int terminate(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_contract_terminate(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"contract_id\":%lld,\"state\":\"terminated\"}", (long long)id);
}

static const struct fwk_verb verbs[] = {
    { "template add", "", "json!", template_add, "a template with {{placeholders}}", 0 },
    { "template get", "ID", "", template_get, NULL, 0 },
    { "create", "", "json!", create, "{\"template_id\",\"enterprise_id\"?,\"worker_id\"?,\"values\"?}", 0 },
    { "send", "ID", "", send, "draft -> sent", 0 },
    { "sign", "ID", "json", sign, "sign as the --as actor; --json gives the evidence", 0 },
    { "verify", "ID", "", verify, "document hash and every signature", 0 },
    { "get", "ID", "", get, NULL, 0 },
    { "terminate", "ID REASON", "", terminate, NULL, 0 },
};

int fwk_cmd_contract(int argc, char **argv)
{
    return FWK_RUN("contract", verbs, argc, argv);
}
