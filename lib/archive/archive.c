/*
 * Archives: the catalogue and the lifecycle of documents, holds, retention classes,
 * blocking and purging of personal information, statistics. Bundles are in bundle.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <flexwork/vault.h>

#include "archive/archive.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/json.h"
#include "ledger/ledger.h"
#include "task/task.h"
#include "core/vault.h"

#define HASH_BYTES 32
#define PATH_MAX_LEN 1024

static const char *const party_kinds[] = { "enterprise", "worker", NULL };

/* ---- hold checks ---------------------------------------------------------------------- */

/* The hold checks the host registered on one context (core/hook.h: per-context data). */
struct hold_checks {
    size_t n;
    struct {
        char name[64];
        fw_archive_hold_fn fn;
        void *payload;
    } c[FW__ARCHIVE_MAX_HOLD_CHECKS];
};

#define HOLD_CHECKS_KEY "archive.hold_checks"

int fw__archive_init(fw_ctx *ctx, fw_error **err)
{
    struct hold_checks *h = calloc(1, sizeof(*h));

    if (!h)
        return fw__error_nomem(err);
    if (fw__ctx_data_set(ctx, HOLD_CHECKS_KEY, h, free) != FW_OK) {
        free(h);
        return fw__error_set(err, FW_ELIMIT, NULL, "archive: the context's data table is full");
    }
    return FW_OK;
}

int fw__archive_register_hold_check(fw_ctx *ctx, const char *name, fw_archive_hold_fn fn, void *payload,
                                    fw_error **err)
{
    struct hold_checks *h;
    size_t i;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!name || !*name || strlen(name) >= sizeof(h->c[0].name) || !fn)
        return fw__error_set(err, FW_EINVAL, "name", "a name of 1 to 63 bytes and a function are required");
    h = fw__ctx_data(ctx, HOLD_CHECKS_KEY);
    for (i = 0; i < h->n && strcmp(h->c[i].name, name) != 0; i++)
        ;
    if (i == FW__ARCHIVE_MAX_HOLD_CHECKS)
        return fw__error_set(err, FW_ELIMIT, NULL, "at most %d hold checks can be registered",
                             FW__ARCHIVE_MAX_HOLD_CHECKS);
    snprintf(h->c[i].name, sizeof(h->c[i].name), "%s", name);
    h->c[i].fn = fn;
    h->c[i].payload = payload;
    if (i == h->n)
        h->n++;
    return FW_OK;
}

int fw_archive_register_hold_check(fw_ctx *ctx, const char *name, fw_archive_hold_fn fn, void *payload,
                                   fw_error **err)
{
    return fw__archive_register_hold_check(ctx, name, fn, payload, err);
}

const char *fw__archive_subject(const char *party_kind, fw_id party_id, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%lld", party_kind, (long long)party_id);
    return buf;
}

/* ---- documents ------------------------------------------------------------------------ */

struct doc {
    fw_id id, archive_id, party_id;
    int64_t number, state, received_ms, keep_until_ms, size, personal, destroyed_ms;
    char party_kind[16];
    char category[260], title[820], source[260], retention[40], appraisal[2010];
    char location[PATH_MAX_LEN];
    char external_ref[520];
    unsigned char hash[HASH_BYTES];
};

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

#define DOC_COLUMNS "d.id, d.archive_id, a.party_kind, a.party_id, d.number, d.state, d.category, " \
    "d.title, d.source, d.retention, d.received_ms, d.keep_until_ms, d.personal, d.hash, d.size, " \
    "d.location, d.external_ref, d.appraisal, d.destroyed_ms"

static void doc_read_row(fw__stmt *s, struct doc *d)
{
    memset(d, 0, sizeof(*d));
    d->id = fw__db_col_i64(s, 0);
    d->archive_id = fw__db_col_i64(s, 1);
    copy_text(d->party_kind, sizeof(d->party_kind), fw__db_col_text(s, 2));
    d->party_id = fw__db_col_i64(s, 3);
    d->number = fw__db_col_i64(s, 4);
    d->state = fw__db_col_i64(s, 5);
    copy_text(d->category, sizeof(d->category), fw__db_col_text(s, 6));
    copy_text(d->title, sizeof(d->title), fw__db_col_text(s, 7));
    copy_text(d->source, sizeof(d->source), fw__db_col_text(s, 8));
    copy_text(d->retention, sizeof(d->retention), fw__db_col_text(s, 9));
    d->received_ms = fw__db_col_i64(s, 10);
    d->keep_until_ms = fw__db_col_i64(s, 11);
    d->personal = fw__db_col_i64(s, 12);
    if (fw__db_col_bytes(s, 13) == HASH_BYTES)
        memcpy(d->hash, fw__db_col_blob(s, 13), HASH_BYTES);
    d->size = fw__db_col_i64(s, 14);
    copy_text(d->location, sizeof(d->location), fw__db_col_text(s, 15));
    copy_text(d->external_ref, sizeof(d->external_ref), fw__db_col_text(s, 16));
    copy_text(d->appraisal, sizeof(d->appraisal), fw__db_col_text(s, 17));
    d->destroyed_ms = fw__db_col_i64(s, 18);
}

static int doc_load(fw_ctx *ctx, fw_id id, struct doc *d, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT " DOC_COLUMNS " FROM fw_archive_doc d "
                          "JOIN fw_archive_archive a ON a.id = d.archive_id WHERE d.id = ?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        doc_read_row(s, d);
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "doc_id", "no archived document %lld", (long long)id);
    return rc < 0 ? rc : FW_OK;
}

/* Authorises action on a party's data: an enterprise user or worker only on their own. */
static int require_party(fw_ctx *ctx, const char *action, const char *kind, fw_id id,
                         fw_error **err)
{
    return fw__authz_require_owner(ctx, action, strcmp(kind, "enterprise") == 0 ? id : 0,
                                   strcmp(kind, "worker") == 0 ? id : 0, err);
}

/* Loads a document and authorises the action on its party. */
static int doc_access(fw_ctx *ctx, const char *action, fw_id id, struct doc *d, fw_error **err)
{
    int rc = fw__authz_require(ctx, action, err);
    if (rc == FW_OK)
        rc = doc_load(ctx, id, d, err);
    if (rc == FW_OK)
        rc = require_party(ctx, action, d->party_kind, d->party_id, err);
    return rc;
}

static int check_party(const char *kind, fw_id id, fw_error **err)
{
    if (!kind || (strcmp(kind, "enterprise") != 0 && strcmp(kind, "worker") != 0))
        return fw__error_set(err, FW_EINVAL, "party_kind", "must be \"enterprise\" or \"worker\", got \"%.32s\"",
                             kind ? kind : "(null)");
    if (id <= 0)
        return fw__error_set(err, FW_EINVAL, "party_id", "must be a positive id, got %lld", (long long)id);
    return FW_OK;
}

/* The archive of a party; FW_ENOTFOUND (err set) when it has none and create is 0. */
static int archive_id(fw_ctx *ctx, const char *kind, fw_id party, int create, fw_id *out,
                      fw_error **err)
{
    int rc = fw__db_i64(ctx, out, err, "SELECT id FROM fw_archive_archive WHERE party_kind=? AND party_id=?",
                        "ti", kind, party);
    if (rc != FW_ENOTFOUND)
        return rc;
    if (!create)
        return fw__error_set(err, FW_ENOTFOUND, "party_id", "%s %lld has no archive", kind, (long long)party);
    rc = fw__db_exec(ctx, err, "INSERT INTO fw_archive_archive(party_kind, party_id, created_ms) VALUES (?,?,?)",
                     "tii", kind, party, fw_ctx_now(ctx));
    if (rc == FW_OK)
        *out = fw__db_last_id(ctx);
    return rc;
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

static void date_text(int64_t ms, char *buf, size_t size)
{
    int y, m, d;
    fw__cst_date(ms, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

/* 1 when the party's personal information is blocked (and not yet purged). */
static int pi_state(fw_ctx *ctx, fw_id archive, int64_t *until_ms, int *purged, fw_error **err)
{
    fw__stmt *s;
    int rc, blocked = 0;

    *purged = 0;
    rc = fw__db_query(ctx, &s, err, "SELECT pi_blocked_ms, pi_until_ms, pi_purged_ms FROM fw_archive_archive "
                      "WHERE id=?", "i", archive);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        blocked = !fw__db_col_is_null(s, 0);
        *until_ms = fw__db_col_i64(s, 1);
        *purged = !fw__db_col_is_null(s, 2);
    }
    fw__db_done(s);
    return rc < 0 ? rc : blocked;
}

/* ---- content storage ------------------------------------------------------------------ */

static int config_directory(fw_ctx *ctx, char *buf, size_t size, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT value FROM fw_archive_config WHERE key='directory'", "");
    buf[0] = '\0';
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        copy_text(buf, size, fw__db_col_text(s, 0));
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw__archive_mkdir_p(const char *path)
{
    char tmp[PATH_MAX_LEN];
    char *p;

    copy_text(tmp, sizeof(tmp), path);
    for (p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(tmp, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* Writes bytes to path atomically (temporary file, fsync, rename). */
int fw__archive_write_file(const char *path, const void *data, size_t len, fw_error **err)
{
    char tmp[PATH_MAX_LEN + 16];
    FILE *f;
    int ok;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f)
        return fw__error_set(err, FW_EIO, NULL, "cannot write %s: %s", tmp, strerror(errno));
    ok = (len == 0 || fwrite(data, 1, len, f) == len) && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return fw__error_set(err, FW_EIO, NULL, "cannot write %s: %s", path, strerror(errno));
    }
    return FW_OK;
}

int fw__archive_read_file(const char *path, unsigned char **out, size_t *out_len, fw_error **err)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (!f)
        return fw__error_set(err, errno == ENOENT ? FW_ECORRUPT : FW_EIO, NULL,
                             "cannot read %s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return fw__error_set(err, FW_EIO, NULL, "cannot read %s", path);
    }
    buf = malloc((size_t)n + 1);
    if (!buf) {
        fclose(f);
        return fw__error_nomem(err);
    }
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return fw__error_set(err, FW_EIO, NULL, "cannot read %s", path);
    }
    fclose(f);
    *out = buf;
    *out_len = (size_t)n;
    return FW_OK;
}

/* Stores the content of a new document: sealed when personal, shared by hash otherwise. */
static int store_content(fw_ctx *ctx, const struct doc *d, const uint8_t *content, size_t len,
                         fw_error **err)
{
    char dir[PATH_MAX_LEN], path[PATH_MAX_LEN + 128], hex[2 * HASH_BYTES + 1], subject[64];
    unsigned char *sealed = NULL;
    size_t sealed_len = 0;
    int rc;

    if ((rc = config_directory(ctx, dir, sizeof(dir), err)) != FW_OK)
        return rc;
    hex_of(d->hash, HASH_BYTES, hex);
    if (d->personal) {
        fw__archive_subject(d->party_kind, d->party_id, subject, sizeof(subject));
        rc = fw__vault_seal(ctx, subject, "fw_archive_doc", "content", d->id, (const char *)content,
                            len, &sealed, &sealed_len, err);
        if (rc != FW_OK)
            return rc;
    }
    if (dir[0]) {
        if (d->personal)
            snprintf(path, sizeof(path), "%s/%s-%lld.sealed", dir, hex, (long long)d->id);
        else
            snprintf(path, sizeof(path), "%s/%s", dir, hex);
        rc = fw__archive_write_file(path, d->personal ? sealed : content, d->personal ? sealed_len : len, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_archive_doc SET location=? WHERE id=?", "ti", path, d->id);
    } else if (d->personal) {
        rc = fw__db_exec(ctx, err, "UPDATE fw_archive_doc SET sealed=? WHERE id=?", "bi",
                         (const void *)sealed, sealed_len, d->id);
    } else {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_archive_blob(hash, content) VALUES (?,?) "
                         "ON CONFLICT(hash) DO NOTHING", "bb", (const void *)d->hash, (size_t)HASH_BYTES,
                         (const void *)(content ? content : (const uint8_t *)""), len);
    }
    free(sealed);
    return rc;
}

/* Loads a document's plain content and checks it against its hash. */
static int load_content(fw_ctx *ctx, const struct doc *d, uint8_t **out, size_t *out_len,
                        fw_error **err)
{
    unsigned char *raw = NULL, got[HASH_BYTES];
    size_t raw_len = 0;
    char subject[64], *plain = NULL;
    fw__stmt *s;
    int rc = FW_OK;

    if (d->location[0]) {
        rc = fw__archive_read_file(d->location, &raw, &raw_len, err);
    } else {
        rc = d->personal
             ? fw__db_query(ctx, &s, err, "SELECT sealed FROM fw_archive_doc WHERE id=?", "i", d->id)
             : fw__db_query(ctx, &s, err, "SELECT content FROM fw_archive_blob WHERE hash=?", "b",
                            (const void *)d->hash, (size_t)HASH_BYTES);
        if (rc != FW_OK)
            return rc;
        rc = fw__db_step(s, err);
        if (rc == FW__ROW && !fw__db_col_is_null(s, 0)) {
            raw_len = fw__db_col_bytes(s, 0);
            raw = malloc(raw_len + 1);
            if (!raw)
                rc = fw__error_nomem(err);
            else if (raw_len)
                memcpy(raw, fw__db_col_blob(s, 0), raw_len);
        } else if (rc >= 0) {
            rc = fw__error_set(err, FW_ECORRUPT, NULL, "document %lld: its content is missing from the store",
                               (long long)d->id);
        }
        fw__db_done(s);
        if (rc >= 0 && rc != FW_ENOMEM)
            rc = FW_OK;
    }
    if (rc != FW_OK) {
        free(raw);
        return rc;
    }
    if (d->personal) {
        fw__archive_subject(d->party_kind, d->party_id, subject, sizeof(subject));
        rc = fw__vault_open(ctx, subject, "fw_archive_doc", "content", d->id, raw, raw_len, &plain, err);
        if (rc == FW_OK)
            raw_len = raw_len - 1 - 24 - 16;   /* format byte, XChaCha20 nonce, Poly1305 tag */
        free(raw);
        raw = (unsigned char *)plain;
        if (rc != FW_OK)
            return rc;
    }
    crypto_generichash(got, HASH_BYTES, raw, raw_len, NULL, 0);
    if (raw_len != (size_t)d->size || sodium_memcmp(got, d->hash, HASH_BYTES) != 0) {
        free(raw);
        return fw__error_set(err, FW_ECORRUPT, NULL,
                             "document %lld: its content no longer matches its BLAKE2b-256 hash",
                             (long long)d->id);
    }
    if (raw_len == 0) {
        free(raw);
        raw = NULL;
    }
    *out = raw;
    *out_len = raw_len;
    return FW_OK;
}

/* ---- public: configuration ------------------------------------------------------------ */

int fw_archive_set_directory(fw_ctx *ctx, const char *path, fw_error **err)
{
    char detail[64];
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (path && (!*path || strlen(path) > 900))
        return fw__error_set(err, FW_EINVAL, "path", "must be 1 to 900 bytes, or NULL to keep documents in the store");
    if ((rc = fw__authz_require(ctx, "archive.configure", err)) != FW_OK)
        return rc;
    if (path && fw__archive_mkdir_p(path) != 0)
        return fw__error_set(err, FW_EIO, "path", "cannot create the directory %s: %s", path, strerror(errno));
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = path ? fw__db_exec(ctx, err, "INSERT INTO fw_archive_config(key, value) VALUES ('directory', ?) "
                            "ON CONFLICT(key) DO UPDATE SET value=excluded.value", "t", path)
              : fw__db_exec(ctx, err, "DELETE FROM fw_archive_config WHERE key='directory'", "");
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"storage\":\"%s\"}", path ? "directory" : "store");
        rc = fw__audit_append(ctx, "archive.configure", "archive_config", 0, detail, strlen(detail), err);
    }
    return fw__tx_end(ctx, rc, err);
}

/* The instant the retention period ends: months after start (0 months: permanent, 0). */
static int keep_until(int64_t start_ms, int64_t months, int64_t *out, fw_error **err)
{
    int y, m, d;
    int64_t total;

    if (months == 0) {
        *out = 0;
        return FW_OK;
    }
    fw__cst_date(start_ms, &y, &m, &d);
    total = (int64_t)y * 12 + (m - 1) + months;
    y = (int)(total / 12);
    m = (int)(total % 12) + 1;
    if (d > fw__days_in_month(y, m))         /* 31 January + 1 month ends on the last day of February */
        d = fw__days_in_month(y, m);
    if (fw__cst_from_date(y, m, d, out) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "retention_from", "the retention period ends out of range");
    return FW_OK;
}

static int retention_months(fw_ctx *ctx, const char *code, int64_t *months, fw_error **err)
{
    int rc = fw__db_i64(ctx, months, err, "SELECT months FROM fw_archive_retention WHERE code=?", "t", code);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "$.retention",
                             "no retention class \"%.40s\"; see fw_archive_retention_list()", code);
    return rc;
}

/* ---- public: receive, arrange --------------------------------------------------------- */

int fw_archive_file(fw_ctx *ctx, const char *json, size_t json_len, const uint8_t *content,
                    size_t content_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "party_kind", "party_id", "category", "title", "source",
                                          "retention", "personal", "retention_from",
                                          "external_ref", NULL };
    const char *category = NULL, *title = NULL, *source = NULL, *retention = NULL, *ref = NULL;
    int kind = 0, personal = 0, y, m, dd, rc;
    int64_t party = 0, from_ms = -1, months = 0, until = 0;
    struct doc d;
    cJSON *root = NULL;
    char detail[400], hex[2 * HASH_BYTES + 1];

    if (!ctx || !json || !out_id || (!content && content_len))
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json, out_id (and content when content_len > 0) are required");
    if (content_len > FW_ARCHIVE_MAX_CONTENT)
        return fw__error_set(err, FW_ELIMIT, "content_len", "a document holds at most %u bytes, got %zu",
                             (unsigned)FW_ARCHIVE_MAX_CONTENT, content_len);
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "party_kind", FW__REQUIRED, party_kinds, &kind, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "party_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &party, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "category", FW__REQUIRED, 1, 64, &category, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "source", FW__REQUIRED, 1, 64, &source, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "retention", FW__REQUIRED, 1, 32, &retention, err);
    if (rc == FW_OK)
        rc = fw__json_bool(root, "$", "personal", FW__OPTIONAL, &personal, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "retention_from", FW__OPTIONAL, &from_ms, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "external_ref", FW__OPTIONAL, 1, 128, &ref, err);
    if (rc == FW_OK)
        rc = require_party(ctx, "archive.file", party_kinds[kind], party, err);
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }

    memset(&d, 0, sizeof(d));
    copy_text(d.party_kind, sizeof(d.party_kind), party_kinds[kind]);
    d.party_id = party;
    d.personal = personal;
    d.size = (int64_t)content_len;
    crypto_generichash(d.hash, HASH_BYTES, content, content_len, NULL, 0);
    d.received_ms = fw_ctx_now(ctx);
    if (from_ms < 0) {          /* from the first day after the (calendar) fiscal year of receipt */
        fw__cst_date(d.received_ms, &y, &m, &dd);
        fw__cst_from_date(y + 1, 1, 1, &from_ms);
    }

    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = retention_months(ctx, retention, &months, err);
    if (rc == FW_OK)
        rc = keep_until(from_ms, months, &until, err);
    if (rc == FW_OK)
        rc = archive_id(ctx, d.party_kind, party, 1, &d.archive_id, err);
    if (rc == FW_OK && personal) {
        int64_t pi_until = 0;
        int purged, blocked = pi_state(ctx, d.archive_id, &pi_until, &purged, err);
        if (blocked < 0)
            rc = blocked;
        else if (blocked || purged)
            rc = fw__error_set(err, FW_ESTATE, "$.personal",
                               "the personal information of %s %lld is %s: no new personal documents",
                               d.party_kind, (long long)party, purged ? "purged" : "blocked");
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_archive_doc(archive_id, state, category, title, source, retention, "
                         "received_ms, keep_until_ms, personal, hash, size, external_ref) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", "iittttiiibit",
                         d.archive_id, (int64_t)FW_ARCHIVE_RECEIVED, category, title, source, retention,
                         d.received_ms, until, (int64_t)personal, (const void *)d.hash, (size_t)HASH_BYTES,
                         d.size, ref);
    if (rc == FW_OK) {
        d.id = fw__db_last_id(ctx);
        rc = store_content(ctx, &d, content, content_len, err);
    }
    if (rc == FW_OK) {
        hex_of(d.hash, HASH_BYTES, hex);
        snprintf(detail, sizeof(detail),
                 "{\"party_kind\":\"%s\",\"party_id\":%lld,\"retention\":\"%s\",\"hash\":\"%s\",\"size\":%lld,"
                 "\"personal\":%s}", d.party_kind, (long long)party, retention, hex, (long long)d.size,
                 personal ? "true" : "false");
        rc = fw__audit_append(ctx, "archive.file", "archive_doc", d.id, detail, strlen(detail), err);
    }
    cJSON_Delete(root);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = d.id;
    return rc;
}

int fw_archive_arrange(fw_ctx *ctx, fw_id doc_id, const char *json, size_t json_len,
                       fw_error **err)
{
    static const char *const fields[] = { "category", "title", NULL };
    const char *category = NULL, *title = NULL;
    cJSON *root = NULL;
    struct doc d;
    int64_t number = 0;
    char detail[128];
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (json) {
        if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
            return rc;
        rc = fw__json_only(root, "$", fields, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "category", FW__OPTIONAL, 1, 64, &category, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "title", FW__OPTIONAL, 1, 200, &title, err);
        if (rc != FW_OK) {
            cJSON_Delete(root);
            return rc;
        }
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = doc_access(ctx, "archive.arrange", doc_id, &d, err);
    if (rc == FW_OK && d.state != FW_ARCHIVE_RECEIVED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "document %lld is already arranged as number %lld",
                           (long long)doc_id, (long long)d.number);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_archive_archive SET last_number = last_number + 1 WHERE id=?",
                         "i", d.archive_id);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &number, err, "SELECT last_number FROM fw_archive_archive WHERE id=?", "i",
                        d.archive_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_archive_doc SET state=?, number=?, category=coalesce(?, category), "
                         "title=coalesce(?, title) WHERE id=?", "iitti", (int64_t)FW_ARCHIVE_KEPT, number,
                         category, title, doc_id);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"number\":%lld,\"reclassified\":%s}", (long long)number,
                 category ? "true" : "false");
        rc = fw__audit_append(ctx, "archive.arrange", "archive_doc", doc_id, detail, strlen(detail), err);
    }
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

/* ---- public: use ---------------------------------------------------------------------- */

static int check_purpose(const char *purpose, fw_error **err)
{
    size_t n = purpose ? strlen(purpose) : 0;
    if (n == 0 || n > 800)
        return fw__error_set(err, FW_EINVAL, "purpose",
                             "every use of an archived document states its purpose (1 to 200 characters)");
    return FW_OK;
}

/* State and blocking checks of a use. */
static int usable(fw_ctx *ctx, const struct doc *d, fw_error **err)
{
    int64_t until = 0;
    int purged, blocked;
    char date[16];

    if (d->state == FW_ARCHIVE_DESTROYED)
        return fw__error_set(err, FW_ESTATE, NULL, "document %lld was destroyed; see the destruction register",
                             (long long)d->id);
    if (!d->personal)
        return FW_OK;
    blocked = pi_state(ctx, d->archive_id, &until, &purged, err);
    if (blocked < 0)
        return blocked;
    if (purged)
        return fw__error_set(err, FW_ESHREDDED, NULL, "document %lld: the personal information of %s %lld was purged",
                             (long long)d->id, d->party_kind, (long long)d->party_id);
    if (blocked) {
        date_text(until, date, sizeof(date));
        return fw__error_set(err, FW_ESTATE, NULL,
                             "document %lld holds personal information of %s %lld that is past its purpose: "
                             "it is blocked from use and kept only until %s", (long long)d->id,
                             d->party_kind, (long long)d->party_id, date);
    }
    return FW_OK;
}

static int log_use(fw_ctx *ctx, fw_id doc_id, const char *purpose, const char *action, fw_error **err)
{
    char detail[96];
    fw_id access;
    int rc = fw__db_exec(ctx, err, "INSERT INTO fw_archive_access(doc_id, at_ms, actor_role, actor_party, "
                         "actor_name, purpose) VALUES (?,?,?,?,?,?)", "iiiitt", doc_id, fw_ctx_now(ctx),
                         (int64_t)ctx->role, ctx->party_id, ctx->actor_name ? ctx->actor_name : "", purpose);
    if (rc != FW_OK)
        return rc;
    access = fw__db_last_id(ctx);
    /* The purpose is free text: it stays in the read log, the audit record points to it. */
    snprintf(detail, sizeof(detail), "{\"access_id\":%lld}", (long long)access);
    return fw__audit_append(ctx, action, "archive_doc", doc_id, detail, strlen(detail), err);
}

int fw__archive_use(fw_ctx *ctx, fw_id doc_id, const char *purpose, uint8_t **out,
                    size_t *out_len, fw_error **err)
{
    struct doc d;
    uint8_t *content = NULL;
    size_t len = 0;
    int rc = doc_load(ctx, doc_id, &d, err);

    if (rc == FW_OK)
        rc = usable(ctx, &d, err);
    if (rc == FW_OK)
        rc = load_content(ctx, &d, &content, &len, err);
    if (rc == FW_OK)
        rc = log_use(ctx, doc_id, purpose, "archive.read", err);
    if (rc != FW_OK) {
        free(content);
        return rc;
    }
    *out = content;
    *out_len = len;
    return FW_OK;
}

int fw_archive_read(fw_ctx *ctx, fw_id doc_id, const char *purpose, uint8_t **out,
                    size_t *out_len, fw_error **err)
{
    struct doc d;
    uint8_t *content = NULL;
    size_t len = 0;
    int rc;

    if (!ctx || !out || !out_len)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out and out_len are required");
    if ((rc = check_purpose(purpose, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = doc_access(ctx, "archive.read", doc_id, &d, err);
    if (rc == FW_OK)
        rc = fw__archive_use(ctx, doc_id, purpose, &content, &len, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc != FW_OK) {
        free(content);
        return rc;
    }
    *out = content;
    *out_len = len;
    return FW_OK;
}

/* ---- public: catalogue ---------------------------------------------------------------- */

static cJSON *doc_json(const struct doc *d)
{
    cJSON *o = cJSON_CreateObject();
    static const char *const states[] = { "", "received", "kept", "appraised", "destroyed" };

    if (!o)
        return NULL;
    fw__json_add_i64(o, "id", d->id);
    cJSON_AddStringToObject(o, "party_kind", d->party_kind);
    fw__json_add_i64(o, "party_id", d->party_id);
    fw__json_add_i64(o, "number", d->number);
    cJSON_AddStringToObject(o, "state", d->state >= 1 && d->state <= 4 ? states[d->state] : "unknown");
    cJSON_AddStringToObject(o, "category", d->category);
    cJSON_AddStringToObject(o, "title", d->title);
    cJSON_AddStringToObject(o, "source", d->source);
    cJSON_AddStringToObject(o, "retention", d->retention);
    fw__json_add_i64(o, "received_ms", d->received_ms);
    fw__json_add_i64(o, "keep_until_ms", d->keep_until_ms);
    cJSON_AddBoolToObject(o, "personal", (int)d->personal);
    fw__json_add_hex(o, "hash", d->hash, HASH_BYTES);
    fw__json_add_i64(o, "size", d->size);
    cJSON_AddStringToObject(o, "storage", d->location[0] ? "directory" : "store");
    if (d->external_ref[0])
        cJSON_AddStringToObject(o, "external_ref", d->external_ref);
    if (d->appraisal[0])
        cJSON_AddStringToObject(o, "appraisal", d->appraisal);
    if (d->state == FW_ARCHIVE_DESTROYED)
        fw__json_add_i64(o, "destroyed_ms", d->destroyed_ms);
    return o;
}

int fw_archive_get(fw_ctx *ctx, fw_id doc_id, char **out_json, size_t *out_len, fw_error **err)
{
    struct doc d;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    rc = doc_access(ctx, "archive.get", doc_id, &d, err);
    return rc != FW_OK ? rc : fw__json_out(doc_json(&d), out_json, out_len, err);
}

int fw_archive_list(fw_ctx *ctx, const char *party_kind, fw_id party_id, char **out_json,
                    size_t *out_len, fw_error **err)
{
    cJSON *o, *arr;
    fw__stmt *s;
    struct doc d;
    int64_t until = 0;
    fw_id archive = 0;
    int rc, purged = 0, blocked = 0;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = check_party(party_kind, party_id, err)) != FW_OK)
        return rc;
    if ((rc = require_party(ctx, "archive.get", party_kind, party_id, err)) != FW_OK)
        return rc;
    rc = archive_id(ctx, party_kind, party_id, 0, &archive, NULL);
    if (rc == FW_OK && (blocked = pi_state(ctx, archive, &until, &purged, err)) < 0)
        return blocked;
    if (rc != FW_OK && rc != FW_ENOTFOUND)
        return fw__error_set(err, rc, NULL, "cannot read the archive of %s %lld", party_kind, (long long)party_id);
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    if (!o || !arr) {
        cJSON_Delete(o);
        cJSON_Delete(arr);
        return fw__error_nomem(err);
    }
    cJSON_AddStringToObject(o, "party_kind", party_kind);
    fw__json_add_i64(o, "party_id", party_id);
    cJSON_AddBoolToObject(o, "pi_blocked", blocked > 0);
    cJSON_AddBoolToObject(o, "pi_purged", purged);
    fw__json_add_i64(o, "pi_until_ms", blocked > 0 || purged ? until : 0);
    cJSON_AddItemToObject(o, "documents", arr);
    rc = FW_OK;
    if (archive && (rc = fw__db_query(ctx, &s, err, "SELECT " DOC_COLUMNS " FROM fw_archive_doc d "
                                      "JOIN fw_archive_archive a ON a.id = d.archive_id WHERE d.archive_id=? "
                                      "ORDER BY d.number = 0, d.number, d.id", "i", archive)) == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            doc_read_row(s, &d);
            cJSON_AddItemToArray(arr, doc_json(&d));
        }
        fw__db_done(s);
    }
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_archive_access_log(fw_ctx *ctx, fw_id doc_id, char **out_json, size_t *out_len,
                          fw_error **err)
{
    struct doc d;
    fw__stmt *s;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = doc_access(ctx, "archive.access_log", doc_id, &d, err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT at_ms, actor_role, actor_party, actor_name, purpose "
                           "FROM fw_archive_access WHERE doc_id=? ORDER BY id", "i", doc_id)) != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    while (arr && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        fw__json_add_i64(o, "at_ms", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "actor_role", fw__role_name((uint32_t)fw__db_col_i64(s, 1)));
        fw__json_add_i64(o, "actor_party", fw__db_col_i64(s, 2));
        cJSON_AddStringToObject(o, "actor_name", fw__db_col_text(s, 3));
        cJSON_AddStringToObject(o, "purpose", fw__db_col_text(s, 4));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (!arr)
        return fw__error_nomem(err);
    if (rc < 0) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- public: retention classes -------------------------------------------------------- */

int fw_archive_retention_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "code", "title", "months", "basis", NULL };
    const char *code = NULL, *title = NULL, *basis = NULL, *p;
    int64_t months = 0;
    cJSON *root;
    char detail[128];
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "archive.retention_set", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 32, &code, err);
    for (p = code; rc == FW_OK && p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            rc = fw__error_set(err, FW_EINVAL, "$.code", "must use only a-z, 0-9 and _, got \"%s\"", code);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "months", FW__REQUIRED, 0, 1200, &months, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "basis", FW__REQUIRED, 1, 200, &basis, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_archive_retention(code, title, months, basis) VALUES (?,?,?,?) "
                         "ON CONFLICT(code) DO UPDATE SET title=excluded.title, months=excluded.months, "
                         "basis=excluded.basis", "ttit", code, title, months, basis);
        if (rc == FW_OK) {
            snprintf(detail, sizeof(detail), "{\"code\":\"%s\",\"months\":%lld}", code, (long long)months);
            rc = fw__audit_append(ctx, "archive.retention_set", "archive_retention", 0, detail,
                                  strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_archive_retention_list(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "archive.retention_list", err)) != FW_OK)
        return rc;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT code, title, months, basis FROM fw_archive_retention "
                           "ORDER BY code", "")) != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    while (arr && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", fw__db_col_text(s, 0));
        cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 1));
        fw__json_add_i64(o, "months", fw__db_col_i64(s, 2));
        cJSON_AddStringToObject(o, "basis", fw__db_col_text(s, 3));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (!arr)
        return fw__error_nomem(err);
    if (rc < 0) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- holds ---------------------------------------------------------------------------- */

/*
 * The holds the lower modules' records make: a party's documents stay while the party
 * has money in the ledger (a balance or a pending hold) or work open in the task module.
 */
static int builtin_holds(fw_ctx *ctx, fw_id doc_id, const struct doc *d, fw_error **err)
{
    int worker = strcmp(d->party_kind, "worker") == 0, zero = 0, rc;
    int64_t work = 0, payables = 0;

    rc = fw__ledger_party_balances_zero(ctx, worker ? FW_LEDGER_OWNER_WORKER : FW_LEDGER_OWNER_ENTERPRISE,
                                        d->party_id, &zero, err);
    if (rc == FW_OK && !zero)
        return fw__error_set(err, FW_EDENIED, NULL, "document %lld is held by the ledger: %s %lld still has a "
                             "balance or a pending hold", (long long)doc_id, d->party_kind, (long long)d->party_id);
    if (rc == FW_OK)
        rc = fw__task_party_open_work(ctx, worker, d->party_id, &work, &payables, err);
    if (rc == FW_OK && work > 0)
        return fw__error_set(err, FW_EDENIED, NULL, "document %lld is held by the task module: %s %lld has %lld %s "
                             "open", (long long)doc_id, d->party_kind, (long long)d->party_id, (long long)work,
                             worker ? "assignment(s)" : "task(s)");
    if (rc == FW_OK && payables > 0)
        return fw__error_set(err, FW_EDENIED, NULL, "document %lld is held by the task module: %s %lld has %lld "
                             "accepted work item(s) not yet paid", (long long)doc_id, d->party_kind,
                             (long long)d->party_id, (long long)payables);
    return rc;
}

int fw__archive_check_holds(fw_ctx *ctx, fw_id doc_id, fw_error **err)
{
    const struct hold_checks *h = fw__ctx_data(ctx, HOLD_CHECKS_KEY);
    struct doc d;
    fw__stmt *s;
    char why[256];
    size_t i;
    int rc = doc_load(ctx, doc_id, &d, err);

    if (rc != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT id, kind, reason, doc_id FROM fw_archive_hold WHERE archive_id=? "
                      "AND (doc_id IS NULL OR doc_id=?) AND released_ms IS NULL ORDER BY id LIMIT 1",
                      "ii", d.archive_id, doc_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        rc = fw__error_set(err, FW_EDENIED, NULL, "document %lld is held by hold %lld (%s on %s): %s",
                           (long long)doc_id, (long long)fw__db_col_i64(s, 0), fw__db_col_text(s, 1),
                           fw__db_col_is_null(s, 3) ? "the whole archive" : "this document",
                           fw__db_col_text(s, 2));
    fw__db_done(s);
    if (rc != FW__DONE)
        return rc;

    if ((rc = builtin_holds(ctx, doc_id, &d, err)) != FW_OK)
        return rc;
    for (i = 0; i < h->n; i++) {
        why[0] = '\0';
        rc = h->c[i].fn(ctx, d.party_kind, d.party_id, doc_id, d.category, why, sizeof(why), h->c[i].payload);
        why[sizeof(why) - 1] = '\0';
        if (rc == 1)
            return fw__error_set(err, FW_EDENIED, NULL, "document %lld is held by the %s check: %s",
                                 (long long)doc_id, h->c[i].name, why[0] ? why : "no reason given");
        if (rc < 0)
            return fw__error_set(err, rc, NULL, "document %lld: the %s hold check failed with %s",
                                 (long long)doc_id, h->c[i].name, fw_strerror(rc));
    }
    return FW_OK;
}

int fw_archive_hold_place(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_hold_id,
                          fw_error **err)
{
    static const char *const fields[] = { "party_kind", "party_id", "doc_id", "kind", "reason", NULL };
    static const char *const kinds[] = { "claim", "unsettled_amount", "litigation", "audit", "other", NULL };
    const char *reason = NULL;
    int pk = 0, kind = 0, rc;
    int64_t party = 0, doc_id = 0, owner = 0;
    fw_id archive = 0, id = 0;
    cJSON *root;
    char detail[160];

    if (!ctx || !json || !out_hold_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_hold_id are required");
    if ((rc = fw__authz_require(ctx, "archive.hold", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "party_kind", FW__REQUIRED, party_kinds, &pk, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "party_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &party, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "doc_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &doc_id, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 200, &reason, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = archive_id(ctx, party_kinds[pk], party, 0, &archive, err);
        if (rc == FW_OK && doc_id) {
            rc = fw__db_i64(ctx, &owner, err, "SELECT archive_id FROM fw_archive_doc WHERE id=?", "i", doc_id);
            if (rc == FW_ENOTFOUND || (rc == FW_OK && owner != archive))
                rc = fw__error_set(err, FW_ENOTFOUND, "$.doc_id", "no document %lld in the archive of %s %lld",
                                   (long long)doc_id, party_kinds[pk], (long long)party);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_archive_hold(archive_id, doc_id, kind, reason, placed_ms) "
                             "VALUES (?, nullif(?, 0), ?, ?, ?)", "iitti", archive, doc_id, kinds[kind],
                             reason, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            snprintf(detail, sizeof(detail), "{\"archive_id\":%lld,\"doc_id\":%lld,\"kind\":\"%s\"}",
                     (long long)archive, (long long)doc_id, kinds[kind]);
            rc = fw__audit_append(ctx, "archive.hold", "archive_hold", id, detail, strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_hold_id = id;
    return rc;
}

int fw_archive_hold_release(fw_ctx *ctx, fw_id hold_id, fw_error **err)
{
    fw__stmt *s;
    int rc, found = 0, released = 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "archive.hold", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT released_ms FROM fw_archive_hold WHERE id=?", "i", hold_id);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            found = 1;
            released = !fw__db_col_is_null(s, 0);
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    if (rc == FW_OK && !found)
        rc = fw__error_set(err, FW_ENOTFOUND, "hold_id", "no hold %lld", (long long)hold_id);
    if (rc == FW_OK && released)
        rc = fw__error_set(err, FW_ESTATE, "hold_id", "hold %lld is already released", (long long)hold_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_archive_hold SET released_ms=? WHERE id=?", "ii",
                         fw_ctx_now(ctx), hold_id);
    if (rc == FW_OK)
        rc = fw__audit_append(ctx, "archive.hold_release", "archive_hold", hold_id, "{}", 2, err);
    return fw__tx_end(ctx, rc, err);
}

/* ---- appraise, destroy ---------------------------------------------------------------- */

int fw_archive_appraise(fw_ctx *ctx, fw_id doc_id, const char *json, size_t json_len,
                        fw_error **err)
{
    static const char *const fields[] = { "decision", "opinion", "extend_months", NULL };
    static const char *const decisions[] = { "destroy", "keep", NULL };
    const char *opinion = NULL;
    int decision = 0, rc;
    int64_t extend = 0, now, until = 0;
    struct doc d;
    cJSON *root;
    char detail[128], date[16];

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "archive.appraise", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "decision", FW__REQUIRED, decisions, &decision, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "opinion", FW__REQUIRED, 1, 500, &opinion, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "extend_months", decision == 1 ? FW__REQUIRED : FW__OPTIONAL, 1, 1200,
                          &extend, err);
    if (rc == FW_OK && decision == 0 && extend)
        rc = fw__error_set(err, FW_EINVAL, "$.extend_months", "applies only to the decision \"keep\"");
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    now = fw_ctx_now(ctx);
    rc = doc_load(ctx, doc_id, &d, err);
    if (rc == FW_OK && d.state != FW_ARCHIVE_RECEIVED && d.state != FW_ARCHIVE_KEPT)
        rc = fw__error_set(err, FW_ESTATE, NULL, "document %lld is %s; only a kept document is appraised",
                           (long long)doc_id, d.state == FW_ARCHIVE_APPRAISED ? "already appraised" : "destroyed");
    if (rc == FW_OK && d.keep_until_ms == 0)
        rc = fw__error_set(err, FW_ESTATE, NULL, "document %lld is kept permanently (retention class %s)",
                           (long long)doc_id, d.retention);
    if (rc == FW_OK && now < d.keep_until_ms) {
        date_text(d.keep_until_ms, date, sizeof(date));
        rc = fw__error_set(err, FW_ESTATE, NULL, "document %lld is kept until %s (retention class %s); "
                           "it is appraised after that", (long long)doc_id, date, d.retention);
    }
    if (rc == FW_OK && decision == 0)
        rc = fw__archive_check_holds(ctx, doc_id, err);
    if (rc == FW_OK && decision == 1)
        rc = keep_until(now, extend, &until, err);
    if (rc == FW_OK)
        rc = decision == 0
             ? fw__db_exec(ctx, err, "UPDATE fw_archive_doc SET state=?, appraised_ms=?, appraisal=? WHERE id=?",
                           "iiti", (int64_t)FW_ARCHIVE_APPRAISED, now, opinion, doc_id)
             : fw__db_exec(ctx, err, "UPDATE fw_archive_doc SET keep_until_ms=?, appraised_ms=?, appraisal=? "
                           "WHERE id=?", "iiti", until, now, opinion, doc_id);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"decision\":\"%s\",\"keep_until_ms\":%lld}", decisions[decision],
                 (long long)(decision == 1 ? until : d.keep_until_ms));
        rc = fw__audit_append(ctx, "archive.appraise", "archive_doc", doc_id, detail, strlen(detail), err);
    }
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

int fw_archive_destroy(fw_ctx *ctx, fw_id doc_id, const char *json, size_t json_len,
                       fw_error **err)
{
    static const char *const fields[] = { "approver", "supervisor", NULL };
    const char *approver = NULL, *supervisor = NULL;
    int64_t now, sharing = 0;
    struct doc d;
    cJSON *root;
    char detail[160], hex[2 * HASH_BYTES + 1];
    int rc, unlink_file = 0;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "archive.destroy", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "approver", FW__REQUIRED, 1, 100, &approver, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "supervisor", FW__OPTIONAL, 1, 100, &supervisor, err);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    now = fw_ctx_now(ctx);
    rc = doc_load(ctx, doc_id, &d, err);
    if (rc == FW_OK && d.state != FW_ARCHIVE_APPRAISED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "document %lld has not been appraised for destruction",
                           (long long)doc_id);
    if (rc == FW_OK)
        rc = fw__archive_check_holds(ctx, doc_id, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_archive_doc SET state=?, destroyed_ms=?, sealed=NULL WHERE id=?",
                         "iii", (int64_t)FW_ARCHIVE_DESTROYED, now, doc_id);
    /* Content shared by hash goes only when no other live document still refers to it. */
    if (rc == FW_OK && !d.location[0] && !d.personal) {
        rc = fw__db_i64(ctx, &sharing, err, "SELECT count(*) FROM fw_archive_doc WHERE hash=? AND personal=0 "
                        "AND location IS NULL AND state<>?", "bi", (const void *)d.hash, (size_t)HASH_BYTES,
                        (int64_t)FW_ARCHIVE_DESTROYED);
        if (rc == FW_OK && sharing == 0)
            rc = fw__db_exec(ctx, err, "DELETE FROM fw_archive_blob WHERE hash=?", "b", (const void *)d.hash,
                             (size_t)HASH_BYTES);
    }
    if (rc == FW_OK && d.location[0]) {
        rc = fw__db_i64(ctx, &sharing, err, "SELECT count(*) FROM fw_archive_doc WHERE location=? AND state<>?",
                        "ti", d.location, (int64_t)FW_ARCHIVE_DESTROYED);
        unlink_file = rc == FW_OK && sharing == 0;
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_archive_destruction(doc_id, archive_id, party_kind, party_id, number, "
                         "category, title, retention, hash, size, appraisal, approver, supervisor, destroyed_ms, "
                         "actor_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "iitiitttbitttit",
                         doc_id, d.archive_id, d.party_kind, d.party_id, d.number, d.category, d.title,
                         d.retention, (const void *)d.hash, (size_t)HASH_BYTES, d.size, d.appraisal, approver,
                         supervisor, now, ctx->actor_name ? ctx->actor_name : "");
    if (rc == FW_OK) {
        hex_of(d.hash, HASH_BYTES, hex);
        snprintf(detail, sizeof(detail), "{\"register_id\":%lld,\"hash\":\"%s\"}",
                 (long long)fw__db_last_id(ctx), hex);
        rc = fw__audit_append(ctx, "archive.destroy", "archive_doc", doc_id, detail, strlen(detail), err);
    }
    if (rc == FW_OK && unlink_file && unlink(d.location) != 0 && errno != ENOENT)
        rc = fw__error_set(err, FW_EIO, NULL, "cannot remove %s: %s", d.location, strerror(errno));
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

int fw_archive_destruction_register(fw_ctx *ctx, int64_t from_ms, int64_t to_ms, char **out_json,
                                    size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "archive.register", err)) != FW_OK)
        return rc;
    if (to_ms == 0)
        to_ms = INT64_MAX;
    if ((rc = fw__db_query(ctx, &s, err, "SELECT id, doc_id, party_kind, party_id, number, category, title, "
                           "retention, hash, size, appraisal, approver, supervisor, destroyed_ms, actor_name "
                           "FROM fw_archive_destruction WHERE destroyed_ms >= ? AND destroyed_ms < ? ORDER BY id",
                           "ii", from_ms, to_ms)) != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    while (arr && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(o, "doc_id", fw__db_col_i64(s, 1));
        cJSON_AddStringToObject(o, "party_kind", fw__db_col_text(s, 2));
        fw__json_add_i64(o, "party_id", fw__db_col_i64(s, 3));
        fw__json_add_i64(o, "number", fw__db_col_i64(s, 4));
        cJSON_AddStringToObject(o, "category", fw__db_col_text(s, 5));
        cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 6));
        cJSON_AddStringToObject(o, "retention", fw__db_col_text(s, 7));
        fw__json_add_hex(o, "hash", fw__db_col_blob(s, 8), fw__db_col_bytes(s, 8));
        fw__json_add_i64(o, "size", fw__db_col_i64(s, 9));
        cJSON_AddStringToObject(o, "appraisal", fw__db_col_text(s, 10));
        cJSON_AddStringToObject(o, "approver", fw__db_col_text(s, 11));
        if (!fw__db_col_is_null(s, 12))
            cJSON_AddStringToObject(o, "supervisor", fw__db_col_text(s, 12));
        fw__json_add_i64(o, "destroyed_ms", fw__db_col_i64(s, 13));
        cJSON_AddStringToObject(o, "actor_name", fw__db_col_text(s, 14));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (!arr)
        return fw__error_nomem(err);
    if (rc < 0) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- personal information past its purpose -------------------------------------------- */

int fw_archive_pi_block(fw_ctx *ctx, const char *party_kind, fw_id party_id, const char *json,
                        size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "reason", "until", NULL };
    const char *reason = NULL;
    int64_t until = 0, ignored;
    fw_id archive = 0;
    cJSON *root;
    char detail[96];
    int rc, purged = 0;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = check_party(party_kind, party_id, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "archive.pi_block", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 200, &reason, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "until", FW__REQUIRED, &until, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = archive_id(ctx, party_kind, party_id, 0, &archive, err);
        if (rc == FW_OK && (rc = pi_state(ctx, archive, &ignored, &purged, err)) > 0)
            rc = FW_OK;
        if (rc == FW_OK && purged)
            rc = fw__error_set(err, FW_ESTATE, NULL, "the personal information of %s %lld is already purged",
                               party_kind, (long long)party_id);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_archive_archive SET pi_blocked_ms=coalesce(pi_blocked_ms, ?), "
                             "pi_until_ms=?, pi_reason=? WHERE id=?", "iiti", fw_ctx_now(ctx), until, reason,
                             archive);
        if (rc == FW_OK) {
            snprintf(detail, sizeof(detail), "{\"until_ms\":%lld}", (long long)until);
            rc = fw__audit_append(ctx, "archive.pi_block", "archive", archive, detail, strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_archive_pi_purge(fw_ctx *ctx, const char *party_kind, fw_id party_id, fw_error **err)
{
    int64_t until = 0;
    fw_id archive = 0;
    char subject[64], date[16];
    int rc, purged = 0, blocked = 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = check_party(party_kind, party_id, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "archive.pi_purge", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = archive_id(ctx, party_kind, party_id, 0, &archive, err);
    if (rc == FW_OK && (blocked = pi_state(ctx, archive, &until, &purged, err)) < 0)
        rc = blocked;
    if (rc == FW_OK && purged)
        rc = fw__error_set(err, FW_ESTATE, NULL, "the personal information of %s %lld is already purged",
                           party_kind, (long long)party_id);
    if (rc == FW_OK && !blocked)
        rc = fw__error_set(err, FW_ESTATE, NULL, "the personal information of %s %lld is not blocked; "
                           "block it first with fw_archive_pi_block()", party_kind, (long long)party_id);
    if (rc == FW_OK && fw_ctx_now(ctx) < until) {
        date_text(until, date, sizeof(date));
        rc = fw__error_set(err, FW_ESTATE, NULL, "the legal period of the personal information of %s %lld "
                           "runs until %s; it is purged after that", party_kind, (long long)party_id, date);
    }
    if (rc == FW_OK) {
        rc = fw_vault_shred(ctx, fw__archive_subject(party_kind, party_id, subject, sizeof(subject)), err);
        if (rc == FW_ENOTFOUND)     /* nothing was ever sealed for the party */
            rc = FW_OK;
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_archive_archive SET pi_purged_ms=? WHERE id=?", "ii",
                         fw_ctx_now(ctx), archive);
    if (rc == FW_OK)
        rc = fw__audit_append(ctx, "archive.pi_purge", "archive", archive, "{}", 2, err);
    return fw__tx_end(ctx, rc, err);
}

/* ---- statistics ----------------------------------------------------------------------- */

static int stats_block(fw_ctx *ctx, const char *sql, int64_t from, int64_t to, cJSON *parent,
                       const char *name, fw_error **err)
{
    cJSON *o = cJSON_AddObjectToObject(parent, name), *cat, *kind;
    fw__stmt *s;
    int64_t total = 0;
    int rc;

    if (!o || !(cat = cJSON_CreateObject()) || !(kind = cJSON_CreateObject()))
        return fw__error_nomem(err);
    if ((rc = fw__db_query(ctx, &s, err, sql, "ii", from, to)) != FW_OK) {
        cJSON_Delete(cat);
        cJSON_Delete(kind);
        return rc;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        const char *k = fw__db_col_text(s, 0), *c = fw__db_col_text(s, 1);
        int64_t n = fw__db_col_i64(s, 2);
        cJSON *prev;
        total += n;
        prev = cJSON_GetObjectItemCaseSensitive(cat, c);
        if (prev)
            cJSON_SetNumberValue(prev, prev->valuedouble + (double)n);
        else
            fw__json_add_i64(cat, c, n);
        prev = cJSON_GetObjectItemCaseSensitive(kind, k);
        if (prev)
            cJSON_SetNumberValue(prev, prev->valuedouble + (double)n);
        else
            fw__json_add_i64(kind, k, n);
    }
    fw__db_done(s);
    fw__json_add_i64(o, "total", total);
    cJSON_AddItemToObject(o, "by_category", cat);
    cJSON_AddItemToObject(o, "by_party_kind", kind);
    return rc < 0 ? rc : FW_OK;
}

/* [from, to) of a CST period "YYYY-MM", "YYYY-Qn" or "YYYY". */
static int parse_period(const char *p, int64_t *from, int64_t *to)
{
    int y = 0, m = 0, q = 0, n = 0, kind;

    if (!p)
        return -1;
    if (sscanf(p, "%4d-Q%1d%n", &y, &q, &n) == 2 && n == 7 && p[n] == '\0' && q >= 1 && q <= 4) {
        m = 3 * q - 2;
        kind = FW__PERIOD_QUARTER;
    } else if (strlen(p) == 4 && sscanf(p, "%4d%n", &y, &n) == 1 && n == 4) {
        m = 1;
        kind = FW__PERIOD_YEAR;
    } else if (fw__month_key_parse(p, &y, &m) == FW_OK) {
        kind = FW__PERIOD_MONTH;
    } else {
        return -1;
    }
    if (y < 1970 || fw__cst_from_date(y, m, 1, from) != FW_OK)
        return -1;
    fw__cst_period(*from, kind, from, to);
    return 0;
}

int fw_archive_stats(fw_ctx *ctx, const char *period, char **out_json, size_t *out_len,
                     fw_error **err)
{
    int64_t from, to;
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if (parse_period(period, &from, &to) != 0)
        return fw__error_set(err, FW_EINVAL, "period", "must be a CST period YYYY-MM, YYYY-Qn or YYYY, got \"%.16s\"",
                             period ? period : "(null)");
    if ((rc = fw__authz_require(ctx, "archive.stats", err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    cJSON_AddStringToObject(o, "period", period);
    rc = stats_block(ctx, "SELECT a.party_kind, d.category, count(*) FROM fw_archive_doc d JOIN fw_archive_archive a "
                     "ON a.id = d.archive_id WHERE d.received_ms >= ? AND d.received_ms < ? "
                     "GROUP BY a.party_kind, d.category", from, to, o, "received", err);
    if (rc == FW_OK)
        rc = stats_block(ctx, "SELECT a.party_kind, d.category, count(*) FROM fw_archive_access x "
                         "JOIN fw_archive_doc d ON d.id = x.doc_id JOIN fw_archive_archive a ON a.id = d.archive_id "
                         "WHERE x.at_ms >= ? AND x.at_ms < ? GROUP BY a.party_kind, d.category", from, to, o,
                         "used", err);
    if (rc == FW_OK)
        rc = stats_block(ctx, "SELECT party_kind, category, count(*) FROM fw_archive_destruction "
                         "WHERE destroyed_ms >= ? AND destroyed_ms < ? GROUP BY party_kind, category", from, to,
                         o, "destroyed", err);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}
