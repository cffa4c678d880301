/* The context's private layout, and transactions. */
#ifndef FW_CORE_CTX_H
#define FW_CORE_CTX_H

#include <flexwork/ctx.h>
#include <flexwork/sys/provider.h>

/* Key slots inside ctx->keys (sodium_malloc'd, 32 bytes each). */
#define FW__KEY_MASTER 0
#define FW__KEY_VAULT  1   /* wraps per-person data keys */
#define FW__KEY_BLIND  2   /* keyed BLAKE2b blind index */
#define FW__KEY_SIGN   3   /* seed of the platform's Ed25519 key */
#define FW__KEY_CHECK  4   /* proves the master key at open */
#define FW__KEY_COUNT  5

struct fw_ctx {
    struct fw__db *db;
    fw_clock_fn clock;
    void *clock_payload;
    uint32_t role;
    fw_id party_id;
    char *actor_name;
    unsigned char *keys;        /* FW__KEY_COUNT * 32 bytes, sodium_malloc */
    int tx_depth;               /* nesting of fw__tx_begin */
    int host_tx;                /* 1 while a fw_ctx_begin transaction is open */
    fw_identity_provider identity;
    fw_payment_provider payment;
    fw_invoice_provider invoice;
    fw_tax_provider tax;
    struct {
        const char *event;
        int (*fn)(fw_ctx *, const char *, fw_id, const void *, fw_error **);
    } hooks[64];                /* see core/hook.h */
    int nhooks;
    struct {
        const char *key;
        void *data;
        void (*free_fn)(void *);
    } data[8];                  /* modules' per-context data, see core/hook.h */
    int ndata;
};

static inline const unsigned char *fw__ctx_key(const fw_ctx *ctx, int slot)
{
    return ctx->keys + 32 * slot;
}

/*
 * Transactions. Every public call that writes runs between fw__tx_begin and fw__tx_end:
 * the outermost level is BEGIN IMMEDIATE, inner levels (a host batch, or a module calling
 * another) are savepoints, so a failing call undoes only its own changes.
 * fw__tx_end commits (releases) when rc is FW_OK and rolls back otherwise; it returns rc, or
 * the commit's error.
 */
int fw__tx_begin(fw_ctx *ctx, fw_error **err);
int fw__tx_end(fw_ctx *ctx, int rc, fw_error **err);

/* A provider reply buffer on the stack. */
struct fw_reply {
    char *json;
    size_t len;
};
/* Calls a provider callback; returns its code, with the reply in *reply (free with fw__reply_clear). */
int fw__provider_call(fw_provider_fn fn, void *payload, const char *req, size_t req_len,
                      struct fw_reply *reply);
void fw__reply_clear(struct fw_reply *reply);

#endif
