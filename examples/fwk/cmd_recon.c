/*
 * fwk recon: reconciliation: bank and channel statements are imported and matched
 * against the ledger's bank-clearing account; each difference is an error case closed by an
 * adjustment under four eyes (a second person approves: --by names who acts), as a timing
 * difference, or written off. Enterprises get reconciliation files.
 *
 *   fwk recon import STORE statement.csv --json '{"format":"csv","profile":"generic_bank"}' file
 *   fwk recon run STORE 1 --as finance
 *   fwk recon adjust propose STORE 1 --json adjustment.json --as finance --by alice
 *   fwk recon adjust approve STORE 1 --as finance --by bob
 */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

static int print_statement(struct fwk *f, fw_id id, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_recon_statement_get(f->ctx, id, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

/* The whole file imports or nothing does; the same file twice is refused. */
static int import(struct fwk *f, fw_error **err)
{
    const char *options;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &options, &len)) != FW_OK ||
        (rc = fw_recon_import_file(f->ctx, &id, f->argv[0], options, len, err)) != FW_OK)
        return rc;
    return print_statement(f, id, err);
}

static int statement(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    return print_statement(f, id, err);
}

/* Prints the run's summary; --json takes the options ({"dry_run":true} records nothing). */
static int run(struct fwk *f, fw_error **err)
{
    const char *options;
    fw_recon *r = NULL;
    char *out = NULL;
    size_t olen, len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json_opt(f, &options, &olen)) != FW_OK ||
        (rc = fw_recon_run(&r, f->ctx, id, options, olen, err)) != FW_OK)
        return rc;
    rc = fw_recon_summary(r, &out, &len, err);
    if (rc == FW_OK)
        fwk_print_owned(out, len);
    fw_recon_free(r);
    return rc;
}

static int run_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_recon_run_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* --json takes the query: {"state":"open"|...,"run_id":N,"limit":N,"before_id":N}. */
static int cases(struct fwk *f, fw_error **err)
{
    const char *query;
    char *out = NULL;
    size_t qlen, len = 0;
    int rc;

    if ((rc = fwk_json_opt(f, &query, &qlen)) != FW_OK ||
        (rc = fw_recon_case_list(f->ctx, query, qlen, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int case_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_recon_case_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* {"action":"investigate"|"note"|"resolve_timing"|"write_off","note":...}; prints the case. */
static int case_act(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_recon_case_act(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    return case_get(f, err);
}

static int adjust_propose(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int64_t case_id;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &case_id)) != FW_OK || (rc = fwk_json(f, &json, &len)) != FW_OK ||
        (rc = fw_recon_adjust_propose(f->ctx, &id, case_id, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"adjustment_id\":%lld,\"case_id\":%lld,\"state\":\"proposed\"}", (long long)id,
                      (long long)case_id);
}

/* Another person than the proposer approves: the entry is posted and the case resolved. */
static int adjust_approve(struct fwk *f, fw_error **err)
{
    fw_id entry = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK ||
        (rc = fw_recon_adjust_approve(f->ctx, id, fwk_opt(f, "note"), &entry, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"adjustment_id\":%lld,\"state\":\"posted\",\"entry_id\":%lld}", (long long)id,
                      (long long)entry);
}

static int adjust_reject(struct fwk *f, fw_error **err)
{
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_recon_adjust_reject(f->ctx, id, f->argv[1], err)) != FW_OK)
        return rc;
    return fwk_printf("{\"adjustment_id\":%lld,\"state\":\"rejected\"}", (long long)id);
}

/* Recomputes the fees booked in [--from, --to); --open-cases yes opens a case per difference. */
static int fee_check(struct fwk *f, fw_error **err)
{
    const char *open = fwk_opt(f, "open-cases");
    int64_t from, to, ent;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if (open && strcmp(open, "yes") != 0 && strcmp(open, "no") != 0)
        return FWK_USAGE;
    if ((rc = fwk_opt_time(f, "from", &from)) != FW_OK || (rc = fwk_opt_time(f, "to", &to)) != FW_OK ||
        (rc = fwk_opt_i64(f, "enterprise", 0, &ent)) != FW_OK)
        return rc;
    if ((rc = fw_recon_fee_check(f->ctx, from, to, ent, open && strcmp(open, "yes") == 0 ? FW_RECON_FEE_OPEN_CASES : 0,
                                 &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* Which days of a month have reconciliation files for an enterprise. */
static int files(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t ent;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK ||
        (rc = fw_recon_file_index(f->ctx, ent, f->argv[1], &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* One day's (YYYY-MM-DD) or month's (YYYY-MM) file; CSV by default, --format json indented. */
static int file(struct fwk *f, fw_error **err)
{
    const char *fmt = fwk_opt(f, "format");
    uint32_t format = FW_RECON_FILE_CSV;
    char *out = NULL;
    size_t len = 0;
    int64_t ent;
    int rc;

    if (fmt && strcmp(fmt, "json") == 0)
        format = FW_RECON_FILE_JSON;
    else if (fmt && strcmp(fmt, "csv") != 0)
        return FWK_USAGE;
    if ((rc = fwk_arg_i64(f, 0, &ent)) != FW_OK ||
        (rc = fw_recon_file(f->ctx, ent, f->argv[1], format, &out, &len, err)) != FW_OK)
        return rc;
    if (format == FW_RECON_FILE_JSON)
        return fwk_print_owned(out, len);
    fwrite(out, 1, len, stdout);
    fw_free(out);
    return FW_OK;
}

static int profile_set(struct fwk *f, fw_error **err)
{
    const char *json;
    size_t len;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_recon_profile_set(f->ctx, json, len, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"profile\":\"recorded\"}");
}

static int profile_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_recon_profile_get(f->ctx, f->argv[0], &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

static const struct fwk_verb verbs[] = {
    { "import", "STATEMENT_FILE", "json!", import,
      "{\"format\":\"csv\"|\"camt053\",\"profile\"?,\"encoding\"?,...}", 0 },
    { "statement", "STATEMENT_ID", "", statement, NULL, 0 },
    { "run", "STATEMENT_ID", "json", run, "match against the ledger; --json {\"dry_run\":true,\"rules\":[...]}", 0 },
    { "run get", "RUN_ID", "", run_get, "a recorded run's summary", 0 },
    { "cases", "", "json", cases, "error cases; --json takes the query", 0 },
    { "case get", "CASE_ID", "", case_get, NULL, 0 },
    { "case act", "CASE_ID", "json!", case_act,
      "{\"action\":\"investigate\"|\"note\"|\"resolve_timing\"|\"write_off\"}", 0 },
    { "adjust propose", "CASE_ID", "json!", adjust_propose, "{\"idempotency_key\",\"postings\":[...]}", 0 },
    { "adjust approve", "ADJUSTMENT_ID", "note", adjust_approve, "by another person than the proposer (--by)", 0 },
    { "adjust reject", "ADJUSTMENT_ID NOTE", "", adjust_reject, NULL, 0 },
    { "fee-check", "", "from to enterprise open-cases", fee_check, "recompute the fees booked in [--from, --to)", 0 },
    { "files", "ENTERPRISE_ID YYYY-MM", "", files, "the days with reconciliation files", 0 },
    { "file", "ENTERPRISE_ID PERIOD", "format", file, "a day's or month's file; --format csv|json", 0 },
    { "profile set", "", "json!", profile_set, "a CSV column-mapping profile", 0 },
    { "profile get", "NAME", "", profile_get, NULL, 0 },
};

int fwk_cmd_recon(int argc, char **argv)
{
    return FWK_RUN("recon", verbs, argc, argv);
}
