/*
 * The PII vault's internal API. A subject is the person the data belongs to, named
 * "<kind>:<id>" (e.g. "worker:17"); its data key is created on first use.
 * Sealed values bind table, column, row and subject as associated data, so a ciphertext
 * copied to another row or column does not open.
 */
#ifndef FW_CORE_VAULT_H
#define FW_CORE_VAULT_H

#include <flexwork/common.h>

#define FW__BLIND_BYTES 32

/* Encrypts plain (len bytes) for the subject; *out is malloc'd (free with fw_free). */
int fw__vault_seal(fw_ctx *ctx, const char *subject, const char *table, const char *column,
                   fw_id row, const char *plain, size_t len, unsigned char **out,
                   size_t *out_len, fw_error **err);
/* Decrypts into a NUL-terminated malloc'd string. FW_ESHREDDED after fw_vault_shred(). */
int fw__vault_open(fw_ctx *ctx, const char *subject, const char *table, const char *column,
                   fw_id row, const unsigned char *sealed, size_t len, char **out,
                   fw_error **err);
/* Keyed BLAKE2b of (domain, value): equality look-ups without the plaintext. */
void fw__vault_blind(fw_ctx *ctx, const char *domain, const char *value, size_t len,
                     unsigned char out[FW__BLIND_BYTES]);

/* Masking of personal fields for output. Each writes into buf (size >= 64) and returns it. */
const char *fw__mask_id_number(const char *v, char *buf, size_t size);  /* 110***********002X */
const char *fw__mask_phone(const char *v, char *buf, size_t size);      /* 138****5678 */
const char *fw__mask_bank_card(const char *v, char *buf, size_t size);  /* 6222***********0009 */
const char *fw__mask_name(const char *v, char *buf, size_t size);       /* 张* */

#endif
