/**
 * @file ctx.h
 * The context: one open store (a SQLite file or ":memory:"), the actor every call runs as,
 * the clock, the master key and the registered providers.
 *
 * A context is used by one thread at a time; open one context per thread. Several contexts,
 * in one process or several, may share one store file (WAL, busy timeout, BEGIN IMMEDIATE).
 */
#ifndef FLEXWORK_CTX_H
#define FLEXWORK_CTX_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** The clock: milliseconds since the Unix epoch, UTC. */
typedef int64_t (*fw_clock_fn)(void *payload);

/** synchronous=FULL (the default): a committed transaction survives power loss. */
#define FW_SYNC_FULL   0
/** synchronous=NORMAL: faster; a power loss may undo the last commits, never corrupt. */
#define FW_SYNC_NORMAL 1

#define FW_OPEN_OPTIONS_VERSION 1

/** Options of fw_ctx_open(). Initialise with FW_OPEN_OPTIONS_INIT or fw_open_options_init(). */
typedef struct fw_open_options {
    uint32_t version;            /**< FW_OPEN_OPTIONS_VERSION */
    const uint8_t *master_key;   /**< 32 bytes, or NULL to derive one from passphrase; copied */
    const char *passphrase;      /**< when master_key is NULL: Argon2id with a per-store salt;
                                      giving both is an error */
    uint32_t synchronous;        /**< FW_SYNC_FULL (default) or FW_SYNC_NORMAL */
    uint32_t busy_timeout_ms;    /**< how long a writer waits for the lock; 0 = 5000; at most INT32_MAX */
    fw_clock_fn clock;           /**< NULL = the system clock */
    void *clock_payload;         /**< passed to clock */
    uint32_t create;             /**< 1 (default): create the store when missing; 0: fail with FW_ENOTFOUND */
} fw_open_options;

#define FW_OPEN_OPTIONS_INIT { FW_OPEN_OPTIONS_VERSION, NULL, NULL, FW_SYNC_FULL, 0, NULL, NULL, 1 }

/**
 * Fills *opts with the defaults of the given version.
 * @return FW_OK; FW_EINVAL when opts is NULL; FW_EVERSION for a version this library does
 *         not know (opts untouched).
 */
FW_EXTERN(int) fw_open_options_init(fw_open_options *opts, uint32_t version);

/**
 * Opens (creating if needed) a store and brings its schema up to date.
 *
 * New stores are bound to the master key; later opens must present the same key.
 * Pending migrations run in one transaction: either all apply or none. File stores run in
 * WAL mode; an existing file is switched only once it is known to be a libflexwork store
 * opened with the right key.
 *
 * The context starts with no actor: every call fails with FW_EPERM until fw_ctx_set_actor().
 *
 * @param[out] out   the context; free with fw_ctx_free(). Untouched on failure.
 * @param path       file path, or ":memory:" for a private in-memory store.
 * @param opts       options; a master key or a passphrase (not both) is required.
 * @param[out] err   optional error detail.
 * @return FW_OK; FW_EINVAL for bad options (the path names the field, e.g. "opts.synchronous");
 *         FW_EVERSION for an unknown opts.version, or a store written by a newer library;
 *         FW_EAUTH when the key does not match the store, or a raw key is given for a
 *         passphrase store or the other way round; FW_ENOTFOUND when the file is missing and
 *         opts.create is 0; FW_ECORRUPT for a file that is not a SQLite database, or a
 *         database that is not a libflexwork store; FW_EIO / FW_EBUSY from the file. On every
 *         failure the file is left byte for byte as it was.
 */
FW_EXTERN(int) fw_ctx_open(fw_ctx **out, const char *path, const fw_open_options *opts,
                           fw_error **err);

/** Closes the store and wipes key material. An open host transaction is rolled back. NULL is allowed. */
FW_EXTERN(void) fw_ctx_free(fw_ctx *ctx);

/**
 * Starts a host transaction grouping many calls: each call stays atomic on its own (a
 * failing call undoes only its own changes), and nothing is durable until fw_ctx_commit().
 * The write lock is taken at once (BEGIN IMMEDIATE) and held until commit or rollback.
 * @return FW_OK; FW_ESTATE when one is already open; FW_EBUSY when another writer holds the
 *         lock past the busy timeout; FW_EINVAL when ctx is NULL.
 */
FW_EXTERN(int) fw_ctx_begin(fw_ctx *ctx, fw_error **err);

/**
 * Commits the host transaction.
 * @return FW_OK; FW_ESTATE when none is open, or when the store already rolled it back after
 *         an I/O error (then nothing of the batch was kept); FW_EIO / FW_EBUSY from the file.
 */
FW_EXTERN(int) fw_ctx_commit(fw_ctx *ctx, fw_error **err);

/** Rolls the host transaction back. @return FW_OK; FW_ESTATE when none is open. */
FW_EXTERN(int) fw_ctx_rollback(fw_ctx *ctx, fw_error **err);

/** Roles an actor can have (DESIGN §6, R-4.2). Values are pinned. */
#define FW_ROLE_NONE            0
#define FW_ROLE_ADMIN           1  /**< platform administrator */
#define FW_ROLE_OPERATOR        2  /**< operations staff */
#define FW_ROLE_REVIEWER        3  /**< reviews applications, tasks, risk cases */
#define FW_ROLE_FINANCE         4  /**< funding, payouts, reconciliation */
#define FW_ROLE_TAX_AGENT       5  /**< tax-agent staff: withholding, declaration */
#define FW_ROLE_AUDITOR         6  /**< read-only across the platform */
#define FW_ROLE_ENTERPRISE_USER 7  /**< staff of one enterprise; party_id is that enterprise */
#define FW_ROLE_WORKER          8  /**< a worker; party_id is that worker */
#define FW_ROLE_SYSTEM          9  /**< scheduled jobs and provider callbacks */
#define FW_ROLE_COORDINATOR    10  /**< coordinators between enterprises and workers */
#define FW_ROLE_SUPPORT        11  /**< technical support: no personal data, no money */

/**
 * Sets the actor every following call runs as, checked by one authorisation table.
 * @param role      one of FW_ROLE_*.
 * @param party_id  the enterprise (FW_ROLE_ENTERPRISE_USER) or worker (FW_ROLE_WORKER) the
 *                  actor belongs to; 0 for platform roles.
 * @param name      who acts (a user name or id for the audit log: UTF-8, at most 255 bytes), copied;
 *                  may be NULL.
 * @return FW_OK; FW_EINVAL (path "role", "party_id" or "name") for an unknown role, a
 *         missing or unexpected party_id, or a name too long. On failure the actor is unchanged.
 */
FW_EXTERN(int) fw_ctx_set_actor(fw_ctx *ctx, uint32_t role, fw_id party_id, const char *name,
                                fw_error **err);

/** The current time of the context's clock, in ms since the epoch (UTC). */
FW_EXTERN(int64_t) fw_ctx_now(const fw_ctx *ctx);

/**
 * The schema version of one module in the open store ("core", "ledger", ...), or -1 when the
 * module has no schema.
 */
FW_EXTERN(int) fw_ctx_schema_version(fw_ctx *ctx, const char *module);

FW_END_DECL
#endif
