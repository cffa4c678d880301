/*
 * fwk archive: each party's archive of documents: filing, catalogue, logged use,
 * signed export bundles that an outsider verifies without the store.
 *
 *   fwk archive file STORE contract.pdf --json '{"party_kind":"enterprise","party_id":1,...}' file
 *   fwk archive read STORE 1 --purpose "tax audit 2026-Q1" --out copy.pdf
 *   fwk archive export STORE enterprise 1 bundle.tar --purpose "handover" --format tar
 *   fwk archive verify-bundle bundle.tar --key HEX       (no store: fwk audit key prints HEX)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwk.h"

static int file_doc(struct fwk *f, fw_error **err)
{
    const char *json;
    uint8_t *content;
    size_t len, clen = 0;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK)
        return rc;
    if (!(content = fwk_read_file(f->argv[0], &clen))) {
        fprintf(stderr, "fwk: %s: cannot read %s\n", f->what, f->argv[0]);
        return FWK_USAGE;
    }
    rc = fw_archive_file(f->ctx, json, len, content, clen, &id, err);
    free(content);
    return rc != FW_OK ? rc : fwk_printf("{\"document_id\":%lld,\"size\":%zu}", (long long)id, clen);
}

static int get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_archive_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int list(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t party;
    int rc;

    if ((rc = fwk_arg_i64(f, 1, &party)) != FW_OK ||
        (rc = fw_archive_list(f->ctx, f->argv[0], party, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* Every read is logged with its purpose; the content goes to --out FILE or standard output. */
static int read_doc(struct fwk *f, fw_error **err)
{
    const char *path = fwk_opt(f, "out");
    uint8_t *doc = NULL;
    size_t len = 0;
    int64_t id;
    FILE *o;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if ((rc = fw_archive_read(f->ctx, id, fwk_opt(f, "purpose"), &doc, &len, err)) != FW_OK)
        return rc;
    o = path ? fopen(path, "wb") : stdout;
    if (!o || (len && fwrite(doc, 1, len, o) != len)) {
        fprintf(stderr, "fwk: %s: cannot write %s\n", f->what, path ? path : "standard output");
        rc = FWK_USAGE;
    }
    if (o && o != stdout)
        fclose(o);
    fw_free(doc);
    return rc;
}

static int access_log(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_archive_access_log(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int export_bundle(struct fwk *f, fw_error **err)
{
    const char *fmt = fwk_opt(f, "format");
    uint32_t format = FW_ARCHIVE_BUNDLE_DIR;
    int64_t party;
    int rc;

    if (fmt && strcmp(fmt, "tar") == 0)
        format = FW_ARCHIVE_BUNDLE_TAR;
    else if (fmt && strcmp(fmt, "dir") != 0)
        return FWK_USAGE;
    if ((rc = fwk_arg_i64(f, 1, &party)) != FW_OK ||
        (rc = fw_archive_export(f->ctx, f->argv[0], party, f->argv[2], format, fwk_opt(f, "purpose"), err)) != FW_OK)
        return rc;
    return fwk_printf("{\"bundle\":\"%s\",\"format\":\"%s\"}", fwk_esc(f->argv[2]),
                      format == FW_ARCHIVE_BUNDLE_TAR ? "tar" : "dir");
}


/* The manifest's signature against --key (without it, the key inside), and every document. */
static int verify_bundle(struct fwk *f, fw_error **err)
{
    const char *hex = fwk_opt(f, "key");
    char *manifest = NULL;
    size_t len = 0;
    uint8_t pk[32];
    int rc;

    if (hex && fwk_parse_key(hex, pk) != 0) {
        fprintf(stderr, "fwk: %s: --key wants 64 hex digits\n", f->what);
        return FWK_USAGE;
    }
    if ((rc = fw_archive_verify_bundle(f->argv[0], hex ? pk : NULL, &manifest, &len, err)) != FW_OK)
        return rc;
    fwk_print_owned(manifest, len);
    printf("bundle verifies%s\n", hex ? " against the given key" : "");
    return FW_OK;
}

static const struct fwk_verb verbs[] = {
    { "file", "CONTENT_FILE", "json!", file_doc,
      "{\"party_kind\",\"party_id\",\"category\",\"title\",\"source\",\"retention\",\"personal\"}", 0 },
    { "get", "DOCUMENT_ID", "", get, "the catalogue entry", 0 },
    { "list", "PARTY_KIND PARTY_ID", "", list, "a party's catalogue (platform 0, enterprise N, worker N)", 0 },
    { "read", "DOCUMENT_ID", "purpose! out", read_doc, "a logged use: --purpose is required", 0 },
    { "access-log", "DOCUMENT_ID", "", access_log, "who read it, when and why", 0 },
    { "export", "PARTY_KIND PARTY_ID PATH", "purpose! format", export_bundle, "a signed bundle; --format dir|tar", 0 },
    { "verify-bundle", "PATH", "key", verify_bundle, "a bundle, offline: --key is what `fwk audit key` prints",
      FWK_NO_STORE },
};

int fwk_cmd_archive(int argc, char **argv)
{
    return FWK_RUN("archive", verbs, argc, argv);
}
