/* Internal error helpers: set an error where it is detected, pass rc on everywhere else. */
#ifndef FW_CORE_ERROR_H
#define FW_CORE_ERROR_H

#include <flexwork/common.h>

struct fw_error {
    int code;
    char *message;   /* "path: text" when a path is known */
    char *path;      /* "" when none */
};

/*
 * Sets *err (when err is non-NULL) to a new error with the given code, JSON path (NULL or ""
 * for none) and printf-style text, replacing an error already there. Returns code, so that
 * `return fw__error_set(err, FW_EINVAL, "$.amount", "must be positive, got %lld", v);` reads
 * as the rule.
 */
int fw__error_set(fw_error **err, int code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets FW_ENOMEM (a static error that needs no memory). Returns FW_ENOMEM. */
int fw__error_nomem(fw_error **err);

/* Replaces *err with a copy of src (used to replay a stored idempotent failure). */
int fw__error_copy(fw_error **err, int code, const char *path, const char *message);

#endif
