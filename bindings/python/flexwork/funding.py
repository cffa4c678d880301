"""Enterprise funding (include/flexwork/funding.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any

from ._lib import (JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, take_string,
                   text_in)
from .context import ModuleAPI

__all__ = ["Funding", "FUNDING_RECOGNISED", "FUNDING_SUSPENSE", "FUNDING_ASSIGNED",
           "FUNDING_RETURNED", "FUNDING_REFUND_PENDING", "FUNDING_REFUND_PAID",
           "FUNDING_REFUND_FAILED"]

# Constants of include/flexwork/funding.h. Values are pinned.
FUNDING_RECOGNISED = 1
FUNDING_SUSPENSE = 2
FUNDING_ASSIGNED = 3
FUNDING_RETURNED = 4
FUNDING_REFUND_PENDING = 1
FUNDING_REFUND_PAID = 2
FUNDING_REFUND_FAILED = 3

_register_source = declare("fw_funding_register_source", c_int, c_ctx_p, POINTER(c_int64), c_int64,
                           c_char_p, c_size_t, c_error_pp)
_register_virtual_account = declare("fw_funding_register_virtual_account", c_int, c_ctx_p, c_int64,
                                    c_char_p, c_error_pp)
_reference_code = declare("fw_funding_reference_code", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                          c_error_pp)
_notice = declare("fw_funding_notice", c_int, c_ctx_p, POINTER(c_int64), c_char_p, c_size_t,
                  c_error_pp)
_incoming_get = declare("fw_funding_incoming_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_incoming_list = declare("fw_funding_incoming_list", c_int, c_ctx_p, c_uint32, c_uint32, c_int64,
                         POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_assign = declare("fw_funding_assign", c_int, c_ctx_p, c_int64, c_int64, c_char_p, c_error_pp)
_return = declare("fw_funding_return", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_refund = declare("fw_funding_refund", c_int, c_ctx_p, POINTER(c_int64), c_int64, c_int64,
                  c_char_p, c_error_pp)
_refund_complete = declare("fw_funding_refund_complete", c_int, c_ctx_p, c_int64, c_uint32,
                           c_char_p, c_error_pp)


class Funding(ModuleAPI, module="funding"):
    """Enterprise funding: ``ctx.funding``."""

    def register_source(self, enterprise_id: int, record: JSONInput) -> int:
        """Registers a bank account an enterprise pays from, so that its payments are recognised.

        Raises: ExistsError when another enterprise registered that account; InvalidError naming
        the field; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_register_source, byref(out), enterprise_id, *json_in(record))
        return out.value

    def register_virtual_account(self, enterprise_id: int, account: str) -> None:
        """Registers a virtual sub-account (虚拟子账户) the bank assigned to an enterprise under the
        platform's receiving account: a payment into it belongs to that enterprise.

        Raises: ExistsError when registered to another; InvalidError; FlexworkPermissionError.
        """
        self._call(_register_virtual_account, enterprise_id, text_in(account))

    def reference_code(self, enterprise_id: int) -> str:
        """The enterprise's reference code for payment remarks ("FW" and 6 letters or digits),
        assigned on first call.

        Raises: InvalidError; FlexworkPermissionError (an enterprise user reads its own).
        """
        out = c_void_p()
        self._call(_reference_code, enterprise_id, byref(out))
        return take_string(out)

    def notice(self, record: JSONInput) -> int:
        """Records an incoming bank transfer and recognises it: by the virtual sub-account it was
        paid into, the payer account, or the reference code in the remark (in that order of
        strength); when two of them name different enterprises it goes to suspense. Idempotent
        by bank_txn_id: the same notice again returns the same id; a different notice under the
        same bank_txn_id fails with ConflictError naming the field.

        Raises: InvalidError naming the field; ConflictError; ClosedError;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_notice, byref(out), *json_in(record))
        return out.value

    def incoming_get(self, incoming_id: int) -> Any:
        """An incoming transfer as JSON: {"id","bank_txn_id","amount_fen","currency","payer_name",
        "payer_account" (both
        masked),"remark","received_ms","payee_account","state":"recognised"|
        "suspense"|"assigned"|"returned","enterprise_id":int|null,"matched_by":"virtual_account"|
        "payer_account"|"reference"|"operator"|null,"fee_fen","entry_id","resolution_entry_id":int|null}.

        Raises: NotFoundError; FlexworkPermissionError (an enterprise user sees only its own).
        """
        out = OutText()
        self._call(_incoming_get, incoming_id, *out.args)
        return out.json()

    def incoming_list(self, state: int, limit: int, before_id: int) -> Any:
        """Incoming transfers in a state, newest first: {"incoming":[...],
        "next_before_id":int|null}.

        Raises: InvalidError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_incoming_list, state, limit, before_id, *out.args)
        return out.json()

    def assign(self, incoming_id: int, enterprise_id: int, idem_key: str) -> None:
        """Assigns a transfer held in suspense to an enterprise (the operator's resolution).

        Raises: NotFoundError; StateError when it is not in suspense; ConflictError;
        FlexworkPermissionError.
        """
        self._call(_assign, incoming_id, enterprise_id, text_in(idem_key))

    def return_(self, incoming_id: int, idem_key: str) -> None:
        """Records that a transfer held in suspense was returned to the payer.

        Raises: NotFoundError; StateError when it is not in suspense; ConflictError;
        FlexworkPermissionError.
        """
        self._call(_return, incoming_id, text_in(idem_key))

    def refund(self, enterprise_id: int, amount_fen: int, idem_key: str) -> int:
        """Starts a refund of an enterprise's unused funds: the amount is held on its funds until
        fw_funding_refund_complete() reports the bank payment.

        Raises: InvalidError; FundsError when the available funds (after holds) are short;
        NotFoundError (no funds account); ConflictError; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_refund, byref(out), enterprise_id, amount_fen, text_in(idem_key))
        return out.value

    def refund_complete(self, refund_id: int, paid: int, idem_key: str) -> None:
        """Completes a refund: paid (1) posts the hold, paid (0) voids it and the funds are
        available again.

        Raises: NotFoundError; StateError when it is no longer pending; InvalidError;
        FlexworkPermissionError.
        """
        self._call(_refund_complete, refund_id, paid, text_in(idem_key))
