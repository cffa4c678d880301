/* The PII vault (R-6.h): sealing with associated data, blind index, masking, crypto-shredding,
 * and no plaintext personal data anywhere in the store's files. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/vault.h"

#define ID_NUMBER "11010519491231002X"
#define PHONE "13812345678"

static void seal(fw_ctx *ctx, const char *subject, const char *table, const char *column, fw_id row,
                 const char *plain, unsigned char **out, size_t *len)
{
    fw_error *err = NULL;
    assert_rc(fw__vault_seal(ctx, subject, table, column, row, plain, strlen(plain), out, len, &err),
              FW_OK, &err);
}

static void round_trip(void **state)
{
    fw_ctx *ctx = *state;
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    char *plain = NULL;
    fw_error *err = NULL;
    seal(ctx, "worker:1", "fw_party_worker", "id_number", 1, ID_NUMBER, &a, &alen);
    assert_int_equal(alen, 1 + 24 + strlen(ID_NUMBER) + 16);
    assert_int_equal(a[0], 0x01);
    assert_null(memmem(a, alen, ID_NUMBER, strlen(ID_NUMBER)));
    assert_rc(fw__vault_open(ctx, "worker:1", "fw_party_worker", "id_number", 1, a, alen, &plain, &err),
              FW_OK, &err);
    assert_string_equal(plain, ID_NUMBER);
    fw_free(plain);
    /* Same plaintext twice: different ciphertexts (random nonce). */
    seal(ctx, "worker:1", "fw_party_worker", "id_number", 1, ID_NUMBER, &b, &blen);
    assert_int_equal(alen, blen);
    assert_memory_not_equal(a, b, alen);
    /* The empty string seals too. */
    fw_free(b);
    seal(ctx, "worker:1", "fw_party_worker", "nickname", 1, "", &b, &blen);
    assert_rc(fw__vault_open(ctx, "worker:1", "fw_party_worker", "nickname", 1, b, blen, &plain, &err),
              FW_OK, &err);
    assert_string_equal(plain, "");
    fw_free(plain);
    fw_free(a);
    fw_free(b);
}

/* A ciphertext moved to another row, column, table or subject does not open. */
static void associated_data_binds_the_place(void **state)
{
    fw_ctx *ctx = *state;
    unsigned char *a = NULL;
    size_t alen = 0;
    char *plain = (char *)"untouched";
    fw_error *err = NULL;
    seal(ctx, "worker:1", "fw_party_worker", "id_number", 1, ID_NUMBER, &a, &alen);
    {
        unsigned char *x = NULL;
        size_t xlen = 0;
        seal(ctx, "worker:2", "fw_party_worker", "id_number", 2, "x", &x, &xlen);
        fw_free(x);
    }
#define MOVED(subj, table, col, row)                                                               \
    do {                                                                                           \
        assert_int_equal(fw__vault_open(ctx, subj, table, col, row, a, alen, &plain, &err), FW_EAUTH); \
        fw_error_free(err);                                                                        \
        err = NULL;                                                                                \
    } while (0)
    MOVED("worker:1", "fw_party_worker", "id_number", 2);
    MOVED("worker:1", "fw_party_worker", "phone", 1);
    MOVED("worker:1", "fw_party_enterprise", "id_number", 1);
    MOVED("worker:2", "fw_party_worker", "id_number", 1);
    assert_string_equal(plain, "untouched");
    assert_int_equal(fw__vault_open(ctx, "worker:1", "fw_party_worker", "id_number", 2, a, alen, &plain, &err),
                     FW_EAUTH);
    assert_string_equal(fw_error_message(err),
                        "vault: fw_party_worker.id_number of row 2 does not decrypt (moved or altered)");
    fw_error_free(err);
    err = NULL;
    /* A flipped bit, a truncated value, a wrong format byte. */
    a[alen - 1] ^= 1;
    MOVED("worker:1", "fw_party_worker", "id_number", 1);
    a[alen - 1] ^= 1;
    assert_int_equal(fw__vault_open(ctx, "worker:1", "fw_party_worker", "id_number", 1, a, 40, &plain, &err),
                     FW_ECORRUPT);
    fw_error_free(err);
    err = NULL;
    a[0] = 2;
    assert_int_equal(fw__vault_open(ctx, "worker:1", "fw_party_worker", "id_number", 1, a, alen, &plain, &err),
                     FW_ECORRUPT);
    assert_string_equal(fw_error_message(err), "vault: fw_party_worker.id_number of row 1 is not a sealed value");
    fw_error_free(err);
    err = NULL;
    /* No key for an unknown subject: the value cannot be ours. */
    a[0] = 1;
    assert_int_equal(fw__vault_open(ctx, "worker:9", "fw_party_worker", "id_number", 1, a, alen, &plain, &err),
                     FW_ECORRUPT);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__vault_seal(ctx, "", "t", "c", 1, "x", 1, &a, &alen, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "subject: must be 1 to 128 bytes, e.g. \"worker:17\"");
    fw_error_free(err);
    assert_string_equal(plain, "untouched");
    fw_free(a);
}

static void blind_index(void **state)
{
    fw_ctx *ctx = *state, *other;
    unsigned char a[FW__BLIND_BYTES], b[FW__BLIND_BYTES], c[FW__BLIND_BYTES];
    static const uint8_t key2[32] = { 9 };
    fw__vault_blind(ctx, "id_number", ID_NUMBER, strlen(ID_NUMBER), a);
    fw__vault_blind(ctx, "id_number", ID_NUMBER, strlen(ID_NUMBER), b);
    assert_memory_equal(a, b, sizeof(a));
    fw__vault_blind(ctx, "phone", ID_NUMBER, strlen(ID_NUMBER), c);
    assert_memory_not_equal(a, c, sizeof(a));
    fw__vault_blind(ctx, "id_number", "11010519491231002x", strlen(ID_NUMBER), c);
    assert_memory_not_equal(a, c, sizeof(a));
    /* Domain and value cannot run into each other. */
    fw__vault_blind(ctx, "ab", "c", 1, b);
    fw__vault_blind(ctx, "a", "bc", 2, c);
    assert_memory_not_equal(b, c, sizeof(b));
    /* Keyed: another store's master key gives another index. */
    assert_int_equal(test_open_opts(&other, ":memory:", key2, NULL, NULL), FW_OK);
    fw__vault_blind(other, "id_number", ID_NUMBER, strlen(ID_NUMBER), c);
    assert_memory_not_equal(a, c, sizeof(a));
    fw_ctx_free(other);
}

static void masking(void **state)
{
    char buf[64], tiny[4];
    (void)state;
    assert_string_equal(fw__mask_id_number(ID_NUMBER, buf, sizeof(buf)), "110***********002X");
    assert_string_equal(fw__mask_id_number("110105194912310", buf, sizeof(buf)), "110********2310");
    assert_string_equal(fw__mask_phone(PHONE, buf, sizeof(buf)), "138****5678");
    assert_string_equal(fw__mask_bank_card("6222021234567890009", buf, sizeof(buf)), "6222***********0009");
    assert_string_equal(fw__mask_bank_card("6222021234567890", buf, sizeof(buf)), "6222********7890");
    assert_string_equal(fw__mask_name("张三", buf, sizeof(buf)), "张*");
    assert_string_equal(fw__mask_name("欧阳娜娜", buf, sizeof(buf)), "欧***");
    assert_string_equal(fw__mask_name("Li", buf, sizeof(buf)), "L*");
    assert_string_equal(fw__mask_name("张", buf, sizeof(buf)), "张");
    /* Too short to show anything safely: all stars. */
    assert_string_equal(fw__mask_phone("1234567", buf, sizeof(buf)), "*******");
    assert_string_equal(fw__mask_phone("", buf, sizeof(buf)), "");
    assert_string_equal(fw__mask_phone(NULL, buf, sizeof(buf)), "");
    assert_string_equal(fw__mask_name(NULL, buf, sizeof(buf)), "");
    /* A small buffer is never overrun. */
    assert_string_equal(fw__mask_id_number(ID_NUMBER, tiny, sizeof(tiny)), "110");
    assert_string_equal(fw__mask_name("张三", tiny, sizeof(tiny)), "");
}

/* R-6.h crypto-shredding: the subject's data becomes unreadable for good; nothing else changes. */
static void shredding(void **state)
{
    fw_ctx *ctx = *state;
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    char *plain = NULL;
    fw_error *err = NULL;
    int64_t n = 0, bad = -1;
    seal(ctx, "worker:1", "t", "id_number", 1, ID_NUMBER, &a, &alen);
    seal(ctx, "worker:2", "t", "id_number", 2, "220105199001010011", &b, &blen);

    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_vault_shred(ctx, "worker:1", &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_vault_shred(ctx, "worker:9", &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "subject: worker:9 has no personal data in the vault");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_vault_shred(ctx, NULL, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_vault_shred(NULL, "worker:1", NULL), FW_EINVAL);
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM fw_audit", ""), FW_OK, &err);
    assert_int_equal(n, 0);

    assert_rc(fw_vault_shred(ctx, "worker:1", &err), FW_OK, &err);
    assert_int_equal(fw__vault_open(ctx, "worker:1", "t", "id_number", 1, a, alen, &plain, &err), FW_ESHREDDED);
    assert_string_equal(fw_error_message(err), "the personal data of worker:1 was erased");
    fw_error_free(err);
    err = NULL;
    assert_null(plain);
    /* No new data can be sealed for a shredded subject either. */
    assert_int_equal(fw__vault_seal(ctx, "worker:1", "t", "phone", 1, PHONE, 11, &a, &alen, &err), FW_ESHREDDED);
    fw_error_free(err);
    err = NULL;
    /* Everyone else is intact. */
    assert_rc(fw__vault_open(ctx, "worker:2", "t", "id_number", 2, b, blen, &plain, &err), FW_OK, &err);
    assert_string_equal(plain, "220105199001010011");
    fw_free(plain);
    /* Audited, with the chain whole; shredding again is harmless. */
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM fw_audit WHERE action = 'vault.shred' "
                         "AND detail = '{\"subject\":\"worker:1\"}' AND actor_role = 1", ""), FW_OK, &err);
    assert_int_equal(n, 1);
    assert_rc(fw_vault_shred(ctx, "worker:1", &err), FW_OK, &err);
    assert_rc(fw_audit_verify(ctx, &bad, &err), FW_OK, &err);
    assert_int_equal(bad, 0);
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM fw_vault_key WHERE wrapped IS NULL", ""),
              FW_OK, &err);
    assert_int_equal(n, 1);
    fw_free(a);
    fw_free(b);
}

/* A subject with JSON-significant characters still yields a well-formed audit detail. */
static void shred_detail_is_json(void **state)
{
    fw_ctx *ctx = *state;
    unsigned char *a = NULL;
    size_t alen = 0;
    fw_error *err = NULL;
    int64_t n = 0;
    seal(ctx, "odd\"subject\\", "t", "c", 1, "x", &a, &alen);
    assert_rc(fw_vault_shred(ctx, "odd\"subject\\", &err), FW_OK, &err);
    assert_rc(fw__db_i64(ctx, &n, &err, "SELECT count(*) FROM fw_audit WHERE detail = ?", "t",
                         "{\"subject\":\"odd\\\"subject\\\\\"}"), FW_OK, &err);
    assert_int_equal(n, 1);
    fw_free(a);
}

static int contains(const char *path, const char *needle)
{
    size_t n = 0;
    unsigned char *bytes = test_read_file(path, &n);
    int found;
    if (!bytes)
        return 0;
    found = memmem(bytes, n, needle, strlen(needle)) != NULL;
    free(bytes);
    return found;
}

/* R-6.h: no plaintext ID number or phone number in the database file or its WAL. */
static void no_plaintext_pii_in_the_files(void **state)
{
    char path[512], wal[530];
    fw_ctx *ctx;
    unsigned char *a = NULL, *b = NULL, blind[FW__BLIND_BYTES];
    size_t alen = 0, blen = 0;
    fw_error *err = NULL;
    (void)state;
    test_path("vault-pii", path, sizeof(path));
    snprintf(wal, sizeof(wal), "%s-wal", path);
    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw__db_script(ctx, "CREATE TABLE person(id INTEGER PRIMARY KEY, id_number BLOB, "
                            "id_blind BLOB, phone BLOB, phone_blind BLOB)", &err), FW_OK, &err);
    seal(ctx, "worker:1", "person", "id_number", 1, ID_NUMBER, &a, &alen);
    seal(ctx, "worker:1", "person", "phone", 1, PHONE, &b, &blen);
    fw__vault_blind(ctx, "id_number", ID_NUMBER, strlen(ID_NUMBER), blind);
    assert_rc(fw__db_exec(ctx, &err, "INSERT INTO person VALUES (1, ?, ?, ?, ?)", "bbbb",
                          (const void *)a, alen, (const void *)blind, sizeof(blind),
                          (const void *)b, blen, (const void *)blind, sizeof(blind)), FW_OK, &err);
    fw__vault_blind(ctx, "phone", PHONE, strlen(PHONE), blind);
    assert_rc(fw__db_exec(ctx, &err, "UPDATE person SET phone_blind = ?", "b",
                          (const void *)blind, sizeof(blind)), FW_OK, &err);
    /* While open, the data sits in the WAL: check it there. */
    assert_true(contains(wal, "person"));            /* the check can see what is there */
    assert_false(contains(wal, ID_NUMBER));
    assert_false(contains(wal, PHONE));
    assert_false(contains(path, ID_NUMBER));
    assert_false(contains(path, PHONE));
    fw_ctx_free(ctx);
    assert_true(contains(path, "person"));
    assert_false(contains(path, ID_NUMBER));
    assert_false(contains(path, PHONE));
    assert_false(contains(wal, ID_NUMBER));
    assert_false(contains(wal, PHONE));
    fw_free(a);
    fw_free(b);
}

/* After shredding, the wrapped key's bytes are in neither the database file nor its WAL. */
static void shredded_key_leaves_the_files(void **state)
{
    char path[512], wal[530];
    fw_ctx *ctx;
    unsigned char *a = NULL, wrapped[128];
    size_t alen = 0, wlen, n;
    fw__stmt *s;
    fw_error *err = NULL;
    (void)state;
    test_path("vault-shred", path, sizeof(path));
    snprintf(wal, sizeof(wal), "%s-wal", path);
    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    seal(ctx, "worker:1", "t", "id_number", 1, ID_NUMBER, &a, &alen);
    fw_free(a);
    fw_ctx_free(ctx);
    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw__db_query(ctx, &s, &err, "SELECT wrapped FROM fw_vault_key WHERE subject = 'worker:1'", ""),
              FW_OK, &err);
    assert_int_equal(fw__db_step(s, &err), FW__ROW);
    wlen = fw__db_col_bytes(s, 0);
    assert_true(wlen > 32 && wlen <= sizeof(wrapped));
    memcpy(wrapped, fw__db_col_blob(s, 0), wlen);
    fw__db_done(s);
    a = test_read_file(path, &n);
    assert_non_null(memmem(a, n, wrapped, wlen));       /* the check can see it before */
    free(a);
    assert_rc(fw_vault_shred(ctx, "worker:1", &err), FW_OK, &err);
    a = test_read_file(path, &n);
    assert_null(memmem(a, n, wrapped, wlen));
    free(a);
    a = test_read_file(wal, &n);
    if (a)
        assert_null(memmem(a, n, wrapped, wlen));
    free(a);
    fw_ctx_free(ctx);
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(round_trip),
          T(associated_data_binds_the_place),
          T(blind_index),
          cmocka_unit_test(masking),
          T(shredding),
          T(shred_detail_is_json),
          cmocka_unit_test(no_plaintext_pii_in_the_files),
          cmocka_unit_test(shredded_key_leaves_the_files))
