/* fwk demo [STORE]: runs a platform's flow end to end on an embedded store. */
#include <stdio.h>

#include "demo.h"

static const struct {
    const char *name;
    int (*fn)(struct demo *d);
} steps[] = {
    { "core", demo_core },
    { "party", demo_party },
    { "ledger", demo_ledger },
    { "risk", demo_risk },
    { "task", demo_task },
    { "tax", demo_tax },
    { "payout", demo_payout },
    { "recon", demo_recon },
    { "archive", demo_archive },
    { "insurance", demo_insurance },
    { "service", demo_service },
};

/* Core: the store is open; sign the audit chain's head and verify it offline. */
int demo_core(struct demo *d)
{
    fw_error *err = NULL;
    uint8_t pk[32];
    char *cp = NULL, *exported = NULL;
    size_t len = 0;
    int64_t bad = -1;
    int rc;

    rc = fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-admin", &err);
    if (rc == FW_OK)
        rc = fw_audit_verify(d->ctx, &bad, &err);
    if (rc == FW_OK)
        rc = fw_audit_public_key(d->ctx, pk, &err);
    if (rc == FW_OK)
        printf("  audit chain verifies; platform key %02x%02x%02x%02x...\n", pk[0], pk[1], pk[2], pk[3]);
    if (rc == FW_OK && (rc = fw_audit_checkpoint(d->ctx, &cp, NULL, &err)) == FW_ESTATE) {
        printf("  audit log is still empty: nothing to sign yet\n");
        fw_error_free(err);
        err = NULL;
        return 0;
    }
    if (rc == FW_OK)
        rc = fw_audit_export(d->ctx, 1, 0, &exported, &len, &err);
    if (rc == FW_OK)
        rc = fw_audit_verify_export(exported, len, pk, &bad, &err);
    if (rc == FW_OK)
        printf("  checkpoint %s\n  exported log (%zu bytes) verifies offline\n", cp, len);
    fw_free(cp);
    fw_free(exported);
    return rc == FW_OK ? 0 : fwk_fail("core", rc, err);
}

int fwk_cmd_demo(int argc, char **argv)
{
    struct demo d = { 0 };
    const char *path = argc > 1 ? argv[1] : ":memory:";
    size_t i;
    int status = 0;

    if (fwk_open(&d.ctx, path))
        return 1;
    printf("libflexwork %s demo on %s\n", fw_version_string(), path);
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && status == 0; i++) {
        printf("[%s]\n", steps[i].name);
        status = steps[i].fn(&d);
    }
    fw_ctx_free(d.ctx);
    if (status == 0)
        printf("demo finished: every step succeeded\n");
    return status;
}
