"""Payouts: from accepted work to money in the worker's account (include/flexwork/payout.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any, Optional, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import ModuleAPI

__all__ = ["Payout", "PAYOUT_SUSPENDED", "PAYOUT_HELD", "PAYOUT_SUBMITTED", "PAYOUT_PAID",
           "PAYOUT_FAILED", "PAYOUT_RETURNED", "PAYOUT_CANCELLED", "PAYOUT_RESULT_SUCCESS",
           "PAYOUT_RESULT_FAILED", "PAYOUT_RESULT_RETURNED", "PAYOUT_FORMAT_JSON",
           "PAYOUT_FORMAT_CSV"]

# Constants of include/flexwork/payout.h. Values are pinned.
PAYOUT_SUSPENDED = 1
PAYOUT_HELD = 2
PAYOUT_SUBMITTED = 3
PAYOUT_PAID = 4
PAYOUT_FAILED = 5
PAYOUT_RETURNED = 6
PAYOUT_CANCELLED = 7
PAYOUT_RESULT_SUCCESS = 1
PAYOUT_RESULT_FAILED = 2
PAYOUT_RESULT_RETURNED = 3
PAYOUT_FORMAT_JSON = 1
PAYOUT_FORMAT_CSV = 2

_create = declare("fw_payout_create", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                  POINTER(c_uint32), c_error_pp)
_batch = declare("fw_payout_batch", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                 POINTER(c_size_t), c_error_pp)
_batch_payables = declare("fw_payout_batch_payables", c_int, c_ctx_p, c_char_p, c_size_t,
                          POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_submit = declare("fw_payout_submit", c_int, c_ctx_p, c_int64, POINTER(c_uint32), c_error_pp)
_batch_submit = declare("fw_payout_batch_submit", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_result = declare("fw_payout_result", c_int, c_ctx_p, c_int64, c_uint32, c_char_p, c_char_p,
                  POINTER(c_uint32), c_error_pp)
_sweep = declare("fw_payout_sweep", c_int, c_ctx_p, c_uint32, POINTER(c_int64), c_error_pp)
_release = declare("fw_payout_release", c_int, c_ctx_p, c_int64, c_char_p, POINTER(c_uint32),
                   c_error_pp)
_cancel = declare("fw_payout_cancel", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_get = declare("fw_payout_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p), POINTER(c_size_t),
               c_error_pp)
_list = declare("fw_payout_list", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                POINTER(c_size_t), c_error_pp)
_statement = declare("fw_payout_statement", c_int, c_ctx_p, c_int64, c_char_p, c_uint32,
                     POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_enterprise_summary = declare("fw_payout_enterprise_summary", c_int, c_ctx_p, c_int64, c_char_p,
                              POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_vouchers = declare("fw_payout_vouchers", c_int, c_ctx_p, c_int64, c_char_p, c_uint32,
                    POINTER(c_void_p), POINTER(c_size_t), c_error_pp)


class Payout(ModuleAPI, module="payout"):
    """Payouts: from accepted work to money in the worker's account: ``ctx.payout``."""

    def create(self, record: JSONInput) -> Tuple[int, int]:
        """Creates one payout order and takes it to held (or suspended by a risk gate). Returns
        (id, state).

        Raises: InvalidError / JSONError naming the field; FlexworkPermissionError;
        NotFoundError (no such party); DeniedError (a gate, the reason code first in the
        message); FundsError (the enterprise's available funds are short); LimitError (a
        deducted fee beyond the amount); ClosedError (the period is closed); ConflictError (the
        key was used for another request); StateError (the payable item is claimed by another
        order). The same key and request return the first outcome. (a final failure is
        remembered under the key).
        """
        id = c_int64()
        state = c_uint32()
        self._call(_create, *json_in(record), byref(id), byref(state))
        return id.value, state.value

    def batch(self, record: JSONInput) -> Any:
        """Creates a batch of up to 100,000 orders of one enterprise in one transaction.

        Raises: InvalidError naming the field ($.orders[3].amount_fen); FlexworkPermissionError;
        in mode "all" the first failing order's code (FundsError, DeniedError, ...) with
        "$.orders[i]" as the path and nothing stored. A replay under the same key returns the
        batch as it stands.
        """
        out = OutText()
        self._call(_batch, *json_in(record), *out.args)
        return out.json()

    def batch_payables(self, record: JSONInput) -> Any:
        """Pays accepted work (R-5.6): one batch of orders, one per unclaimed payable item of the
        enterprise (oldest first), each claiming its item; an order that fails for good, is
        cancelled or comes back from the bank gives its item back for a later batch.

        Raises: as fw_payout_batch(); NotFoundError when the enterprise has no unclaimed item.
        """
        out = OutText()
        self._call(_batch_payables, *json_in(record), *out.args)
        return out.json()

    def submit(self, order_id: int) -> int:
        """Submits a held order to the payment channel. With a synchronous answer the order ends
        paid or failed; a pending answer, a timeout or a provider error leave it submitted (the
        money may have moved) for fw_payout_result() or fw_payout_sweep(); without a provider it
        waits submitted for an operator. The channel sees
        {"order_id","request_no","enterprise_id","worker_id", "amount_fen","bank_card"} and must
        treat a repeated request_no as the same payment.

        Raises: NotFoundError; StateError (suspended, cancelled); FlexworkPermissionError
        ("payout.submit": admin, finance, system).
        """
        out = c_uint32()
        self._call(_submit, order_id, byref(out))
        return out.value

    def batch_submit(self, batch_id: int) -> Any:
        """Submits every held order of a batch, as fw_payout_submit(), in one transaction.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_batch_submit, batch_id, *out.args)
        return out.json()

    def result(self, order_id: int, result: int, channel_ref: Optional[str] = None,
               reason: Optional[str] = None) -> int:
        """Records the payment channel's result for an order: the host calls it when the channel
        notifies, an operator when there is no provider. SUCCESS (held or submitted -> paid)
        posts the hold and distributes it: fee to revenue, taxes to their liabilities, the net
        to bank clearing. FAILED (held or submitted -> failed) voids the hold and reverses the
        withholding. RETURNED (paid -> returned, 退汇) reverses the postings and the withholding.
        A result the order already has is accepted again without effect (channels notify more
        than once).

        Raises: InvalidError (result, lengths); NotFoundError; StateError (a result the state
        does not allow, e.g. a failure after payment: the message says use RETURNED);
        ClosedError; FlexworkPermissionError ("payout.result": admin, operator, finance,
        system). On failure nothing changes.
        """
        out = c_uint32()
        self._call(_result, order_id, result, text_in(channel_ref), text_in(reason), byref(out))
        return out.value

    def sweep(self, max_orders: int) -> int:
        """Asks the payment channel's query callback about submitted orders (oldest first, at most
        max_orders) and records every final answer.

        Raises: InvalidError (max_orders 0); FlexworkPermissionError ("payout.submit").
        """
        out = c_int64()
        self._call(_sweep, max_orders, byref(out))
        return out.value

    def release(self, order_id: int, note: str) -> int:
        """Releases a suspended order: an operator's decision overrides the risk gate; the other
        gates, the fee, the withholding and the hold run as at creation.

        Raises: InvalidError; NotFoundError; StateError (not suspended); FundsError;
        DeniedError; FlexworkPermissionError ("payout.release": admin, operator). On failure
        nothing changes.
        """
        out = c_uint32()
        self._call(_release, order_id, text_in(note), byref(out))
        return out.value

    def cancel(self, order_id: int, reason: str) -> None:
        """Cancels a suspended or held order (a held order's hold is voided and its withholding
        reversed).

        Raises: InvalidError; NotFoundError; StateError (submitted or final);
        FlexworkPermissionError ("payout.cancel": admin, operator).
        """
        self._call(_cancel, order_id, text_in(reason))

    def get(self, order_id: int) -> Any:
        """An order with its state timeline:
        {"id","batch_id","enterprise_id","worker_id","task_ref","external_ref","amount_fen","state",
        "reason","fee_fen","fee_bearer","enterprise_pays_fen","gross_fen","iit_fen","vat_fen",
        "surcharge_fen","net_fen","channel_ref","created_ms","paid_ms","returned_ms",
        "timeline":[{"at_ms","from","to","note"}]}.

        Raises: NotFoundError; FlexworkPermissionError ("payout.read": staff readers, the
        enterprise's users, the worker).
        """
        out = OutText()
        self._call(_get, order_id, *out.args)
        return out.json()

    def list(self, query: JSONInput) -> Any:
        """Orders matching a query, by id, a page at a time.

        Raises: InvalidError naming the field; FlexworkPermissionError (another party's filter).
        """
        out = OutText()
        self._call(_list, *json_in(query), *out.args)
        return out.json()

    def statement(self, worker_id: int, month: str, format: int) -> str:
        """A worker's income statement for a CST month (R-5.6, R-6.b): orders paid in the month,
        with gross income, fees borne, tax withheld by kind (IIT, VAT, surcharges), net paid,
        and what the bank returned in the month. JSON:
        {"worker_id","period","orders","gross_fen","fee_borne_fen","iit_fen","vat_fen",
        "surcharge_fen","withheld_fen","net_fen","returned_orders","returned_net_fen",
        "lines":[{"order_id","enterprise_id","task_ref","paid_ms","gross_fen","fee_borne_fen",
        "iit_fen","vat_fen","surcharge_fen","net_fen","state"}]}. CSV: one row per line, header
        first, amounts in yuan, then a totals row.

        Raises: InvalidError (month, format); FlexworkPermissionError ("payout.read"; a worker
        only their own).
        """
        out = OutText()
        self._call(_statement, worker_id, text_in(month), format, *out.args)
        return out.text()

    def enterprise_summary(self, enterprise_id: int, month: str) -> Any:
        """An enterprise's payout totals for a CST month (R-7.5.c): orders created in the month by
        state, and of those paid: amount, fees, taxes by kind, net, what the enterprise paid.
        {"enterprise_id","period","orders","by_state":{"held":n,...},"paid":{"orders","amount_fen",
        "fee_fen","iit_fen","vat_fen","surcharge_fen","net_fen","enterprise_pays_fen"},
        "returned":{"orders","enterprise_pays_fen"}}.

        Raises: InvalidError (month); FlexworkPermissionError ("payout.read"; an enterprise user
        only its own).
        """
        out = OutText()
        self._call(_enterprise_summary, enterprise_id, text_in(month), *out.args)
        return out.json()

    def vouchers(self, enterprise_id: int, month: str, format: int) -> str:
        """Accounting vouchers (记账凭证) for an enterprise's payouts in a CST month, generated from
        the journal: one voucher per journal entry of the enterprise's orders effective in the
        month. JSON:
        {"enterprise_id","period","vouchers":[{"no","entry_id","date","summary","lines":
        [{"account_code","account_name","debit_fen","credit_fen"}],"debit_fen","credit_fen"}]}.
        CSV: voucher_no,date,summary,account_code,account_name,debit,credit (yuan).

        Raises: InvalidError (month, format); FlexworkPermissionError ("payout.read"; an
        enterprise user only its own).
        """
        out = OutText()
        self._call(_vouchers, enterprise_id, text_in(month), format, *out.args)
        return out.text()


_state_name = declare("fw_payout_state_name", c_char_p, c_uint32)


def state_name(state: int) -> Optional[str]:
    """The name of a PAYOUT_* state ("held", "paid", ...), or None for an unknown value."""
    name = _state_name(state)
    return None if name is None else str(name.decode("ascii"))
