/* The fee engine's internal API for other modules (funding, payout). */
#ifndef FW_FEE_FEE_H
#define FW_FEE_FEE_H

#include <flexwork/fee.h>

/* The calculator in force for an enterprise at an instant, without authorisation. */
int fw__fee_calc_for(fw_ctx *ctx, fw_id enterprise_id, int64_t at_ms, fw_fee_calc **out,
                     fw_error **err);

#endif
