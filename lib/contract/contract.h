/* The contract module's internal API, for the modules above it (task, payout, funding, tax). */
#ifndef FW_CONTRACT_CONTRACT_H
#define FW_CONTRACT_CONTRACT_H

#include <flexwork/contract.h>

/*
 * The agreement gate. With worker_id: the worker needs a service
 * agreement in force with that enterprise (or with the platform itself, enterprise_id 0 on the
 * contract) -- WORKER_NO_SERVICE_AGREEMENT. Without (worker_id 0): the enterprise needs a
 * cooperation agreement in force -- ENTERPRISE_NO_COOPERATION_AGREEMENT. "In force" means
 * signed and not past its expiry at the context's time. FW_OK or FW_EDENIED with the reason
 * code first in the message.
 */
int fw__contract_require_signed(fw_ctx *ctx, fw_id enterprise_id, fw_id worker_id, fw_error **err);

/* The id of the worker's tax-agency authorisation in force; FW_EDENIED WORKER_NO_TAX_AUTHORISATION. */
int fw__contract_tax_authorisation(fw_ctx *ctx, fw_id worker_id, fw_id *out_id, fw_error **err);

const char *fw__contract_state_name(uint32_t st);

/* Registers the module's hooks when a context opens (core/hook.h): activation of an enterprise
 * is refused while its only cooperation agreement is past its expiry date. */
int fw__contract_init(fw_ctx *ctx, fw_error **err);

#endif
