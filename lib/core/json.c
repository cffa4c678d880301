/* JSON parsing with limits, and field validation that names the field's path. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"

const char *fw__json_path(char *buf, size_t size, const char *path, const char *name)
{
    snprintf(buf, size, "%s.%s", path ? path : "$", name);
    return buf;
}

const char *fw__json_path_index(char *buf, size_t size, const char *path, size_t i)
{
    snprintf(buf, size, "%s[%zu]", path ? path : "$", i);
    return buf;
}

/* Depth counts containers only: 32 nested arrays holding a number are 32 levels deep. */
static int depth_ok(const cJSON *item, int depth)
{
    const cJSON *c;
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return 1;
    if (depth > FW__JSON_MAX_DEPTH)
        return 0;
    for (c = item->child; c; c = c->next)
        if (!depth_ok(c, depth + 1))
            return 0;
    return 1;
}

/* Pre-scan nesting without recursion so that deep input cannot exhaust the stack. */
static int nesting_ok(const char *s, size_t len)
{
    size_t i;
    int depth = 0, in_str = 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > FW__JSON_MAX_DEPTH)
                return 0;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

int fw__json_parse_any(cJSON **out, const char *json, size_t len, fw_error **err)
{
    const char *end = NULL;
    cJSON *root;

    if (!json)
        return fw__error_set(err, FW_EINVAL, "$", "JSON text is required");
    if (len == (size_t)-1)
        len = strlen(json);
    if (len > FW__JSON_MAX_BYTES)
        return fw__error_set(err, FW_EJSON, "$", "JSON text is %zu bytes; at most %u are accepted",
                             len, FW__JSON_MAX_BYTES);
    if (!nesting_ok(json, len))
        return fw__error_set(err, FW_EJSON, "$", "JSON nests deeper than %d levels", FW__JSON_MAX_DEPTH);
    root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!root) {
        size_t off = end && end >= json ? (size_t)(end - json) : 0;
        return fw__error_set(err, FW_EJSON, "$", "malformed JSON at byte %zu", off);
    }
    /* Only whitespace may follow the value. */
    while (end && (size_t)(end - json) < len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (end && (size_t)(end - json) < len) {
        cJSON_Delete(root);
        return fw__error_set(err, FW_EJSON, "$", "unexpected text after the JSON value at byte %zu",
                             (size_t)(end - json));
    }
    if (!depth_ok(root, 1)) {
        cJSON_Delete(root);
        return fw__error_set(err, FW_EJSON, "$", "JSON nests deeper than %d levels", FW__JSON_MAX_DEPTH);
    }
    *out = root;
    return FW_OK;
}

int fw__json_parse(cJSON **out, const char *json, size_t len, fw_error **err)
{
    cJSON *root;
    int rc = fw__json_parse_any(&root, json, len, err);
    if (rc != FW_OK)
        return rc;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return fw__error_set(err, FW_EINVAL, "$", "must be a JSON object");
    }
    *out = root;
    return FW_OK;
}

static const char *type_name(const cJSON *c);

int fw__json_only(const cJSON *obj, const char *path, const char *const *allowed, fw_error **err)
{
    const cJSON *c, *d;
    char p[256];

    if (!cJSON_IsObject(obj))
        return fw__error_set(err, FW_EINVAL, path, "must be an object, got %s", type_name(obj));
    for (c = obj->child; c; c = c->next) {
        const char *const *a;
        for (a = allowed; *a; a++)
            if (strcmp(*a, c->string) == 0)
                break;
        if (!*a) {
            char list[512] = "";
            size_t used = 0;
            for (a = allowed; *a && used < sizeof(list) - 1; a++)
                used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                         a == allowed ? "" : ", ", *a);
            return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, c->string),
                                 "unknown field; accepted fields are: %s", list);
        }
        /* A repeated member would let two readers of one record see different values. Every
         * member before c is a distinct accepted name, so this scan stays short. */
        for (d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, c->string),
                                     "appears more than once");
    }
    return FW_OK;
}

/* Finds a member; FW_OK with *item NULL when absent/null and optional. */
static int member(const cJSON *obj, const char *path, const char *name, int required,
                  const cJSON **item, char *p, size_t psize, fw_error **err)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, name);
    fw__json_path(p, psize, path, name);
    if (!c || cJSON_IsNull(c)) {
        *item = NULL;
        return required ? fw__error_set(err, FW_EINVAL, p, "is required") : FW_OK;
    }
    *item = c;
    return FW_OK;
}

static const char *type_name(const cJSON *c)
{
    if (cJSON_IsString(c)) return "a string";
    if (cJSON_IsNumber(c)) return "a number";
    if (cJSON_IsBool(c)) return "a boolean";
    if (cJSON_IsArray(c)) return "an array";
    if (cJSON_IsObject(c)) return "an object";
    return "null";
}

/* Counts UTF-8 code points; -1 when the text is not valid UTF-8. */
static long utf8_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        int i;
        if (!len)
            return -1;
        for (i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return -1;
        p += len;
        n++;
    }
    return n;
}

int fw__json_str(const cJSON *obj, const char *path, const char *name, int required,
                 size_t min_len, size_t max_len, const char **out, fw_error **err)
{
    const cJSON *c;
    char p[256];
    long n;
    int rc = member(obj, path, name, required, &c, p, sizeof(p), err);

    if (rc != FW_OK || !c)
        return rc;
    if (!cJSON_IsString(c))
        return fw__error_set(err, FW_EINVAL, p, "must be a string, got %s", type_name(c));
    n = utf8_chars(c->valuestring);
    if (n < 0)
        return fw__error_set(err, FW_EINVAL, p, "must be valid UTF-8");
    if ((size_t)n < min_len || (size_t)n > max_len)
        return fw__error_set(err, FW_EINVAL, p, "must be %zu to %zu characters long, got %ld",
                             min_len, max_len, n);
    *out = c->valuestring;
    return FW_OK;
}

int fw__json_i64(const cJSON *obj, const char *path, const char *name, int required,
                 int64_t min, int64_t max, int64_t *out, fw_error **err)
{
    const cJSON *c;
    char p[256];
    double d;
    int rc = member(obj, path, name, required, &c, p, sizeof(p), err);

    if (rc != FW_OK || !c)
        return rc;
    if (!cJSON_IsNumber(c))
        return fw__error_set(err, FW_EINVAL, p, "must be an integer from %" PRId64 " to %" PRId64
                             ", got %s", min, max, type_name(c));
    d = c->valuedouble;
    if (d != floor(d) || d < -(double)FW__JSON_MAX_INT || d > (double)FW__JSON_MAX_INT)
        return fw__error_set(err, FW_EINVAL, p, "must be an integer from %" PRId64 " to %" PRId64
                             ", got %.17g", min, max, d);
    if ((int64_t)d < min || (int64_t)d > max)
        return fw__error_set(err, FW_EINVAL, p, "must be an integer from %" PRId64 " to %" PRId64
                             ", got %" PRId64, min, max, (int64_t)d);
    *out = (int64_t)d;
    return FW_OK;
}

int fw__json_bool(const cJSON *obj, const char *path, const char *name, int required, int *out,
                  fw_error **err)
{
    const cJSON *c;
    char p[256];
    int rc = member(obj, path, name, required, &c, p, sizeof(p), err);

    if (rc != FW_OK || !c)
        return rc;
    if (!cJSON_IsBool(c))
        return fw__error_set(err, FW_EINVAL, p, "must be true or false, got %s", type_name(c));
    *out = cJSON_IsTrue(c);
    return FW_OK;
}

int fw__json_enum(const cJSON *obj, const char *path, const char *name, int required,
                  const char *const *allowed, int *out, fw_error **err)
{
    const cJSON *c;
    char p[256], list[512] = "";
    size_t used = 0;
    int i, rc = member(obj, path, name, required, &c, p, sizeof(p), err);

    if (rc != FW_OK || !c)
        return rc;
    if (cJSON_IsString(c))
        for (i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], c->valuestring) == 0) {
                *out = i;
                return FW_OK;
            }
    for (i = 0; allowed[i] && used < sizeof(list) - 1; i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "", allowed[i]);
    if (cJSON_IsString(c))
        return fw__error_set(err, FW_EINVAL, p, "must be one of %s, got \"%.64s\"", list, c->valuestring);
    return fw__error_set(err, FW_EINVAL, p, "must be one of %s, got %s", list, type_name(c));
}

int fw__json_obj(const cJSON *obj, const char *path, const char *name, int required,
                 const cJSON **out, fw_error **err)
{
    const cJSON *c;
    char p[256];
    int rc = member(obj, path, name, required, &c, p, sizeof(p), err);

    if (rc != FW_OK || !c)
        return rc;
    if (!cJSON_IsObject(c))
        return fw__error_set(err, FW_EINVAL, p, "must be an object, got %s", type_name(c));
    *out = c;
    return FW_OK;
}

int fw__json_arr(const cJSON *obj, const char *path, const char *name, int required,
                 size_t max_items, const cJSON **out, fw_error **err)
{
    const cJSON *c;
    char p[256];
    int rc = member(obj, path, name, required, &c, p, sizeof(p), err);

    if (rc != FW_OK || !c)
        return rc;
    if (!cJSON_IsArray(c))
        return fw__error_set(err, FW_EINVAL, p, "must be an array, got %s", type_name(c));
    if ((size_t)cJSON_GetArraySize(c) > max_items)
        return fw__error_set(err, FW_EINVAL, p, "must have at most %zu items, got %d", max_items,
                             cJSON_GetArraySize(c));
    *out = c;
    return FW_OK;
}

int fw__json_date(const cJSON *obj, const char *path, const char *name, int required,
                  int64_t *out_ms, fw_error **err)
{
    const char *s = NULL;
    char p[256];
    int y, m, d, i;
    int rc = fw__json_str(obj, path, name, required, 10, 10, &s, err);

    if (rc != FW_OK || !s)
        return rc;
    fw__json_path(p, sizeof(p), path, name);
    for (i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            break;
    if (i != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        fw__cst_from_date(y, m, d, out_ms) != FW_OK)
        return fw__error_set(err, FW_EINVAL, p, "must be a date YYYY-MM-DD that exists, got \"%s\"", s);
    return FW_OK;
}

int fw__json_hex(const cJSON *obj, const char *path, const char *name, int required,
                 size_t nbytes, const char **out, fw_error **err)
{
    const char *s = NULL;
    char p[256];
    size_t i;
    int rc = fw__json_str(obj, path, name, required, 0, 4096, &s, err);

    if (rc != FW_OK || !s)
        return rc;
    fw__json_path(p, sizeof(p), path, name);
    if (strlen(s) != nbytes * 2)
        return fw__error_set(err, FW_EINVAL, p, "must be %zu lower-case hex digits, got %zu characters",
                             nbytes * 2, strlen(s));
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return fw__error_set(err, FW_EINVAL, p, "must be %zu lower-case hex digits", nbytes * 2);
    *out = s;
    return FW_OK;
}

/*
 * The printer. cJSON prints every number through "%1.15g", reads it back with sscanf and
 * compares: a few microseconds per number, which on the payout path (explanations, audit
 * details, idempotency outcomes) cost more than the statements. Integers below 10^15, the
 * numbers the library writes, come out here in the same digits directly; any other number is
 * printed by cJSON itself, so the text is byte for byte cJSON_PrintUnformatted's.
 */
struct pbuf {
    char *p;
    size_t len, cap;
    int failed;
};

static int pb_reserve(struct pbuf *b, size_t n)
{
    size_t cap;
    char *p;

    if (b->failed)
        return 0;
    if (n <= b->cap - b->len)
        return 1;
    cap = b->cap ? b->cap : 256;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    if (!(p = realloc(b->p, cap))) {
        b->failed = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

static void pb_put(struct pbuf *b, const char *s, size_t n)
{
    if (pb_reserve(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}

static void pb_string(struct pbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    char esc[6];

    pb_put(b, "\"", 1);
    while (*u) {
        const unsigned char *run = u;

        while (*u >= 32 && *u != '"' && *u != '\\')
            u++;
        pb_put(b, (const char *)run, (size_t)(u - run));
        if (!*u)
            break;
        esc[0] = '\\';
        switch (*u) {
        case '"': case '\\': esc[1] = (char)*u; pb_put(b, esc, 2); break;
        case '\b': esc[1] = 'b'; pb_put(b, esc, 2); break;
        case '\f': esc[1] = 'f'; pb_put(b, esc, 2); break;
        case '\n': esc[1] = 'n'; pb_put(b, esc, 2); break;
        case '\r': esc[1] = 'r'; pb_put(b, esc, 2); break;
        case '\t': esc[1] = 't'; pb_put(b, esc, 2); break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[*u >> 4]; esc[5] = hex[*u & 15];
            pb_put(b, esc, 6);
        }
        u++;
    }
    pb_put(b, "\"", 1);
}

static void pb_number(struct pbuf *b, const cJSON *item)
{
    double d = item->valuedouble;
    char digits[24], *text;
    int n;

    if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d && !(d == 0 && signbit(d))) {
        n = snprintf(digits, sizeof(digits), "%" PRId64, (int64_t)d);
        pb_put(b, digits, (size_t)n);
        return;
    }
    if (!(text = cJSON_PrintUnformatted(item))) {
        b->failed = 1;
        return;
    }
    pb_put(b, text, strlen(text));
    cJSON_free(text);
}

static void pb_value(struct pbuf *b, const cJSON *item)
{
    const cJSON *c;

    switch (item->type & 0xFF) {
    case cJSON_NULL: pb_put(b, "null", 4); break;
    case cJSON_False: pb_put(b, "false", 5); break;
    case cJSON_True: pb_put(b, "true", 4); break;
    case cJSON_Number: pb_number(b, item); break;
    case cJSON_String: pb_string(b, item->valuestring); break;
    case cJSON_Raw:
        if (!item->valuestring)
            b->failed = 1;
        else
            pb_put(b, item->valuestring, strlen(item->valuestring));
        break;
    case cJSON_Array:
        pb_put(b, "[", 1);
        for (c = item->child; c && !b->failed; c = c->next) {
            pb_value(b, c);
            if (c->next)
                pb_put(b, ",", 1);
        }
        pb_put(b, "]", 1);
        break;
    case cJSON_Object:
        pb_put(b, "{", 1);
        for (c = item->child; c && !b->failed; c = c->next) {
            pb_string(b, c->string);
            pb_put(b, ":", 1);
            pb_value(b, c);
            if (c->next)
                pb_put(b, ",", 1);
        }
        pb_put(b, "}", 1);
        break;
    default:
        b->failed = 1;
    }
}

char *fw__json_print(const cJSON *item)
{
    struct pbuf b = { NULL, 0, 0, 0 };

    if (!item)
        return NULL;
    pb_value(&b, item);
    pb_put(&b, "", 1);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

int fw__json_out(cJSON *item, char **out_json, size_t *out_len, fw_error **err)
{
    char *text;

    if (!item)
        return fw__error_nomem(err);
    text = fw__json_print(item);
    cJSON_Delete(item);
    if (!text)
        return fw__error_nomem(err);
    if (out_len)
        *out_len = strlen(text);
    if (out_json)
        *out_json = text;   /* malloc'd: fw_free releases it */
    else
        free(text);
    return FW_OK;
}

cJSON *fw__json_add_i64(cJSON *obj, const char *name, int64_t v)
{
    char digits[24];

    /* cJSON prints numbers with 15 significant digits when that reads back within its own
     * tolerance, which turns 9007199254740991 into 9.00719925474099e+15. Below 10^15 that is
     * exact; above, the exact decimal text goes out as a raw member. */
    if (v > -1000000000000000LL && v < 1000000000000000LL)
        return cJSON_AddNumberToObject(obj, name, (double)v);
    snprintf(digits, sizeof(digits), "%" PRId64, v);
    return cJSON_AddRawToObject(obj, name, digits);
}

cJSON *fw__json_add_hex(cJSON *obj, const char *name, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char buf[257];
    size_t i;

    if (n > 128)
        n = 128;
    for (i = 0; i < n; i++) {
        buf[2 * i] = digits[bytes[i] >> 4];
        buf[2 * i + 1] = digits[bytes[i] & 15];
    }
    buf[2 * n] = '\0';
    return cJSON_AddStringToObject(obj, name, buf);
}
