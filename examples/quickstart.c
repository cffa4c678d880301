/* The shortest libflexwork host: open a store, act as the platform admin, verify the audit log.
 *   cc quickstart.c $(pkg-config --cflags --libs flexwork) && ./a.out */
#include <stdio.h>
#include <flexwork.h>

int main(void)
{
    static const uint8_t key[32] = { 1, 2, 3 };  /* use a real 32-byte secret */
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    int rc;

    opts.master_key = key;
    rc = fw_ctx_open(&ctx, ":memory:", &opts, &err);
    if (rc == FW_OK)
        rc = fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "admin", &err);
    if (rc == FW_OK)
        rc = fw_audit_verify(ctx, NULL, &err);
    if (rc != FW_OK)
        fprintf(stderr, "error: %s\n", fw_error_message(err));
    else
        printf("libflexwork %s: store open, audit chain verifies\n", fw_version_string());
    fw_error_free(err);
    fw_ctx_free(ctx);
    return rc == FW_OK ? 0 : 1;
}
