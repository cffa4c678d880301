/*
 * fwk party: the platform's profile, enterprises and workers.
 *
 *   fwk party enterprise apply STORE --json application.json
 *   fwk party enterprise verify STORE ID
 *   fwk party enterprise review STORE ID --json '{"decision":"approve"}' file
 *   fwk party enterprise activate STORE ID
 */
#include <stdio.h>

#include "fwk.h"

static const char *enterprise_state(uint32_t s)
{
    static const char *names[] = { "?", "applied", "under_review", "verified", "rejected",
                                   "signed", "active", "suspended", "cancelled" };
    return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static const char *worker_state(uint32_t s)
{
    static const char *names[] = { "?", "registered", "verified", "failed", "signed", "active", "suspended", "closed" };
    return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int enterprise_apply(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_party_enterprise_apply(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enterprise_id\":%lld,\"state\":\"applied\"}", (long long)id);
}

static int enterprise_verify(struct fwk *f, fw_error **err)
{
    int64_t id;
    uint32_t state = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_party_enterprise_verify(f->ctx, id, &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enterprise_id\":%lld,\"state\":\"%s\"}", (long long)id, enterprise_state(state));
}

static int enterprise_review(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_party_enterprise_review(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enterprise_id\":%lld,\"reviewed\":true}", (long long)id);
}

static int enterprise_activate(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_party_enterprise_activate(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enterprise_id\":%lld,\"state\":\"active\"}", (long long)id);
}

static int enterprise_suspend(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_party_enterprise_suspend(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enterprise_id\":%lld,\"state\":\"suspended\"}", (long long)id);
}

static int enterprise_get(struct fwk *f, fw_error **err)
{
    return fwk_get_json(f, fw_party_enterprise_get, err);
}

static int worker_register(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_party_worker_register(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"worker_id\":%lld,\"state\":\"registered\"}", (long long)id);
}

static int worker_verify(struct fwk *f, fw_error **err)
{
    int64_t id;
    uint32_t state = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_party_worker_verify(f->ctx, id, fwk_opt(f, "liveness"), &state, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"worker_id\":%lld,\"state\":\"%s\"}", (long long)id, worker_state(state));
}

static int worker_review(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_party_worker_review(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"worker_id\":%lld,\"reviewed\":true}", (long long)id);
}

static int worker_activate(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_party_worker_activate(f->ctx, id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"worker_id\":%lld,\"state\":\"active\"}", (long long)id);
}

static int worker_get(struct fwk *f, fw_error **err)
{
    return fwk_get_json(f, fw_party_worker_get, err);
}

static int platform_set(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_party_platform_set(f->ctx, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"platform\":\"recorded\"}");
}

static int platform_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc;

    if ((rc = fw_party_platform_get(f->ctx, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int channel_add(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if ((rc = fw_party_channel_add(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"channel_id\":%lld}", (long long)id);
}

static int platform_check(struct fwk *f, fw_error **err)
{
    int rc = fw_party_platform_check(f->ctx, err);

    return rc != FW_OK ? rc : fwk_printf("{\"platform\":\"may move money\"}");
}

static const struct fwk_verb verbs[] = {
    { "enterprise apply", "", "json!", enterprise_apply, "an enterprise applies (R-5.1)", 0 },
    { "enterprise verify", "ID", "", enterprise_verify, "registry check; without a provider it waits for review", 0 },
    { "enterprise review", "ID", "json!", enterprise_review,
      "{\"decision\":\"approve\"|\"reject\",\"reasons\":[...]}", 0 },
    { "enterprise activate", "ID", "", enterprise_activate, "activate once the cooperation agreement is signed", 0 },
    { "enterprise suspend", "ID REASON", "", enterprise_suspend, NULL, 0 },
    { "enterprise get", "ID", "", enterprise_get, NULL, 0 },
    { "worker register", "", "json!", worker_register, "a worker registers (R-5.2)", 0 },
    { "worker verify", "ID", "liveness", worker_verify, "real-name check; without a provider it waits for review", 0 },
    { "worker review", "ID", "json!", worker_review, "{\"decision\":\"approve\"|\"reject\",\"reason\":...}", 0 },
    { "worker activate", "ID", "", worker_activate, "activate once the service agreement is signed", 0 },
    { "worker get", "ID", "", worker_get, "personal data masked unless the actor may see it", 0 },
    { "platform set", "", "json!", platform_set, "the platform's profile and licences (R-4.1)", 0 },
    { "platform get", "", "", platform_get, NULL, 0 },
    { "platform channel", "", "json!", channel_add, "record a payment-channel agreement", 0 },
    { "platform check", "", "", platform_check, "whether the platform may move money", 0 },
};

int fwk_cmd_party(int argc, char **argv)
{
    return FWK_RUN("party", verbs, argc, argv);
}
