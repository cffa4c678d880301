/* Shared between the files of the party module only. */
#ifndef FW_PARTY_PARTY_INT_H
#define FW_PARTY_PARTY_INT_H

#include "core/json.h"
#include "party/party.h"

int fw__party_run_cancel_checks(fw_ctx *ctx, int kind, fw_id id, fw_error **err);
int fw__party_run_activate_hooks(fw_ctx *ctx, int kind, fw_id id, fw_error **err);

/* Opens the sealed `pii` column of table row id (subject "<kind>:<id>") as a JSON object. */
int fw__party_open_pii(fw_ctx *ctx, const char *table, const char *kind, fw_id id, cJSON **out,
                       fw_error **err);
/* o[a] (or o[a][b]) when a string, else NULL. */
const char *fw__pii_str(const cJSON *o, const char *a, const char *b);
/* An 11-digit mainland mobile number. */
int fw__party_check_phone(const char *s, const char *path, fw_error **err);

const char *fw__enterprise_state_name(uint32_t st);
const char *fw__worker_state_name(uint32_t st);

#endif
