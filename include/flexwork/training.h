/**
 * @file training.h
 * Training: the platform's instructors (师资) and courses, sessions,
 * enrolment, attendance, assessment, and certificates with an expiry issued on passing.
 * An enterprise may request a course for the demand of its tasks; the platform answers the
 * request by creating a course that names it. A task can require a valid certificate of a
 * course (task.h), checked when a worker takes it.
 *
 * Enrolment lifecycle: enrolled -> attended | absent; attended -> passed | failed.
 * A pass issues one certificate; it is valid from issue until its expiry (the course's
 * validity_days, 0 = no expiry) unless revoked.
 *
 * Every change is audited. Instructors' names are personal data: sealed in the vault and
 * shown masked unless the actor may see them. Records go in and out as JSON
 * (docs/api/training.md).
 */
#ifndef FLEXWORK_TRAINING_H
#define FLEXWORK_TRAINING_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Enrolment states. Values are pinned. */
#define FW_ENROLMENT_ENROLLED 1
#define FW_ENROLMENT_ATTENDED 2
#define FW_ENROLMENT_ABSENT   3
#define FW_ENROLMENT_PASSED   4
#define FW_ENROLMENT_FAILED   5

/** Course request states. Values are pinned. */
#define FW_TRAINING_REQUEST_OPEN      1
#define FW_TRAINING_REQUEST_FULFILLED 2

/**
 * Adds an instructor.
 *
 * @param ctx       actor: admin, operator or coordinator.
 * @param json      {"name" (1..100, sealed), "title"? (1..100), "specialties"? [text 1..100, at
 *                  most 20], "qualifications"? [{"kind" (1..64), "sha256" (64 hex)}, at most 20]}.
 * @param json_len  its length in bytes ((size_t)-1: NUL-terminated).
 * @param[out] out_id  the instructor's id.
 * @param[out] err  optional error detail.
 * @return FW_OK; FW_EINVAL naming the field; FW_EJSON; FW_EPERM. On failure *out_id is
 *         untouched and the store unchanged.
 */
FW_EXTERN(int) fw_training_instructor_add(fw_ctx *ctx, const char *json, size_t json_len,
                                          fw_id *out_id, fw_error **err);

/**
 * An enterprise asks for a course for its tasks' demand: state open until the
 * platform creates a course naming the request.
 *
 * @param ctx            actor: admin, operator, coordinator, or that enterprise's user.
 * @param enterprise_id  the requesting enterprise; it must be verified or later (not
 *                       suspended or cancelled).
 * @param json           {"title" (1..200), "reason" (1..2000), "headcount" (1..100000),
 *                       "task_categories"? [category code, at most 20]}.
 * @param[out] out_id    the request's id.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND (no such enterprise); FW_EDENIED with the party's
 *         reason code (ENTERPRISE_NOT_VERIFIED, ENTERPRISE_SUSPENDED, ENTERPRISE_CANCELLED);
 *         FW_EPERM. On failure *out_id is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_training_course_request(fw_ctx *ctx, fw_id enterprise_id, const char *json,
                                          size_t json_len, fw_id *out_id, fw_error **err);

/**
 * The course requests as a JSON array, newest first: [{"id", "enterprise_id", "title",
 * "reason", "headcount", "task_categories", "state", "state_name", "course_id",
 * "created_ms", "fulfilled_ms"}].
 *
 * @param enterprise_id  0 for every enterprise (platform staff only), or one enterprise.
 * @param[out] out_json  the array; free with fw_free().
 * @return FW_OK; FW_EPERM (an enterprise user reads only its own). On failure outputs are untouched.
 */
FW_EXTERN(int) fw_training_request_list(fw_ctx *ctx, fw_id enterprise_id, char **out_json,
                                        size_t *out_len, fw_error **err);

/**
 * Adds a course.
 *
 * @param ctx   actor: admin, operator or coordinator.
 * @param json  {"code" (1..32 of A-Z 0-9 _ -, unique), "title" (1..200), "description"? (..4000),
 *              "hours" (1..1000), "pass_score" (0..100), "validity_days" (0..3650; 0 = the
 *              certificate never expires), "request_id"? (an open request this course fulfils)}.
 * @param[out] out_id  the course's id.
 * @return FW_OK; FW_EINVAL; FW_EEXISTS when the code is taken; FW_ENOTFOUND (no such request);
 *         FW_ESTATE when the request is already fulfilled; FW_EPERM. On failure *out_id is
 *         untouched and the store unchanged.
 */
FW_EXTERN(int) fw_training_course_add(fw_ctx *ctx, const char *json, size_t json_len,
                                      fw_id *out_id, fw_error **err);

/**
 * A course as JSON: {"id", "code", "title", "description", "hours", "pass_score",
 * "validity_days", "request_id", "created_ms"}.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_training_course_get(fw_ctx *ctx, fw_id course_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * Schedules a session of a course.
 *
 * @param ctx   actor: admin, operator or coordinator.
 * @param json  {"course_id", "instructor_id", "starts_ms", "ends_ms" (> starts_ms), "location"
 *              (1..200, "online" for a remote session), "capacity" (1..10000)}.
 * @param[out] out_id  the session's id.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND (course or instructor); FW_EPERM. On failure *out_id
 *         is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_training_session_add(fw_ctx *ctx, const char *json, size_t json_len,
                                       fw_id *out_id, fw_error **err);

/**
 * Enrols a worker in a session before it starts.
 *
 * @param ctx         actor: admin, operator, coordinator, or the worker themselves.
 * @param session_id  the session.
 * @param worker_id   a registered worker that is not suspended or closed.
 * @param[out] out_id the enrolment's id.
 * @return FW_OK; FW_ENOTFOUND (session or worker); FW_EEXISTS when already enrolled;
 *         FW_ESTATE when the session has started; FW_ELIMIT when it is full; FW_EDENIED
 *         (WORKER_SUSPENDED, WORKER_CLOSED); FW_EPERM. On failure *out_id is untouched and
 *         the store unchanged.
 */
FW_EXTERN(int) fw_training_enrol(fw_ctx *ctx, fw_id session_id, fw_id worker_id, fw_id *out_id,
                                 fw_error **err);

/**
 * Records attendance once the session has started: enrolled -> attended (attended = 1) or
 * absent (attended = 0).
 *
 * @param ctx  actor: admin, operator or coordinator.
 * @return FW_OK; FW_EINVAL (attended not 0 or 1); FW_ENOTFOUND; FW_ESTATE when the session
 *         has not started or the enrolment is not enrolled; FW_EPERM. On failure the store is
 *         unchanged.
 */
FW_EXTERN(int) fw_training_attend(fw_ctx *ctx, fw_id enrolment_id, uint32_t attended,
                                  fw_error **err);

/**
 * Records the assessment of an attended enrolment: a score at or above the course's pass
 * score passes and issues a certificate (expiring validity_days after issue, if non-zero).
 *
 * @param ctx    actor: admin, operator or coordinator.
 * @param score  0..100.
 * @param[out] out_certificate_id  optional: the certificate's id, or 0 when failed.
 * @return FW_OK (passed or failed); FW_EINVAL (score); FW_ENOTFOUND; FW_ESTATE unless
 *         attended; FW_EPERM. On failure outputs are untouched and the store unchanged.
 */
FW_EXTERN(int) fw_training_assess(fw_ctx *ctx, fw_id enrolment_id, uint32_t score,
                                  fw_id *out_certificate_id, fw_error **err);

/**
 * Revokes a certificate (reason 1..500 bytes); it is no longer valid for any task.
 * @param ctx  actor: admin, operator or reviewer.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE when already revoked; FW_EPERM.
 */
FW_EXTERN(int) fw_training_certificate_revoke(fw_ctx *ctx, fw_id certificate_id,
                                              const char *reason, fw_error **err);

/**
 * A worker's certificates as a JSON array, newest first: [{"id", "course_id", "course_code",
 * "score", "issued_ms", "expires_ms" (null: never), "revoked_ms", "valid" (at the context's
 * time)}].
 *
 * @param ctx  actor: platform readers, the worker themselves, or a user of an enterprise the
 *             worker is linked to.
 * @return FW_OK; FW_ENOTFOUND (no such worker); FW_EPERM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_training_certificates(fw_ctx *ctx, fw_id worker_id, char **out_json,
                                        size_t *out_len, fw_error **err);

/**
 * A worker's enrolments as a JSON array, newest first: [{"id", "session_id", "course_id",
 * "course_code", "state", "state_name", "score", "enrolled_ms"}]. Same readers as
 * fw_training_certificates().
 */
FW_EXTERN(int) fw_training_enrolments(fw_ctx *ctx, fw_id worker_id, char **out_json,
                                      size_t *out_len, fw_error **err);

FW_END_DECL
#endif
