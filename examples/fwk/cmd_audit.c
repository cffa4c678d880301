/*
 * fwk audit: the hash-chained audit log (R-3.3.j). verify walks the chain in the store;
 * checkpoint signs its head; export writes records with a signed checkpoint; verify-export
 * checks such a file offline, without the store or its key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwk.h"

static int verify(struct fwk *f, fw_error **err)
{
    int64_t bad = 0;
    int rc = fw_audit_verify(f->ctx, &bad, err);

    if (rc != FW_OK)
        return rc;
    printf("audit chain verifies\n");
    return FW_OK;
}

static int checkpoint(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_audit_checkpoint(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static int key(struct fwk *f, fw_error **err)
{
    uint8_t pk[32];
    char h[65];
    int rc = fw_audit_public_key(f->ctx, pk, err);

    if (rc != FW_OK)
        return rc;
    hex(pk, sizeof(pk), h);
    printf("%s\n", h);
    return FW_OK;
}

/* Writes the export to --out FILE, or to standard output as it is (it is signed text). */
static int export_log(struct fwk *f, fw_error **err)
{
    const char *path = fwk_opt(f, "out");
    char *out = NULL;
    size_t len = 0;
    int64_t from = 1, to = 0;
    FILE *o;
    int rc;

    if ((f->argc > 0 && (rc = fwk_arg_i64(f, 0, &from)) != FW_OK) ||
        (f->argc > 1 && (rc = fwk_arg_i64(f, 1, &to)) != FW_OK))
        return rc;
    if ((rc = fw_audit_export(f->ctx, from, to, &out, &len, err)) != FW_OK)
        return rc;
    o = path ? fopen(path, "wb") : stdout;
    if (!o || fwrite(out, 1, len, o) != len) {
        fprintf(stderr, "fwk: %s: cannot write %s\n", f->what, path ? path : "standard output");
        rc = FWK_USAGE;
    }
    if (o && o != stdout)
        fclose(o);
    else if (o)
        putchar('\n');
    fw_free(out);
    if (rc == FW_OK && path)
        printf("exported %zu bytes to %s\n", len, path);
    return rc;
}

/*
 * Checks an exported log without the store: every link, and the checkpoint's signature
 * against --key (the hex that `fwk audit key` prints; without it, the key inside the file).
 */
static int verify_export(struct fwk *f, fw_error **err)
{
    const char *hex = fwk_opt(f, "key");
    uint8_t pk[32], *buf;
    int64_t bad = 0;
    size_t len = 0;
    int rc;

    if (hex && fwk_parse_key(hex, pk) != 0) {
        fprintf(stderr, "fwk: %s: --key wants 64 hex digits\n", f->what);
        return FWK_USAGE;
    }
    if (!(buf = fwk_read_file(f->argv[0], &len))) {
        fprintf(stderr, "fwk: %s: cannot read %s\n", f->what, f->argv[0]);
        return FWK_USAGE;
    }
    rc = fw_audit_verify_export((const char *)buf, len, hex ? pk : NULL, &bad, err);
    free(buf);
    if (rc == FW_ECORRUPT && bad > 0)
        fprintf(stderr, "fwk: %s: first bad record %lld\n", f->what, (long long)bad);
    if (rc == FW_OK)
        printf("exported audit log verifies%s\n", hex ? " against the given key" : "");
    return rc;
}

static const struct fwk_verb verbs[] = {
    { "verify", "", "", verify, "walk the chain and its checkpoints", 0 },
    { "checkpoint", "", "", checkpoint, "sign the chain's head with the platform key", 0 },
    { "key", "", "", key, "the platform's Ed25519 public key (hex), for verify-export --key", 0 },
    { "export", "[FROM_SEQ] [TO_SEQ]", "out", export_log, "records through a signed checkpoint, as JSON", 0 },
    { "verify-export", "FILE", "key", verify_export, "an exported log, offline", FWK_NO_STORE },
};

int fwk_cmd_audit(int argc, char **argv)
{
    return FWK_RUN("audit", verbs, argc, argv);
}
