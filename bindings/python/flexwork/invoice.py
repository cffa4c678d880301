"""Invoices to enterprises for the service actually rendered (include/flexwork/invoice.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in
from .context import ModuleAPI

__all__ = ["Invoice", "INVOICE_REQUESTED", "INVOICE_ISSUED", "INVOICE_REVERSED",
           "INVOICE_CANCELLED"]

# Constants of include/flexwork/invoice.h. Values are pinned.
INVOICE_REQUESTED = 1
INVOICE_ISSUED = 2
INVOICE_REVERSED = 3
INVOICE_CANCELLED = 4

_request = declare("fw_invoice_request", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                   c_error_pp)
_issue = declare("fw_invoice_issue", c_int, c_ctx_p, c_int64, POINTER(c_uint32), c_error_pp)
_record = declare("fw_invoice_record", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_reverse = declare("fw_invoice_reverse", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                   POINTER(c_uint32), c_error_pp)
_get = declare("fw_invoice_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p), POINTER(c_size_t),
               c_error_pp)
_list = declare("fw_invoice_list", c_int, c_ctx_p, c_int64, POINTER(c_void_p), POINTER(c_size_t),
                c_error_pp)


class Invoice(ModuleAPI, module="invoice"):
    """Invoices to enterprises for the service actually rendered: ``ctx.invoice``."""

    def request(self, record: JSONInput) -> int:
        """Requests an invoice.

        Raises: InvalidError naming the field; FlexworkPermissionError ("invoice.request":
        admin, finance, the enterprise's users for their own); LimitError when the amount
        exceeds what is left to invoice (the message says by how much, with what was served and
        invoiced); ConflictError (the key was used for another request).
        """
        out = c_int64()
        self._call(_request, *json_in(record), byref(out))
        return out.value

    def issue(self, invoice_id: int) -> int:
        """Issues a requested invoice through the invoice provider's issue callback, which receives
        {"invoice_id","enterprise_id","kind","amount_fen","tax_fen","tax_rate_ppm","title"} and
        answers {"invoice_no":"1..64 bytes","issued_date":"YYYY-MM-DD" (optional)}.

        Raises: PendingError without a provider, or when it answers later (the invoice stays
        requested; an operator may record it with fw_invoice_record()); FlexworkTimeoutError,
        ProviderError (stays requested); NotFoundError; StateError (not requested); ExistsError
        (the number is on another invoice); FlexworkPermissionError ("invoice.issue": admin,
        finance, system).
        """
        out = c_uint32()
        self._call(_issue, invoice_id, byref(out))
        return out.value

    def record(self, invoice_id: int, record: JSONInput) -> None:
        """Records an invoice issued by hand for a request.

        Raises: InvalidError naming the field; NotFoundError; StateError (not requested);
        ExistsError (the number is on another invoice); FlexworkPermissionError
        ("invoice.issue").
        """
        self._call(_record, invoice_id, *json_in(record))

    def reverse(self, invoice_id: int, record: JSONInput) -> int:
        """Reverses an issued invoice with a red-letter invoice (冲红), through the provider's cancel
        callback ({"invoice_id","invoice_no","amount_fen","tax_fen","reason"} ->
        {"red_invoice_no"}), or, without a provider, with the red-letter number issued by hand;
        a requested invoice is cancelled. The amount becomes available to invoice again.

        Raises: InvalidError naming the field; NotFoundError; StateError (reversed or cancelled
        already); PendingError, FlexworkTimeoutError, ProviderError (the provider did not
        confirm: nothing changed); FlexworkPermissionError ("invoice.reverse": admin, finance).
        """
        out = c_uint32()
        self._call(_reverse, invoice_id, *json_in(record), byref(out))
        return out.value

    def get(self, invoice_id: int) -> Any:
        """An invoice: {"id","enterprise_id","kind","state","amount_fen","tax_rate_ppm","tax_fen",
        "title","invoice_no","origin":"provider"|"manual"|null,"issued_date","red_invoice_no",
        "reason","requested_ms","issued_ms","reversed_ms"}.

        Raises: NotFoundError; FlexworkPermissionError ("invoice.read"; an enterprise user only
        its own).
        """
        out = OutText()
        self._call(_get, invoice_id, *out.args)
        return out.json()

    def list(self, enterprise_id: int) -> Any:
        """An enterprise's invoices and its ceiling: {"enterprise_id","served_fen","invoiced_fen"
        (requested and issued),"available_fen","invoices":[invoice, ...]}.

        Raises: FlexworkPermissionError ("invoice.read"; an enterprise user only its own).
        """
        out = OutText()
        self._call(_list, enterprise_id, *out.args)
        return out.json()
