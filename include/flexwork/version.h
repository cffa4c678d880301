/**
 * @file version.h
 * Compile-time and run-time version of libflexwork. The two agree (a test checks it).
 */
#ifndef FLEXWORK_VERSION_H
#define FLEXWORK_VERSION_H

#define FW_VERSION_MAJOR 1
#define FW_VERSION_MINOR 0
#define FW_VERSION_PATCH 0
#define FW_VERSION_STRING "1.0.0"
/** The SONAME's number: libflexwork.so.1 for every 1.x release. */
#define FW_SOVERSION 1
/** MAJOR * 10000 + MINOR * 100 + PATCH. */
#define FW_VERSION_NUMBER (FW_VERSION_MAJOR * 10000 + FW_VERSION_MINOR * 100 + FW_VERSION_PATCH)
/** True when the headers are at least version M.m.p. */
#define FW_VERSION_CHECK(M, m, p) (FW_VERSION_NUMBER >= ((M) * 10000 + (m) * 100 + (p)))

#include <flexwork/common.h>

FW_BEGIN_DECL

/**
 * The library's run-time version. Any pointer may be NULL.
 * @return FW_VERSION_NUMBER of the library actually loaded.
 */
FW_EXTERN(int) fw_version(int *major, int *minor, int *patch);

/** The run-time version as a static string, e.g. "1.0.0". */
FW_EXTERN(const char *) fw_version_string(void);

FW_END_DECL
#endif
