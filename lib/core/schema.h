/* Migrations embedded at build time from lib/<module>/sql/NNN_name.sql (tools/embed_sql.py). */
#ifndef FW_CORE_SCHEMA_H
#define FW_CORE_SCHEMA_H

#include <stddef.h>

struct fw__migration {
    const char *module;   /* "core", "ledger", ... in dependency order */
    int version;          /* NNN of the file: 1, 2, ... per module */
    const char *name;
    const char *sql;
};

extern const struct fw__migration fw__migrations[];
extern const size_t fw__migration_count;

#endif
