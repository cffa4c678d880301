/* Shared between the files of the risk module only. */
#ifndef FW_RISK_RISK_INT_H
#define FW_RISK_RISK_INT_H

#include "core/json.h"
#include "risk/risk.h"

#define RISK_MAX_REASONS 24

struct risk_reason {
    const char *code;
    const char *rule;
    const char *clause;
    uint32_t severity;
    fw_id waived_by;
    char inputs[200];       /* a JSON object's text */
};

struct fw_risk_decision {
    uint32_t action;
    uint32_t outcome;
    fw_id reservation;
    size_t n;
    struct risk_reason r[RISK_MAX_REASONS];
};

/* Appends an audit record with a printf-formatted JSON detail (never personal data). */
int fw__risk_audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The blind index of a list value of a kind, after normalising it; FW_EINVAL when invalid. */
int fw__risk_blind(fw_ctx *ctx, uint32_t kind, const char *value, const char *path,
                   unsigned char out[32], char *masked, size_t masked_size, fw_error **err);

/* Refreshes the card and phone keys of a worker from the vault. */
int fw__risk_worker_refresh(fw_ctx *ctx, fw_id worker_id, fw_error **err);

/* The CST date text "YYYY-MM-DD" of a request field into ms; required or optional. */
int fw__risk_period(const cJSON *root, int64_t *from_ms, int64_t *to_ms, fw_error **err);

/* One limit in force for an enterprise (index in the order of docs/api/risk.md; 0 = per payment). */
int fw__risk_limit(fw_ctx *ctx, fw_id enterprise_id, int which, int64_t *out, fw_error **err);

const char *fw__risk_grade_name(int64_t grade);
const char *fw__risk_action_name(uint32_t action);

#endif
