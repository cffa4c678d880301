/* The service module's internal API. */
#ifndef FW_SERVICE_SERVICE_H
#define FW_SERVICE_SERVICE_H

#include <cjson/cJSON.h>
#include <flexwork/service.h>

extern const char *const fw__service_severities[];   /* "low", "normal", "high", "critical" */
extern const char *const fw__service_states[];       /* index = FW_SERVICE_* */

/* [start, end) of a CST month "YYYY-MM"; FW_EINVAL naming `month`. */
int fw__service_month(const char *month, int64_t *start, int64_t *end, fw_error **err);
/* The month before, as "YYYY-MM" (buf >= 8). */
const char *fw__service_prev_month(const char *month, char *buf, size_t size);

/* Parses optional JSON (NULL = {}) allowing only `fields`; *root is freed by the caller. */
int fw__service_parse(cJSON **root, const char *json, size_t len, const char *const *fields,
                      fw_error **err);

/* The supervision results of [start, end) as a JSON array (fw_service_supervise()). */
int fw__service_supervision(fw_ctx *ctx, int64_t start, int64_t end, cJSON **out, fw_error **err);

/* Runs one step of a case ("acknowledge", "assess", ...): the public step functions. */
int fw__service_step_case(fw_ctx *ctx, fw_id case_id, const char *step, const char *json,
                          size_t json_len, fw_error **err);

#endif
