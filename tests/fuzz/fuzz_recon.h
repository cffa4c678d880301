/*
 * What the statement fuzz targets share: one in-memory store acting as the platform admin, an
 * import from a byte buffer handed out in small reads, and the corpus replay (each entry, its
 * prefixes and single-byte substitutions) used when the target is not built for libFuzzer.
 */
#ifndef FW_FUZZ_RECON_H
#define FW_FUZZ_RECON_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flexwork.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_mem {
    const uint8_t *p;
    size_t n, off;
};

static int64_t fuzz_read(void *payload, uint8_t *buf, size_t size)
{
    struct fuzz_mem *m = payload;
    size_t k = m->n - m->off;
    if (k > size)
        k = size;
    if (k > 13)
        k = 13;                 /* small reads cross every character and token boundary */
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (int64_t)k;
}

static fw_ctx *fuzz_ctx(void)
{
    static fw_ctx *ctx;
    static const uint8_t key[32] = { 1, 2, 3 };
    if (!ctx) {
        fw_open_options o = FW_OPEN_OPTIONS_INIT;
        o.master_key = key;
        if (fw_ctx_open(&ctx, ":memory:", &o, NULL) != FW_OK ||
            fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "fuzz", NULL) != FW_OK)
            abort();
    }
    return ctx;
}

/* Imports the input with the given options; a success is also reconciled as a dry run. */
static void fuzz_import(const uint8_t *data, size_t size, const char *opts)
{
    struct fuzz_mem m = { data, size, 0 };
    fw_ctx *ctx = fuzz_ctx();
    fw_error *err = NULL;
    fw_recon *r = NULL;
    fw_id id = 0;
    int rc = fw_recon_import(ctx, &id, fuzz_read, &m, opts, strlen(opts), &err);

    if (rc != FW_OK && (!err || !*fw_error_message(err)))
        abort();                /* every refusal explains itself */
    if (rc == FW_OK && id <= 0)
        abort();
    fw_error_free(err);
    if (rc == FW_OK && fw_recon_run(&r, ctx, id, "{\"dry_run\":true}", 16, NULL) == FW_OK)
        fw_recon_free(r);
}

#ifndef FW_LIBFUZZER
static unsigned long fuzz_run(const unsigned char *buf, size_t n)
{
    static const unsigned char swaps[] = { 0, '"', ',', '\n', '<', '>', '/', '.', '-', '9', 0xd6, 0xff };
    unsigned char *copy = malloc(n ? n : 1);
    unsigned long runs = 0;
    size_t i, j;

    LLVMFuzzerTestOneInput(buf, n);
    runs++;
    for (i = 0; i < n && i < 1024; i += 1 + i / 64, runs++)
        LLVMFuzzerTestOneInput(buf, i);
    memcpy(copy, buf, n);
    for (i = 0; i < n && i < 1024; i += 1 + i / 128) {
        for (j = 0; j < sizeof(swaps); j++, runs++) {
            copy[i] = swaps[j];
            LLVMFuzzerTestOneInput(copy, n);
        }
        copy[i] = buf[i];
    }
    free(copy);
    return runs;
}

int main(int argc, char **argv)
{
    DIR *dir;
    struct dirent *e;
    unsigned long files = 0, runs = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    if (!(dir = opendir(argv[1]))) {
        perror(argv[1]);
        return 2;
    }
    while ((e = readdir(dir))) {
        char path[4096];
        FILE *f;
        unsigned char *buf;
        long n;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        if (!(f = fopen(path, "rb")))
            continue;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            runs += fuzz_run(buf, (size_t)n);
            files++;
        }
        free(buf);
        fclose(f);
    }
    closedir(dir);
    fw_ctx_free(fuzz_ctx());
    printf("replayed %lu corpus files, %lu inputs\n", files, runs);
    return files > 0 ? 0 : 1;
}
#endif

#endif
