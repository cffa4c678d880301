/*
 * Writes tests/vectors/audit_export.json: a small audit log exported and signed by a store
 * opened with the test master key ("libflexwork-test-master-key-0001") and a fixed clock.
 * Hashes and Ed25519 signatures are deterministic, so the file is reproducible:
 *
 *   cc -Iinclude -Ilib tools/gen_audit_vector.c build/libflexwork.a \
 *      $(pkg-config --libs sqlite3 libcjson libsodium) -o build/gen_audit_vector
 *   build/gen_audit_vector > tests/vectors/audit_export.json
 *
 * The bindings' tests verify the export offline, tamper with it, and check that a live store
 * opened with the same key has the same public key.
 */
#include <stdio.h>
#include <string.h>

#include <flexwork.h>

#include "core/audit.h"

static const uint8_t key[32] = "libflexwork-test-master-key-0001";
static int64_t now_ms = 1773540000000LL;   /* 2026-03-15 10:00:00 CST */

static int64_t fixed_clock(void *payload)
{
    (void)payload;
    return now_ms;
}

static int fail(const char *what, fw_error *err)
{
    fprintf(stderr, "%s: %s\n", what, fw_error_message(err));
    fw_error_free(err);
    return 1;
}

int main(void)
{
    static const struct { const char *action, *type; fw_id id; const char *detail; } recs[] = {
        { "party.enterprise.apply", "enterprise", 1, "{\"name\":\"杭州示例科技有限公司\"}" },
        { "party.enterprise.approve", "enterprise", 1, "{\"state\":\"approved\"}" },
        { "ledger.entry.post", "entry", 7, "{\"amount_fen\":123456}" },
    };
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    char *cp = NULL, *exp = NULL;
    uint8_t pk[32];
    size_t i;

    opts.master_key = key;
    opts.clock = fixed_clock;
    if (fw_ctx_open(&ctx, ":memory:", &opts, &err) != FW_OK)
        return fail("open", err);
    if (fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "vector", &err) != FW_OK)
        return fail("actor", err);
    for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
        now_ms += 1000;
        if (fw__audit_append(ctx, recs[i].action, recs[i].type, recs[i].id, recs[i].detail,
                             strlen(recs[i].detail), &err) != FW_OK)
            return fail("append", err);
    }
    now_ms += 1000;
    if (fw_audit_checkpoint(ctx, &cp, NULL, &err) != FW_OK ||
        fw_audit_export(ctx, 1, 0, &exp, NULL, &err) != FW_OK ||
        fw_audit_public_key(ctx, pk, &err) != FW_OK)
        return fail("checkpoint/export", err);
    printf("{\n\"description\": \"An audit log of 3 records exported with its signed checkpoint by a "
           "store opened with master_key (hex) and a fixed clock; see tools/gen_audit_vector.c\",\n");
    printf("\"master_key\": \"");
    for (i = 0; i < 32; i++)
        printf("%02x", key[i]);
    printf("\",\n\"public_key\": \"");
    for (i = 0; i < 32; i++)
        printf("%02x", pk[i]);
    printf("\",\n\"records\": %zu,\n\"checkpoint\": %s,\n\"export\": %s\n}\n",
           sizeof(recs) / sizeof(recs[0]), cp, exp);
    fw_free(cp);
    fw_free(exp);
    fw_ctx_free(ctx);
    return 0;
}
