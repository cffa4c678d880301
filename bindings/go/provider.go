package flexwork

/*
#include "bridge.h"
*/
import "C"

import (
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/cgo"
)

// Provider struct versions (include/flexwork/sys/provider.h).
const (
	IdentityProviderVersion uint32 = C.FW_IDENTITY_PROVIDER_VERSION
	PaymentProviderVersion  uint32 = C.FW_PAYMENT_PROVIDER_VERSION
	InvoiceProviderVersion  uint32 = C.FW_INVOICE_PROVIDER_VERSION
	TaxProviderVersion      uint32 = C.FW_TAX_PROVIDER_VERSION
)

// ProviderFunc is one provider callback: the request as JSON text in, the reply as JSON
// text out (the shapes are documented per module in docs/providers.md).
//
// The error decides the code the library sees: nil answers with the reply; an error for
// which errors.Is(err, ErrPending) holds means the answer comes later (a reply returned
// with it, such as the channel's own reference, is passed on); ErrTimeout,
// context.DeadlineExceeded or os.ErrDeadlineExceeded mean the far side did not answer; any
// other *Error passes its code; every other error, and a panic,
// is a provider failure (ErrProvider).
//
// Callbacks run inside the library's transaction on the caller's goroutine and must not
// call back into the same Context.
type ProviderFunc func(request []byte) (reply []byte, err error)

// IdentityProvider verifies people (real name) and enterprises (registry). Nil fields are
// callbacks the host does not offer. Version 0 means IdentityProviderVersion.
type IdentityProvider struct {
	Version          uint32
	VerifyPerson     ProviderFunc
	VerifyEnterprise ProviderFunc
}

// PaymentProvider is the payment channel (bank or licensed payment institution).
type PaymentProvider struct {
	Version uint32
	Submit  ProviderFunc
	Query   ProviderFunc
}

// InvoiceProvider is the e-invoicing service.
type InvoiceProvider struct {
	Version uint32
	Issue   ProviderFunc
	Cancel  ProviderFunc
}

// TaxProvider is the tax bureau: registration, declaration, payment, certificates.
type TaxProvider struct {
	Version          uint32
	RegisterTaxpayer ProviderFunc
	Declare          ProviderFunc
	Pay              ProviderFunc
	Certificate      ProviderFunc
}

// providerSet is what a registered provider's cgo.Handle refers to: its callbacks in the
// order of the C struct's fields. It holds no reference to the Context, so that an
// unreachable Context is still finalized.
type providerSet struct {
	fns [4]ProviderFunc
}

// dispatch runs one callback and maps its outcome to a library code and reply.
func dispatch(fn ProviderFunc, request []byte) (code int, reply []byte) {
	defer func() {
		if r := recover(); r != nil { // a panic may not unwind through C
			code, reply = CodeProvider, nil
		}
	}()
	if fn == nil {
		return CodeProvider, nil
	}
	out, err := fn(request)
	if err == nil {
		return CodeOK, out
	}
	var fe *Error
	switch {
	case errors.Is(err, ErrPending):
		return CodePending, out
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return CodeTimeout, nil
	case errors.As(err, &fe) && fe.Code < 0:
		return fe.Code, nil
	default:
		return CodeProvider, nil
	}
}

type setProviderFunc func(h *C.fw_ctx, version C.uint32_t, handle C.uintptr_t, mask C.uint32_t, e **C.fw_error) C.int
type clearProviderFunc func(h *C.fw_ctx, e **C.fw_error) C.int

// setProvider registers fns (nil entries absent) under kind, or removes the provider when
// every entry is nil. The previous registration's handle is released once the library
// no longer refers to it.
func (c *Context) setProvider(kind string, version, current uint32, fns []ProviderFunc,
	set setProviderFunc, clear clearProviderFunc) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	if version == 0 {
		version = current
	}
	var e *C.fw_error
	var rc C.int
	var handle cgo.Handle
	mask := uint32(0)
	ps := &providerSet{}
	for i, fn := range fns {
		if fn != nil {
			mask |= 1 << uint(i)
			ps.fns[i] = fn
		}
	}
	if mask == 0 {
		rc = clear(h, &e)
	} else {
		handle = cgo.NewHandle(ps)
		rc = set(h, C.uint32_t(version), C.uintptr_t(handle), C.uint32_t(mask), &e)
	}
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		if handle != 0 {
			handle.Delete()
		}
		return err
	}
	if old, ok := c.providers[kind]; ok {
		old.Delete()
		delete(c.providers, kind)
	}
	if handle != 0 {
		c.providers[kind] = handle
	}
	return nil
}

// SetIdentityProvider registers the real-name verification provider; nil (or a struct
// without callbacks) removes it. Errors: ErrVersion for an unknown struct version.
func (c *Context) SetIdentityProvider(p *IdentityProvider) error {
	var fns []ProviderFunc
	var v uint32
	if p != nil {
		fns, v = []ProviderFunc{p.VerifyPerson, p.VerifyEnterprise}, p.Version
	}
	return c.setProvider("identity", v, IdentityProviderVersion, fns,
		func(h *C.fw_ctx, ver C.uint32_t, hd C.uintptr_t, m C.uint32_t, e **C.fw_error) C.int {
			return C.fwgo_set_identity_provider(h, ver, hd, m, e)
		},
		func(h *C.fw_ctx, e **C.fw_error) C.int { return C.fw_ctx_set_identity_provider(h, nil, e) })
}

// SetPaymentProvider registers the payment channel; nil removes it.
func (c *Context) SetPaymentProvider(p *PaymentProvider) error {
	var fns []ProviderFunc
	var v uint32
	if p != nil {
		fns, v = []ProviderFunc{p.Submit, p.Query}, p.Version
	}
	return c.setProvider("payment", v, PaymentProviderVersion, fns,
		func(h *C.fw_ctx, ver C.uint32_t, hd C.uintptr_t, m C.uint32_t, e **C.fw_error) C.int {
			return C.fwgo_set_payment_provider(h, ver, hd, m, e)
		},
		func(h *C.fw_ctx, e **C.fw_error) C.int { return C.fw_ctx_set_payment_provider(h, nil, e) })
}

// SetInvoiceProvider registers the e-invoicing service; nil removes it.
func (c *Context) SetInvoiceProvider(p *InvoiceProvider) error {
	var fns []ProviderFunc
	var v uint32
	if p != nil {
		fns, v = []ProviderFunc{p.Issue, p.Cancel}, p.Version
	}
	return c.setProvider("invoice", v, InvoiceProviderVersion, fns,
		func(h *C.fw_ctx, ver C.uint32_t, hd C.uintptr_t, m C.uint32_t, e **C.fw_error) C.int {
			return C.fwgo_set_invoice_provider(h, ver, hd, m, e)
		},
		func(h *C.fw_ctx, e **C.fw_error) C.int { return C.fw_ctx_set_invoice_provider(h, nil, e) })
}

// SetTaxProvider registers the tax bureau; nil removes it.
func (c *Context) SetTaxProvider(p *TaxProvider) error {
	var fns []ProviderFunc
	var v uint32
	if p != nil {
		fns, v = []ProviderFunc{p.RegisterTaxpayer, p.Declare, p.Pay, p.Certificate}, p.Version
	}
	return c.setProvider("tax", v, TaxProviderVersion, fns,
		func(h *C.fw_ctx, ver C.uint32_t, hd C.uintptr_t, m C.uint32_t, e **C.fw_error) C.int {
			return C.fwgo_set_tax_provider(h, ver, hd, m, e)
		},
		func(h *C.fw_ctx, e **C.fw_error) C.int { return C.fw_ctx_set_tax_provider(h, nil, e) })
}

// registered reports which callbacks of a provider kind are registered, by position.
func (c *Context) registered(kind string) []bool {
	h, ok := c.providers[kind]
	if !ok {
		return nil
	}
	ps := h.Value().(*providerSet)
	out := make([]bool, len(ps.fns))
	for i, fn := range ps.fns {
		out[i] = fn != nil
	}
	return out
}
