/*
 * Contexts: opening a store (keys, migrations), the actor, the clock, transactions and
 * provider registration.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/schema.h"

#define KDF_CONTEXT "flexwork"
/* Argon2id cost of a passphrase store, pinned (not libsodium's named limits, which may
 * change between releases) so that every store opens with the parameters it was made with. */
#define PWHASH_OPSLIMIT 2ULL
#define PWHASH_MEMLIMIT (64u * 1024u * 1024u)
#define KEY_CHECK_TEXT "libflexwork master key check v1"

static int64_t system_clock(void *payload)
{
    struct timespec ts;
    (void)payload;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fw_open_options_init(fw_open_options *opts, uint32_t version)
{
    fw_open_options def = FW_OPEN_OPTIONS_INIT;

    if (!opts)
        return FW_EINVAL;
    if (version == 0 || version > FW_OPEN_OPTIONS_VERSION)
        return FW_EVERSION;
    *opts = def;
    opts->version = version;
    return FW_OK;
}

int64_t fw_ctx_now(const fw_ctx *ctx)
{
    return ctx ? ctx->clock(ctx->clock_payload) : system_clock(NULL);
}

/* Reads one fw_meta value into buf; FW_ENOTFOUND when absent. */
static int meta_get(fw_ctx *ctx, const char *key, unsigned char *buf, size_t size, size_t *len,
                    fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT value FROM fw_meta WHERE key=?", "t", key);

    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        size_t n = fw__db_col_bytes(s, 0);
        if (n > size) {
            rc = fw__error_set(err, FW_ECORRUPT, NULL, "store: meta value '%s' is too long", key);
        } else {
            memcpy(buf, fw__db_col_blob(s, 0), n);
            *len = n;
            rc = FW_OK;
        }
    } else if (rc == FW__DONE) {
        rc = FW_ENOTFOUND;
    }
    fw__db_done(s);
    return rc;
}

static int meta_put(fw_ctx *ctx, const char *key, const void *value, size_t len, fw_error **err)
{
    return fw__db_exec(ctx, err, "INSERT OR REPLACE INTO fw_meta(key, value) VALUES (?, ?)", "tb",
                       key, value, len);
}

/* Derives the subkeys from the master key in slot 0. */
static void derive_keys(fw_ctx *ctx)
{
    int slot;
    for (slot = 1; slot < FW__KEY_COUNT; slot++)
        crypto_kdf_derive_from_key(ctx->keys + 32 * slot, 32, (uint64_t)slot, KDF_CONTEXT,
                                   ctx->keys);
}

static void key_check_value(const fw_ctx *ctx, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)KEY_CHECK_TEXT, strlen(KEY_CHECK_TEXT),
                       fw__ctx_key(ctx, FW__KEY_CHECK), 32);
}

/*
 * Establishes the master key. For an existing store (has_meta) the key must match the stored
 * check value; for a new one, the salt and check value are written by init_meta().
 */
static int setup_key(fw_ctx *ctx, const fw_open_options *o, int has_meta, unsigned char *salt,
                     fw_error **err)
{
    unsigned char kind[16];
    size_t n = 0;
    int rc;

    if (has_meta) {
        rc = meta_get(ctx, "key_kind", kind, sizeof(kind), &n, err);
        if (rc != FW_OK)
            return rc == FW_ENOTFOUND
                ? fw__error_set(err, FW_ECORRUPT, NULL, "store: key_kind is missing") : rc;
        if (o->master_key && !(n == 3 && memcmp(kind, "raw", 3) == 0))
            return fw__error_set(err, FW_EAUTH, "opts.master_key",
                                 "this store was created with a passphrase; open it with opts.passphrase");
        if (!o->master_key && !(n == 8 && memcmp(kind, "argon2id", 8) == 0))
            return fw__error_set(err, FW_EAUTH, "opts.passphrase",
                                 "this store was created with a 32-byte master key; open it with opts.master_key");
        if (!o->master_key) {
            rc = meta_get(ctx, "kdf_salt", salt, crypto_pwhash_SALTBYTES, &n, err);
            if (rc != FW_OK || n != crypto_pwhash_SALTBYTES)
                return fw__error_set(err, FW_ECORRUPT, NULL, "store: kdf_salt is missing or damaged");
        }
    } else if (!o->master_key) {
        randombytes_buf(salt, crypto_pwhash_SALTBYTES);
    }

    if (o->master_key) {
        memcpy(ctx->keys, o->master_key, 32);
    } else if (crypto_pwhash(ctx->keys, 32, o->passphrase, strlen(o->passphrase), salt,
                             PWHASH_OPSLIMIT, PWHASH_MEMLIMIT,
                             crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return fw__error_nomem(err);
    }
    derive_keys(ctx);

    if (has_meta) {
        unsigned char want[32], stored[32];
        rc = meta_get(ctx, "key_check", stored, sizeof(stored), &n, err);
        if (rc != FW_OK || n != 32)
            return fw__error_set(err, FW_ECORRUPT, NULL, "store: key_check is missing or damaged");
        key_check_value(ctx, want);
        if (sodium_memcmp(want, stored, 32) != 0)
            return fw__error_set(err, FW_EAUTH, o->master_key ? "opts.master_key" : "opts.passphrase",
                                 "the master key does not match this store");
    }
    return FW_OK;
}

static int init_meta(fw_ctx *ctx, const fw_open_options *o, const unsigned char *salt,
                     fw_error **err)
{
    unsigned char check[32];
    int rc;

    key_check_value(ctx, check);
    rc = meta_put(ctx, "key_check", check, 32, err);
    if (rc == FW_OK)
        rc = o->master_key ? meta_put(ctx, "key_kind", "raw", 3, err)
                           : meta_put(ctx, "key_kind", "argon2id", 8, err);
    if (rc == FW_OK && !o->master_key)
        rc = meta_put(ctx, "kdf_salt", salt, crypto_pwhash_SALTBYTES, err);
    if (rc == FW_OK)
        rc = meta_put(ctx, "created_by", FW_VERSION_STRING, strlen(FW_VERSION_STRING), err);
    return rc;
}

/* Highest version of a module the library knows; 0 when none. */
static int known_version(const char *module)
{
    size_t i;
    int v = 0;
    for (i = 0; i < fw__migration_count; i++)
        if (strcmp(fw__migrations[i].module, module) == 0 && fw__migrations[i].version > v)
            v = fw__migrations[i].version;
    return v;
}

static int check_not_newer(fw_ctx *ctx, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT module, version FROM fw_schema", "");

    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        const char *module = fw__db_col_text(s, 0);
        int64_t v = fw__db_col_i64(s, 1);
        if (v > known_version(module)) {
            rc = fw__error_set(err, FW_EVERSION, NULL,
                               "store schema '%s' is at version %lld, newer than this library's %d: "
                               "open it with a newer libflexwork", module, (long long)v,
                               known_version(module));
            break;
        }
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int migrate(fw_ctx *ctx, fw_error **err)
{
    size_t i;
    int rc = FW_OK;

    for (i = 0; i < fw__migration_count && rc == FW_OK; i++) {
        const struct fw__migration *m = &fw__migrations[i];
        if (fw_ctx_schema_version(ctx, m->module) >= m->version)
            continue;
        rc = fw__db_script(ctx, m->sql, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "INSERT INTO fw_schema(module, version, applied_ms) VALUES (?, ?, ?) "
                             "ON CONFLICT(module) DO UPDATE SET version=excluded.version, "
                             "applied_ms=excluded.applied_ms",
                             "tii", m->module, (int64_t)m->version, fw_ctx_now(ctx));
        if (rc != FW_OK)
            fw__error_set(err, rc, NULL, "migration %s/%03d_%s failed: %s", m->module, m->version,
                          m->name, err && *err ? fw_error_message(*err) : fw_strerror(rc));
    }
    return rc;
}

int fw_ctx_schema_version(fw_ctx *ctx, const char *module)
{
    int64_t v;
    if (!ctx || !module ||
        fw__db_i64(ctx, &v, NULL, "SELECT version FROM fw_schema WHERE module=?", "t", module) != FW_OK)
        return -1;
    return (int)v;
}

/* A database without fw_meta must be empty: the library never adds its tables to another
 * application's database. */
static int check_empty(fw_ctx *ctx, const char *path, fw_error **err)
{
    int64_t n = 0;
    int rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM sqlite_master", "");

    if (rc != FW_OK)
        return rc;
    if (n > 0)
        return fw__error_set(err, FW_ECORRUPT, NULL,
                             "'%s' is a database but not a libflexwork store (it has %lld schema "
                             "objects and no fw_meta table)", path, (long long)n);
    return FW_OK;
}

/* 1 when the connection runs in WAL mode (or the store lives in memory, where WAL is moot). */
static int is_wal(fw_ctx *ctx)
{
    fw__stmt *s;
    int wal = 0;

    if (fw__db_query(ctx, &s, NULL, "PRAGMA journal_mode", "") != FW_OK)
        return 0;
    if (fw__db_step(s, NULL) == FW__ROW) {
        const char *mode = fw__db_col_text(s, 0);
        wal = mode && (strcmp(mode, "wal") == 0 || strcmp(mode, "memory") == 0);
    }
    fw__db_done(s);
    return wal;
}

static int open_store(fw_ctx *ctx, const char *path, const fw_open_options *o, fw_error **err)
{
    unsigned char salt[crypto_pwhash_SALTBYTES];
    int64_t pages = 0;
    int has_meta, rc;

    rc = fw__db_open(&ctx->db, path, o->create, o->busy_timeout_ms, o->synchronous, err);
    if (rc != FW_OK)
        return rc;
    /* A brand-new file goes to WAL before its first transaction. When several processes
     * create one store at once, one of them may find the switch locked (SQLite reports that
     * at once rather than wait, to avoid a deadlock): another process is making the same
     * switch, and the transaction below waits for it. */
    rc = fw__db_i64(ctx, &pages, err, "PRAGMA page_count", "");
    if (rc != FW_OK)
        return rc;
    if (pages == 0)
        fw__db_script(ctx, "PRAGMA journal_mode=WAL", NULL);
    /* The read of the key material and the migration run in one write transaction, so that
     * two processes opening a new store at once do not both initialise it. */
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    has_meta = fw__db_table_exists(ctx, "fw_meta");
    rc = has_meta ? FW_OK : check_empty(ctx, path, err);
    if (rc == FW_OK)
        rc = setup_key(ctx, o, has_meta, salt, err);
    if (rc == FW_OK)
        rc = fw__db_script(ctx, "CREATE TABLE IF NOT EXISTS fw_schema ("
                                "module TEXT PRIMARY KEY, version INTEGER NOT NULL, "
                                "applied_ms INTEGER NOT NULL)", err);
    if (rc == FW_OK)
        rc = check_not_newer(ctx, err);
    if (rc == FW_OK)
        rc = migrate(ctx, err);
    if (rc == FW_OK && !has_meta)
        rc = init_meta(ctx, o, salt, err);
    rc = fw__tx_end(ctx, rc, err);
    /* A file not yet in WAL is switched only once it is known to be ours: switching writes
     * the file's header, and a refused open (wrong key, foreign database) must leave the file
     * as it was. A store already in WAL needs no switch (and no lock). */
    if (rc == FW_OK && !is_wal(ctx))
        rc = fw__db_script(ctx, "PRAGMA journal_mode=WAL", err);
    return rc;
}

static int check_options(const fw_open_options *o, fw_error **err)
{
    if (o->version == 0 || o->version > FW_OPEN_OPTIONS_VERSION)
        return fw__error_set(err, FW_EVERSION, "opts.version",
                             "must be 1..%d, got %u", FW_OPEN_OPTIONS_VERSION, o->version);
    if (!o->master_key && (!o->passphrase || !*o->passphrase))
        return fw__error_set(err, FW_EINVAL, "opts.master_key",
                             "a 32-byte master key or a non-empty opts.passphrase is required");
    if (o->master_key && o->passphrase)
        return fw__error_set(err, FW_EINVAL, "opts.passphrase",
                             "give opts.master_key or opts.passphrase, not both");
    if (o->synchronous != FW_SYNC_FULL && o->synchronous != FW_SYNC_NORMAL)
        return fw__error_set(err, FW_EINVAL, "opts.synchronous",
                             "must be FW_SYNC_FULL (0) or FW_SYNC_NORMAL (1), got %u", o->synchronous);
    if (o->busy_timeout_ms > INT32_MAX)
        return fw__error_set(err, FW_EINVAL, "opts.busy_timeout_ms",
                             "must be at most %d ms, got %u", INT32_MAX, o->busy_timeout_ms);
    if (o->create > 1)
        return fw__error_set(err, FW_EINVAL, "opts.create", "must be 0 or 1, got %u", o->create);
    return FW_OK;
}

int fw_ctx_open(fw_ctx **out, const char *path, const fw_open_options *opts, fw_error **err)
{
    fw_ctx *ctx;
    size_t i;
    int rc;

    if (!out || !path || !*path)
        return fw__error_set(err, FW_EINVAL, NULL, "out and path are required");
    if (!opts)
        return fw__error_set(err, FW_EINVAL, "opts",
                             "options with a master key or passphrase are required");
    if ((rc = check_options(opts, err)) != FW_OK)
        return rc;
    if (fw_init() != FW_OK)
        return fw__error_set(err, FW_ERROR, NULL, "libsodium or SQLite failed to initialise");

    ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        fw_shutdown();
        return fw__error_nomem(err);
    }
    ctx->clock = opts->clock ? opts->clock : system_clock;
    ctx->clock_payload = opts->clock_payload;
    ctx->role = FW_ROLE_SYSTEM;     /* opening runs migrations as the system */
    ctx->keys = sodium_malloc(32 * FW__KEY_COUNT);
    if (!ctx->keys) {
        fw_ctx_free(ctx);
        return fw__error_nomem(err);
    }
    rc = open_store(ctx, path, opts, err);
    for (i = 0; rc == FW_OK && fw__module_inits[i]; i++)
        rc = fw__module_inits[i](ctx, err);
    if (rc != FW_OK) {
        fw_ctx_free(ctx);
        return rc;
    }
    ctx->role = FW_ROLE_NONE;       /* every call needs an actor the host sets */
    *out = ctx;
    return FW_OK;
}

void fw_ctx_free(fw_ctx *ctx)
{
    int i;

    if (!ctx)
        return;
    for (i = 0; i < ctx->ndata; i++)
        if (ctx->data[i].free_fn)
            ctx->data[i].free_fn(ctx->data[i].data);
    if (ctx->tx_depth > 0)
        fw__db_script(ctx, "ROLLBACK", NULL);
    fw__db_close(ctx->db);
    if (ctx->keys)
        sodium_free(ctx->keys);   /* wipes */
    free(ctx->actor_name);
    free(ctx);
    fw_shutdown();
}

/* The name goes into audit records and their exports, which are UTF-8 JSON. */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        int i;
        if (!len)
            return 0;
        for (i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += len;
    }
    return 1;
}

int fw_ctx_set_actor(fw_ctx *ctx, uint32_t role, fw_id party_id, const char *name, fw_error **err)
{
    char *copy = NULL;
    int party_bound = role == FW_ROLE_ENTERPRISE_USER || role == FW_ROLE_WORKER;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (role < FW_ROLE_ADMIN || role > FW_ROLE_SUPPORT)
        return fw__error_set(err, FW_EINVAL, "role", "must be one of FW_ROLE_* (1..11), got %u", role);
    if (party_bound && party_id <= 0)
        return fw__error_set(err, FW_EINVAL, "party_id",
                             "an enterprise user or worker actor needs its party id, got %lld",
                             (long long)party_id);
    if (!party_bound && party_id != 0)
        return fw__error_set(err, FW_EINVAL, "party_id",
                             "platform roles take party_id 0, got %lld", (long long)party_id);
    if (name && strlen(name) > 255)
        return fw__error_set(err, FW_EINVAL, "name", "must be at most 255 bytes");
    if (name && !utf8_valid(name))
        return fw__error_set(err, FW_EINVAL, "name", "must be valid UTF-8");
    if (name && !(copy = strdup(name)))
        return fw__error_nomem(err);
    free(ctx->actor_name);
    ctx->actor_name = copy;
    ctx->role = role;
    ctx->party_id = party_id;
    return FW_OK;
}

/* Transactions: BEGIN IMMEDIATE at the outermost level, savepoints inside. */

static int lost_tx(fw_error **err)
{
    return fw__error_set(err, FW_ESTATE, NULL,
                         "the store rolled the open transaction back after an earlier error; "
                         "roll back and retry");
}
int fw__tx_begin(fw_ctx *ctx, fw_error **err)
{
    int rc;

    if (ctx->tx_depth > 0 && fw__db_autocommit(ctx))
        return lost_tx(err);
    rc = ctx->tx_depth == 0 ? fw__db_exec(ctx, err, "BEGIN IMMEDIATE", "")
                                : fw__db_exec(ctx, err, "SAVEPOINT fw", "");
    if (rc == FW_OK)
        ctx->tx_depth++;
    return rc;
}

int fw__tx_end(fw_ctx *ctx, int rc, fw_error **err)
{
    ctx->tx_depth--;
    if (fw__db_autocommit(ctx)) {
        /* SQLite already rolled everything back (I/O error, full disk, ...): nothing to end. */
        return rc != FW_OK ? rc : lost_tx(err);
    }
    if (ctx->tx_depth == 0) {
        if (rc == FW_OK) {
            int crc = fw__db_exec(ctx, err, "COMMIT", "");
            if (crc != FW_OK) {
                fw__db_script(ctx, "ROLLBACK", NULL);
                return crc;
            }
            return FW_OK;
        }
        fw__db_script(ctx, "ROLLBACK", NULL);
        return rc;
    }
    if (rc != FW_OK)
        fw__db_exec(ctx, NULL, "ROLLBACK TO fw", "");
    {
        int rrc = fw__db_exec(ctx, rc == FW_OK ? err : NULL, "RELEASE fw", "");
        if (rc == FW_OK)
            rc = rrc;
    }
    return rc;
}

int fw_ctx_begin(fw_ctx *ctx, fw_error **err)
{
    int rc;
    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (ctx->host_tx || ctx->tx_depth)
        return fw__error_set(err, FW_ESTATE, NULL, "a transaction is already open on this context");
    if ((rc = fw__tx_begin(ctx, err)) == FW_OK)
        ctx->host_tx = 1;
    return rc;
}

static int check_host(fw_ctx *ctx, fw_error **err)
{
    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!ctx->host_tx || ctx->tx_depth != 1)
        return fw__error_set(err, FW_ESTATE, NULL, "no transaction is open on this context");
    ctx->host_tx = 0;
    return FW_OK;
}

int fw_ctx_commit(fw_ctx *ctx, fw_error **err)
{
    int rc = check_host(ctx, err);
    return rc == FW_OK ? fw__tx_end(ctx, FW_OK, err) : rc;
}

int fw_ctx_rollback(fw_ctx *ctx, fw_error **err)
{
    int rc = check_host(ctx, err);
    if (rc == FW_OK)
        fw__tx_end(ctx, FW_ESTATE, NULL);   /* any code but FW_OK rolls back */
    return rc;
}
