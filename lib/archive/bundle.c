/*
 * Archive bundles: a party's documents plus a manifest signed with the platform's Ed25519 key,
 * as a directory or one POSIX ustar file (written and read here: no archiver dependency), and
 * the offline verification of such a bundle.
 *
 * Layout (both forms): manifest.json, manifest.sig (hex signature of manifest.json and a
 * newline), documents/<doc id, 6 digits>-<first 16 hex digits of the hash>.bin.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "archive/archive.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"

#define BUNDLE_FORMAT "flexwork-archive-bundle/1"
#define HASH_BYTES 32
#define TAR_BLOCK 512
#define MAX_ENTRIES 100000

struct entry {
    char name[100];
    unsigned char *data;
    size_t len;
};

struct bundle {
    struct entry *e;
    size_t n, cap;
};

static void bundle_free(struct bundle *b)
{
    size_t i;
    for (i = 0; i < b->n; i++)
        free(b->e[i].data);
    free(b->e);
    memset(b, 0, sizeof(*b));
}

/* Adds an entry taking ownership of data. */
static int bundle_add(struct bundle *b, const char *name, unsigned char *data, size_t len,
                      fw_error **err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        struct entry *e = cap <= MAX_ENTRIES ? realloc(b->e, cap * sizeof(*e)) : NULL;
        if (!e) {
            free(data);
            return cap > MAX_ENTRIES ? fw__error_set(err, FW_ELIMIT, NULL, "a bundle holds at most %d files",
                                                     MAX_ENTRIES)
                                     : fw__error_nomem(err);
        }
        b->e = e;
        b->cap = cap;
    }
    snprintf(b->e[b->n].name, sizeof(b->e[b->n].name), "%s", name);
    b->e[b->n].data = data;
    b->e[b->n].len = len;
    b->n++;
    return FW_OK;
}

static const struct entry *bundle_find(const struct bundle *b, const char *name)
{
    size_t i;
    for (i = 0; i < b->n; i++)
        if (strcmp(b->e[i].name, name) == 0)
            return &b->e[i];
    return NULL;
}

static void hex_of(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- ustar ---------------------------------------------------------------------------- */

/* Writes v as width-1 octal digits and a NUL (the ustar numeric field form). */
static void put_octal(unsigned char *p, size_t width, uint64_t v)
{
    size_t i;
    p[width - 1] = '\0';
    for (i = width - 1; i-- > 0; v >>= 3)
        p[i] = (unsigned char)('0' + (v & 7));
}

static void tar_header(unsigned char h[TAR_BLOCK], const char *name, size_t size, char type,
                       int64_t mtime)
{
    unsigned sum = 0;
    size_t i;

    memset(h, 0, TAR_BLOCK);
    snprintf((char *)h, 100, "%s", name);
    memcpy(h + 100, type == '5' ? "0000755" : "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    put_octal(h + 124, 12, size);
    put_octal(h + 136, 12, mtime > 0 ? (uint64_t)mtime : 0);
    memset(h + 148, ' ', 8);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    for (i = 0; i < TAR_BLOCK; i++)
        sum += h[i];
    put_octal(h + 148, 7, sum);
    h[155] = ' ';
}

static int write_tar(const char *path, const struct bundle *b, int64_t mtime, fw_error **err)
{
    static const unsigned char zero[TAR_BLOCK];
    unsigned char h[TAR_BLOCK];
    FILE *f = fopen(path, "wbx");
    size_t i;
    int ok = 1;

    if (!f)
        return fw__error_set(err, errno == EEXIST ? FW_EEXISTS : FW_EIO, "path", "cannot create %s: %s",
                             path, strerror(errno));
    tar_header(h, "documents/", 0, '5', mtime);
    ok = fwrite(h, 1, TAR_BLOCK, f) == TAR_BLOCK;
    for (i = 0; ok && i < b->n; i++) {
        size_t pad = (TAR_BLOCK - b->e[i].len % TAR_BLOCK) % TAR_BLOCK;
        tar_header(h, b->e[i].name, b->e[i].len, '0', mtime);
        ok = fwrite(h, 1, TAR_BLOCK, f) == TAR_BLOCK &&
             (b->e[i].len == 0 || fwrite(b->e[i].data, 1, b->e[i].len, f) == b->e[i].len) &&
             (pad == 0 || fwrite(zero, 1, pad, f) == pad);
    }
    ok = ok && fwrite(zero, 1, TAR_BLOCK, f) == TAR_BLOCK && fwrite(zero, 1, TAR_BLOCK, f) == TAR_BLOCK;
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        unlink(path);
        return fw__error_set(err, FW_EIO, "path", "cannot write %s", path);
    }
    return FW_OK;
}

static int octal(const unsigned char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v >> 60)
            return -1;
        v = v * 8 + (uint64_t)(p[i] - '0');
    }
    if (i < n && p[i] != '\0' && p[i] != ' ')
        return -1;
    *out = v;
    return 0;
}

static int read_tar(const unsigned char *t, size_t len, struct bundle *b, fw_error **err)
{
    size_t off = 0, i;
    int rc;

    while (off + TAR_BLOCK <= len) {
        const unsigned char *h = t + off;
        uint64_t size, sum_want;
        unsigned sum = 0;
        char name[260];
        unsigned char *data;

        for (i = 0; i < TAR_BLOCK && h[i] == 0; i++)
            ;
        if (i == TAR_BLOCK)
            return FW_OK;                                /* end-of-archive marker */
        for (i = 0; i < TAR_BLOCK; i++)
            sum += (i >= 148 && i < 156) ? ' ' : h[i];
        if (memcmp(h + 257, "ustar", 5) != 0 || octal(h + 148, 8, &sum_want) != 0 || sum_want != sum ||
            octal(h + 124, 12, &size) != 0)
            return fw__error_set(err, FW_EINVAL, "path", "the bundle is not a valid ustar file "
                                 "(bad header at byte %zu)", off);
        if (h[345])
            snprintf(name, sizeof(name), "%.155s/%.100s", (const char *)h + 345, (const char *)h);
        else
            snprintf(name, sizeof(name), "%.100s", (const char *)h);
        off += TAR_BLOCK;
        if (size > len - off)
            return fw__error_set(err, FW_EINVAL, "path", "the bundle is truncated inside %s", name);
        if (h[156] == '0' || h[156] == '\0') {
            if (strlen(name) >= sizeof(b->e[0].name))
                return fw__error_set(err, FW_ECORRUPT, "path", "unexpected file %s in the bundle", name);
            data = malloc(size ? (size_t)size : 1);
            if (!data)
                return fw__error_nomem(err);
            memcpy(data, t + off, (size_t)size);
            if ((rc = bundle_add(b, name, data, (size_t)size, err)) != FW_OK)
                return rc;
        } else if (h[156] != '5') {
            return fw__error_set(err, FW_ECORRUPT, "path", "unexpected entry %s (type %c) in the bundle",
                                 name, h[156]);
        }
        off += (size_t)((size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK);
    }
    return fw__error_set(err, FW_EINVAL, "path", "the bundle is truncated: no end-of-archive marker");
}

/* ---- directory form ------------------------------------------------------------------- */

static void remove_dir_bundle(const char *path, const struct bundle *b)
{
    char p[1200];
    size_t i;
    for (i = 0; i < b->n; i++) {
        snprintf(p, sizeof(p), "%s/%s", path, b->e[i].name);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/documents", path);
    rmdir(p);
    rmdir(path);
}

static int write_dir(const char *path, const struct bundle *b, fw_error **err)
{
    char p[1200];
    size_t i;
    int rc = FW_OK;

    if (mkdir(path, 0700) != 0)
        return fw__error_set(err, errno == EEXIST ? FW_EEXISTS : FW_EIO, "path", "cannot create %s: %s",
                             path, strerror(errno));
    snprintf(p, sizeof(p), "%s/documents", path);
    if (mkdir(p, 0700) != 0)
        rc = fw__error_set(err, FW_EIO, "path", "cannot create %s: %s", p, strerror(errno));
    for (i = 0; rc == FW_OK && i < b->n; i++) {
        snprintf(p, sizeof(p), "%s/%s", path, b->e[i].name);
        rc = fw__archive_write_file(p, b->e[i].data, b->e[i].len, err);
    }
    if (rc != FW_OK)
        remove_dir_bundle(path, b);
    return rc;
}

static int read_dir(const char *path, struct bundle *b, fw_error **err)
{
    static const char *const top[] = { "manifest.json", "manifest.sig" };
    char p[1200], name[100];
    unsigned char *data;
    size_t len, i;
    struct dirent *de;
    DIR *d;
    int rc = FW_OK;

    for (i = 0; i < 2 && rc == FW_OK; i++) {
        snprintf(p, sizeof(p), "%s/%s", path, top[i]);
        rc = fw__archive_read_file(p, &data, &len, err);
        if (rc == FW_OK)
            rc = bundle_add(b, top[i], data, len, err);
    }
    if (rc != FW_OK)
        return rc;
    snprintf(p, sizeof(p), "%s/documents", path);
    if (!(d = opendir(p)))
        return fw__error_set(err, FW_ECORRUPT, "path", "the bundle has no documents directory");
    while (rc == FW_OK && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (strlen(de->d_name) > 80) {
            rc = fw__error_set(err, FW_ECORRUPT, "path", "unexpected file documents/%.80s in the bundle",
                               de->d_name);
            break;
        }
        snprintf(name, sizeof(name), "documents/%s", de->d_name);
        snprintf(p, sizeof(p), "%s/%s", path, name);
        rc = fw__archive_read_file(p, &data, &len, err);
        if (rc == FW_OK)
            rc = bundle_add(b, name, data, len, err);
    }
    closedir(d);
    return rc;
}

/* ---- export --------------------------------------------------------------------------- */

static cJSON *manifest_doc(fw__stmt *s, const char *file)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "file", file);
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    fw__json_add_i64(o, "number", fw__db_col_i64(s, 1));
    cJSON_AddStringToObject(o, "category", fw__db_col_text(s, 2));
    cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 3));
    cJSON_AddStringToObject(o, "source", fw__db_col_text(s, 4));
    cJSON_AddStringToObject(o, "retention", fw__db_col_text(s, 5));
    fw__json_add_i64(o, "received_ms", fw__db_col_i64(s, 6));
    fw__json_add_i64(o, "keep_until_ms", fw__db_col_i64(s, 7));
    cJSON_AddBoolToObject(o, "personal", (int)fw__db_col_i64(s, 8));
    fw__json_add_hex(o, "hash", fw__db_col_blob(s, 9), fw__db_col_bytes(s, 9));
    fw__json_add_i64(o, "size", fw__db_col_i64(s, 10));
    return o;
}

/* Reads every live document (logging each use) into the bundle and the manifest's list. */
static int collect(fw_ctx *ctx, fw_id archive, const char *purpose, struct bundle *b, cJSON *docs,
                   fw_error **err)
{
    fw__stmt *s = NULL;
    fw_id *ids = NULL;
    size_t n = 0, cap = 0, i;
    cJSON *meta = cJSON_CreateArray();
    char file[100], hex[2 * HASH_BYTES + 1];
    int rc;

    if (!meta)
        return fw__error_nomem(err);
    /* Catalogue first: the uses below run statements of their own. */
    rc = fw__db_query(ctx, &s, err, "SELECT id, number, category, title, source, retention, received_ms, "
                      "keep_until_ms, personal, hash, size FROM fw_archive_doc WHERE archive_id=? AND state<>? "
                      "ORDER BY number = 0, number, id", "ii", archive, (int64_t)FW_ARCHIVE_DESTROYED);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        rc = FW_OK;
        if (n == cap) {
            fw_id *p = realloc(ids, (cap = cap ? 2 * cap : 16) * sizeof(*p));
            if (!p) {
                rc = fw__error_nomem(err);
                break;
            }
            ids = p;
        }
        ids[n] = fw__db_col_i64(s, 0);
        hex_of(fw__db_col_blob(s, 9), 8, hex);
        snprintf(file, sizeof(file), "documents/%06lld-%s.bin", (long long)ids[n], hex);
        cJSON_AddItemToArray(meta, manifest_doc(s, file));
        n++;
    }
    fw__db_done(s);
    for (i = 0; rc == FW_OK && i < n; i++) {
        uint8_t *content = NULL;
        size_t len = 0;
        cJSON *m = cJSON_GetArrayItem(meta, (int)i);
        rc = fw__archive_use(ctx, ids[i], purpose, &content, &len, err);
        if (rc == FW_OK)
            rc = bundle_add(b, cJSON_GetObjectItemCaseSensitive(m, "file")->valuestring,
                            content ? content : calloc(1, 1), len, err);
    }
    free(ids);
    if (rc != FW_OK) {
        cJSON_Delete(meta);
        return rc;
    }
    while (cJSON_GetArraySize(meta) > 0)
        cJSON_AddItemToArray(docs, cJSON_DetachItemFromArray(meta, 0));
    cJSON_Delete(meta);
    return FW_OK;
}

int fw_archive_export(fw_ctx *ctx, const char *party_kind, fw_id party_id, const char *path,
                      uint32_t format, const char *purpose, fw_error **err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char sig[crypto_sign_BYTES];
    char sig_hex[2 * crypto_sign_BYTES + 2], detail[96], *text = NULL;
    struct bundle b = { 0 };
    struct stat st;
    cJSON *man = NULL, *docs;
    fw_id archive = 0;
    int64_t now;
    size_t len = 0;
    int rc, written = 0;

    if (!ctx || !path || !*path || strlen(path) > 900)
        return fw__error_set(err, FW_EINVAL, "path", "ctx and a path of 1 to 900 bytes are required");
    if (format != FW_ARCHIVE_BUNDLE_DIR && format != FW_ARCHIVE_BUNDLE_TAR)
        return fw__error_set(err, FW_EINVAL, "format", "must be FW_ARCHIVE_BUNDLE_DIR (1) or "
                             "FW_ARCHIVE_BUNDLE_TAR (2), got %u", format);
    if (!party_kind || (strcmp(party_kind, "enterprise") != 0 && strcmp(party_kind, "worker") != 0))
        return fw__error_set(err, FW_EINVAL, "party_kind", "must be \"enterprise\" or \"worker\"");
    if (!purpose || !*purpose || strlen(purpose) > 800)
        return fw__error_set(err, FW_EINVAL, "purpose",
                             "every use of an archived document states its purpose (1 to 200 characters)");
    if ((rc = fw__authz_require(ctx, "archive.export", err)) != FW_OK)
        return rc;
    if (lstat(path, &st) == 0)
        return fw__error_set(err, FW_EEXISTS, "path", "%s already exists; a bundle is written to a new path", path);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    now = fw_ctx_now(ctx);
    rc = fw__db_i64(ctx, &archive, err, "SELECT id FROM fw_archive_archive WHERE party_kind=? AND party_id=?",
                    "ti", party_kind, party_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, "party_id", "%s %lld has no archive", party_kind, (long long)party_id);
    if (rc == FW_OK && !(man = cJSON_CreateObject()))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
        cJSON_AddStringToObject(man, "format", BUNDLE_FORMAT);
        cJSON_AddStringToObject(man, "party_kind", party_kind);
        fw__json_add_i64(man, "party_id", party_id);
        fw__json_add_i64(man, "exported_ms", now);
        fw__json_add_hex(man, "public_key", pk, sizeof(pk));
        docs = cJSON_AddArrayToObject(man, "documents");
        rc = docs ? collect(ctx, archive, purpose, &b, docs, err) : fw__error_nomem(err);
    }
    if (rc == FW_OK && !(text = fw__json_print(man)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        len = strlen(text);
        crypto_sign_detached(sig, NULL, (const unsigned char *)text, len, sk);
        hex_of(sig, sizeof(sig), sig_hex);
        strcat(sig_hex, "\n");
        rc = bundle_add(&b, "manifest.json", (unsigned char *)text, len, err);
        text = NULL;
    }
    if (rc == FW_OK) {
        char *s = strdup(sig_hex);
        rc = s ? bundle_add(&b, "manifest.sig", (unsigned char *)s, strlen(s), err) : fw__error_nomem(err);
    }
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"documents\":%d,\"format\":\"%s\"}", cJSON_GetArraySize(docs),
                 format == FW_ARCHIVE_BUNDLE_TAR ? "tar" : "dir");
        rc = fw__audit_append(ctx, "archive.export", "archive", archive, detail, strlen(detail), err);
    }
    if (rc == FW_OK) {
        rc = format == FW_ARCHIVE_BUNDLE_TAR ? write_tar(path, &b, now / 1000, err) : write_dir(path, &b, err);
        written = rc == FW_OK;
    }
    sodium_memzero(sk, sizeof(sk));
    rc = fw__tx_end(ctx, rc, err);
    if (rc != FW_OK && written) {
        /* The commit failed after the bundle was written: a bundle whose uses are unlogged goes. */
        if (format == FW_ARCHIVE_BUNDLE_TAR)
            unlink(path);
        else
            remove_dir_bundle(path, &b);
    }
    free(text);
    cJSON_Delete(man);
    bundle_free(&b);
    return rc;
}

/* ---- verification --------------------------------------------------------------------- */

static int unhex(const char *s, size_t n, unsigned char *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int hi, lo;
        char a = s[2 * i], c = s[2 * i + 1];
        hi = a >= '0' && a <= '9' ? a - '0' : a >= 'a' && a <= 'f' ? a - 'a' + 10 : -1;
        lo = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static int verify_entries(const struct bundle *b, const uint8_t *expected_pk, fw_error **err)
{
    static const char *const doc_fields[] = { "file", "id", "number", "category", "title", "source",
                                              "retention", "received_ms", "keep_until_ms", "personal",
                                              "hash", "size", NULL };
    const struct entry *mj = bundle_find(b, "manifest.json"), *ms = bundle_find(b, "manifest.sig");
    unsigned char pk[32], sig[64], hash[HASH_BYTES], want[HASH_BYTES];
    const char *format = NULL, *pk_hex = NULL, *file = NULL, *hash_hex = NULL;
    const cJSON *docs = NULL, *d;
    cJSON *root = NULL;
    char path[64];
    size_t i, referenced = 0;
    int64_t size = 0;
    int rc;

    if (!mj || !ms)
        return fw__error_set(err, FW_ECORRUPT, "path", "the bundle has no %s", mj ? "manifest.sig" : "manifest.json");
    if (ms->len < 128 || unhex((const char *)ms->data, 64, sig) != 0 ||
        (ms->len > 128 && !(ms->len == 129 && ms->data[128] == '\n')))
        return fw__error_set(err, FW_EAUTH, "path", "manifest.sig is not a hex Ed25519 signature");
    if ((rc = fw__json_parse(&root, (const char *)mj->data, mj->len, err)) != FW_OK)
        return rc;
    rc = fw__json_str(root, "$", "format", FW__REQUIRED, 1, 64, &format, err);
    if (rc == FW_OK && strcmp(format, BUNDLE_FORMAT) != 0)
        rc = fw__error_set(err, FW_EVERSION, "$.format", "must be \"%s\", got \"%s\"", BUNDLE_FORMAT, format);
    if (rc == FW_OK)
        rc = fw__json_hex(root, "$", "public_key", FW__REQUIRED, 32, &pk_hex, err);
    if (rc == FW_OK) {
        unhex(pk_hex, 32, pk);
        if (expected_pk && sodium_memcmp(pk, expected_pk, 32) != 0)
            rc = fw__error_set(err, FW_EAUTH, "$.public_key", "the manifest is signed by another key than expected");
        else if (crypto_sign_verify_detached(sig, mj->data, mj->len, pk) != 0)
            rc = fw__error_set(err, FW_EAUTH, NULL, "the manifest's signature does not verify: "
                               "manifest.json was altered or signed by another key");
    }
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "documents", FW__REQUIRED, MAX_ENTRIES, &docs, err);
    for (i = 0, d = docs ? docs->child : NULL; rc == FW_OK && d; d = d->next, i++) {
        const struct entry *e;
        fw__json_path_index(path, sizeof(path), "$.documents", i);
        if (!cJSON_IsObject(d)) {
            rc = fw__error_set(err, FW_EINVAL, path, "must be an object");
            break;
        }
        rc = fw__json_only(d, path, doc_fields, err);
        if (rc == FW_OK)
            rc = fw__json_str(d, path, "file", FW__REQUIRED, 11, 80, &file, err);
        if (rc == FW_OK)
            rc = fw__json_hex(d, path, "hash", FW__REQUIRED, HASH_BYTES, &hash_hex, err);
        if (rc == FW_OK)
            rc = fw__json_i64(d, path, "size", FW__REQUIRED, 0, FW__JSON_MAX_INT, &size, err);
        if (rc != FW_OK)
            break;
        if (!(e = bundle_find(b, file)) || strncmp(file, "documents/", 10) != 0) {
            rc = fw__error_set(err, FW_ECORRUPT, path, "%s is missing from the bundle", file);
            break;
        }
        referenced++;
        unhex(hash_hex, HASH_BYTES, want);
        crypto_generichash(hash, HASH_BYTES, e->data, e->len, NULL, 0);
        if ((int64_t)e->len != size || sodium_memcmp(hash, want, HASH_BYTES) != 0)
            rc = fw__error_set(err, FW_ECORRUPT, path, "%s was altered: its size or BLAKE2b-256 hash "
                               "differs from the manifest", file);
    }
    if (rc == FW_OK && referenced + 2 != b->n) {
        for (i = 0; i < b->n; i++) {
            int listed = strcmp(b->e[i].name, "manifest.json") == 0 || strcmp(b->e[i].name, "manifest.sig") == 0;
            for (d = docs->child; !listed && d; d = d->next)
                listed = strcmp(cJSON_GetObjectItemCaseSensitive(d, "file")->valuestring, b->e[i].name) == 0;
            if (!listed)
                break;
        }
        rc = fw__error_set(err, FW_ECORRUPT, NULL, "%s is in the bundle but not in its manifest",
                           i < b->n ? b->e[i].name : "a file");
    }
    cJSON_Delete(root);
    return rc;
}

int fw_archive_verify_bundle(const char *path, const uint8_t *expected_public_key,
                             char **out_manifest, size_t *out_len, fw_error **err)
{
    struct bundle b = { 0 };
    struct stat st;
    unsigned char *tar = NULL;
    size_t tar_len = 0;
    int rc;

    if (!path)
        return fw__error_set(err, FW_EINVAL, "path", "is required");
    if (fw_init() != FW_OK)
        return fw__error_set(err, FW_ERROR, NULL, "the library cannot initialise");
    if (stat(path, &st) != 0)
        rc = fw__error_set(err, FW_ENOTFOUND, "path", "cannot open %s: %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = read_dir(path, &b, err);
    else if ((rc = fw__archive_read_file(path, &tar, &tar_len, err)) == FW_OK)
        rc = read_tar(tar, tar_len, &b, err);
    free(tar);
    if (rc == FW_OK)
        rc = verify_entries(&b, expected_public_key, err);
    if (rc == FW_OK && out_manifest) {
        const struct entry *m = bundle_find(&b, "manifest.json");
        char *copy = malloc(m->len + 1);
        if (!copy) {
            rc = fw__error_nomem(err);
        } else {
            memcpy(copy, m->data, m->len);
            copy[m->len] = '\0';
            *out_manifest = copy;
            if (out_len)
                *out_len = m->len;
        }
    }
    bundle_free(&b);
    fw_shutdown();
    return rc;
}
