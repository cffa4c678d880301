/* fwk: dispatches to one subcommand per file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwk.h"

static const struct {
    const char *name;
    fwk_cmd_fn fn;
    const char *help;
} commands[] = {
    { "init", fwk_cmd_init, "init STORE            create a store (or check an existing one)" },
    { "version", fwk_cmd_version, "version               print the library version" },
    { "audit", fwk_cmd_audit, "audit verify STORE    verify the audit chain" },
    { "demo", fwk_cmd_demo, "demo [STORE]          run the end-to-end demo (default :memory:)" },
};

int fwk_open(fw_ctx **ctx, const char *path)
{
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_error *err = NULL;
    const char *pass = getenv("FWK_PASSPHRASE");
    int rc;

    opts.passphrase = pass && *pass ? pass : "fwk-demo-passphrase";
    rc = fw_ctx_open(ctx, path, &opts, &err);
    if (rc != FW_OK)
        return fwk_fail("open", rc, err);
    return 0;
}

int fwk_fail(const char *what, int rc, fw_error *err)
{
    fprintf(stderr, "fwk: %s: %s (%s)\n", what, err ? fw_error_message(err) : fw_strerror(rc),
            fw_strerror(rc));
    fw_error_free(err);
    return 1;
}

static void usage(void)
{
    size_t i;
    fprintf(stderr, "usage: fwk COMMAND [ARGS]\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(stderr, "  fwk %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage();
        return 2;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fwk: unknown command '%s'\n", argv[1]);
    usage();
    return 2;
}
