/*
 * fwk service: complaints and enquiries through their time-limited steps, the month's
 * KPIs and the service-quality report.
 *
 *   fwk service complaint open STORE --json case.json --as worker:1
 *   fwk service complaint ack STORE 1 --json '{"handler":"客服-小王"}' file --as operator
 *   fwk service kpis STORE 2026-03
 */
#include <stdio.h>
#include <stdlib.h>

#include "fwk.h"

typedef int (*step_fn)(fw_ctx *, fw_id, const char *, size_t, fw_error **);

static int open_case(struct fwk *f, fw_error **err)
{
    const char *json;
    char *out = NULL;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = fw_service_case_open(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    if ((rc = fw_service_case_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* Every step takes the case id and, optionally, its record in --json; prints the case as it is now. */
static int step(struct fwk *f, fw_error **err, step_fn fn)
{
    const char *json;
    char *out = NULL;
    size_t len;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_json_opt(f, &json, &len)) != FW_OK ||
        (rc = fn(f->ctx, id, json, len, err)) != FW_OK)
        return rc;
    if ((rc = fw_service_case_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int ack(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_acknowledge); }
static int assess(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_assess); }
static int investigate(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_investigate); }
static int respond(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_respond); }
static int decide(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_decide); }
static int close_case(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_close); }
static int escalate(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_escalate); }
static int reopen(struct fwk *f, fw_error **err) { return step(f, err, fw_service_case_reopen); }

static int get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_service_case_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int overdue(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int rc = fw_service_overdue(f->ctx, &out, &len, err);

    return rc != FW_OK ? rc : fwk_print_owned(out, len);
}

/* --json takes the options, e.g. {"orders":N} for complaints per 1000 orders. */
static int kpis(struct fwk *f, fw_error **err)
{
    const char *opts;
    char *out = NULL;
    size_t olen, len = 0;
    int rc;

    if ((rc = fwk_json_opt(f, &opts, &olen)) != FW_OK ||
        (rc = fw_service_kpis(f->ctx, f->argv[0], opts, olen, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

/* JSON by default; --html FILE writes the self-contained page instead. */
static int report(struct fwk *f, fw_error **err)
{
    const char *html = fwk_opt(f, "html"), *opts;
    char *out = NULL;
    size_t olen, len = 0;
    FILE *o;
    int rc;

    if ((rc = fwk_json_opt(f, &opts, &olen)) != FW_OK)
        return rc;
    if (!html) {
        if ((rc = fw_service_report(f->ctx, f->argv[0], opts, olen, &out, &len, err)) != FW_OK)
            return rc;
        return fwk_print_owned(out, len);
    }
    if ((rc = fw_service_report_html(f->ctx, f->argv[0], opts, olen, &out, &len, err)) != FW_OK)
        return rc;
    if (!(o = fopen(html, "wb")) || fwrite(out, 1, len, o) != len) {
        fprintf(stderr, "fwk: %s: cannot write %s\n", f->what, html);
        rc = FWK_USAGE;
    }
    if (o)
        fclose(o);
    fw_free(out);
    if (rc == FW_OK)
        printf("report for %s written to %s (%zu bytes)\n", f->argv[0], html, len);
    return rc;
}

static const struct fwk_verb verbs[] = {
    { "complaint open", "", "json!", open_case,
      "{\"kind\":\"complaint\"|\"enquiry\",\"party_kind\",\"party_id\",\"channel\",\"category\",\"title\",...}", 0 },
    { "complaint ack", "CASE_ID", "json", ack, "acknowledge receipt", 0 },
    { "complaint assess", "CASE_ID", "json", assess, NULL, 0 },
    { "complaint investigate", "CASE_ID", "json", investigate, NULL, 0 },
    { "complaint respond", "CASE_ID", "json", respond, NULL, 0 },
    { "complaint decide", "CASE_ID", "json", decide, "{\"decision\",\"accepted\"}", 0 },
    { "complaint close", "CASE_ID", "json", close_case, "{\"satisfaction\":1..5,\"note\"?}", 0 },
    { "complaint escalate", "CASE_ID", "json", escalate, "{\"reason\",\"to\"}", 0 },
    { "complaint reopen", "CASE_ID", "json", reopen, "{\"reason\"}", 0 },
    { "complaint get", "CASE_ID", "", get, NULL, 0 },
    { "overdue", "", "", overdue, "open cases past a time limit", 0 },
    { "kpis", "YYYY-MM", "json", kpis, "the month's service KPIs; --json {\"orders\":N}", 0 },
    { "report", "YYYY-MM", "json html", report, "the service-quality report; --html FILE for the page", 0 },
};

int fwk_cmd_service(int argc, char **argv)
{
    return FWK_RUN("service", verbs, argc, argv);
}

/* Runs `fwk service <prefix> ARGS...` for the shorter spellings below. */
static int run_as_service(const char *prefix, int argc, char **argv)
{
    char **args = calloc((size_t)argc + 2, sizeof(*args));
    int i, rc;

    if (!args) {
        fprintf(stderr, "fwk: out of memory\n");
        return 1;
    }
    args[0] = (char *)"service";
    args[1] = (char *)prefix;
    for (i = 1; i < argc; i++)
        args[i + 1] = argv[i];
    rc = FWK_RUN("service", verbs, argc + 1, args);
    free(args);
    return rc;
}

/* fwk complaint VERB STORE ...: the same as fwk service complaint VERB STORE ... */
int fwk_cmd_complaint(int argc, char **argv)
{
    return run_as_service("complaint", argc, argv);
}

/* fwk report STORE YYYY-MM [--html FILE]: the month's service-quality report (R-8.2.b). */
int fwk_cmd_report(int argc, char **argv)
{
    return run_as_service("report", argc, argv);
}
