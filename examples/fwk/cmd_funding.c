/*
 * fwk funding: money arriving from enterprises (R-7.5.a). A bank notice is recognised by the
 * payer's registered account, the enterprise's virtual account or its reference code in the
 * remark; what matches nothing waits in suspense for an operator to assign or return it.
 */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

static int state_of(const char *s, uint32_t *out)
{
    static const char *names[] = { "all", "recognised", "suspense", "assigned", "returned" };
    uint32_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return FW_OK;
        }
    return FWK_USAGE;
}

static int source(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t ent;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_funding_register_source(f->ctx, &id, ent, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"source_id\":%lld,\"enterprise_id\":%lld}", (long long)id, (long long)ent);
}

static int reference(struct fwk *f, fw_error **err)
{
    char *code = NULL;
    int64_t ent;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK || (rc = fw_funding_reference_code(f->ctx, ent, &code, err)) != FW_OK)
        return rc;
    fwk_printf("{\"enterprise_id\":%lld,\"reference_code\":\"%s\"}", (long long)ent, code);
    fw_free(code);
    return FW_OK;
}

/* The bank's notice of an incoming transfer, then where it went. */
static int notice(struct fwk *f, fw_error **err)
{
    const char *json;
    char *out = NULL;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_funding_notice(f->ctx, &id, json, len, err)) != FW_OK)
        return rc;
    if ((rc = fw_funding_incoming_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_funding_incoming_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int list(struct fwk *f, fw_error **err)
{
    const char *s = fwk_opt(f, "state");
    uint32_t state = 0;
    int64_t limit, before;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if ((s && (rc = state_of(s, &state)) != FW_OK) || (rc = fwk_opt_i64(f, "limit", 100, &limit)) != FW_OK ||
        (rc = fwk_opt_i64(f, "before", 0, &before)) != FW_OK)
        return rc;
    if (limit < 1 || limit > 1000)
        return FWK_USAGE;
    if ((rc = fw_funding_incoming_list(f->ctx, state, (uint32_t)limit, before, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int assign(struct fwk *f, fw_error **err)
{
    int64_t id, ent;
    char keybuf[64];
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_arg_i64(f, 1, &ent)) != FW_OK)
        return rc;
    if ((rc = fw_funding_assign(f->ctx, id, ent, fwk_idem(f, keybuf, sizeof(keybuf)), err)) != FW_OK)
        return rc;
    return fwk_printf("{\"incoming_id\":%lld,\"state\":\"assigned\",\"enterprise_id\":%lld}", (long long)id,
                      (long long)ent);
}

static int give_back(struct fwk *f, fw_error **err)
{
    char keybuf[64];
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK ||
        (rc = fw_funding_return(f->ctx, id, fwk_idem(f, keybuf, sizeof(keybuf)), err)) != FW_OK)
        return rc;
    return fwk_printf("{\"incoming_id\":%lld,\"state\":\"returned\"}", (long long)id);
}

static const struct fwk_verb verbs[] = {
    { "source", "ENTERPRISE_ID", "json!", source, "register a payer account {\"payer_account\",\"payer_name\"?}", 0 },
    { "reference", "ENTERPRISE_ID", "", reference, "the code an enterprise writes in the transfer remark", 0 },
    { "notice", "", "json!", notice, "{\"bank_txn_id\",\"amount_fen\",\"payer_account\"?,\"remark\"?,...}", 0 },
    { "get", "INCOMING_ID", "", get, NULL, 0 },
    { "list", "", "state limit before", list, "--state all|recognised|suspense|assigned|returned", 0 },
    { "assign", "INCOMING_ID ENTERPRISE_ID", "idem", assign, "from suspense to an enterprise", 0 },
    { "return", "INCOMING_ID", "idem", give_back, "from suspense back to the payer", 0 },
};

int fwk_cmd_funding(int argc, char **argv)
{
    return FWK_RUN("funding", verbs, argc, argv);
}
