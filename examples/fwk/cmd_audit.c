/* fwk audit verify STORE: walks the audit chain and names the first broken record. */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

int fwk_cmd_audit(int argc, char **argv)
{
    fw_ctx *ctx;
    fw_error *err = NULL;
    int64_t bad = 0;
    int rc;

    if (argc != 3 || strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "usage: fwk audit verify STORE\n");
        return 2;
    }
    if (fwk_open(&ctx, argv[2]))
        return 1;
    rc = fw_ctx_set_actor(ctx, FW_ROLE_AUDITOR, 0, "fwk", &err);
    if (rc == FW_OK)
        rc = fw_audit_verify(ctx, &bad, &err);
    fw_ctx_free(ctx);
    if (rc != FW_OK)
        return fwk_fail("audit verify", rc, err);
    printf("audit chain verifies\n");
    return 0;
}
