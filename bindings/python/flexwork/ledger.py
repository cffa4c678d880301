"""The double-entry ledger every fen of the platform lives in (include/flexwork/ledger.h)."""

from __future__ import annotations

from ctypes import (POINTER, Structure, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32,
                    c_void_p)
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import ModuleAPI

__all__ = ["Ledger", "LEDGER_OWNER_PLATFORM", "LEDGER_OWNER_ENTERPRISE", "LEDGER_OWNER_WORKER",
           "ACCT_ENTERPRISE_FUNDS", "ACCT_WORKER_PAYABLE", "ACCT_FEE_REVENUE",
           "ACCT_FEE_RECEIVABLE", "ACCT_IIT_WITHHELD", "ACCT_VAT_PAYABLE",
           "ACCT_SURCHARGES_PAYABLE", "ACCT_BANK_CLEARING", "ACCT_SUSPENSE",
           "ACCT_INSURANCE_PAYABLE", "ACCT_PAYOUT_CLEARING", "ACCT_FEE_DEFERRED", "LEDGER_DEBIT",
           "LEDGER_CREDIT", "LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS",
           "LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS", "LEDGER_ACCOUNT_OPEN", "LEDGER_ACCOUNT_CLOSED",
           "LEDGER_ENTRY_POSTED", "LEDGER_ENTRY_HOLD", "LEDGER_ENTRY_POST", "LEDGER_ENTRY_VOID",
           "LEDGER_ENTRY_EXPIRE", "LEDGER_ENTRY_REVERSAL", "LEDGER_HOLD_PENDING",
           "LEDGER_HOLD_POSTED", "LEDGER_HOLD_VOIDED", "LEDGER_HOLD_EXPIRED", "LEDGER_AMOUNT_FULL",
           "LEDGER_BATCH_ATOMIC", "LEDGER_EXPORT_CSV", "LEDGER_EXPORT_LEDGER"]

# Constants of include/flexwork/ledger.h. Values are pinned.
LEDGER_OWNER_PLATFORM = 1
LEDGER_OWNER_ENTERPRISE = 2
LEDGER_OWNER_WORKER = 3
ACCT_ENTERPRISE_FUNDS = 1
ACCT_WORKER_PAYABLE = 2
ACCT_FEE_REVENUE = 3
ACCT_FEE_RECEIVABLE = 4
ACCT_IIT_WITHHELD = 5
ACCT_VAT_PAYABLE = 6
ACCT_SURCHARGES_PAYABLE = 7
ACCT_BANK_CLEARING = 8
ACCT_SUSPENSE = 9
ACCT_INSURANCE_PAYABLE = 10
ACCT_PAYOUT_CLEARING = 11
ACCT_FEE_DEFERRED = 12
LEDGER_DEBIT = 1
LEDGER_CREDIT = 2
LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS = 1
LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS = 2
LEDGER_ACCOUNT_OPEN = 1
LEDGER_ACCOUNT_CLOSED = 2
LEDGER_ENTRY_POSTED = 1
LEDGER_ENTRY_HOLD = 2
LEDGER_ENTRY_POST = 3
LEDGER_ENTRY_VOID = 4
LEDGER_ENTRY_EXPIRE = 5
LEDGER_ENTRY_REVERSAL = 6
LEDGER_HOLD_PENDING = 1
LEDGER_HOLD_POSTED = 2
LEDGER_HOLD_VOIDED = 3
LEDGER_HOLD_EXPIRED = 4
LEDGER_AMOUNT_FULL = 2**63 - 1  #: hold_post: post the whole hold
LEDGER_BATCH_ATOMIC = 1
LEDGER_EXPORT_CSV = 1
LEDGER_EXPORT_LEDGER = 2

_account_open = declare("fw_ledger_account_open", c_int, c_ctx_p, POINTER(c_int64), c_char_p,
                        c_size_t, c_error_pp)
_open_party_accounts = declare("fw_ledger_open_party_accounts", c_int, c_ctx_p, c_uint32, c_int64,
                               c_error_pp)
_account_find = declare("fw_ledger_account_find", c_int, c_ctx_p, POINTER(c_int64), c_uint32,
                        c_int64, c_uint32, c_char_p, c_error_pp)
_account_close = declare("fw_ledger_account_close", c_int, c_ctx_p, c_int64, c_error_pp)
_account_get = declare("fw_ledger_account_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                       POINTER(c_size_t), c_error_pp)
_balance = declare("fw_ledger_balance", c_int, c_ctx_p, c_int64, POINTER(c_int64),
                   POINTER(c_int64), POINTER(c_int64), c_error_pp)
_balance_at = declare("fw_ledger_balance_at", c_int, c_ctx_p, c_int64, c_int64, POINTER(c_int64),
                      c_error_pp)
_transfer = declare("fw_ledger_transfer", c_int, c_ctx_p, POINTER(c_int64), c_int64, c_int64,
                    c_int64, c_char_p, c_char_p, c_error_pp)
_entry_post = declare("fw_ledger_entry_post", c_int, c_ctx_p, POINTER(c_int64), c_char_p, c_size_t,
                      c_error_pp)
_entry_reverse = declare("fw_ledger_entry_reverse", c_int, c_ctx_p, POINTER(c_int64), c_int64,
                         c_char_p, c_char_p, c_error_pp)
_entry_get = declare("fw_ledger_entry_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                     POINTER(c_size_t), c_error_pp)
_entries = declare("fw_ledger_entries", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                   POINTER(c_size_t), c_error_pp)
_hold = declare("fw_ledger_hold", c_int, c_ctx_p, POINTER(c_int64), c_int64, c_int64, c_int64,
                c_int64, c_char_p, c_char_p, c_error_pp)
_hold_post = declare("fw_ledger_hold_post", c_int, c_ctx_p, POINTER(c_int64), c_int64, c_int64,
                     c_char_p, c_error_pp)
_hold_void = declare("fw_ledger_hold_void", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_expire_holds = declare("fw_ledger_expire_holds", c_int, c_ctx_p, c_int64, POINTER(c_int64),
                        c_error_pp)
_trial_balance = declare("fw_ledger_trial_balance", c_int, c_ctx_p, POINTER(c_void_p),
                         POINTER(c_size_t), c_error_pp)
_period_close = declare("fw_ledger_period_close", c_int, c_ctx_p, c_char_p, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_period_reopen = declare("fw_ledger_period_reopen", c_int, c_ctx_p, c_char_p, c_char_p, c_error_pp)
_period_verify = declare("fw_ledger_period_verify", c_int, c_ctx_p, c_char_p, c_error_pp)
_worker_income = declare("fw_ledger_worker_income", c_int, c_ctx_p, c_int64, c_int64, c_int64,
                         POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_export = declare("fw_ledger_export", c_int, c_ctx_p, c_uint32, c_int64, c_int64,
                  POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_coa_set = declare("fw_ledger_coa_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_coa_get = declare("fw_ledger_coa_get", c_int, c_ctx_p, POINTER(c_void_p), POINTER(c_size_t),
                   c_error_pp)



class _TransferItem(Structure):
    """fw_ledger_transfer_item."""
    _fields_ = [("debit_account", c_int64), ("credit_account", c_int64), ("amount_fen", c_int64),
                ("reason", c_char_p), ("idem_key", c_char_p)]


_transfer_batch = declare("fw_ledger_transfer_batch", c_int, c_ctx_p, POINTER(_TransferItem),
                          c_size_t, c_uint32, POINTER(c_int64), POINTER(c_int), c_error_pp)

class Ledger(ModuleAPI, module="ledger"):
    """The double-entry ledger every fen of the platform lives in: ``ctx.ledger``."""

    def account_open(self, record: JSONInput) -> int:
        """Opens an account.

        Raises: InvalidError naming the field; ExistsError when the owner already has an account
        of that type and currency (the message names its id); FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_account_open, byref(out), *json_in(record))
        return out.value

    def open_party_accounts(self, owner_kind: int, owner_id: int) -> None:
        """Opens the accounts a party needs once it becomes active: an enterprise gets
        enterprise_funds and fee_receivable, a worker worker_payable (CNY). Idempotent: accounts
        already open are kept.

        Raises: InvalidError for a bad kind or id; StateError when one of them is closed;
        FlexworkPermissionError.
        """
        self._call(_open_party_accounts, owner_kind, owner_id)

    def account_find(self, owner_kind: int, owner_id: int, type: int,
                     currency: Optional[str] = None) -> int:
        """Finds an account by owner, type and currency.

        Raises: NotFoundError; InvalidError; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_account_find, byref(out), owner_kind, owner_id, type, text_in(currency))
        return out.value

    def account_close(self, account_id: int) -> None:
        """Closes an account. Only an account whose posted and pending balances are all zero
        closes.

        Raises: NotFoundError; StateError when it is already closed or not at zero (the message
        gives the balances); FlexworkPermissionError.
        """
        self._call(_account_close, account_id)

    def account_get(self, account_id: int) -> Any:
        """An account as JSON: {"id","owner_kind","owner_id","type","type_code","currency",
        "normal_side":"debit"|"credit","flags":[...],"state":"open"|"closed","debits_posted_fen",
        "credits_posted_fen","debits_pending_fen","credits_pending_fen","posted_fen","pending_fen",
        "available_fen","postings"}.

        Raises: NotFoundError; FlexworkPermissionError (an enterprise user or worker sees only
        their own).
        """
        out = OutText()
        self._call(_account_get, account_id, *out.args)
        return out.json()

    def balance(self, account_id: int) -> Tuple[int, int, int]:
        """Balances of an account on its normal side, O(1). posted: posted credits minus posted
        debits (credit-normal) or the reverse (debit-normal). pending: posted plus every pending
        hold in either direction. available: posted minus the pending holds that would reduce
        it. Returns (posted, pending, available).

        Raises: NotFoundError; FlexworkPermissionError.
        """
        posted = c_int64()
        pending = c_int64()
        available = c_int64()
        self._call(_balance, account_id, byref(posted), byref(pending), byref(available))
        return posted.value, pending.value, available.value

    def balance_at(self, account_id: int, at_ms: int) -> int:
        """The posted balance of an account as of an instant (by effective time): the postings
        whose effective time is at or before at_ms.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_balance_at, account_id, at_ms, byref(out))
        return out.value

    def transfer(self, debit_account: int, credit_account: int, amount_fen: int, reason: str,
                 idem_key: str) -> int:
        """Moves amount_fen from one account to another in one posted entry: debits debit_account,
        credits credit_account. The hot path's typed entry point.

        Raises: InvalidError (amount <= 0, same account, currencies differ, bad reason or key);
        NotFoundError (an account); StateError (an account is closed); FundsError (a flag's
        limit); FlexworkOverflowError (a balance would leave int64); ClosedError (the period is
        closed); ConflictError (key reused); FlexworkPermissionError. On failure nothing is
        changed.
        """
        out = c_int64()
        self._call(_transfer, byref(out), debit_account, credit_account, amount_fen,
                   text_in(reason), text_in(idem_key))
        return out.value

    def transfer_batch(self, items: Sequence[Mapping[str, Any]],
                       flags: int = 0) -> Tuple[List[int], List[int]]:
        """Runs transfers in one transaction (one fsync), each with :meth:`transfer`'s rules
        and idempotency, and one audit record for the batch. Each item is a mapping with
        ``debit_account``, ``credit_account``, ``amount_fen``, ``reason`` and ``idem_key``.

        Without LEDGER_BATCH_ATOMIC each transfer has its own outcome: returns
        ``(entry_ids, codes)``, per item its entry (0 when it failed) and its code (0 or an
        E* code). With LEDGER_BATCH_ATOMIC the first failure undoes the whole batch and is
        raised, with the item's index in the path (``"$[17].amount_fen"``).

        Raises: InvalidError; the first item's failure with LEDGER_BATCH_ATOMIC;
        FlexworkPermissionError.
        """
        n = len(items)
        array = (_TransferItem * max(n, 1))()
        for i, item in enumerate(items):
            array[i] = _TransferItem(item["debit_account"], item["credit_account"],
                                     item["amount_fen"], text_in(item["reason"]),
                                     text_in(item["idem_key"]))
        entry_ids = (c_int64 * max(n, 1))()
        codes = (c_int * max(n, 1))()
        self._call(_transfer_batch, array, n, flags, entry_ids, codes)
        return list(entry_ids[:n]), list(codes[:n])

    def entry_post(self, record: JSONInput) -> int:
        """Posts a journal entry of two or more postings.

        Raises: as fw_ledger_transfer(); InvalidError "$.postings: ..." when unbalanced.
        """
        out = c_int64()
        self._call(_entry_post, byref(out), *json_in(record))
        return out.value

    def entry_reverse(self, entry_id: int, reason: str, idem_key: str) -> int:
        """Reverses a posted entry (ordinary, hold post or reversal) with a new entry of the
        opposite postings, linked to it. An entry is reversed at most once.

        Raises: NotFoundError; StateError (already reversed, or not a posted entry); FundsError
        when the reversal would break an account's limit; ClosedError; ConflictError;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_entry_reverse, byref(out), entry_id, text_in(reason), text_in(idem_key))
        return out.value

    def entry_get(self, entry_id: int) -> Any:
        """An entry as JSON:
        {"id","kind","reason","effective_ms","created_ms","related_id","ref_kind",
        "ref_id","memo","postings":[{"account_id","debit_fen"|"credit_fen","pending"}]}.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_entry_get, entry_id, *out.args)
        return out.json()

    def entries(self, query: Optional[JSONInput] = None) -> Any:
        """Entries, newest first (R-7.5.e).

        Raises: InvalidError naming the field; FlexworkPermissionError (an enterprise user or
        worker must name its own owner).
        """
        out = OutText()
        self._call(_entries, *(json_in(query) if query is not None else (None, 0)), *out.args)
        return out.json()

    def hold(self, debit_account: int, credit_account: int, amount_fen: int, expires_ms: int,
             reason: str, idem_key: str) -> int:
        """Places a hold: the first phase of a two-phase transfer. The amount counts against the
        debit account's available balance until the hold is posted, voided or expires.

        Raises: as fw_ledger_transfer().
        """
        out = c_int64()
        self._call(_hold, byref(out), debit_account, credit_account, amount_fen, expires_ms,
                   text_in(reason), text_in(idem_key))
        return out.value

    def hold_post(self, hold_id: int, amount_fen: int, idem_key: str) -> int:
        """Posts a hold, in full (LEDGER_AMOUNT_FULL) or in part (0 < amount <= held); the rest
        is released.

        Raises: NotFoundError; StateError (already posted, voided or expired; the message says
        which); InvalidError (amount beyond the hold); ConflictError; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_hold_post, byref(out), hold_id, amount_fen, text_in(idem_key))
        return out.value

    def hold_void(self, hold_id: int, idem_key: str) -> None:
        """Voids a hold, releasing its amount.

        Raises: NotFoundError; StateError (already posted, voided or expired); ConflictError;
        FlexworkPermissionError.
        """
        self._call(_hold_void, hold_id, text_in(idem_key))

    def expire_holds(self, now_ms: int) -> int:
        """Voids every pending hold whose expiry is at or before now_ms (a sweep for a scheduled
        job).

        Raises: FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_expire_holds, now_ms, byref(out))
        return out.value

    def trial_balance(self) -> Any:
        """The trial balance: per currency the sum of posted debits and credits over all accounts,
        and whether each account's stored balances equal the sum of its postings.

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_trial_balance, *out.args)
        return out.json()

    def period_close(self, month: str) -> Any:
        """Closes an accounting period (a CST month, "2026-03"): entries may no longer be dated
        into it (ClosedError), and a BLAKE2b hash over its entries and the previous closed
        period's hash seals it.

        Raises: InvalidError (bad month, or a month not yet over); StateError (already closed);
        FlexworkPermissionError.
        """
        out = OutText()
        self._call(_period_close, text_in(month), *out.args)
        return out.json()

    def period_reopen(self, month: str, reason: str) -> None:
        """Reopens a closed period: an audited administrator's act with a reason (1..500 bytes).

        Raises: StateError (not closed); InvalidError; FlexworkPermissionError (only the
        platform admin).
        """
        self._call(_period_reopen, text_in(month), text_in(reason))

    def period_verify(self, month: str) -> None:
        """Recomputes a closed period's hash and compares it with the sealed one.

        Raises: CorruptError when they differ; StateError when the period is not closed;
        FlexworkPermissionError.
        """
        self._call(_period_verify, text_in(month))

    def worker_income(self, worker_id: int, from_ms: int, to_ms: int) -> Any:
        """Income accounting per worker (R-7.5.c): what was credited to and debited from the
        worker's payable account with effective time in [from_ms, to_ms).

        Raises: NotFoundError (no account for the worker); InvalidError; FlexworkPermissionError
        (a worker sees only their own).
        """
        out = OutText()
        self._call(_worker_income, worker_id, from_ms, to_ms, *out.args)
        return out.json()

    def export(self, format: int, from_ms: int, to_ms: int) -> str:
        """Exports the posted journal with effective time in [from_ms, to_ms), ordered by effective
        time and id, so that an independent tool recomputes the same balances. Accounts are
        named by the chart-of-accounts mapping (fw_ledger_coa_set()): "<class>:<code>
        <name>:<owner>", class one of assets, liabilities, revenues; owner "platform",
        "enterprise-12" or "worker-7". Amounts are "CNY 1234.56", debits positive. Holds
        (pending) are not in the journal. CSV columns:
        entry_id,date,effective_ms,kind,reason,ref_kind,ref_id,account_id,account_code,
        account_name,owner_kind,owner_id,currency,debit,credit (date in CST, amounts in yuan).

        Raises: InvalidError (format, or from after to); FlexworkPermissionError (readers of the
        whole ledger).
        """
        out = OutText()
        self._call(_export, format, from_ms, to_ms, *out.args)
        return out.text()

    def coa_set(self, record: JSONInput) -> None:
        """Sets the ledger code and name of an account type in the platform's books, e.g.
        {"type":"fee_revenue","code":"6051.01","name":"其他业务收入-服务费"}. Code 1..32 bytes of digits
        and dots; name 1..100 bytes without tabs, ';', ':' or two spaces in a row.

        Raises: InvalidError naming the field; FlexworkPermissionError (admin, finance).
        """
        self._call(_coa_set, *json_in(record))

    def coa_get(self) -> Any:
        """The chart-of-accounts mapping:
        {"accounts":[{"type","type_code","code","name","normal_side"}]}.

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_coa_get, *out.args)
        return out.json()
