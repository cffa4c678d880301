/*
 * The training module's internal API, for the modules above it (task checks certificates when
 * a worker takes a task). Runs inside the caller's transaction.
 */
#ifndef FW_TRAINING_TRAINING_H
#define FW_TRAINING_TRAINING_H

#include <flexwork/training.h>

/*
 * *has = 1 when the worker holds a certificate of the course (by code) that is valid at at_ms:
 * issued at or before at_ms, not expired (expires_ms > at_ms or no expiry) and not revoked
 * (at or before at_ms). An unknown course code is simply not held.
 */
int fw__training_worker_has_certificate(fw_ctx *ctx, fw_id worker_id, const char *course_code,
                                        int64_t at_ms, int *has, fw_error **err);

/* 1 when a course with the code exists. */
int fw__training_course_exists(fw_ctx *ctx, const char *course_code);

#endif
