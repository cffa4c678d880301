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

/* Opens a store with the key taken from FWK_PASSPHRASE (default "fwk-demo-passphrase"). */
int fwk_open(fw_ctx **ctx, const char *path);
/* Prints "fwk: <what>: <message>" for a failed call and returns 1. */
int fwk_fail(const char *what, int rc, fw_error *err);

#endif
