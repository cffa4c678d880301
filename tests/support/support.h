/* Shared test support: stores with a fixed key and a controllable clock, vector files. */
#ifndef FW_TEST_SUPPORT_H
#define FW_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <cmocka.h>

#include <flexwork.h>

/* The test clock: starts at 2026-03-15 10:00:00 CST; tests move it with test_clock_set/advance. */
#define TEST_CLOCK_START 1773540000000LL
extern int64_t test_clock_ms;
int64_t test_clock(void *payload);
void test_clock_set(int64_t ms);
void test_clock_advance(int64_t ms);

/* The fixed 32-byte master key of test stores. */
extern const uint8_t test_master_key[32];

/* Opens a store (":memory:" or a file path) with the test key and clock. Fails the test on error. */
fw_ctx *test_open(const char *path);
/* A fresh file path under the test tmp dir ("<dir>/<name>-<pid>.db"), old files removed. */
const char *test_path(const char *name, char *buf, size_t size);
/* cmocka setup/teardown: *state is a fresh in-memory store acting as the platform admin. */
int test_setup_admin(void **state);
int test_teardown_ctx(void **state);
/* Sets the actor; fails the test on error. */
void test_actor(fw_ctx *ctx, uint32_t role, fw_id party_id);

/* Asserts rc == want; on mismatch prints the error's message. Frees *err and resets it. */
#define assert_rc(rc, want, errp) test_assert_rc((rc), (want), (errp), __FILE__, __LINE__)
void test_assert_rc(int rc, int want, fw_error **err, const char *file, int line);

/* Reads a whole file (a golden vector) into a malloc'd NUL-terminated buffer. */
char *test_read_vector(const char *name, size_t *len);

/* Runs a group with TAP output (the form meson test reads). */
#define TEST_MAIN(...)                                              \
    int main(void)                                                  \
    {                                                               \
        const struct CMUnitTest tests_[] = { __VA_ARGS__ };         \
        cmocka_set_message_output(CM_OUTPUT_TAP);                   \
        return cmocka_run_group_tests(tests_, NULL, NULL);          \
    }


/* Reads a whole file into a malloc'd buffer; NULL when it does not exist. */
unsigned char *test_read_file(const char *path, size_t *len);
/* Runs SQL on a store file through SQLite directly, behind the library's back. */
void test_raw_exec(const char *path, const char *sql);
/* Opens a store with explicit options; returns the code, *out set on FW_OK. */
int test_open_opts(fw_ctx **out, const char *path, const uint8_t *key, const char *passphrase,
                   fw_error **err);

#endif
