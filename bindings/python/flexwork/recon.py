"""Reconciliation (include/flexwork/recon.h)."""

from __future__ import annotations

import ctypes
import io
from ctypes import (CFUNCTYPE, POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32,
                    c_void_p)
from typing import Any, BinaryIO, Callable, Optional, Tuple, Union

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import Handle, ModuleAPI

__all__ = ["Reconciliation", "Recon", "StatementReader", "RECON_MATCHED",
           "RECON_MISSING_IN_LEDGER", "RECON_MISSING_IN_STATEMENT", "RECON_AMOUNT_DIFFERS",
           "RECON_DUPLICATE", "RECON_LATE", "RECON_OUTCOME_COUNT", "RECON_RULE_REFERENCE",
           "RECON_RULE_AMOUNT_DATE", "RECON_RULE_ONE_TO_MANY", "RECON_RULE_MANY_TO_ONE",
           "RECON_RULE_FUNDING", "RECON_RULE_ADJUSTMENT", "RECON_CASE_OPEN",
           "RECON_CASE_INVESTIGATING", "RECON_CASE_RESOLVED_ADJUSTMENT",
           "RECON_CASE_RESOLVED_TIMING", "RECON_CASE_WRITTEN_OFF", "RECON_CASE_FEE_DIFFERENCE",
           "RECON_ADJ_PROPOSED", "RECON_ADJ_POSTED", "RECON_ADJ_REJECTED", "RECON_FEE_OPEN_CASES",
           "RECON_FILE_CSV", "RECON_FILE_JSON"]

# Constants of include/flexwork/recon.h. Values are pinned.
RECON_MATCHED = 1
RECON_MISSING_IN_LEDGER = 2
RECON_MISSING_IN_STATEMENT = 3
RECON_AMOUNT_DIFFERS = 4
RECON_DUPLICATE = 5
RECON_LATE = 6
RECON_OUTCOME_COUNT = 6
RECON_RULE_REFERENCE = 1
RECON_RULE_AMOUNT_DATE = 2
RECON_RULE_ONE_TO_MANY = 3
RECON_RULE_MANY_TO_ONE = 4
RECON_RULE_FUNDING = 5
RECON_RULE_ADJUSTMENT = 6
RECON_CASE_OPEN = 1
RECON_CASE_INVESTIGATING = 2
RECON_CASE_RESOLVED_ADJUSTMENT = 3
RECON_CASE_RESOLVED_TIMING = 4
RECON_CASE_WRITTEN_OFF = 5
RECON_CASE_FEE_DIFFERENCE = 7
RECON_ADJ_PROPOSED = 1
RECON_ADJ_POSTED = 2
RECON_ADJ_REJECTED = 3
RECON_FEE_OPEN_CASES = 1
RECON_FILE_CSV = 1
RECON_FILE_JSON = 2

_import_file = declare("fw_recon_import_file", c_int, c_ctx_p, POINTER(c_int64), c_char_p,
                       c_char_p, c_size_t, c_error_pp)
_statement_get = declare("fw_recon_statement_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                         POINTER(c_size_t), c_error_pp)
_profile_set = declare("fw_recon_profile_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_profile_get = declare("fw_recon_profile_get", c_int, c_ctx_p, c_char_p, POINTER(c_void_p),
                       POINTER(c_size_t), c_error_pp)
_recon_id = declare("fw_recon_id", c_int64, c_void_p)
_recon_outcome = declare("fw_recon_outcome", c_int, c_void_p, c_uint32, POINTER(c_int64),
                         POINTER(c_int64), c_error_pp)
_recon_summary = declare("fw_recon_summary", c_int, c_void_p, POINTER(c_void_p), POINTER(c_size_t),
                         c_error_pp)
_recon_results = declare("fw_recon_results", c_int, c_void_p, c_uint32, c_size_t, c_size_t,
                         POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_run_get = declare("fw_recon_run_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                   POINTER(c_size_t), c_error_pp)
_case_get = declare("fw_recon_case_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                    POINTER(c_size_t), c_error_pp)
_case_list = declare("fw_recon_case_list", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                     POINTER(c_size_t), c_error_pp)
_case_act = declare("fw_recon_case_act", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_adjust_propose = declare("fw_recon_adjust_propose", c_int, c_ctx_p, POINTER(c_int64), c_int64,
                          c_char_p, c_size_t, c_error_pp)
_adjust_approve = declare("fw_recon_adjust_approve", c_int, c_ctx_p, c_int64, c_char_p,
                          POINTER(c_int64), c_error_pp)
_adjust_reject = declare("fw_recon_adjust_reject", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_fee_check = declare("fw_recon_fee_check", c_int, c_ctx_p, c_int64, c_int64, c_int64, c_uint32,
                     POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_file = declare("fw_recon_file", c_int, c_ctx_p, c_int64, c_char_p, c_uint32, POINTER(c_void_p),
                POINTER(c_size_t), c_error_pp)
_file_index = declare("fw_recon_file_index", c_int, c_ctx_p, c_int64, c_char_p, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
#: A statement reader: ``read(size)`` returns at most size bytes, b"" at the end.
StatementReader = Callable[[int], bytes]

_READ_FN = CFUNCTYPE(c_int64, c_void_p, c_void_p, c_size_t)
_import = declare("fw_recon_import", c_int, c_ctx_p, POINTER(c_int64), _READ_FN, c_void_p,
                  c_char_p, c_size_t, c_error_pp)
_run = declare("fw_recon_run", c_int, POINTER(c_void_p), c_ctx_p, c_int64, c_char_p, c_size_t,
               c_error_pp)
_recon_free = declare("fw_recon_free", None, c_void_p)


class Reconciliation(ModuleAPI, module="recon"):
    """Reconciliation: ``ctx.recon``."""

    def import_(self, source: Union[StatementReader, BinaryIO, bytes],
                options: JSONInput) -> int:
        """Imports a statement from a stream, in one transaction; returns the statement's id.
        ``source`` is the statement's bytes, a binary file object, or a callable
        ``read(size) -> bytes`` returning b"" at the end. ``options`` {"format":"csv"|
        "camt053", "profile", "encoding", "account", "opening_fen", "closing_fen",
        "currency"} (docs/api/recon.md).

        Raises: InvalidError for bad options (path "$.field") or a bad file (the message names
        the line and column); ExistsError when the same file was imported before;
        NotFoundError for an unknown profile; UserError when reading fails (the exception is
        the error's ``__cause__``; nothing is kept); FlexworkPermissionError.
        """
        if isinstance(source, (bytes, bytearray, memoryview)):
            read: StatementReader = io.BytesIO(bytes(source)).read
        elif callable(source):
            read = source
        else:
            read = source.read
        ctx = self.context

        def thunk(_payload: Any, buf: int, size: int) -> int:
            try:
                data = read(size)
                if not data:
                    return 0
                data = bytes(data)[:size]
                ctypes.memmove(buf, data, len(data))
                return len(data)
            except BaseException as e:  # noqa: BLE001 - nothing may unwind through C
                ctx._note_callback_error(e)
                return -1

        out = c_int64()
        self._call(_import, byref(out), _READ_FN(thunk), None, *json_in(options))
        return out.value

    def run(self, statement_id: int, options: Optional[JSONInput] = None) -> "Recon":
        """Reconciles a statement against the ledger's bank-clearing account; ``options``
        {"dry_run", "feed_funding", "rules":[...]} (docs/api/recon.md), None for {}.

        Raises: InvalidError naming the field; NotFoundError (no statement); StateError when
        the statement already has a recorded run; FlexworkPermissionError; funding's and the
        ledger's errors while feeding.
        """
        ptr = c_void_p()
        self._call_new(_run, byref(ptr), statement_id,
                       *(json_in(options) if options is not None else (None, 0)))
        return Recon(ptr.value, self.context)

    def import_file(self, path: str, options: JSONInput) -> int:
        """As fw_recon_import(), reading the file at path.

        Raises: as fw_recon_import(); FlexworkIOError when the file cannot be opened or read.
        """
        out = c_int64()
        self._call(_import_file, byref(out), text_in(path), *json_in(options))
        return out.value

    def statement_get(self, statement_id: int) -> Any:
        """A statement as JSON: {"id","format","profile","account","currency","hash","lines",
        "from_ms","to_ms","opening_fen","closing_fen"(null when unknown),"in_fen","out_fen",
        "imported_ms","run_id"(the recorded run, or null)}.

        Raises: NotFoundError; FlexworkPermissionError (platform staff).
        """
        out = OutText()
        self._call(_statement_get, statement_id, *out.args)
        return out.json()

    def profile_set(self, record: JSONInput) -> None:
        """Adds or replaces a host CSV profile.

        Raises: InvalidError naming the field; FlexworkPermissionError (admin, finance).
        """
        self._call(_profile_set, *json_in(record))

    def profile_get(self, name: str) -> Any:
        """A profile (shipped or host) as JSON, in the shape fw_recon_profile_set() takes.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_profile_get, text_in(name), *out.args)
        return out.json()

    def run_get(self, run_id: int) -> Any:
        """A recorded run's summary (as fw_recon_summary()).

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_run_get, run_id, *out.args)
        return out.json()

    def case_get(self, case_id: int) -> Any:
        """An error case with its history and adjustments:
        {"id","run_id"|null,"kind":"missing_in_ledger"|
        ...|"fee_difference","state":"open"|"investigating"|"resolved_adjustment"|"resolved_timing"|
        "written_off","amount_fen","line_id"|null,"entry_id"|null,"enterprise_id"|null,"summary",
        "created_ms","events":[{"at_ms","actor","role","action","from","to","note"}],
        "adjustments":[{"id","state","proposed_by","approved_by","entry_id","postings":[...]}]}.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_case_get, case_id, *out.args)
        return out.json()

    def case_list(self, query: Optional[JSONInput] = None) -> Any:
        """Error cases, newest first.

        Raises: InvalidError naming the field; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_case_list, *(json_in(query) if query is not None else (None, 0)), *out.args)
        return out.json()

    def case_act(self, case_id: int, record: JSONInput) -> None:
        """Works on an error case (R-7.9.c).

        Raises: InvalidError naming the field; NotFoundError; StateError (the case is resolved,
        or the action does not apply to its state); FlexworkPermissionError (admin, operator,
        finance).
        """
        self._call(_case_act, case_id, *json_in(record))

    def adjust_propose(self, case_id: int, record: JSONInput) -> int:
        """Proposes an adjustment (调账) for an open or investigating case (R-7.9.d): a journal entry
        that is posted only when another person approves it.

        Raises: InvalidError naming the field (unbalanced postings, unknown account);
        NotFoundError; StateError (case resolved, or it has a proposal waiting); ConflictError
        (key reused with a different request); FlexworkPermissionError (admin, operator,
        finance; the actor must have a name).
        """
        out = c_int64()
        self._call(_adjust_propose, byref(out), case_id, *json_in(record))
        return out.value

    def adjust_approve(self, adjustment_id: int, note: Optional[str] = None) -> int:
        """Approves a proposed adjustment: posts its entry through the ledger (ref_kind
        "recon_case") and resolves the case by adjustment. Four eyes: the approver's name must
        differ from the proposer's.

        Raises: NotFoundError; StateError (not proposed any more); DeniedError when the approver
        is the proposer; FundsError / ClosedError from the ledger; FlexworkPermissionError
        (admin, finance; named actor). On failure nothing is changed.
        """
        out = c_int64()
        self._call(_adjust_approve, adjustment_id, text_in(note), byref(out))
        return out.value

    def adjust_reject(self, adjustment_id: int, note: str) -> None:
        """Rejects a proposed adjustment (the case stays as it was).

        Raises: InvalidError; NotFoundError; StateError; FlexworkPermissionError (admin,
        finance).
        """
        self._call(_adjust_reject, adjustment_id, text_in(note))

    def fee_check(self, from_ms: int, to_ms: int, enterprise_id: int, flags: int) -> Any:
        """Service-fee check (R-7.9.b): recomputes every fee booked with effective time in
        [from_ms, to_ms) from the fee schedule in force when it was charged (of the versions
        valid on the entry's date, the newest that existed when the entry was written), and
        compares.

        Raises: InvalidError (from after to, unknown flags); FlexworkPermissionError (admin,
        finance, auditor, system; RECON_FEE_OPEN_CASES not for the auditor).
        """
        out = OutText()
        self._call(_fee_check, from_ms, to_ms, enterprise_id, flags, *out.args)
        return out.json()

    def file(self, enterprise_id: int, period: str, format: int) -> str:
        """An enterprise's reconciliation file for a CST day ("2026-03-15") or month ("2026-03")
        (R-7.9.a): every movement on its accounts in sections orders, fees, taxes, funding,
        other, and per account the balance movement (opening, debits, credits, closing). JSON:
        {"enterprise_id","period","from_ms","to_ms","items":[{"section","entry_id",
        "effective_ms","date","reason","ref_kind","ref_id","account_id","account_type","amount_fen"
        (on the account's normal side: + increases it)}],"totals":{"orders_fen",...},
        "balances":[{"account_id","account_type","opening_fen","debits_fen","credits_fen",
        "closing_fen"}]}. CSV:
        section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,amount,opening,closing
        (amounts in yuan): one row per item, then one "balance" row per account whose amount is
        the period's net movement and whose opening and closing columns are filled.

        Raises: InvalidError (period, format); FlexworkPermissionError (an enterprise user gets
        only its own).
        """
        out = OutText()
        self._call(_file, enterprise_id, text_in(period), format, *out.args)
        return out.text()

    def file_index(self, enterprise_id: int, month: str) -> Any:
        """Which reconciliation files a month has for an enterprise: {"enterprise_id","month",
        "days":[{"date":"2026-03-15","entries":int,"in_fen","out_fen"}]}.

        Raises: InvalidError; FlexworkPermissionError (an enterprise user gets only its own).
        """
        out = OutText()
        self._call(_file_index, enterprise_id, text_in(month), *out.args)
        return out.json()


class Recon(Handle):
    """One reconciliation run over one statement (``fw_recon``), from ``ctx.recon.run(...)``.
    It reads the statement's lines through its context when results are listed: it keeps the
    :class:`Context` alive, and its calls raise StateError once the context is closed. Close
    it (or use ``with``).
    """

    _free = _recon_free
    _what = "reconciliation run"

    def id(self) -> int:
        """The recorded run's id, or 0 for a dry run."""
        return int(_recon_id(self._require()))

    def outcome(self, outcome: int) -> Tuple[int, int]:
        """Count and sum of one outcome (RECON_*) in the run: lines for statement-side outcomes,
        records for RECON_MISSING_IN_STATEMENT; sums in fen, signed (money in > 0). Returns
        (count, sum_fen).

        Raises: InvalidError for an unknown outcome.
        """
        count = c_int64()
        sum_fen = c_int64()
        self._call(_recon_outcome, outcome, byref(count), byref(sum_fen))
        return count.value, sum_fen.value

    def summary(self) -> Any:
        """The run's summary: {"run_id"|null,"statement_id","dry_run","lines","records",
        "outcomes":{"matched":{"count","sum_fen"},...},"funding_fed":int,
        "balance":{"opening_fen","movements_fen","closing_fen","statement_consistent":bool|null,
        "ledger_opening_fen","ledger_fen" (bank clearing at the statement's start and end),
        "difference_fen" (closing - ledger),"opening_difference_fen","explained_fen" (by the
        unmatched and differing
        items),"unexplained_fen"},"cases_opened":int,"cases_resolved_timing":int}.

        Raises: InvalidError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_recon_summary, *out.args)
        return out.json()

    def results(self, outcome: int = 0, offset: int = 0, limit: int = 1000) -> Any:
        """The run's results, one item per statement line and per unmatched ledger record, in line
        order then record order:
        {"results":[{"outcome":"matched"|...,"rule":"reference"|...|null,
        "line":{"id","seq","booked_ms","amount_fen","reference","bank_txn_id"}|null,"entry_ids":[...],
        "ledger_fen":int|null,"difference_fen":int,"group":int|null}],"total":int}.

        Raises: InvalidError.
        """
        out = OutText()
        self._call(_recon_results, outcome, offset, limit, *out.args)
        return out.json()
