/* Shared test support. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "support.h"

int64_t test_clock_ms = TEST_CLOCK_START;

const uint8_t test_master_key[32] = {
    0x6c, 0x69, 0x62, 0x66, 0x6c, 0x65, 0x78, 0x77, 0x6f, 0x72, 0x6b, 0x2d, 0x74, 0x65, 0x73, 0x74,
    0x2d, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x30, 0x30, 0x30, 0x31,
};

int64_t test_clock(void *payload)
{
    (void)payload;
    return test_clock_ms;
}

void test_clock_set(int64_t ms)
{
    test_clock_ms = ms;
}

void test_clock_advance(int64_t ms)
{
    test_clock_ms += ms;
}

fw_ctx *test_open(const char *path)
{
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    int rc;

    opts.master_key = test_master_key;
    opts.clock = test_clock;
    opts.synchronous = FW_SYNC_NORMAL;
    rc = fw_ctx_open(&ctx, path, &opts, &err);
    if (rc != FW_OK)
        fail_msg("fw_ctx_open(%s): %s", path, fw_error_message(err));
    return ctx;
}

const char *test_path(const char *name, char *buf, size_t size)
{
    const char *dir = getenv("FW_TEST_TMP");
    char extra[600];

    if (!dir || !*dir)
        dir = "/tmp";
    mkdir(dir, 0700);
    snprintf(buf, size, "%s/%s-%d.db", dir, name, (int)getpid());
    unlink(buf);
    snprintf(extra, sizeof(extra), "%s-wal", buf);
    unlink(extra);
    snprintf(extra, sizeof(extra), "%s-shm", buf);
    unlink(extra);
    return buf;
}

void test_actor(fw_ctx *ctx, uint32_t role, fw_id party_id)
{
    fw_error *err = NULL;
    int rc = fw_ctx_set_actor(ctx, role, party_id, "test", &err);
    if (rc != FW_OK)
        fail_msg("fw_ctx_set_actor: %s", fw_error_message(err));
}

int test_setup_admin(void **state)
{
    fw_ctx *ctx;
    test_clock_set(TEST_CLOCK_START);
    ctx = test_open(":memory:");
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    *state = ctx;
    return 0;
}

int test_teardown_ctx(void **state)
{
    fw_ctx_free(*state);
    *state = NULL;
    return 0;
}

void test_assert_rc(int rc, int want, fw_error **err, const char *file, int line)
{
    if (rc != want) {
        const char *msg = err && *err ? fw_error_message(*err) : "";
        print_error("%s:%d: rc %d (%s), want %d (%s): %s\n", file, line, rc, fw_strerror(rc), want,
                    fw_strerror(want), msg);
        if (err) {
            fw_error_free(*err);
            *err = NULL;
        }
        fail();
    }
    if (err) {
        fw_error_free(*err);
        *err = NULL;
    }
}

char *test_read_vector(const char *name, size_t *len)
{
    const char *dir = getenv("FW_TEST_VECTORS");
    char path[1024];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors", name);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open vector file %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read vector file %s", path);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

unsigned char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

void test_raw_exec(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    char *msg = NULL;

    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open %s: %s", path, sqlite3_errmsg(h));
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("raw SQL on %s failed: %s (%s)", path, msg, sql);
    sqlite3_close(h);
}

int test_open_opts(fw_ctx **out, const char *path, const uint8_t *key, const char *passphrase,
                   fw_error **err)
{
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;

    opts.master_key = key;
    opts.passphrase = passphrase;
    opts.clock = test_clock;
    return fw_ctx_open(out, path, &opts, err);
}
