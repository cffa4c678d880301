/* Reconciliation's private header: what the module's files share. */
#ifndef FW_RECON_RECON_H
#define FW_RECON_RECON_H

#include <flexwork/recon.h>

#include "core/json.h"

/* The domain of the counterparty blind index: funding's, so that a statement line's payer
 * compares equal with the payer accounts enterprises registered. */
#define FW__RECON_CP_DOMAIN "funding.payer_account"

/* Outcome and rule names (index = pinned value; [0] is ""). */
extern const char *const fw__recon_outcome_names[];
extern const char *const fw__recon_rule_names[];
extern const char *const fw__recon_case_state_names[];
const char *fw__recon_case_kind_name(int64_t kind);

/* Opens an error case (inside the caller's transaction) with its first event. */
int fw__recon_case_open(fw_ctx *ctx, fw_id run_id, int64_t kind, int64_t amount, fw_id line_id,
                        fw_id entry_id, fw_id enterprise_id, const char *summary, fw_id *out_id,
                        fw_error **err);
/* Appends an event and moves the case to to_state. */
int fw__recon_case_event(fw_ctx *ctx, fw_id case_id, const char *action, int64_t from_state,
                         int64_t to_state, const char *note, fw_error **err);

/* Writes an audit record whose detail is the JSON object d (deleted here). */
int fw__recon_audit(fw_ctx *ctx, const char *action, const char *type, fw_id id, cJSON *d,
                    fw_error **err);

/* Parses a decimal number of yuan ("-1,234.5") into fen; 0 on success, else a static reason. */
const char *fw__recon_parse_yuan(const char *s, int commas, int64_t *out);

#endif
