/* Contexts: open, options, pragmas, master key, migrations, fixtures of older stores, two
 * contexts on one file. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "core/audit.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/schema.h"
#include "core/vault.h"

/* Asserts a file's bytes equal a snapshot taken earlier. */
static void assert_file_equals(const char *path, const unsigned char *snap, size_t snap_len)
{
    size_t n = 0;
    unsigned char *now = test_read_file(path, &n);
    assert_non_null(now);
    assert_int_equal(n, snap_len);
    assert_memory_equal(now, snap, n);
    free(now);
}

static int file_exists(const char *path)
{
    size_t n;
    unsigned char *b = test_read_file(path, &n);
    free(b);
    return b != NULL;
}

static void expect_open_fails(const char *path, const fw_open_options *o, int code,
                              const char *path_want, const char *msg_want)
{
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    assert_int_equal(fw_ctx_open(&ctx, path, o, &err), code);
    assert_null(ctx);
    assert_int_equal(fw_error_code(err), code);
    if (path_want)
        assert_string_equal(fw_error_path(err), path_want);
    if (msg_want)
        assert_string_equal(fw_error_message(err), msg_want);
    fw_error_free(err);
}

static void opens_memory_and_file(void **state)
{
    char path[512];
    fw_ctx *ctx;
    (void)state;
    ctx = test_open(":memory:");
    assert_int_equal(fw_ctx_schema_version(ctx, "core"), 1);
    assert_int_equal(fw_ctx_schema_version(ctx, "nosuch"), -1);
    assert_int_equal(fw_ctx_schema_version(ctx, NULL), -1);
    assert_int_equal(fw_ctx_schema_version(NULL, "core"), -1);
    assert_int_equal(fw_ctx_now(ctx), TEST_CLOCK_START);
    fw_ctx_free(ctx);
    test_path("ctx-open", path, sizeof(path));
    ctx = test_open(path);
    assert_true(file_exists(path));
    assert_int_equal(fw_ctx_schema_version(ctx, "core"), 1);
    fw_ctx_free(ctx);
    fw_ctx_free(NULL);
}

static void options_init(void **state)
{
    fw_open_options o;
    (void)state;
    memset(&o, 0xAB, sizeof(o));
    assert_int_equal(fw_open_options_init(&o, FW_OPEN_OPTIONS_VERSION), FW_OK);
    assert_int_equal(o.version, 1);
    assert_null(o.master_key);
    assert_null(o.passphrase);
    assert_int_equal(o.busy_timeout_ms, 0);
    assert_null(o.clock);
    assert_null(o.clock_payload);
    assert_int_equal(o.synchronous, FW_SYNC_FULL);
    assert_int_equal(o.create, 1);
    assert_int_equal(fw_open_options_init(&o, 0), FW_EVERSION);
    assert_int_equal(fw_open_options_init(&o, 2), FW_EVERSION);
    assert_int_equal(fw_open_options_init(NULL, 1), FW_EINVAL);
}

/* Each bad field is refused with its name in the path; nothing is created. */
static void options_validation(void **state)
{
    char path[512];
    fw_open_options o = FW_OPEN_OPTIONS_INIT;
    fw_ctx *ctx = NULL;
    (void)state;
    test_path("ctx-opts", path, sizeof(path));
    o.master_key = test_master_key;

    o.version = 0;
    expect_open_fails(path, &o, FW_EVERSION, "opts.version", "opts.version: must be 1..1, got 0");
    o.version = 2;
    expect_open_fails(path, &o, FW_EVERSION, "opts.version", "opts.version: must be 1..1, got 2");
    o.version = 1;
    o.master_key = NULL;
    expect_open_fails(path, &o, FW_EINVAL, "opts.master_key",
                      "opts.master_key: a 32-byte master key or a non-empty opts.passphrase is required");
    o.passphrase = "";
    expect_open_fails(path, &o, FW_EINVAL, "opts.master_key", NULL);
    o.passphrase = "pass";
    o.master_key = test_master_key;
    expect_open_fails(path, &o, FW_EINVAL, "opts.passphrase",
                      "opts.passphrase: give opts.master_key or opts.passphrase, not both");
    o.passphrase = NULL;
    o.synchronous = 2;
    expect_open_fails(path, &o, FW_EINVAL, "opts.synchronous",
                      "opts.synchronous: must be FW_SYNC_FULL (0) or FW_SYNC_NORMAL (1), got 2");
    o.synchronous = FW_SYNC_FULL;
    o.busy_timeout_ms = 0x80000000u;
    expect_open_fails(path, &o, FW_EINVAL, "opts.busy_timeout_ms",
                      "opts.busy_timeout_ms: must be at most 2147483647 ms, got 2147483648");
    o.busy_timeout_ms = 0;
    o.create = 2;
    expect_open_fails(path, &o, FW_EINVAL, "opts.create", "opts.create: must be 0 or 1, got 2");
    o.create = 1;
    expect_open_fails(path, NULL, FW_EINVAL, "opts", NULL);
    expect_open_fails("", &o, FW_EINVAL, "", "out and path are required");
    assert_int_equal(fw_ctx_open(NULL, path, &o, NULL), FW_EINVAL);
    assert_false(file_exists(path));
    assert_null(ctx);
}

static int64_t pragma_i64(fw_ctx *ctx, const char *sql)
{
    int64_t v = -1;
    fw_error *err = NULL;
    assert_rc(fw__db_i64(ctx, &v, &err, sql, ""), FW_OK, &err);
    return v;
}

/* DESIGN §5: WAL, foreign keys, synchronous FULL by default, secure_delete for shredding. */
static void file_store_pragmas(void **state)
{
    char path[512], mode[16] = "";
    fw_open_options o = FW_OPEN_OPTIONS_INIT;
    fw_ctx *ctx = NULL;
    fw__stmt *s;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-pragma", path, sizeof(path));
    o.master_key = test_master_key;
    assert_rc(fw_ctx_open(&ctx, path, &o, &err), FW_OK, &err);
    assert_rc(fw__db_query(ctx, &s, &err, "PRAGMA journal_mode", ""), FW_OK, &err);
    assert_int_equal(fw__db_step(s, &err), FW__ROW);
    snprintf(mode, sizeof(mode), "%s", fw__db_col_text(s, 0));
    fw__db_done(s);
    assert_string_equal(mode, "wal");
    assert_int_equal(pragma_i64(ctx, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pragma_i64(ctx, "PRAGMA synchronous"), 2);     /* FULL */
    assert_int_equal(pragma_i64(ctx, "PRAGMA secure_delete"), 1);
    assert_int_equal(pragma_i64(ctx, "PRAGMA busy_timeout"), 5000);
    fw_ctx_free(ctx);

    o.synchronous = FW_SYNC_NORMAL;
    o.busy_timeout_ms = 250;
    assert_rc(fw_ctx_open(&ctx, path, &o, &err), FW_OK, &err);
    assert_int_equal(pragma_i64(ctx, "PRAGMA synchronous"), 1);     /* NORMAL */
    assert_int_equal(pragma_i64(ctx, "PRAGMA busy_timeout"), 250);
    fw_ctx_free(ctx);
}

static const uint8_t other_key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

/* R-6.h: the store is bound to its master key; a wrong key fails and changes nothing. */
static void reopen_with_same_key_and_wrong_key(void **state)
{
    char path[512], wal[530];
    unsigned char *snap;
    size_t n;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-key", path, sizeof(path));
    snprintf(wal, sizeof(wal), "%s-wal", path);
    fw_ctx_free(test_open(path));
    assert_false(file_exists(wal));          /* the last close checkpoints the WAL away */
    snap = test_read_file(path, &n);
    assert_non_null(snap);

    assert_int_equal(test_open_opts(&ctx, path, other_key, NULL, &err), FW_EAUTH);
    assert_null(ctx);
    assert_string_equal(fw_error_path(err), "opts.master_key");
    assert_string_equal(fw_error_message(err), "opts.master_key: the master key does not match this store");
    fw_error_free(err);
    err = NULL;
    assert_file_equals(path, snap, n);
    assert_false(file_exists(wal));

    assert_rc(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_OK, &err);
    fw_ctx_free(ctx);
    /* A passphrase on a raw-key store is refused too. */
    assert_int_equal(test_open_opts(&ctx, path, NULL, "a passphrase", &err), FW_EAUTH);
    assert_string_equal(fw_error_message(err), "opts.passphrase: this store was created with a "
                        "32-byte master key; open it with opts.master_key");
    fw_error_free(err);
    free(snap);
}

/* Passphrase stores: Argon2id with a per-store salt. */
static void passphrase_store(void **state)
{
    char path[512];
    unsigned char *snap;
    size_t n;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-pass", path, sizeof(path));
    assert_rc(test_open_opts(&ctx, path, NULL, "correct horse battery staple", &err), FW_OK, &err);
    fw_ctx_free(ctx);
    snap = test_read_file(path, &n);

    assert_rc(test_open_opts(&ctx, path, NULL, "correct horse battery staple", &err), FW_OK, &err);
    fw_ctx_free(ctx);
    ctx = NULL;
    assert_int_equal(test_open_opts(&ctx, path, NULL, "wrong horse", &err), FW_EAUTH);
    assert_null(ctx);
    assert_string_equal(fw_error_message(err), "opts.passphrase: the master key does not match this store");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_EAUTH);
    assert_string_equal(fw_error_message(err), "opts.master_key: this store was created with a "
                        "passphrase; open it with opts.passphrase");
    fw_error_free(err);
    assert_file_equals(path, snap, n);
    free(snap);
}

static void missing_file_without_create(void **state)
{
    char path[512];
    fw_open_options o = FW_OPEN_OPTIONS_INIT;
    (void)state;
    test_path("ctx-missing", path, sizeof(path));
    o.master_key = test_master_key;
    o.create = 0;
    expect_open_fails(path, &o, FW_ENOTFOUND, "", NULL);
    assert_false(file_exists(path));
}

/* A store written by a newer library is refused, unchanged. */
static void newer_schema_is_refused(void **state)
{
    char path[512];
    unsigned char *snap;
    size_t n;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-newer", path, sizeof(path));
    fw_ctx_free(test_open(path));
    test_raw_exec(path, "UPDATE fw_schema SET version = 99 WHERE module = 'core'");
    snap = test_read_file(path, &n);
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_EVERSION);
    assert_null(ctx);
    assert_string_equal(fw_error_message(err), "store schema 'core' is at version 99, newer than "
                        "this library's 1: open it with a newer libflexwork");
    fw_error_free(err);
    err = NULL;
    assert_file_equals(path, snap, n);
    free(snap);

    /* A module this library does not have at all is newer too. */
    test_raw_exec(path, "UPDATE fw_schema SET version = 1 WHERE module = 'core';"
                        "INSERT INTO fw_schema VALUES ('zzz_future', 1, 0)");
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_EVERSION);
    assert_string_equal(fw_error_message(err), "store schema 'zzz_future' is at version 1, newer "
                        "than this library's 0: open it with a newer libflexwork");
    fw_error_free(err);
}

/* A migration that fails names itself, keeps the store's error code, and changes nothing. */
static void failing_migration_is_reported_and_undone(void **state)
{
    char path[512];
    unsigned char *snap;
    size_t n;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-migfail", path, sizeof(path));
    fw_ctx_free(test_open(path));
    /* With its fw_schema row gone, core's 001 runs again over tables that exist. */
    test_raw_exec(path, "DELETE FROM fw_schema");
    snap = test_read_file(path, &n);
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_ERROR);
    assert_null(ctx);
    assert_int_equal(fw_error_code(err), FW_ERROR);
    assert_string_equal(fw_error_message(err), "migration core/001_core failed: store: table fw_meta "
                        "already exists");
    fw_error_free(err);
    assert_file_equals(path, snap, n);
    free(snap);
    /* Without err the code alone comes back. */
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, NULL), FW_ERROR);
}

/* DESIGN §5: migration from an empty store creates every table, in one transaction. */
static void migration_from_empty_creates_every_table(void **state)
{
    static const char *const tables[] = { "fw_schema", "fw_meta", "fw_audit", "fw_audit_checkpoint",
                                          "fw_vault_key", "fw_idem", NULL };
    fw_ctx *ctx = test_open(":memory:");
    int64_t n = 0;
    fw_error *err = NULL;
    int i;
    (void)state;
    for (i = 0; tables[i]; i++)
        assert_true(fw__db_table_exists(ctx, tables[i]));
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM sqlite_master WHERE type='trigger' "
                         "AND name IN ('fw_audit_no_update','fw_audit_no_delete')", ""), FW_OK, &err);
    assert_int_equal(n, 2);
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT applied_ms FROM fw_schema WHERE module='core'", ""),
              FW_OK, &err);
    assert_int_equal(n, TEST_CLOCK_START);
    fw_ctx_free(ctx);
}

/* The library never adds its tables to another application's database. */
static void foreign_database_is_refused(void **state)
{
    char path[512];
    unsigned char *snap;
    size_t n;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-foreign", path, sizeof(path));
    test_raw_exec(path, "CREATE TABLE orders(id INTEGER PRIMARY KEY); INSERT INTO orders VALUES (1)");
    snap = test_read_file(path, &n);
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_ECORRUPT);
    assert_non_null(strstr(fw_error_message(err), "is a database but not a libflexwork store"));
    fw_error_free(err);
    assert_file_equals(path, snap, n);
    free(snap);
}

static void not_a_database_is_corrupt(void **state)
{
    char path[512];
    FILE *f;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    (void)state;
    test_path("ctx-garbage", path, sizeof(path));
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("this is not a SQLite database, it is a text file long enough to have a header......"
          "................................................................................", f);
    fclose(f);
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_ECORRUPT);
    assert_null(ctx);
    fw_error_free(err);
}

/*
 * DESIGN §5: "a store written by an older version opens in a newer one". The fixture is a SQL
 * dump of a store written by libflexwork 1.0.0 (tests/vectors/stores/README.md says how it was
 * made): its key check, KDF context, vault key wrapping, associated-data layout, blind-index
 * key, audit hashing and checkpoint signature must all still be understood. Each later release
 * keeps this fixture and adds its own; their migrations then run on these files here.
 */
static const uint8_t fixture_key[32] = {
    0x66, 0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x2d, 0x63, 0x6f, 0x72, 0x65, 0x2d, 0x76, 0x31, 0x2d,
    0x6b, 0x65, 0x79, 0x2d, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31,
};
#define FIXTURE_ID_NUMBER "11010519491231002X"

/* Writes the fixture's store (run with FW_MAKE_CORE_V1=<path>, then sqlite3 <path> .dump). */
static void make_fixture(const char *path)
{
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    unsigned char *sealed = NULL, blind[FW__BLIND_BYTES];
    size_t n = 0;

    test_clock_set(1767225600000LL);                  /* 2026-01-01T00:00:00Z */
    assert_rc(test_open_opts(&ctx, path, fixture_key, NULL, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw__db_script(ctx, "CREATE TABLE fixture_pii(id INTEGER PRIMARY KEY, subject TEXT, "
                            "sealed BLOB, blind BLOB)", &err), FW_OK, &err);
    assert_rc(fw__vault_seal(ctx, "worker:1", "fixture_pii", "id_number", 1, FIXTURE_ID_NUMBER,
                             strlen(FIXTURE_ID_NUMBER), &sealed, &n, &err), FW_OK, &err);
    fw__vault_blind(ctx, "id_number", FIXTURE_ID_NUMBER, strlen(FIXTURE_ID_NUMBER), blind);
    assert_rc(fw__db_exec(ctx, &err, "INSERT INTO fixture_pii VALUES (1, 'worker:1', ?, ?)", "bb",
                          (const void *)sealed, n, (const void *)blind, sizeof(blind)), FW_OK, &err);
    assert_rc(fw__tx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw__audit_append(ctx, "core.test", "fixture", 1, "{\"step\":1}", 10, &err), FW_OK, &err);
    assert_rc(fw__audit_append(ctx, "core.test", "fixture", 1, "{\"step\":2}", 10, &err), FW_OK, &err);
    assert_rc(fw__tx_end(ctx, FW_OK, &err), FW_OK, &err);
    assert_rc(fw_audit_checkpoint(ctx, NULL, NULL, &err), FW_OK, &err);
    fw_free(sealed);
    fw_ctx_free(ctx);
}

static void older_store_opens(void **state)
{
    char path[512];
    char *dump;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    fw__stmt *s;
    unsigned char blind[FW__BLIND_BYTES], pk[32];
    char *plain = NULL;
    int64_t bad = -1;
    const char *make = getenv("FW_MAKE_CORE_V1");
    (void)state;

    if (make && *make) {
        make_fixture(make);
        return;
    }
    test_path("ctx-core-v1", path, sizeof(path));
    dump = test_read_vector("stores/core-v1.sql", NULL);
    test_raw_exec(path, dump);
    free(dump);

    assert_rc(test_open_opts(&ctx, path, fixture_key, NULL, &err), FW_OK, &err);
    assert_int_equal(fw_ctx_schema_version(ctx, "core"), 1);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    /* The audit chain and its signed checkpoint verify with the key derived today. */
    assert_rc(fw_audit_verify(ctx, &bad, &err), FW_OK, &err);
    assert_int_equal(bad, 0);
    assert_rc(fw_audit_public_key(ctx, pk, &err), FW_OK, &err);
    assert_rc(fw__db_query(ctx, &s, &err, "SELECT public_key FROM fw_audit_checkpoint", ""), FW_OK, &err);
    assert_int_equal(fw__db_step(s, &err), FW__ROW);
    assert_memory_equal(fw__db_col_blob(s, 0), pk, 32);
    fw__db_done(s);
    /* The sealed ID number opens and its blind index is the same. */
    assert_rc(fw__db_query(ctx, &s, &err, "SELECT sealed, blind FROM fixture_pii WHERE id = 1", ""),
              FW_OK, &err);
    assert_int_equal(fw__db_step(s, &err), FW__ROW);
    assert_rc(fw__vault_open(ctx, "worker:1", "fixture_pii", "id_number", 1, fw__db_col_blob(s, 0),
                             fw__db_col_bytes(s, 0), &plain, &err), FW_OK, &err);
    assert_string_equal(plain, FIXTURE_ID_NUMBER);
    fw__vault_blind(ctx, "id_number", FIXTURE_ID_NUMBER, strlen(FIXTURE_ID_NUMBER), blind);
    assert_int_equal(fw__db_col_bytes(s, 1), sizeof(blind));
    assert_memory_equal(fw__db_col_blob(s, 1), blind, sizeof(blind));
    fw__db_done(s);
    fw_free(plain);
    fw_ctx_free(ctx);

    /* And with the wrong key it is refused like any store. */
    assert_int_equal(test_open_opts(&ctx, path, test_master_key, NULL, &err), FW_EAUTH);
    fw_error_free(err);
}

/* DESIGN §3: several contexts on one store file (WAL, busy timeout, BEGIN IMMEDIATE). */
static void two_contexts_share_a_file(void **state)
{
    char path[512];
    fw_open_options o = FW_OPEN_OPTIONS_INIT;
    fw_ctx *a, *b = NULL;
    fw_error *err = NULL;
    int64_t n = 0;
    struct timespec t0, t1;
    long ms;
    (void)state;
    test_path("ctx-two", path, sizeof(path));
    a = test_open(path);
    o.master_key = test_master_key;
    o.clock = test_clock;
    o.busy_timeout_ms = 100;
    assert_rc(fw_ctx_open(&b, path, &o, &err), FW_OK, &err);

    assert_rc(fw__db_script(a, "CREATE TABLE t(v INTEGER)", &err), FW_OK, &err);
    assert_rc(fw__db_exec(a, &err, "INSERT INTO t VALUES (?)", "i", (int64_t)42), FW_OK, &err);
    assert_rc(fw__db_i64(b, &n, &err, "SELECT sum(v) FROM t", ""), FW_OK, &err);
    assert_int_equal(n, 42);

    /* A holds the write lock: B waits its busy timeout, then fails with FW_EBUSY. */
    assert_rc(fw_ctx_begin(a, &err), FW_OK, &err);
    assert_rc(fw__db_exec(a, &err, "INSERT INTO t VALUES (?)", "i", (int64_t)1), FW_OK, &err);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(fw_ctx_begin(b, &err), FW_EBUSY);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fw_error_free(err);
    err = NULL;
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 90);
    /* B still reads the last committed state (snapshot isolation). */
    assert_rc(fw__db_i64(b, &n, &err, "SELECT sum(v) FROM t", ""), FW_OK, &err);
    assert_int_equal(n, 42);
    /* And B's failed begin left B usable with no transaction open. */
    assert_int_equal(fw_ctx_commit(b, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ctx_commit(a, &err), FW_OK, &err);
    assert_rc(fw__db_i64(b, &n, &err, "SELECT sum(v) FROM t", ""), FW_OK, &err);
    assert_int_equal(n, 43);
    assert_rc(fw_ctx_begin(b, &err), FW_OK, &err);
    assert_rc(fw_ctx_rollback(b, &err), FW_OK, &err);
    fw_ctx_free(a);
    fw_ctx_free(b);
}

/* How many modules the library has migrations for (one fw_schema row each). */
static int64_t module_count(void)
{
    int64_t n = 0;
    size_t i, j;
    for (i = 0; i < fw__migration_count; i++) {
        for (j = 0; j < i; j++)
            if (strcmp(fw__migrations[j].module, fw__migrations[i].module) == 0)
                break;
        n += j == i;
    }
    return n;
}

/* Several processes creating one new store at once: one initialises it, all open it. */
static void concurrent_creation(void **state)
{
    char path[512];
    pid_t kids[4];
    fw_ctx *ctx;
    fw_error *err = NULL;
    int64_t n = 0;
    int i, status;
    (void)state;
    test_path("ctx-race", path, sizeof(path));
    for (i = 0; i < 4; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            fw_open_options o = FW_OPEN_OPTIONS_INIT;
            fw_ctx *c = NULL;
            o.master_key = test_master_key;
            o.busy_timeout_ms = 20000;
            fw_error *e = NULL;
            if (fw_ctx_open(&c, path, &o, &e) != FW_OK) {
                fprintf(stderr, "# child %d: %s\n", i, fw_error_message(e));
                _exit(1);
            }
            fw_ctx_free(c);
            _exit(0);
        }
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    ctx = test_open(path);
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM fw_meta WHERE key = 'key_check'", ""),
              FW_OK, &err);
    assert_int_equal(n, 1);
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM fw_schema", ""), FW_OK, &err);
    assert_int_equal(n, module_count());
    fw_ctx_free(ctx);
}

TEST_MAIN(cmocka_unit_test(opens_memory_and_file),
          cmocka_unit_test(options_init),
          cmocka_unit_test(options_validation),
          cmocka_unit_test(file_store_pragmas),
          cmocka_unit_test(reopen_with_same_key_and_wrong_key),
          cmocka_unit_test(passphrase_store),
          cmocka_unit_test(missing_file_without_create),
          cmocka_unit_test(newer_schema_is_refused),
          cmocka_unit_test(migration_from_empty_creates_every_table),
          cmocka_unit_test(failing_migration_is_reported_and_undone),
          cmocka_unit_test(foreign_database_is_refused),
          cmocka_unit_test(not_a_database_is_corrupt),
          cmocka_unit_test(older_store_opens),
          cmocka_unit_test(two_contexts_share_a_file),
          cmocka_unit_test(concurrent_creation))
