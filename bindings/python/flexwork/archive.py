"""Archives (include/flexwork/archive.h)."""

from __future__ import annotations

import ctypes
import weakref
from ctypes import (CFUNCTYPE, POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint8,
                    c_uint32, c_void_p)
from typing import Any, Callable, Optional

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, call, declare, json_in, key32, text_in
from . import constants as C
from .context import Context, ModuleAPI
from .errors import FlexworkError

__all__ = ["Archive", "HoldCheck", "ARCHIVE_RECEIVED", "ARCHIVE_KEPT", "ARCHIVE_APPRAISED",
           "ARCHIVE_DESTROYED", "ARCHIVE_BUNDLE_DIR", "ARCHIVE_BUNDLE_TAR"]

# Constants of include/flexwork/archive.h. Values are pinned.
ARCHIVE_RECEIVED = 1
ARCHIVE_KEPT = 2
ARCHIVE_APPRAISED = 3
ARCHIVE_DESTROYED = 4
ARCHIVE_BUNDLE_DIR = 1
ARCHIVE_BUNDLE_TAR = 2

_collect = declare("fw_archive_collect", c_int, c_ctx_p, c_char_p, c_int64, c_error_pp)
_set_directory = declare("fw_archive_set_directory", c_int, c_ctx_p, c_char_p, c_error_pp)
_file = declare("fw_archive_file", c_int, c_ctx_p, c_char_p, c_size_t, c_char_p, c_size_t,
                POINTER(c_int64), c_error_pp)
_arrange = declare("fw_archive_arrange", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_read = declare("fw_archive_read", c_int, c_ctx_p, c_int64, c_char_p, POINTER(c_void_p),
                POINTER(c_size_t), c_error_pp)
_get = declare("fw_archive_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p), POINTER(c_size_t),
               c_error_pp)
_list = declare("fw_archive_list", c_int, c_ctx_p, c_char_p, c_int64, POINTER(c_void_p),
                POINTER(c_size_t), c_error_pp)
_access_log = declare("fw_archive_access_log", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_retention_set = declare("fw_archive_retention_set", c_int, c_ctx_p, c_char_p, c_size_t,
                         c_error_pp)
_retention_list = declare("fw_archive_retention_list", c_int, c_ctx_p, POINTER(c_void_p),
                          POINTER(c_size_t), c_error_pp)
_hold_place = declare("fw_archive_hold_place", c_int, c_ctx_p, c_char_p, c_size_t,
                      POINTER(c_int64), c_error_pp)
_hold_release = declare("fw_archive_hold_release", c_int, c_ctx_p, c_int64, c_error_pp)
_appraise = declare("fw_archive_appraise", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_destroy = declare("fw_archive_destroy", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_destruction_register = declare("fw_archive_destruction_register", c_int, c_ctx_p, c_int64,
                                c_int64, POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_pi_block = declare("fw_archive_pi_block", c_int, c_ctx_p, c_char_p, c_int64, c_char_p, c_size_t,
                    c_error_pp)
_pi_purge = declare("fw_archive_pi_purge", c_int, c_ctx_p, c_char_p, c_int64, c_error_pp)
_stats = declare("fw_archive_stats", c_int, c_ctx_p, c_char_p, POINTER(c_void_p),
                 POINTER(c_size_t), c_error_pp)
_export = declare("fw_archive_export", c_int, c_ctx_p, c_char_p, c_int64, c_char_p, c_uint32,
                  c_char_p, c_error_pp)
_verify_bundle = declare("fw_archive_verify_bundle", c_int, c_char_p, POINTER(c_uint8),
                         POINTER(c_void_p), POINTER(c_size_t), c_error_pp)


class Archive(ModuleAPI, module="archive"):
    """Archives: ``ctx.archive``."""

    def collect(self, party_kind: str, party_id: int) -> None:
        """Files into a party's archive every document the other modules hold for it and the
        archive does not hold yet (R-7.11 automatic filing): the party's verification record;
        for an enterprise its signed cooperation agreements; for a worker its signed service
        agreements and tax-agency authorisations (sealed under the worker's vault key) and its
        tax certificates. Contracts are filed once signed (also after they ended), as JSON
        {"format":"flexwork-signed-contract","version":1,"id","kind","template_id","enterprise_id",
        "worker_id","document_sha256","signers","signatures","document"}. A document whose
        content (BLAKE2b-256) is already in the party's archive, in any state, is not filed
        again, so the call may be repeated at will (after each signing, certificate or
        verification, or on a schedule). Filed documents are RECEIVED, with external_ref
        "contract:<id>", "tax_certificate:<id>" or "verification". One audit record
        "archive.collect" gives the number filed.

        Raises: InvalidError (party_kind, party_id); NotFoundError for an unknown party;
        StateError when the party's personal information is blocked or purged and a personal
        document is due; FlexworkIOError; FlexworkPermissionError (admin, operator, system; the
        actor also reads the contracts and certificates). On failure nothing is filed.
        """
        self._call(_collect, text_in(party_kind), party_id)

    def register_hold_check(self, name: str, fn: HoldCheck) -> None:
        """Registers a hold check on this context (at most 16): asked before a document is
        appraised or destroyed whether something still attached to its party (an open claim,
        an unsettled amount) forbids it; it lasts as long as the context, and other contexts do
        not see it. Registering the same name again replaces it. The check runs inside the
        library's transaction and must not call back into the context. Outcomes: a falsy
        return lets the document go; a text holds it (the call fails with DeniedError naming
        the check and the text); a FlexworkError fails with its code; any other exception with
        ProviderError (the exception is chained as the error's ``__cause__``).

        Raises: InvalidError for an empty name; LimitError when 16 are registered.
        """
        if not callable(fn):
            raise TypeError("a hold check must be callable")
        thunk = _hold_thunk(self.context, fn)
        self._call(_register_hold_check, text_in(name), thunk, None)
        self.context._keep_callback(f"archive.hold_check:{name}", thunk)

    def set_directory(self, path: Optional[str]) -> None:
        """Names the directory where documents filed from now on are kept (created if missing), or
        with None keeps them in the store. Documents already filed stay where they are.

        Raises: InvalidError for an empty or over-long path; FlexworkIOError when the directory
        cannot be created; FlexworkPermissionError (admin only).
        """
        self._call(_set_directory, text_in(path))

    def file(self, record: JSONInput, content: bytes) -> int:
        """Receives a document into its party's archive (creating the archive on first use).

        Raises: InvalidError naming the field; LimitError above ARCHIVE_MAX_CONTENT;
        NotFoundError ($.retention) for an unknown class; StateError when the party's personal
        information is blocked and the document is personal; FlexworkIOError when the directory
        cannot be written; FlexworkPermissionError. On failure nothing is stored.
        """
        out = c_int64()
        self._call(_file, *json_in(record), bytes(content), len(content), byref(out))
        return out.value

    def arrange(self, doc_id: int, record: Optional[JSONInput] = None) -> None:
        """Arranges a received document: classifies it (optionally changing category and title) and
        gives it the next number within its archive. RECEIVED -> KEPT.

        Raises: NotFoundError; StateError when not RECEIVED; InvalidError;
        FlexworkPermissionError.
        """
        self._call(_arrange, doc_id, *(json_in(record) if record is not None else (None, 0)))

    def read(self, doc_id: int, purpose: str) -> bytes:
        """Uses (reads) a document. The read is logged with the actor and the purpose.

        Raises: InvalidError for a missing purpose; NotFoundError; StateError when destroyed, or
        personal and blocked (the message says until when); ShreddedError when purged;
        CorruptError when the content no longer matches its hash; FlexworkPermissionError for
        another party's archive. Nothing is logged on failure.
        """
        out = OutText()
        self._call(_read, doc_id, text_in(purpose), *out.args)
        return out.data()

    def get(self, doc_id: int) -> Any:
        """The catalogue entry of one document: {"id","party_kind","party_id","number","state",
        "category","title","source","retention","received_ms","keep_until_ms" (0 = permanent),
        "personal","hash","size","storage":"store"|"directory","external_ref",
        "appraisal","destroyed_ms"}.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_get, doc_id, *out.args)
        return out.json()

    def list(self, party_kind: str, party_id: int) -> Any:
        """The catalogue of a party's archive: {"party_kind","party_id","pi_blocked":bool,
        "pi_until_ms","documents":[entries as fw_archive_get, in number order]}.

        Raises: InvalidError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_list, text_in(party_kind), party_id, *out.args)
        return out.json()

    def access_log(self, doc_id: int) -> Any:
        """The read log of one document:
        [{"at_ms","actor_role","actor_party","actor_name","purpose"}].

        Raises: NotFoundError; FlexworkPermissionError (platform staff and auditors).
        """
        out = OutText()
        self._call(_access_log, doc_id, *out.args)
        return out.json()

    def retention_set(self, record: JSONInput) -> None:
        """Adds or changes a retention class.

        Raises: InvalidError; FlexworkPermissionError (admin).
        """
        self._call(_retention_set, *json_in(record))

    def retention_list(self) -> Any:
        """The retention classes: [{"code","title","months","basis"}].

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_retention_list, *out.args)
        return out.json()

    def hold_place(self, record: JSONInput) -> int:
        """Places a hold on a party's archive or on one document.

        Raises: InvalidError; NotFoundError for an unknown archive or document;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_hold_place, *json_in(record), byref(out))
        return out.value

    def hold_release(self, hold_id: int) -> None:
        """Releases a hold.

        Raises: NotFoundError; StateError when already released; FlexworkPermissionError.
        """
        self._call(_hold_release, hold_id)

    def appraise(self, doc_id: int, record: JSONInput) -> None:
        """Appraises a document whose retention period has ended.

        Raises: StateError when its period has not ended, it is permanent, or it is not
        RECEIVED/KEPT; DeniedError when a hold applies (the message names it); InvalidError;
        NotFoundError; FlexworkPermissionError.
        """
        self._call(_appraise, doc_id, *json_in(record))

    def destroy(self, doc_id: int, record: JSONInput) -> None:
        """Destroys an APPRAISED document: erases its content (from the store, or its file once no
        other document shares it) and writes the destruction register entry.

        Raises: StateError when not APPRAISED; DeniedError when a hold was placed since;
        InvalidError; NotFoundError; FlexworkPermissionError (admin). A file in the host's
        directory is removed as the call's last step, so a host transaction rolled back later
        cannot restore it.
        """
        self._call(_destroy, doc_id, *json_in(record))

    def destruction_register(self, from_ms: int, to_ms: int) -> Any:
        """The destruction register, destroyed in [from_ms, to_ms) (0, 0 = all):
        [{"id","doc_id","party_kind","party_id","number","category","title","retention","hash",
        "size","appraisal","approver","supervisor","destroyed_ms","actor_name"}].

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_destruction_register, from_ms, to_ms, *out.args)
        return out.json()

    def pi_block(self, party_kind: str, party_id: int, record: JSONInput) -> None:
        """Blocks a party's personal information whose purpose has ended (PIPL art. 47): personal
        documents refuse every use but storage until the legal period ends.

        Raises: InvalidError; NotFoundError when the party has no archive; StateError when
        already purged; FlexworkPermissionError.
        """
        self._call(_pi_block, text_in(party_kind), party_id, *json_in(record))

    def pi_purge(self, party_kind: str, party_id: int) -> None:
        """Purges a blocked party's personal information once its legal period has ended, by
        crypto-shredding the party's vault key ("worker:<id>" / "enterprise:<id>"). Personal
        documents then read as ShreddedError; their catalogue entries remain.

        Raises: StateError when not blocked, or the period has not ended (the message gives the
        date); NotFoundError; FlexworkPermissionError (admin).
        """
        self._call(_pi_purge, text_in(party_kind), party_id)

    def stats(self, period: str) -> Any:
        """Statistics of one CST period: a month "2026-03", a quarter "2026-Q1" or a year "2026":
        {"period","received":{"total","by_category":{},"by_party_kind":{}},"used":{...},
        "destroyed":{...}}. "used" counts logged reads (exports included).

        Raises: InvalidError for a bad period; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_stats, text_in(period), *out.args)
        return out.json()

    def export(self, party_kind: str, party_id: int, path: str, format: int, purpose: str) -> None:
        """Exports a party's archive (documents not destroyed) as a bundle at path, which must not
        exist: documents/NNNNNN-<hash>.bin, manifest.json and manifest.sig (hex Ed25519
        signature of manifest.json by the platform key). The export is a use: each document's
        read is logged with the purpose. Personal documents of a blocked party are refused.

        Raises: InvalidError; ExistsError when path exists; NotFoundError when the party has no
        archive; StateError / ShreddedError as fw_archive_read(); FlexworkIOError;
        FlexworkPermissionError. On failure nothing is logged and a partly written bundle is
        removed.
        """
        self._call(_export, text_in(party_kind), party_id, text_in(path), format, text_in(purpose))



def verify_bundle(path: str, expected_public_key: Optional[bytes] = None) -> Any:
    """Verifies an exported bundle offline: the manifest's Ed25519 signature, and every
    document's size and BLAKE2b-256 hash; no document missing and none added. Returns the
    manifest.

    Args:
        path: a bundle directory or ustar file.
        expected_public_key: 32 bytes, or None to trust the key inside the manifest.

    Raises: AuthError for a bad signature or another key; CorruptError for a missing, added or
    altered document; InvalidError / JSONError for a malformed bundle; FlexworkIOError /
    NotFoundError when it cannot be read.
    """
    key = None if expected_public_key is None else key32(expected_public_key,
                                                          "expected_public_key")
    out = OutText()
    call(_verify_bundle, text_in(path), key, *out.args)
    return out.json()


#: A hold check: ``fn(party_kind, party_id, doc_id, category)`` returns None (or "") when
#: nothing holds the document, or the text of what holds it ("payout order 17 is not
#: settled"); it may raise a :class:`flexwork.FlexworkError` to fail with that code.
HoldCheck = Callable[[str, int, int, str], Optional[str]]

_HOLD_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, c_int64, c_int64, c_char_p, c_void_p, c_size_t,
                     c_void_p)
_register_hold_check = declare("fw_archive_register_hold_check", c_int, c_ctx_p, c_char_p,
                               _HOLD_FN, c_void_p, c_error_pp)


def _hold_thunk(ctx: Context, fn: HoldCheck) -> Any:
    ref = weakref.ref(ctx)

    def thunk(_ctx: Any, party_kind: Optional[bytes], party_id: int, doc_id: int,
              category: Optional[bytes], why: int, why_size: int, _payload: Any) -> int:
        try:
            held = fn((party_kind or b"").decode("utf-8"), party_id, doc_id,
                      (category or b"").decode("utf-8"))
        except BaseException as e:  # noqa: BLE001 - nothing may unwind through C
            owner = ref()
            if owner is not None:
                owner._note_callback_error(e)
            if isinstance(e, FlexworkError):
                return e.code
            return C.EPROVIDER if isinstance(e, Exception) else C.EUSER
        if not held:
            return 0
        text = str(held).encode("utf-8")[:why_size - 1]
        ctypes.memmove(why, text + b"\0", len(text) + 1)
        return 1
    return _HOLD_FN(thunk)
