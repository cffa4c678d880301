/*
 * Hooks: how a lower module lets a higher one take part in its flow without calling up
 * (DESIGN §2). The lower module runs an event ("party.worker.activate"); the higher module
 * registered a function for it when the context opened (its fw__<module>_init, listed at
 * build time). Any hook refusing stops the flow with its error.
 *
 * Events in use (event: id, data):
 *   "party.enterprise.activate"  enterprise id, NULL
 *   "party.worker.activate"      worker id, NULL
 *   "party.enterprise.cancel"    enterprise id, NULL  (refuse while balances or open work remain)
 *   "party.worker.cancel"        worker id, NULL
 *   "party.worker.change"        worker id, NULL  (phone or bank card changed)
 *   "party.worker.erase"         worker id, NULL  (personal data erased: drop derived keys)
 *   "task.take"                  task id, const struct fw__task_take_event *
 *   "funding.receive"            enterprise id, const int64_t *amount_fen
 */
#ifndef FW_CORE_HOOK_H
#define FW_CORE_HOOK_H

#include <flexwork/common.h>

#define FW__HOOK_MAX 64

typedef int (*fw__hook_fn)(fw_ctx *ctx, const char *event, fw_id id, const void *data,
                           fw_error **err);

/* Registers fn for event (copied by pointer: pass a string literal). FW_ELIMIT when full. */
int fw__hook_add(fw_ctx *ctx, const char *event, fw__hook_fn fn);

/* Runs every hook of the event in registration order; the first failure stops and is returned. */
int fw__hook_run(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err);

/*
 * A module's per-context data: what a host registered on this context (callbacks and their
 * payloads), kept with the context rather than in process-wide variables, so that several
 * contexts in one process never see each other's. key is a string literal naming the module;
 * free_fn (may be NULL) releases data when the context is freed. Setting a key again replaces
 * the pointer without freeing the old one. FW_ELIMIT when the table (8) is full.
 */
int fw__ctx_data_set(fw_ctx *ctx, const char *key, void *data, void (*free_fn)(void *));
/* The data set under key, or NULL. */
void *fw__ctx_data(const fw_ctx *ctx, const char *key);

/* A module's per-context initialisation (registers its hooks). Listed in meson's fw_inits. */
typedef int (*fw__module_init_fn)(fw_ctx *ctx, fw_error **err);
extern const fw__module_init_fn fw__module_inits[];

#endif
