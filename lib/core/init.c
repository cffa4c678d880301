/* Library initialisation, version and memory release. */
#include <stdatomic.h>
#include <stdlib.h>

#include <sodium.h>
#include <cjson/cJSON.h>

#include "core/error.h"

#include "core/db.h"

static atomic_int init_count;

int fw_init(void)
{
    /* sodium_init and sqlite3_initialize are themselves idempotent and thread-safe. */
    if (sodium_init() < 0)
        return FW_ERROR;
    if (fw__db_global_init() != FW_OK)
        return FW_ERROR;
    atomic_fetch_add(&init_count, 1);
    return FW_OK;
}

void fw_shutdown(void)
{
    int n = atomic_load(&init_count);
    while (n > 0 && !atomic_compare_exchange_weak(&init_count, &n, n - 1))
        ;
}

int fw_version(int *major, int *minor, int *patch)
{
    if (major)
        *major = FW_VERSION_MAJOR;
    if (minor)
        *minor = FW_VERSION_MINOR;
    if (patch)
        *patch = FW_VERSION_PATCH;
    return FW_VERSION_NUMBER;
}

const char *fw_version_string(void)
{
    return FW_VERSION_STRING;
}

void fw_free(void *p)
{
    free(p);
}
