/* fwk init STORE: creates a store, or opens an existing one and reports its schema. */
#include <stdio.h>

#include "fwk.h"

int fwk_cmd_init(int argc, char **argv)
{
    fw_ctx *ctx;

    if (argc != 2) {
        fprintf(stderr, "usage: fwk init STORE\n");
        return 2;
    }
    if (fwk_open(&ctx, argv[1]))
        return 1;
    printf("store %s ready (core schema %d)\n", argv[1], fw_ctx_schema_version(ctx, "core"));
    fw_ctx_free(ctx);
    return 0;
}
