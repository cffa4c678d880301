/*
 * The risk module's internal API, for the modules above it (task, funding, payout).
 * Every function runs inside the caller's transaction and sets *err on failure.
 *
 * Hook events the risk module registers for (core/hook.h), with the data it expects:
 *   "party.enterprise.activate"  id = enterprise id, data NULL
 *   "party.worker.activate"      id = worker id, data NULL
 *   "party.worker.change"        id = worker id, data NULL (refreshes the card/phone keys)
 *   "party.worker.erase"         id = worker id, data NULL (drops the card/phone keys)
 *   "task.take"                  id = task id, data = const struct fw__risk_subject *
 *   "funding.receive"            id = enterprise id, data = const int64_t *amount_fen
 * A deny refuses the flow with FW_EDENIED and the reason code first in the message; a review
 * lets it go on and is audited (the payout module parks a payout for review itself, through
 * fw__risk_gate).
 */
#ifndef FW_RISK_RISK_H
#define FW_RISK_RISK_H

#include <flexwork/risk.h>

/*
 * The parties of a "task.take" event. The task module passes a pointer to its event struct,
 * whose first members must be exactly these, in this order (struct fw__task_take_event begins
 * with them); the risk module reads only this prefix, so the task module may append members.
 * The library is built with -fno-strict-aliasing, which makes reading the prefix well defined.
 */
struct fw__risk_subject {
    fw_id task_id;
    fw_id worker_id;
    fw_id enterprise_id;
    int64_t amount_fen;     /* what the assignment pays, 0 when unknown */
};

/*
 * The gate inside the caller's transaction (fw_risk_check without authorisation). With
 * FW_RISK_RESERVE in p->flags and an allow, the amount is counted (as by
 * fw__risk_record_payout) and the reservation id is in the decision: the payout module calls
 * this in the transaction that creates the payout, so the check and the count are one step.
 */
int fw__risk_gate(fw_ctx *ctx, uint32_t action, const fw_risk_parties *p, int64_t amount_fen,
                  fw_risk_decision **out, fw_error **err);

/*
 * Records a payout that was not reserved through the gate (or its reversal, amount < 0, when a
 * payout fails or a bank return arrives): updates the per-day and per-month counters of the
 * worker and the enterprise, and the payout log the inspection rules read. at_ms decides the
 * CST day and month counted.
 */
int fw__risk_record_payout(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id,
                           int64_t amount_fen, int64_t at_ms, fw_error **err);

/* The module's per-context initialisation: registers the hooks above. */
int fw__risk_init(fw_ctx *ctx, fw_error **err);

#endif
