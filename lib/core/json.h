/*
 * JSON in and out. Parsing enforces size and depth limits; the getters validate one field
 * each and name it by its JSON path in the error, e.g. "$.workers[3].id_number: ...".
 *
 * A typical record parser:
 *   static const char *const fields[] = {"name", "amount_fen", NULL};
 *   if ((rc = fw__json_parse(&root, json, len, err)) != FW_OK) return rc;
 *   if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK)
 *       rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 200, &rec->name, err);
 *   ...
 *   cJSON_Delete(root);
 * Strings come back as pointers into the cJSON tree: copy what outlives it.
 */
#ifndef FW_CORE_JSON_H
#define FW_CORE_JSON_H

#include <cjson/cJSON.h>
#include <flexwork/common.h>

#define FW__JSON_MAX_BYTES (16u * 1024u * 1024u)  /* 16 MiB */
#define FW__JSON_MAX_DEPTH 32
#define FW__JSON_MAX_INT   9007199254740991LL      /* 2^53 - 1: exact in a JSON number */

#define FW__OPTIONAL 0
#define FW__REQUIRED 1

/* Parses UTF-8 JSON text (len bytes; (size_t)-1 = NUL-terminated). The root must be an object. */
int fw__json_parse(cJSON **out, const char *json, size_t len, fw_error **err);
/* Same, for any root type (arrays of records). */
int fw__json_parse_any(cJSON **out, const char *json, size_t len, fw_error **err);

/* Rejects a member of obj that is not in the NULL-terminated list `allowed`. */
int fw__json_only(const cJSON *obj, const char *path, const char *const *allowed, fw_error **err);

/*
 * Field getters. With FW__OPTIONAL an absent field (or null) leaves *out unchanged and returns
 * FW_OK; with FW__REQUIRED it is an error naming the field.
 */
int fw__json_str(const cJSON *obj, const char *path, const char *name, int required,
                 size_t min_len, size_t max_len, const char **out, fw_error **err);
int fw__json_i64(const cJSON *obj, const char *path, const char *name, int required,
                 int64_t min, int64_t max, int64_t *out, fw_error **err);
int fw__json_bool(const cJSON *obj, const char *path, const char *name, int required,
                  int *out, fw_error **err);
/* A string that must be one of the NULL-terminated `allowed`; *out is its index. */
int fw__json_enum(const cJSON *obj, const char *path, const char *name, int required,
                  const char *const *allowed, int *out, fw_error **err);
int fw__json_obj(const cJSON *obj, const char *path, const char *name, int required,
                 const cJSON **out, fw_error **err);
int fw__json_arr(const cJSON *obj, const char *path, const char *name, int required,
                 size_t max_items, const cJSON **out, fw_error **err);
/* "2026-03-01" -> ms at 00:00 China Standard Time. */
int fw__json_date(const cJSON *obj, const char *path, const char *name, int required,
                  int64_t *out_ms, fw_error **err);
/* Lower-case hex of exactly nbytes bytes (content hashes). */
int fw__json_hex(const cJSON *obj, const char *path, const char *name, int required,
                 size_t nbytes, const char **out, fw_error **err);

/* Writes "<path>.<name>" or "<path>[i]" into buf (truncating safely). */
const char *fw__json_path(char *buf, size_t size, const char *path, const char *name);
const char *fw__json_path_index(char *buf, size_t size, const char *path, size_t i);

/* Prints item unformatted, the text cJSON_PrintUnformatted gives, into a malloc'd string
 * (free() or cJSON_free() it); NULL when out of memory or for an item cJSON cannot print. */
char *fw__json_print(const cJSON *item);
/* Prints item unformatted into a library-owned string for a char **out_json; deletes item. */
int fw__json_out(cJSON *item, char **out_json, size_t *out_len, fw_error **err);
/* Adds an int64 member printed exactly (for output: beyond 10^15 the member is raw text). */
cJSON *fw__json_add_i64(cJSON *obj, const char *name, int64_t v);
/* Lower-case hex string member. */
cJSON *fw__json_add_hex(cJSON *obj, const char *name, const unsigned char *bytes, size_t n);

#endif
