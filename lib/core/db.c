/*
 * The statement layer over SQLite: connection set-up, a prepared-statement cache, binding,
 * stepping and error mapping. The only file besides db_*.c that knows SQLite exists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"

#define CACHE_SLOTS 2048     /* every module's literals fit: a miss only costs a prepare */

struct fw__stmt {
    sqlite3_stmt *st;
    struct fw__db *db;
    const char *key;     /* the SQL literal's address (cached statements) */
    int cached;
    int busy;
};

struct fw__db {
    sqlite3 *h;
    struct fw__stmt cache[CACHE_SLOTS];
};

int fw__db_global_init(void)
{
    if (!sqlite3_threadsafe())
        return FW_ERROR;
    return sqlite3_initialize() == SQLITE_OK ? FW_OK : FW_ERROR;
}

static int map_code(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return FW_ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return FW_EBUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return FW_ECORRUPT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return FW_EIO;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return FW_EEXISTS;
        if (rc == SQLITE_CONSTRAINT_TRIGGER)
            return FW_EPERM;
        return FW_EINVAL;
    default:
        return FW_ERROR;
    }
}

static int db_error(sqlite3 *h, int rc, const char *sql, fw_error **err)
{
    int code = map_code(rc);
    const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);

    if (code == FW_ENOMEM)
        return fw__error_nomem(err);
    return fw__error_set(err, code, NULL, "store: %s (in: %.80s)", msg, sql ? sql : "");
}

int fw__db_open(struct fw__db **out, const char *path, int create, uint32_t busy_ms,
                uint32_t synchronous, fw_error **err)
{
    struct fw__db *db;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    int rc;

    if (create)
        flags |= SQLITE_OPEN_CREATE;
    db = calloc(1, sizeof(*db));
    if (!db)
        return fw__error_nomem(err);
    rc = sqlite3_open_v2(path, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        int code = (!create && (rc & 0xff) == SQLITE_CANTOPEN) ? FW_ENOTFOUND : map_code(rc);
        fw__error_set(err, code, NULL, "cannot open store '%s': %s", path,
                      db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        sqlite3_close(db->h);
        free(db);
        return code;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, (int)(busy_ms ? busy_ms : 5000));
    {
        const char *setup = synchronous == FW_SYNC_NORMAL
            ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
              "PRAGMA secure_delete=ON;"
            : "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
              "PRAGMA secure_delete=ON;";
        rc = sqlite3_exec(db->h, setup, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        int code = db_error(db->h, rc, "PRAGMA", err);
        sqlite3_close(db->h);
        free(db);
        return code;
    }
    *out = db;
    return FW_OK;
}

void fw__db_close(struct fw__db *db)
{
    size_t i;

    if (!db)
        return;
    for (i = 0; i < CACHE_SLOTS; i++)
        sqlite3_finalize(db->cache[i].st);
    sqlite3_close_v2(db->h);
    free(db);
}

static size_t slot_of(const char *key)
{
    uintptr_t x = (uintptr_t)key;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 40) % CACHE_SLOTS;
}

/* 1 when nothing but white space and semicolons follows the first statement. */
static int only_one(const char *tail)
{
    for (; tail && *tail; tail++)
        if (*tail != ';' && *tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r')
            return 0;
    return 1;
}

/* A second statement would be silently ignored by SQLite: refuse it (scripts use fw__db_script). */
static int one_statement_error(const char *sql, fw_error **err)
{
    return fw__error_set(err, FW_ERROR, NULL, "store: more than one statement in: %.80s", sql);
}

int fw__db_prepare(fw_ctx *ctx, fw__stmt **out, const char *sql, fw_error **err)
{
    struct fw__db *db = ctx->db;
    struct fw__stmt *s = NULL;
    size_t i, slot = slot_of(sql);
    const char *tail = NULL;
    int rc;

    /* Probe a few slots: a hit on the same literal, or a free slot to fill. */
    for (i = 0; i < 8; i++) {
        struct fw__stmt *e = &db->cache[(slot + i) % CACHE_SLOTS];
        if (e->st && e->key == sql && strcmp(sqlite3_sql(e->st), sql) == 0) {
            if (!e->busy) {
                e->busy = 1;
                *out = e;
                return FW_OK;
            }
            break;          /* in use (re-entrant call): use an uncached copy */
        }
        if (!e->st && !s)
            s = e;
    }
    if (s) {
        rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
        if (rc != SQLITE_OK)
            return db_error(db->h, rc, sql, err);
        if (!only_one(tail)) {
            sqlite3_finalize(s->st);
            s->st = NULL;
            return one_statement_error(sql, err);
        }
        s->db = db;
        s->key = sql;
        s->cached = 1;
        s->busy = 1;
        *out = s;
        return FW_OK;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        return fw__error_nomem(err);
    rc = sqlite3_prepare_v2(db->h, sql, -1, &s->st, &tail);
    if (rc != SQLITE_OK) {
        free(s);
        return db_error(db->h, rc, sql, err);
    }
    if (!only_one(tail)) {
        sqlite3_finalize(s->st);
        free(s);
        return one_statement_error(sql, err);
    }
    s->db = db;
    *out = s;
    return FW_OK;
}

void fw__db_done(fw__stmt *s)
{
    if (!s)
        return;
    if (s->cached) {
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->busy = 0;
    } else {
        sqlite3_finalize(s->st);
        free(s);
    }
}

int fw__db_bind_i64(fw__stmt *s, int idx, int64_t v)
{
    return sqlite3_bind_int64(s->st, idx, v) == SQLITE_OK ? FW_OK : FW_ERROR;
}

int fw__db_bind_text(fw__stmt *s, int idx, const char *v)
{
    int rc = v ? sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT)
               : sqlite3_bind_null(s->st, idx);
    return rc == SQLITE_OK ? FW_OK : FW_ERROR;
}

int fw__db_bind_textn(fw__stmt *s, int idx, const char *v, size_t n)
{
    if (!v)
        return fw__db_bind_null(s, idx);
    return sqlite3_bind_text64(s->st, idx, v, n, SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK
        ? FW_OK : FW_ERROR;
}

int fw__db_bind_blob(fw__stmt *s, int idx, const void *p, size_t n)
{
    if (!p)
        return fw__db_bind_null(s, idx);
    return sqlite3_bind_blob64(s->st, idx, p, n, SQLITE_TRANSIENT) == SQLITE_OK ? FW_OK : FW_ERROR;
}

int fw__db_bind_null(fw__stmt *s, int idx)
{
    return sqlite3_bind_null(s->st, idx) == SQLITE_OK ? FW_OK : FW_ERROR;
}

int fw__db_step(fw__stmt *s, fw_error **err)
{
    int rc = sqlite3_step(s->st);

    if (rc == SQLITE_ROW)
        return FW__ROW;
    if (rc == SQLITE_DONE)
        return FW__DONE;
    return db_error(s->db->h, sqlite3_extended_errcode(s->db->h), sqlite3_sql(s->st), err);
}

int64_t fw__db_col_i64(fw__stmt *s, int col)
{
    return sqlite3_column_int64(s->st, col);
}

const char *fw__db_col_text(fw__stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s->st, col);
}

const void *fw__db_col_blob(fw__stmt *s, int col)
{
    return sqlite3_column_blob(s->st, col);
}

size_t fw__db_col_bytes(fw__stmt *s, int col)
{
    return (size_t)sqlite3_column_bytes(s->st, col);
}

int fw__db_col_is_null(fw__stmt *s, int col)
{
    return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int bind_va(fw__stmt *s, const char *fmt, va_list ap, fw_error **err)
{
    int idx = 1, rc = FW_OK;

    for (; fmt && *fmt && rc == FW_OK; fmt++, idx++) {
        switch (*fmt) {
        case 'i':
            rc = fw__db_bind_i64(s, idx, va_arg(ap, int64_t));
            break;
        case 't':
            rc = fw__db_bind_text(s, idx, va_arg(ap, const char *));
            break;
        case 'b': {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            rc = fw__db_bind_blob(s, idx, p, n);
            break;
        }
        case 'n':
            rc = fw__db_bind_null(s, idx);
            break;
        default:
            rc = FW_ERROR;
        }
    }
    if (rc != FW_OK)
        return fw__error_set(err, FW_ERROR, NULL, "store: cannot bind parameter %d of %.80s",
                             idx - 1, sqlite3_sql(s->st));
    return FW_OK;
}

static int query_va(fw_ctx *ctx, fw__stmt **out, fw_error **err, const char *sql,
                    const char *fmt, va_list ap)
{
    fw__stmt *s;
    int rc = fw__db_prepare(ctx, &s, sql, err);

    if (rc != FW_OK)
        return rc;
    if ((rc = bind_va(s, fmt, ap, err)) != FW_OK) {
        fw__db_done(s);
        return rc;
    }
    *out = s;
    return FW_OK;
}

int fw__db_query(fw_ctx *ctx, fw__stmt **out, fw_error **err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = query_va(ctx, out, err, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int fw__db_exec(fw_ctx *ctx, fw_error **err, const char *sql, const char *fmt, ...)
{
    fw__stmt *s;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = query_va(ctx, &s, err, sql, fmt, ap);
    va_end(ap);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW)
        ;
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw__db_i64(fw_ctx *ctx, int64_t *out, fw_error **err, const char *sql, const char *fmt, ...)
{
    fw__stmt *s;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = query_va(ctx, &s, err, sql, fmt, ap);
    va_end(ap);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *out = fw__db_col_i64(s, 0);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_ENOTFOUND;
    }
    fw__db_done(s);
    return rc;
}

int fw__db_script(fw_ctx *ctx, const char *sql, fw_error **err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(ctx->db->h, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        int code = map_code(sqlite3_extended_errcode(ctx->db->h));
        fw__error_set(err, code, NULL, "store: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return code;
    }
    return FW_OK;
}

fw_id fw__db_last_id(fw_ctx *ctx)
{
    return sqlite3_last_insert_rowid(ctx->db->h);
}

int fw__db_autocommit(fw_ctx *ctx)
{
    return sqlite3_get_autocommit(ctx->db->h) != 0;
}

int64_t fw__db_changes(fw_ctx *ctx)
{
    return sqlite3_changes64(ctx->db->h);
}

int fw__db_table_exists(fw_ctx *ctx, const char *table)
{
    int64_t n = 0;

    if (fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?",
                   "t", table) != FW_OK)
        return 0;
    return n > 0;
}
