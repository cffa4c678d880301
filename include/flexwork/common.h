/**
 * @file common.h
 * Declarations every libflexwork header needs: export macros, fixed types, error codes,
 * the error object, memory release and library initialisation.
 */
#ifndef FLEXWORK_COMMON_H
#define FLEXWORK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define FW_BEGIN_DECL extern "C" {
#define FW_END_DECL }
#else
#define FW_BEGIN_DECL
#define FW_END_DECL
#endif

#if defined(__GNUC__) || defined(__clang__)
#define FW_EXTERN(type) extern __attribute__((visibility("default"))) type
#define FW_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define FW_EXTERN(type) extern type
#define FW_WARN_UNUSED
#endif

#include <flexwork/version.h>
#include <flexwork/errors.h>

FW_BEGIN_DECL

/** Record identifier: a positive 64-bit integer assigned by the store. 0 means "none". */
typedef int64_t fw_id;

/** An open store with its actor, clock and providers. See ctx.h. */
typedef struct fw_ctx fw_ctx;

/**
 * Detail of a failed call: code, message and the JSON path of the offending field.
 * Returned through the optional last parameter `fw_error **err` of fallible functions.
 */
typedef struct fw_error fw_error;

/** The error's code, one of FW_E*. NULL gives FW_OK. */
FW_EXTERN(int) fw_error_code(const fw_error *e);

/**
 * The error's message: what was wrong and what is accepted, e.g.
 * "$.amount: must be a positive integer number of fen, got -5". Never NULL.
 * Valid until fw_error_free(e).
 */
FW_EXTERN(const char *) fw_error_message(const fw_error *e);

/**
 * The JSON path of the offending input field (e.g. "$.workers[3].id_number"), or "" when
 * the error is not about one field. Never NULL. Valid until fw_error_free(e).
 */
FW_EXTERN(const char *) fw_error_path(const fw_error *e);

/** Frees an error. NULL is allowed. */
FW_EXTERN(void) fw_error_free(fw_error *e);

/** A static English name and description of an error code, e.g. "FW_EINVAL: invalid argument". */
FW_EXTERN(const char *) fw_strerror(int code);

/** Frees memory the library returned through a `char **` or `uint8_t **` out-parameter. NULL is allowed. */
FW_EXTERN(void) fw_free(void *p);

/**
 * Initialises the library (libsodium, SQLite). Reference-counted, thread-safe and
 * idempotent: each successful call is matched by one fw_shutdown(). fw_ctx_open() calls it
 * itself, so a host only needs it to keep the library initialised across contexts.
 * @return FW_OK, or FW_ERROR when libsodium or SQLite cannot initialise.
 */
FW_EXTERN(int) fw_init(void);

/** Releases one fw_init() reference. Calls beyond the matching count are ignored. */
FW_EXTERN(void) fw_shutdown(void);

FW_END_DECL
#endif
