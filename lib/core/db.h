/*
 * The statement layer. Only lib/core/db*.c include sqlite3.h; modules prepare, bind, step and
 * read columns through these functions, so that another SQL backend can implement them.
 *
 * Statements prepared from string literals are cached per context (keyed by the literal's
 * address); always release one with fw__db_done(), on every path. A statement string holds
 * exactly one statement (a second one is refused with FW_ERROR; scripts use fw__db_script).
 *
 * Format strings of the one-shot helpers bind parameters left to right:
 *   'i' int64_t   't' const char * (NUL-terminated; NULL binds NULL)
 *   'b' const void *, size_t (blob; NULL binds NULL)   'n' NULL (no argument)
 */
#ifndef FW_CORE_DB_H
#define FW_CORE_DB_H

#include <stdarg.h>
#include <flexwork/common.h>

typedef struct fw__stmt fw__stmt;

#define FW__ROW  1
#define FW__DONE 0

int fw__db_prepare(fw_ctx *ctx, fw__stmt **out, const char *sql, fw_error **err);
int fw__db_bind_i64(fw__stmt *s, int idx, int64_t v);
int fw__db_bind_text(fw__stmt *s, int idx, const char *v);
int fw__db_bind_textn(fw__stmt *s, int idx, const char *v, size_t n);
int fw__db_bind_blob(fw__stmt *s, int idx, const void *p, size_t n);
int fw__db_bind_null(fw__stmt *s, int idx);
/* FW__ROW, FW__DONE, or a negative FW_E* code with *err set. */
int fw__db_step(fw__stmt *s, fw_error **err);
int64_t fw__db_col_i64(fw__stmt *s, int col);
/* NULL for SQL NULL. Valid until the next step or fw__db_done(). */
const char *fw__db_col_text(fw__stmt *s, int col);
const void *fw__db_col_blob(fw__stmt *s, int col);
size_t fw__db_col_bytes(fw__stmt *s, int col);
int fw__db_col_is_null(fw__stmt *s, int col);
/* Resets a cached statement (or finalises an uncached one). NULL is allowed. */
void fw__db_done(fw__stmt *s);

/* Prepares and binds; the caller steps and calls fw__db_done(). */
int fw__db_query(fw_ctx *ctx, fw__stmt **out, fw_error **err, const char *sql, const char *fmt, ...);
/* Runs a statement to completion, ignoring rows. */
int fw__db_exec(fw_ctx *ctx, fw_error **err, const char *sql, const char *fmt, ...);
/* First column of the first row as int64 (NULL reads 0). FW_ENOTFOUND (err untouched) when no row. */
int fw__db_i64(fw_ctx *ctx, int64_t *out, fw_error **err, const char *sql, const char *fmt, ...);
/* Runs a script of several statements without parameters (migrations). */
int fw__db_script(fw_ctx *ctx, const char *sql, fw_error **err);

fw_id fw__db_last_id(fw_ctx *ctx);
/* 1 when no transaction is open on the connection (SQLite may end one itself after an error). */
int fw__db_autocommit(fw_ctx *ctx);
int64_t fw__db_changes(fw_ctx *ctx);

/* Connection management, used by init.c and ctx.c only. */
int fw__db_global_init(void);
struct fw__db;
int fw__db_open(struct fw__db **out, const char *path, int create, uint32_t busy_ms,
                uint32_t synchronous, fw_error **err);
void fw__db_close(struct fw__db *db);
/* 1 when the table exists. */
int fw__db_table_exists(fw_ctx *ctx, const char *table);

#endif
