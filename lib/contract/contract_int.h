/* Shared between the files of the contract module only. */
#ifndef FW_CONTRACT_CONTRACT_INT_H
#define FW_CONTRACT_CONTRACT_INT_H

#include <cjson/cJSON.h>

#include "contract/contract.h"

/* Who signs: the kinds in fw_contract_signer.party_kind. */
#define FW__SIGNER_PLATFORM   0
#define FW__SIGNER_ENTERPRISE 1
#define FW__SIGNER_WORKER     2

/* "cooperation", "service", "tax_authorisation", NULL: index = kind - 1. */
extern const char *const fw__contract_kind_names[];
const char *fw__contract_kind_name(uint32_t kind);

/* Appends an audit record on entity "contract" with a printf-formatted JSON detail. */
int fw__contract_audit(fw_ctx *ctx, fw_error **err, const char *action, fw_id id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A growing text buffer for the rendered document; wiped when freed (it may name a worker). */
struct fw__cbuf {
    char *p;
    size_t len, cap;
};
void fw__cbuf_wipe(struct fw__cbuf *b);

/* Checks values against a template's declared placeholders; adds each rendered as text. */
int fw__contract_check_values(const cJSON *placeholders, const cJSON *values, cJSON *rendered,
                              fw_error **err);
/* The canonical document: the fixed header, then the body with every placeholder filled in. */
int fw__contract_render(const char *body, const cJSON *values, fw_id contract_id, uint32_t kind,
                        const char *template_name, int64_t template_version,
                        const char *template_sha256, struct fw__cbuf *out, fw_error **err);

/* "enterprise:<id>" or "worker:<id>": the vault subject of a party. */
void fw__contract_subject(int signer_kind, fw_id id, char *buf, size_t size);
/* As fw__contract_subject, and "platform" for the platform. */
void fw__contract_signer(int signer_kind, fw_id id, char *buf, size_t size);

/* The columns of a contract the state changes need. */
struct fw__contract_row {
    uint32_t kind, state;
    int64_t ent, worker, expires, supersedes;
    unsigned char hash[32];
};
int fw__contract_read_row(fw_ctx *ctx, fw_id id, struct fw__contract_row *r, fw_error **err);
/* Sets the state and audits the transition under `action`. */
int fw__contract_set_state(fw_ctx *ctx, fw_id id, uint32_t from, uint32_t to, const char *action,
                           fw_error **err);
/* The stored document, opened when sealed; FW_ESHREDDED after the worker's erasure. */
int fw__contract_read_document(fw_ctx *ctx, fw_id id, fw_id worker, char **doc, size_t *len,
                               fw_error **err);

#endif
