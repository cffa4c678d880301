/* The archive module's internal API, shared by its files and open to the modules above core. */
#ifndef FW_ARCHIVE_ARCHIVE_H
#define FW_ARCHIVE_ARCHIVE_H

#include <flexwork/archive.h>

#define FW__ARCHIVE_MAX_HOLD_CHECKS 16

/*
 * Registers a hold check on this context (fw_archive_register_hold_check() is the public
 * face): kept with the context, so several contexts in one process keep their own.
 */
int fw__archive_register_hold_check(fw_ctx *ctx, const char *name, fw_archive_hold_fn fn, void *payload,
                                    fw_error **err);

/*
 * Asks the manual holds, the built-in ones (a non-zero ledger balance or pending hold of the
 * party; its open tasks, assignments or unpaid accepted work) and every check registered on
 * the context whether something holds the document. FW_OK when free; FW_EDENIED with the hold
 * named in the message; other codes from a check.
 */
int fw__archive_check_holds(fw_ctx *ctx, fw_id doc_id, fw_error **err);

/* "worker:17" / "enterprise:3": the vault subject of a party. */
/* Sets up the context's hold-check list (core/hook.h). */
int fw__archive_init(fw_ctx *ctx, fw_error **err);

const char *fw__archive_subject(const char *party_kind, fw_id party_id, char *buf, size_t size);

/*
 * Reads a document's content for a use, after the state and blocking checks, and logs the
 * read (purpose). *out is malloc'd (NULL for empty content).
 */
int fw__archive_use(fw_ctx *ctx, fw_id doc_id, const char *purpose, uint8_t **out,
                    size_t *out_len, fw_error **err);

/* Files: written atomically (temporary, fsync, rename); read whole (*out malloc'd). */
int fw__archive_write_file(const char *path, const void *data, size_t len, fw_error **err);
int fw__archive_read_file(const char *path, unsigned char **out, size_t *out_len, fw_error **err);
/* mkdir -p with mode 0700; 0 or -1 (errno set). */
int fw__archive_mkdir_p(const char *path);

#endif
