package flexwork

/*
#include "bridge.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Actor roles (include/flexwork/ctx.h). Values are pinned.
const (
	RoleNone           uint32 = C.FW_ROLE_NONE
	RoleAdmin          uint32 = C.FW_ROLE_ADMIN           // platform administrator
	RoleOperator       uint32 = C.FW_ROLE_OPERATOR        // operations staff
	RoleReviewer       uint32 = C.FW_ROLE_REVIEWER        // reviews applications, tasks, risk cases
	RoleFinance        uint32 = C.FW_ROLE_FINANCE         // funding, payouts, reconciliation
	RoleTaxAgent       uint32 = C.FW_ROLE_TAX_AGENT       // withholding, declaration
	RoleAuditor        uint32 = C.FW_ROLE_AUDITOR         // read-only across the platform
	RoleEnterpriseUser uint32 = C.FW_ROLE_ENTERPRISE_USER // staff of one enterprise (party id)
	RoleWorker         uint32 = C.FW_ROLE_WORKER          // a worker (party id)
	RoleSystem         uint32 = C.FW_ROLE_SYSTEM          // scheduled jobs and provider callbacks
	RoleCoordinator    uint32 = C.FW_ROLE_COORDINATOR     // coordinators between enterprises and workers
	RoleSupport        uint32 = C.FW_ROLE_SUPPORT         // technical support: no personal data, no money
)

// OpenOptionsVersion is the fw_open_options version Open fills in.
const OpenOptionsVersion uint32 = C.FW_OPEN_OPTIONS_VERSION

// Options.Synchronous values.
const (
	SyncFull   uint32 = C.FW_SYNC_FULL   // a committed transaction survives power loss (default)
	SyncNormal uint32 = C.FW_SYNC_NORMAL // faster; a power loss may undo the last commits
)

// Options of Open. The zero value plus a MasterKey or Passphrase is a valid configuration.
type Options struct {
	// MasterKey is the 32-byte master key; nil derives one from Passphrase.
	MasterKey []byte
	// Passphrase is used when MasterKey is nil (Argon2id with a per-store salt).
	Passphrase string
	// Synchronous is SyncFull (default) or SyncNormal.
	Synchronous uint32
	// BusyTimeoutMs is how long a writer waits for the lock; 0 means 5000.
	BusyTimeoutMs uint32
	// Clock returns the time in ms since the epoch (UTC); nil uses the system clock.
	// It runs inside library calls and must not call back into the context.
	Clock func() int64
	// NoCreate makes Open fail with ErrNotFound when the store does not exist.
	NoCreate bool
}

// Context is one open store with its actor, clock and providers. Close it when done; a
// finalizer closes a Context that becomes unreachable, but relying on it keeps the store
// open (and any host transaction uncommitted) for an unpredictable time.
type Context struct {
	c         *C.fw_ctx
	clock     cgo.Handle
	providers map[string]cgo.Handle
}

// Open opens (by default creating) the store at path, a file or ":memory:".
//
// Errors: ErrInvalid for bad options (Path names the option, e.g. "opts.master_key");
// ErrAuth when the key does not match the store (nothing is changed); ErrVersion when the
// store was written by a newer library; ErrNotFound with NoCreate; ErrIO, ErrCorrupt, ErrBusy.
func Open(path string, opts Options) (*Context, error) {
	var key *C.uint8_t
	if opts.MasterKey != nil {
		if len(opts.MasterKey) != 32 {
			return nil, &Error{Code: CodeInvalid, Path: "opts.master_key",
				Message: fmt.Sprintf("opts.master_key: must be 32 bytes, got %d", len(opts.MasterKey))}
		}
		key = (*C.uint8_t)(C.CBytes(opts.MasterKey))
		defer func() {
			C.memset(unsafe.Pointer(key), 0, 32)
			C.free(unsafe.Pointer(key))
		}()
	}
	cpath := cText(path)
	defer free(cpath)
	pass := cOptText(opts.Passphrase)
	defer free(pass)

	ctx := &Context{providers: map[string]cgo.Handle{}}
	if opts.Clock != nil {
		ctx.clock = cgo.NewHandle(clockFunc(opts.Clock))
	}
	create := C.uint32_t(1)
	if opts.NoCreate {
		create = 0
	}
	var e *C.fw_error
	rc := C.fwgo_open(&ctx.c, cpath, key, pass, C.uint32_t(opts.Synchronous),
		C.uint32_t(opts.BusyTimeoutMs), C.uintptr_t(ctx.clock), create, &e)
	if err := check(rc, e); err != nil {
		if ctx.clock != 0 {
			ctx.clock.Delete()
		}
		return nil, err
	}
	runtime.SetFinalizer(ctx, (*Context).Close)
	return ctx, nil
}

// Close closes the store, rolling back an open host transaction, and releases the
// callbacks registered on it. It is idempotent and always returns nil.
func (c *Context) Close() error {
	if c.c == nil {
		return nil
	}
	C.fw_ctx_free(c.c)
	c.c = nil
	if c.clock != 0 {
		c.clock.Delete()
		c.clock = 0
	}
	for kind, h := range c.providers {
		h.Delete()
		delete(c.providers, kind)
	}
	runtime.SetFinalizer(c, nil)
	return nil
}

// handle returns the C context, or an ErrState error once closed. Methods call
// runtime.KeepAlive(c) after the C call so that the finalizer cannot close the store
// while the call runs.
func (c *Context) handle() (*C.fw_ctx, error) {
	if c == nil || c.c == nil {
		return nil, errClosedContext()
	}
	return c.c, nil
}

// Begin starts a host transaction grouping many calls; nothing is durable until Commit.
// Errors: ErrState when one is open; ErrBusy when another writer holds the lock.
func (c *Context) Begin() error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_ctx_begin(h, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// Commit commits the host transaction. Errors: ErrState when none is open.
func (c *Context) Commit() error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_ctx_commit(h, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// Rollback rolls the host transaction back. Errors: ErrState when none is open.
func (c *Context) Rollback() error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_ctx_rollback(h, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// Transaction runs fn inside a host transaction: it commits when fn returns nil and rolls
// back when fn returns an error or panics (the panic continues after the rollback).
func (c *Context) Transaction(fn func() error) (err error) {
	if err = c.Begin(); err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_ = c.Rollback()
		}
	}()
	if err = fn(); err != nil {
		return err
	}
	committed = true
	return c.Commit()
}

// SetActor sets the actor every following call runs as: a Role constant, the enterprise
// or worker id for RoleEnterpriseUser / RoleWorker (0 for platform roles), and who acts,
// for the audit log ("" for nobody named). Errors: ErrInvalid for an unknown role or a
// missing or unexpected partyID.
func (c *Context) SetActor(role uint32, partyID int64, name string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cname := cOptText(name)
	defer free(cname)
	var e *C.fw_error
	rc := C.fw_ctx_set_actor(h, C.uint32_t(role), C.fw_id(partyID), cname, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// Now returns the context clock's time in ms since the epoch (UTC); 0 once closed.
func (c *Context) Now() int64 {
	h, err := c.handle()
	if err != nil {
		return 0
	}
	t := int64(C.fw_ctx_now(h))
	runtime.KeepAlive(c)
	return t
}

// SchemaVersion returns the schema version of one module ("core", "ledger", ...) in the
// store, or -1 when the module has no schema (or the context is closed).
func (c *Context) SchemaVersion(module string) int {
	h, err := c.handle()
	if err != nil {
		return -1
	}
	cm := cText(module)
	defer free(cm)
	v := int(C.fw_ctx_schema_version(h, cm))
	runtime.KeepAlive(c)
	return v
}
