/*
 * C side of the Go binding: the stubs through which the library calls Go (clock and
 * provider callbacks) and helpers that build option and provider structs in C memory, so
 * that no Go memory ever holds a cgo.Handle disguised as a pointer.
 */
#ifndef FLEXWORK_GO_BRIDGE_H
#define FLEXWORK_GO_BRIDGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <flexwork.h>

#if FW_VERSION_MAJOR != 1
#error "the flexwork Go package binds libflexwork 1.x"
/* fw_archive_register_hold_check with a stub calling the Go HoldCheck behind handle. */
int fwgo_archive_register_hold_check(fw_ctx *ctx, const char *name, uintptr_t handle, fw_error **err);

/* Fills a host inspection rule whose function calls the Go rule behind handle. */
void fwgo_risk_host_rule(fw_risk_host_rule *rule, const char *code, uintptr_t handle);

#endif

/* fw_ctx_open with options built from scalars; clock is a cgo.Handle of a func() int64 or 0. */
int fwgo_open(fw_ctx **out, const char *path, const uint8_t *master_key, const char *passphrase,
              uint32_t synchronous, uint32_t busy_timeout_ms, uintptr_t clock, uint32_t create,
              fw_error **err);

/*
 * Registers a provider whose callbacks call Go: handle is a cgo.Handle of the Go callbacks,
 * mask has bit i set when the struct's i-th callback is present.
 */
int fwgo_set_identity_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err);
int fwgo_set_payment_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err);
int fwgo_set_invoice_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err);
int fwgo_set_tax_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err);

/* fw_archive_register_hold_check with a stub calling the Go HoldCheck behind handle. */
int fwgo_archive_register_hold_check(fw_ctx *ctx, const char *name, uintptr_t handle, fw_error **err);

/* Fills a host inspection rule whose function calls the Go rule behind handle. */
void fwgo_risk_host_rule(fw_risk_host_rule *rule, const char *code, uintptr_t handle);

#endif
