/* fwk: the libflexwork command-line tool. One subcommand per source file (libgit2 lg2 style). */
#ifndef FWK_H
#define FWK_H

#include <flexwork.h>

/* A subcommand: argv[0] is the subcommand's name. Returns the process exit code. */
typedef int (*fwk_cmd_fn)(int argc, char **argv);

int fwk_cmd_init(int argc, char **argv);
int fwk_cmd_version(int argc, char **argv);
int fwk_cmd_audit(int argc, char **argv);
int fwk_cmd_demo(int argc, char **argv);
int fwk_cmd_party(int argc, char **argv);
int fwk_cmd_contract(int argc, char **argv);
int fwk_cmd_task(int argc, char **argv);
int fwk_cmd_training(int argc, char **argv);
int fwk_cmd_ledger(int argc, char **argv);
int fwk_cmd_funding(int argc, char **argv);
int fwk_cmd_fee(int argc, char **argv);
int fwk_cmd_tax(int argc, char **argv);
int fwk_cmd_archive(int argc, char **argv);
int fwk_cmd_insurance(int argc, char **argv);
int fwk_cmd_service(int argc, char **argv);
int fwk_cmd_complaint(int argc, char **argv);
int fwk_cmd_report(int argc, char **argv);
int fwk_cmd_risk(int argc, char **argv);
int fwk_cmd_payout(int argc, char **argv);
int fwk_cmd_statement(int argc, char **argv);
int fwk_cmd_invoice(int argc, char **argv);
int fwk_cmd_recon(int argc, char **argv);

/* Opens a store with the key taken from FWK_PASSPHRASE (default "fwk-demo-passphrase"). */
int fwk_open(fw_ctx **ctx, const char *path);
/* Prints "fwk: <what>: <message> (FW_E...)" for a failed call, frees err and returns 1. */
int fwk_fail(const char *what, int rc, fw_error *err);
/* "FW_EINVAL" for FW_EINVAL: the code's name without its description. */
const char *fwk_code_name(int rc);

/* ---------------------------------------------------------------------------------------- */
/* Module subcommands: `fwk <command> <verb> STORE [ARGS] [--as ROLE[:PARTY_ID]] [--opt X]`   */

/* Returned by a verb for a usage error: the verb's usage is printed and fwk exits with 2. */
#define FWK_USAGE 1000
#define FWK_MAX_OPTS 8

/* One verb run: the store open (ctx NULL for FWK_NO_STORE), the actor set, options and positional arguments parsed. */
struct fwk {
    char what[96];        /* "party enterprise apply": names the verb in messages */
    const char *store;    /* NULL for FWK_NO_STORE */
    fw_ctx *ctx;
    int argc;             /* positional arguments after STORE */
    char **argv;
    int nopts;
    const char *opt_name[FWK_MAX_OPTS];
    const char *opt_value[FWK_MAX_OPTS];
    char *json;           /* --json input, read on first use */
    size_t json_len;
};

/* A verb of a command, e.g. { "enterprise get", "ID", "", fn, "an enterprise" }. */
struct fwk_verb {
    const char *name;     /* one or two words */
    const char *args;     /* positional arguments after STORE; "[X]" is optional */
    const char *opts;     /* accepted options, space separated, without "--"; "json!" is required */
    int (*fn)(struct fwk *f, fw_error **err);  /* returns FW_OK, an FW_E* code or FWK_USAGE */
    const char *help;
    uint32_t flags;       /* FWK_NO_STORE: the verb needs no store (offline verification) */
};
#define FWK_NO_STORE 1u

/*
 * Runs the verb argv names: usage errors exit 2; a failed call prints
 * "fwk: <command> <verb>: <message> (FW_E...)" and exits 1; success exits 0.
 */
int fwk_run(const char *cmd, const struct fwk_verb *verbs, size_t n, int argc, char **argv);
#define FWK_RUN(cmd, verbs, argc, argv) fwk_run(cmd, verbs, sizeof(verbs) / sizeof(verbs[0]), argc, argv)

/* The value of --name, or NULL. */
const char *fwk_opt(const struct fwk *f, const char *name);
/* Positional argument i as an integer (ids, amounts in fen); FWK_USAGE when it is not one. */
int fwk_arg_i64(const struct fwk *f, int i, int64_t *out);
/* --name as an integer, or dflt when absent; FWK_USAGE when it is not one. */
int fwk_opt_i64(const struct fwk *f, const char *name, int64_t dflt, int64_t *out);
/* --name as an instant: YYYY-MM-DD (00:00 CST) or ms since the epoch; now when absent. */
int fwk_opt_time(const struct fwk *f, const char *name, int64_t *out);
/* The --json FILE|- record (required: FWK_USAGE when absent); owned by f. */
int fwk_json(struct fwk *f, const char **json, size_t *len);
/* The same, optional: *json NULL and *len 0 when --json is absent. */
int fwk_json_opt(struct fwk *f, const char **json, size_t *len);
/* --idem KEY, or a fresh key for this run (written to buf). */
const char *fwk_idem(const struct fwk *f, char *buf, size_t size);
int fwk_parse_i64(const char *s, int64_t *out);
/* 64 hex digits into a 32-byte key (a platform public key); -1 when malformed. */
int fwk_parse_key(const char *hex, uint8_t out[32]);
/* A whole file, NUL-terminated, freed with free(); NULL when it cannot be read. */
uint8_t *fwk_read_file(const char *path, size_t *len);
/* s escaped for a JSON string, in one of four rotating static buffers (longer text is cut). */
const char *fwk_esc(const char *s);

/* Prints JSON text indented, one member per line. */
void fwk_print_json(const char *json, size_t len);
/* Prints library-returned JSON (len 0: up to the NUL) and frees it with fw_free(). Returns FW_OK. */
int fwk_print_owned(char *json, size_t len);
/* A library call that reads one record by id as JSON. */
typedef int (*fwk_get_fn)(fw_ctx *ctx, fw_id id, char **out_json, size_t *out_len, fw_error **err);
/* Reads the record whose id is the verb's first argument with fn and prints it. */
int fwk_get_json(struct fwk *f, fwk_get_fn fn, fw_error **err);
/* Formats a JSON object and prints it indented. Returns FW_OK. */
int fwk_printf(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
