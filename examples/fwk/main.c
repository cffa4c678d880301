/* fwk: dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

static const struct {
    const char *name;
    fwk_cmd_fn fn;
    const char *help;
} commands[] = {
    { "init", fwk_cmd_init, "init STORE              create a store (or check an existing one)" },
    { "version", fwk_cmd_version, "version                 print the library version" },
    { "party", fwk_cmd_party, "party VERB STORE ...    platform, enterprises, workers" },
    { "contract", fwk_cmd_contract, "contract VERB STORE ... templates, contracts, signatures" },
    { "task", fwk_cmd_task, "task VERB STORE ...     categories, tasks, assignments" },
    { "training", fwk_cmd_training, "training VERB STORE ... courses, sessions, enrolments" },
    { "ledger", fwk_cmd_ledger, "ledger VERB STORE ...   accounts, transfers, periods" },
    { "funding", fwk_cmd_funding, "funding VERB STORE ...  incoming funds" },
    { "fee", fwk_cmd_fee, "fee VERB STORE ...      fee schedules and quotes" },
    { "tax", fwk_cmd_tax, "tax VERB STORE ...      quotes, withholding, declarations" },
    { "archive", fwk_cmd_archive, "archive VERB STORE ...  documents and bundles" },
    { "insurance", fwk_cmd_insurance, "insurance VERB STORE ... products and enrolments" },
    { "service", fwk_cmd_service, "service VERB STORE ...  complaints, KPIs, reports" },
    { "complaint", fwk_cmd_complaint, "complaint VERB STORE ... the same as service complaint VERB" },
    { "report", fwk_cmd_report, "report STORE YYYY-MM    the month's service-quality report" },
    { "risk", fwk_cmd_risk, "risk VERB STORE ...     the risk gate, lists, inspection, cases" },
    { "payout", fwk_cmd_payout, "payout VERB STORE ...   orders, batches, channel results" },
    { "statement", fwk_cmd_statement, "statement VERB STORE ... worker statements, enterprise summaries, vouchers" },
    { "invoice", fwk_cmd_invoice, "invoice VERB STORE ...  request, issue, reverse invoices" },
    { "recon", fwk_cmd_recon, "recon VERB STORE ...    statements, matching, error cases, files" },
    { "audit", fwk_cmd_audit, "audit VERB STORE ...    verify, checkpoint, export the audit log" },
    { "demo", fwk_cmd_demo, "demo [STORE]            run the end-to-end demo (default :memory:)" },
};

/* To standard output when asked for (fwk help), else with a usage error to standard error. */
static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: fwk COMMAND [ARGS]   (fwk COMMAND alone lists its verbs)\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  fwk %s\n", commands[i].help);
    fprintf(out, "The store's key comes from FWK_PASSPHRASE; --as ROLE[:PARTY_ID] chooses the actor.\n");
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fwk: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
