// Package flexwork is the Go binding of libflexwork, the embeddable core of a
// flexible-employment platform (T/TSSP 018-2022).
//
// The package links the C library through cgo and pkg-config (`pkg-config flexwork`), so
// the library and its headers must be installed, or PKG_CONFIG_PATH must name a build's
// meson-uninstalled directory and LD_LIBRARY_PATH the build directory.
//
//	ctx, err := flexwork.Open("platform.db", flexwork.Options{MasterKey: key})
//	if err != nil {
//		return err
//	}
//	defer ctx.Close()
//	if err := ctx.SetActor(flexwork.RoleAdmin, 0, "ops"); err != nil {
//		return err
//	}
//	if _, err := ctx.AuditVerify(); errors.Is(err, flexwork.ErrCorrupt) {
//		// the audit log was changed behind the library's back
//	}
//
// Every failing call returns an *Error carrying the library's code, message and the JSON
// path of the offending field; errors.Is(err, flexwork.ErrAuth) and the like test the code.
//
// A Context is used by one goroutine at a time; open one per goroutine. Module functions
// are methods named after the C function: fw_audit_verify is (*Context).AuditVerify,
// fw_vault_shred is (*Context).VaultShred; functions without a context are package
// functions (AuditVerifyExport).
package flexwork

/*
#cgo pkg-config: flexwork
#include <flexwork.h>
#if FW_VERSION_MAJOR != 1
#error "the flexwork Go package binds libflexwork 1.x"
#endif
*/
import "C"

// The version of the headers this package was compiled against.
const (
	HeaderVersionMajor  = C.FW_VERSION_MAJOR
	HeaderVersionMinor  = C.FW_VERSION_MINOR
	HeaderVersionPatch  = C.FW_VERSION_PATCH
	HeaderVersionString = C.FW_VERSION_STRING
)

// Version returns the run-time version of the loaded library.
func Version() (major, minor, patch int) {
	var M, m, p C.int
	C.fw_version(&M, &m, &p)
	return int(M), int(m), int(p)
}

// VersionNumber returns the loaded library's MAJOR*10000 + MINOR*100 + PATCH.
func VersionNumber() int {
	return int(C.fw_version(nil, nil, nil))
}

// VersionString returns the loaded library's version as text, e.g. "1.0.0".
func VersionString() string {
	return C.GoString(C.fw_version_string())
}

// Strerror returns the library's name and description of an error code, e.g.
// "FW_EINVAL: invalid argument".
func Strerror(code int) string {
	return C.GoString(C.fw_strerror(C.int(code)))
}

// Init binds fw_init: keeps the library initialised (libsodium, SQLite) across contexts. It is
// reference-counted: each call is matched by one Shutdown. Opening a Context initialises the
// library by itself. Errors: ErrInternal when libsodium or SQLite cannot initialise.
func Init() error {
	if rc := C.fw_init(); rc != C.FW_OK {
		return &Error{Code: int(rc), Message: Strerror(int(rc))}
	}
	return nil
}

// Shutdown binds fw_shutdown: releases one Init reference; calls beyond the matching count
// are ignored.
func Shutdown() {
	C.fw_shutdown()
}
