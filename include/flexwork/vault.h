/**
 * @file vault.h
 * The PII vault (R-6.h). Personal fields are stored encrypted (XChaCha20-Poly1305, associated
 * data binding table, column and row) under a data key per person, wrapped by the master key.
 * Destroying a person's key erases their personal data everywhere (crypto-shredding) while
 * financial records stay whole. Modules use the vault; a host uses it to erase.
 */
#ifndef FLEXWORK_VAULT_H
#define FLEXWORK_VAULT_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/**
 * Destroys the data key of one person ("worker:17", "enterprise:3", as the modules name
 * them): every personal field sealed under it becomes unreadable for good and reads as
 * FW_ESHREDDED, and nothing new can be sealed for it; nothing else changes. Audited (the
 * detail names the subject, never personal data). Shredding a shredded subject again is
 * FW_OK. The store overwrites freed space (secure_delete); see docs/security.md for what a
 * copy of the file taken before shredding still holds.
 * @return FW_OK; FW_ENOTFOUND when the subject has no key; FW_EINVAL for a subject that is
 *         empty or longer than 128 bytes; FW_EPERM (admin only).
 */
FW_EXTERN(int) fw_vault_shred(fw_ctx *ctx, const char *subject, fw_error **err);

FW_END_DECL
#endif
