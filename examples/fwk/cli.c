/*
 * What every module subcommand shares: finding the verb, reading options and JSON input,
 * opening the store as the chosen actor, printing results and errors. Only the public API.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fwk.h"

static const struct {
    const char *name;
    uint32_t role;
} roles[] = {
    { "admin", FW_ROLE_ADMIN },
    { "operator", FW_ROLE_OPERATOR },
    { "reviewer", FW_ROLE_REVIEWER },
    { "finance", FW_ROLE_FINANCE },
    { "tax_agent", FW_ROLE_TAX_AGENT },
    { "auditor", FW_ROLE_AUDITOR },
    { "enterprise", FW_ROLE_ENTERPRISE_USER },
    { "worker", FW_ROLE_WORKER },
    { "system", FW_ROLE_SYSTEM },
    { "coordinator", FW_ROLE_COORDINATOR },
    { "support", FW_ROLE_SUPPORT },
};

/* Opens a store; a failure is reported as "fwk: <what>: ...". */
static int open_store(fw_ctx **ctx, const char *path, const char *what)
{
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_error *err = NULL;
    const char *pass = getenv("FWK_PASSPHRASE");
    int rc;

    opts.passphrase = pass && *pass ? pass : "fwk-demo-passphrase";
    rc = fw_ctx_open(ctx, path, &opts, &err);
    if (rc != FW_OK)
        return fwk_fail(what, rc, err);
    return 0;
}

int fwk_open(fw_ctx **ctx, const char *path)
{
    return open_store(ctx, path, "open");
}

const char *fwk_code_name(int rc)
{
    static char name[32];
    const char *s = fw_strerror(rc);
    size_t n = strcspn(s, ":");

    if (n >= sizeof(name))
        n = sizeof(name) - 1;
    memcpy(name, s, n);
    name[n] = '\0';
    return name;
}

int fwk_fail(const char *what, int rc, fw_error *err)
{
    fprintf(stderr, "fwk: %s: %s (%s)\n", what, err ? fw_error_message(err) : fw_strerror(rc), fwk_code_name(rc));
    fw_error_free(err);
    return 1;
}

/* ---------------------------------------------------------------------------------------- */
/* Verbs and arguments                                                                        */

/* Counts the words of an argument synopsis: "ID [AMOUNT]" has 1 required and 1 optional. */
static void count_args(const char *synopsis, int *min, int *max)
{
    const char *p = synopsis ? synopsis : "";

    *min = *max = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p == '[')
            (*max)++;
        else {
            (*min)++;
            (*max)++;
        }
        p += strcspn(p, " ");
    }
}

/*
 * Whether name (without "--") is one of the space-separated words of list; a word ending in
 * '!' names a required option. Returns 0 (absent), 1 (optional) or 2 (required).
 */
static int has_word(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list ? list : "";

    while (*p) {
        size_t w;
        while (*p == ' ')
            p++;
        w = strcspn(p, " ");
        if (w && p[w - 1] == '!' && w - 1 == n && strncmp(p, name, n) == 0)
            return 2;
        if (w == n && strncmp(p, name, n) == 0)
            return 1;
        p += w;
    }
    return 0;
}

/* The verb argv names: a two-word verb ("enterprise apply") before a one-word one. */
static const struct fwk_verb *find_verb(const struct fwk_verb *verbs, size_t n, int argc, char **argv,
                                        int *words)
{
    char two[128];
    size_t i;

    if (argc >= 3) {
        snprintf(two, sizeof(two), "%s %s", argv[1], argv[2]);
        for (i = 0; i < n; i++)
            if (strcmp(verbs[i].name, two) == 0) {
                *words = 2;
                return &verbs[i];
            }
    }
    for (i = 0; i < n && argc >= 2; i++)
        if (strcmp(verbs[i].name, argv[1]) == 0) {
            *words = 1;
            return &verbs[i];
        }
    return NULL;
}

/* "  fwk ledger transfer STORE DEBIT_ID ... [--idem IDEM]": a required option has no brackets. */
static void verb_usage(const char *cmd, const struct fwk_verb *v)
{
    const char *p = v->opts ? v->opts : "";

    fprintf(stderr, "  fwk %s %s%s%s%s", cmd, v->name, v->flags & FWK_NO_STORE ? "" : " STORE",
            v->args && *v->args ? " " : "", v->args ? v->args : "");
    while (*p) {
        size_t w, k, name_len;
        int required, json;

        while (*p == ' ')
            p++;
        if (!(w = strcspn(p, " ")))
            break;
        required = p[w - 1] == '!';
        name_len = w - (size_t)required;
        json = name_len == 4 && strncmp(p, "json", 4) == 0;
        fprintf(stderr, required ? " --%.*s " : " [--%.*s ", (int)name_len, p);
        if (json)
            fputs("FILE|-", stderr);
        for (k = 0; k < name_len && !json; k++) /* the value is named after the option */
            fputc(p[k] >= 'a' && p[k] <= 'z' ? p[k] - 'a' + 'A' : p[k], stderr);
        if (!required)
            fputc(']', stderr);
        p += w;
    }
    fprintf(stderr, "%s%s\n", v->help ? "\n      " : "", v->help ? v->help : "");
}

static int usage(const char *cmd, const struct fwk_verb *verbs, size_t n, const struct fwk_verb *only)
{
    size_t i;

    fprintf(stderr, "usage:\n");
    for (i = 0; i < n; i++)
        if (!only || only == &verbs[i])
            verb_usage(cmd, &verbs[i]);
    fprintf(stderr, "  options of every verb with a STORE: [--as ROLE[:PARTY_ID]] (default admin) [--by NAME]\n");
    return 2;
}

static int parse_actor(const char *s, uint32_t *role, fw_id *party)
{
    size_t n = strcspn(s, ":"), i;

    for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
        if (strlen(roles[i].name) == n && strncmp(roles[i].name, s, n) == 0)
            break;
    if (i == sizeof(roles) / sizeof(roles[0]))
        return -1;
    *role = roles[i].role;
    *party = 0;
    if (s[n] == ':' && fwk_parse_i64(s + n + 1, party) != 0)
        return -1;
    return 0;
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap), *bigger;

    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        cap *= 2;
        bigger = realloc(buf, cap);
        if (!bigger) {
            free(buf);
            return NULL;
        }
        buf = bigger;
    }
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* The first required option ("json!") of v that f lacks, or NULL; *len is its name's length. */
static const char *missing_option(const struct fwk *f, const struct fwk_verb *v, int *len)
{
    const char *p = v->opts ? v->opts : "";
    char name[32];

    while (*p) {
        size_t w;
        while (*p == ' ')
            p++;
        w = strcspn(p, " ");
        if (w > 1 && w <= sizeof(name) && p[w - 1] == '!') {
            memcpy(name, p, w - 1);
            name[w - 1] = '\0';
            if (!fwk_opt(f, name)) {
                *len = (int)(w - 1);
                return p;
            }
        }
        p += w;
    }
    return NULL;
}

int fwk_run(const char *cmd, const struct fwk_verb *verbs, size_t n, int argc, char **argv)
{
    const struct fwk_verb *v;
    const char *missing;
    struct fwk f;
    fw_error *err = NULL;
    uint32_t role = FW_ROLE_ADMIN;
    const char *by = "fwk";
    fw_id party = 0;
    char *pos[16];
    int words = 0, npos = 0, min, max, i, rc, status;

    memset(&f, 0, sizeof(f));
    v = find_verb(verbs, n, argc, argv, &words);
    if (!v) {
        if (argc >= 2)
            fprintf(stderr, "fwk: %s: unknown verb '%s'\n", cmd, argv[1]);
        return usage(cmd, verbs, n, NULL);
    }
    for (i = 1 + words; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) == 0 && a[2]) {
            if (i + 1 >= argc) {
                fprintf(stderr, "fwk: %s %s: option %s needs a value\n", cmd, v->name, a);
                return usage(cmd, verbs, n, v);
            }
            if (strcmp(a + 2, "by") == 0) {
                by = argv[i + 1];
            } else if (strcmp(a + 2, "as") == 0) {
                if (parse_actor(argv[i + 1], &role, &party) != 0) {
                    fprintf(stderr, "fwk: %s %s: --as wants ROLE[:PARTY_ID], got '%s'\n", cmd, v->name, argv[i + 1]);
                    return usage(cmd, verbs, n, v);
                }
            } else if (!has_word(v->opts, a + 2) || f.nopts == FWK_MAX_OPTS) {
                fprintf(stderr, "fwk: %s %s: unknown option %s\n", cmd, v->name, a);
                return usage(cmd, verbs, n, v);
            } else {
                f.opt_name[f.nopts] = a + 2;
                f.opt_value[f.nopts++] = argv[i + 1];
            }
            i++;
        } else if (npos < (int)(sizeof(pos) / sizeof(pos[0]))) {
            pos[npos++] = argv[i];
        } else {
            return usage(cmd, verbs, n, v);
        }
    }
    count_args(v->args, &min, &max);
    if (!(v->flags & FWK_NO_STORE)) {
        min++; /* STORE */
        max++;
    }
    if (npos < min || npos > max) {
        fprintf(stderr, "fwk: %s %s: %s\n", cmd, v->name, npos < min ? "missing arguments" : "too many arguments");
        return usage(cmd, verbs, n, v);
    }
    snprintf(f.what, sizeof(f.what), "%s %s", cmd, v->name);
    if ((missing = missing_option(&f, v, &i)) != NULL) {
        fprintf(stderr, "fwk: %s: needs --%.*s\n", f.what, i, missing);
        return usage(cmd, verbs, n, v);
    }
    if (v->flags & FWK_NO_STORE) {
        f.argc = npos;
        f.argv = pos;
        rc = v->fn(&f, &err);
    } else {
        f.store = pos[0];
        f.argc = npos - 1;
        f.argv = pos + 1;
        if (open_store(&f.ctx, f.store, f.what))
            return 1;
        rc = fw_ctx_set_actor(f.ctx, role, party, by, &err);
        if (rc == FW_OK)
            rc = v->fn(&f, &err);
    }
    fw_ctx_free(f.ctx);
    free(f.json);
    if (rc == FWK_USAGE) {
        fw_error_free(err);
        return usage(cmd, verbs, n, v);
    }
    status = rc == FW_OK ? 0 : fwk_fail(f.what, rc, err);
    if (rc == FW_OK)
        fw_error_free(err);
    return status;
}

/* ---------------------------------------------------------------------------------------- */
/* Arguments and options                                                                      */

int fwk_parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = (int64_t)v;
    return 0;
}

const char *fwk_opt(const struct fwk *f, const char *name)
{
    int i;

    for (i = f->nopts - 1; i >= 0; i--)
        if (strcmp(f->opt_name[i], name) == 0)
            return f->opt_value[i];
    return NULL;
}

int fwk_arg_i64(const struct fwk *f, int i, int64_t *out)
{
    if (i >= f->argc)
        return FWK_USAGE;
    if (fwk_parse_i64(f->argv[i], out) != 0) {
        fprintf(stderr, "fwk: %s: '%s' is not a whole number\n", f->what, f->argv[i]);
        return FWK_USAGE;
    }
    return FW_OK;
}

int fwk_opt_i64(const struct fwk *f, const char *name, int64_t dflt, int64_t *out)
{
    const char *s = fwk_opt(f, name);

    *out = dflt;
    if (s && fwk_parse_i64(s, out) != 0) {
        fprintf(stderr, "fwk: %s: --%s wants a whole number, got '%s'\n", f->what, name, s);
        return FWK_USAGE;
    }
    return FW_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return days[m - 1] + (m == 2 && leap);
}

int fwk_opt_time(const struct fwk *f, const char *name, int64_t *out)
{
    const char *s = fwk_opt(f, name);
    int y, m, d, used = 0;

    *out = f->ctx ? fw_ctx_now(f->ctx) : 0;
    if (!s)
        return FW_OK;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && s[used] == '\0' && m >= 1 && m <= 12 && d >= 1 &&
        d <= days_in_month(y, m)) {
        /* 00:00 China Standard Time (UTC+8) of that date. */
        *out = days_from_civil(y, m, d) * 86400000LL - 8LL * 3600 * 1000;
        return FW_OK;
    }
    if (fwk_parse_i64(s, out) == 0)
        return FW_OK;
    fprintf(stderr, "fwk: %s: --%s wants YYYY-MM-DD (CST) or milliseconds since the epoch, got '%s'\n", f->what,
            name, s);
    return FWK_USAGE;
}

int fwk_json(struct fwk *f, const char **json, size_t *len)
{
    const char *src = fwk_opt(f, "json");
    FILE *in;

    if (!src) {
        fprintf(stderr, "fwk: %s: needs --json FILE (or - for standard input)\n", f->what);
        return FWK_USAGE;
    }
    if (!f->json) {
        in = strcmp(src, "-") == 0 ? stdin : fopen(src, "rb");
        if (!in) {
            fprintf(stderr, "fwk: %s: cannot open %s: %s\n", f->what, src, strerror(errno));
            return FWK_USAGE;
        }
        f->json = read_all(in, &f->json_len);
        if (in != stdin)
            fclose(in);
        if (!f->json)
            return FW_ENOMEM;
    }
    *json = f->json;
    *len = f->json_len;
    return FW_OK;
}

int fwk_json_opt(struct fwk *f, const char **json, size_t *len)
{
    *json = NULL;
    *len = 0;
    return fwk_opt(f, "json") ? fwk_json(f, json, len) : FW_OK;
}

const char *fwk_idem(const struct fwk *f, char *buf, size_t size)
{
    const char *key = fwk_opt(f, "idem");
    struct timespec ts;

    if (key)
        return key;
    /* A fresh key per run: retries are only safe with an explicit --idem KEY. */
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, size, "fwk-%lld-%ld-%ld", (long long)ts.tv_sec, (long)ts.tv_nsec, (long)getpid());
    return buf;
}

/* ---------------------------------------------------------------------------------------- */
/* Output                                                                                     */

static void indent(int depth)
{
    putchar('\n');
    while (depth-- > 0)
        fputs("  ", stdout);
}

void fwk_print_json(const char *json, size_t len)
{
    int depth = 0, in_str = 0;
    size_t i;

    for (i = 0; i < len && json[i]; i++) {
        char c = json[i];
        if (in_str) {
            putchar(c);
            if (c == '\\' && i + 1 < len)
                putchar(json[++i]);
            else if (c == '"')
                in_str = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            putchar(c);
            break;
        case '{':
        case '[': {
            size_t j = i + 1;
            while (j < len && (json[j] == ' ' || json[j] == '\n' || json[j] == '\t' || json[j] == '\r'))
                j++;
            if (j < len && (json[j] == '}' || json[j] == ']')) {
                putchar(c);
                putchar(json[j]);
                i = j;
            } else {
                putchar(c);
                indent(++depth);
            }
            break;
        }
        case '}':
        case ']':
            indent(--depth);
            putchar(c);
            break;
        case ',':
            putchar(c);
            indent(depth);
            break;
        case ':':
            fputs(": ", stdout);
            break;
        case ' ':
        case '\n':
        case '\t':
        case '\r':
            break;
        default:
            putchar(c);
        }
    }
    putchar('\n');
}

int fwk_print_owned(char *json, size_t len)
{
    fwk_print_json(json, len ? len : strlen(json));
    fw_free(json);
    return FW_OK;
}

int fwk_get_json(struct fwk *f, fwk_get_fn fn, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fn(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

int fwk_printf(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return FW_ERROR;
    fwk_print_json(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return FW_OK;
}

const char *fwk_esc(const char *s)
{
    static char bufs[4][2048];
    static int next;
    char *out = bufs[next++ % 4], *o = out;
    size_t room = sizeof(bufs[0]) - 1;

    for (; *s && room >= 6; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
            room -= 2;
        } else if (c < 0x20) {
            o += sprintf(o, "\\u%04x", c);
            room -= 6;
        } else {
            *o++ = (char)c;
            room--;
        }
    }
    *o = '\0';
    return out;
}

uint8_t *fwk_read_file(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size;

    if (!in)
        return NULL;
    if (fseek(in, 0, SEEK_END) == 0 && (size = ftell(in)) >= 0 && fseek(in, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size + 1)) != NULL && fread(buf, 1, (size_t)size, in) == (size_t)size) {
        buf[size] = 0;
        *len = (size_t)size;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(in);
    return buf;
}

int fwk_parse_key(const char *hex, uint8_t out[32])
{
    size_t i;

    if (strlen(hex) != 64)
        return -1;
    for (i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}
