"""Contracts and electronic signatures (include/flexwork/contract.h)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint8, c_uint32, c_void_p
from typing import Any, Optional

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import Handle, ModuleAPI
from .errors import AuthError, CorruptError

__all__ = ["Contracts", "Contract", "CONTRACT_COOPERATION", "CONTRACT_SERVICE",
           "CONTRACT_TAX_AUTHORISATION", "CONTRACT_DRAFT", "CONTRACT_SENT",
           "CONTRACT_PARTIALLY_SIGNED", "CONTRACT_SIGNED", "CONTRACT_TERMINATED",
           "CONTRACT_EXPIRED", "CONTRACT_SUPERSEDED", "TAXREG_PENDING", "TAXREG_REGISTERED",
           "TAXREG_REJECTED"]

# Constants of include/flexwork/contract.h. Values are pinned.
CONTRACT_COOPERATION = 1
CONTRACT_SERVICE = 2
CONTRACT_TAX_AUTHORISATION = 3
CONTRACT_DRAFT = 1
CONTRACT_SENT = 2
CONTRACT_PARTIALLY_SIGNED = 3
CONTRACT_SIGNED = 4
CONTRACT_TERMINATED = 5
CONTRACT_EXPIRED = 6
CONTRACT_SUPERSEDED = 7
TAXREG_PENDING = 1
TAXREG_REGISTERED = 2
TAXREG_REJECTED = 3

_template_add = declare("fw_contract_template_add", c_int, c_ctx_p, c_char_p, c_size_t,
                        POINTER(c_int64), c_error_pp)
_template_get = declare("fw_contract_template_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_contract_id = declare("fw_contract_id", c_int64, c_void_p)
_contract_state = declare("fw_contract_state", c_uint32, c_void_p)
_contract_kind = declare("fw_contract_kind", c_uint32, c_void_p)
_contract_hash = declare("fw_contract_hash", None, c_void_p, POINTER(c_uint8))
_contract_to_json = declare("fw_contract_to_json", c_int, c_void_p, POINTER(c_void_p),
                            POINTER(c_size_t), c_error_pp)
_send = declare("fw_contract_send", c_int, c_ctx_p, c_int64, c_error_pp)
_sign = declare("fw_contract_sign", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, POINTER(c_uint32),
                c_error_pp)
_verify = declare("fw_contract_verify", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                  POINTER(c_size_t), c_error_pp)
_terminate = declare("fw_contract_terminate", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_expire_due = declare("fw_contract_expire_due", c_int, c_ctx_p, POINTER(c_int64), c_error_pp)
_taxreg_request = declare("fw_contract_taxreg_request", c_int, c_ctx_p, c_int64, c_char_p,
                          c_size_t, POINTER(c_uint32), c_error_pp)
_taxreg_complete = declare("fw_contract_taxreg_complete", c_int, c_ctx_p, c_int64, c_char_p,
                           c_size_t, c_error_pp)
_taxreg_get = declare("fw_contract_taxreg_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_create = declare("fw_contract_create", c_int, POINTER(c_void_p), c_ctx_p, c_char_p, c_size_t,
                  c_error_pp)
_load = declare("fw_contract_load", c_int, POINTER(c_void_p), c_ctx_p, c_int64, c_error_pp)
_contract_document = declare("fw_contract_document", None, c_void_p, POINTER(c_char_p),
                             POINTER(c_size_t))
_contract_free = declare("fw_contract_free", None, c_void_p)


class Contracts(ModuleAPI, module="contract"):
    """Contracts and electronic signatures: ``ctx.contract``."""

    def create(self, record: JSONInput) -> "Contract":
        """Creates a contract (state draft) from a template and the parties' current records,
        rendering its document. ``record`` is {"template_id", "enterprise_id"?, "worker_id"?,
        "values"?, "expires"?, "supersedes"?} (docs/api/contract.md).

        Raises: InvalidError naming the field; NotFoundError; DeniedError when a party may
        not contract yet (the message starts with the reason code, e.g.
        "ENTERPRISE_NOT_VERIFIED: "); FlexworkPermissionError.
        """
        ptr = c_void_p()
        self._call_new(_create, byref(ptr), *json_in(record))
        return Contract(ptr.value)

    def load(self, contract_id: int) -> "Contract":
        """Loads a contract.

        Raises: NotFoundError; FlexworkPermissionError (a party reads only its own contracts).
        """
        ptr = c_void_p()
        self._call_new(_load, byref(ptr), contract_id)
        return Contract(ptr.value)

    def template_add(self, record: JSONInput) -> int:
        """Adds a template version.

        Raises: InvalidError (an undeclared placeholder in the body names it); ExistsError for a
        (kind, name, version) already present; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_template_add, *json_in(record), byref(out))
        return out.value

    def template_get(self, template_id: int) -> Any:
        """A template as JSON: id, kind, name, version, body, placeholders, sha256 (of the body).
        """
        out = OutText()
        self._call(_template_get, template_id, *out.args)
        return out.json()

    def send(self, contract_id: int) -> None:
        """Sends a draft to its parties for signing (draft -> sent). StateError unless a draft.
        """
        self._call(_send, contract_id)

    def sign(self, contract_id: int, record: Optional[JSONInput] = None) -> int:
        """Signs as the current actor: a worker signs as themself, an enterprise user as its
        enterprise, an admin or operator as the platform. The actor must be the next signer.

        Raises: InvalidError; NotFoundError; FlexworkPermissionError when the actor is not a
        party; StateError when not sent, already signed by that party, another party must sign
        first, or expired; DeniedError with WORKER_UNDER_16, WORKER_NOT_VERIFIED,
        ENTERPRISE_NOT_VERIFIED, ... when a party may not sign.
        """
        out = c_uint32()
        self._call(_sign, contract_id, *(json_in(record) if record is not None else (None, 0)),
                   byref(out))
        return out.value

    def verify(self, contract_id: int) -> Any:
        """Verifies a contract: the document's SHA-256 against the stored hash, and every
        signature (Ed25519 over the canonical signing text, the signer's registered key, the
        chain of previous-signature hashes). Returns the report {"valid", "document":
        "ok|altered|erased", "signatures":[{..., "ok"}]}; an erased document is reported, not
        an error.

        Raises: CorruptError when the stored document was altered; AuthError when a signature,
        key or chain link fails (the message names the first failing part); both carry the
        report as ``report``. NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        try:
            self._call(_verify, contract_id, *out.args)
        except (CorruptError, AuthError) as e:
            e.report = out.json() if out.present else None
            raise
        return out.json()

    def terminate(self, contract_id: int, reason: str) -> None:
        """Terminates a contract (reason 1..500 bytes). Ending a cooperation agreement in force
        sends the enterprise back to "verified".

        Raises: InvalidError; NotFoundError; StateError when already ended;
        FlexworkPermissionError.
        """
        self._call(_terminate, contract_id, text_in(reason))

    def expire_due(self) -> int:
        """Marks every signed contract whose expiry date has passed as expired (a scheduled job).
        """
        out = c_int64()
        self._call(_expire_due, byref(out))
        return out.value

    def taxreg_request(self, worker_id: int, record: JSONInput) -> int:
        """Requests the tax registration of a worker whose tax-agency authorisation is in force,
        through the tax provider's register_taxpayer ({"worker_id","name","id_number",
        "jurisdiction"} ->
        {"status":"registered","registration_no","registered_on":"YYYY-MM-DD"} or
        {"status":"rejected","reason"}). Without a provider it stays pending for
        fw_contract_taxreg_complete().

        Raises: InvalidError; DeniedError with WORKER_NO_TAX_AUTHORISATION; StateError when
        already registered; ProviderError; FlexworkPermissionError.
        """
        out = c_uint32()
        self._call(_taxreg_request, worker_id, *json_in(record), byref(out))
        return out.value

    def taxreg_complete(self, worker_id: int, record: JSONInput) -> None:
        """An operator completes a pending registration: {"status":"registered"|"rejected",
        "registration_no" (registered), "registered_on":"YYYY-MM-DD" (registered), "reason"
        (rejected)}.

        Raises: InvalidError; NotFoundError; StateError unless pending; FlexworkPermissionError.
        """
        self._call(_taxreg_complete, worker_id, *json_in(record))

    def taxreg_get(self, worker_id: int) -> Any:
        """A worker's tax registration as JSON: worker_id, state, state_name, jurisdiction,
        registration_no (masked unless the actor may see personal data), registered_on, reason,
        authorisation_contract_id, requested_ms, updated_ms.

        Raises: NotFoundError when none was requested; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_taxreg_get, worker_id, *out.args)
        return out.json()


class Contract(Handle):
    """A snapshot of one contract as loaded (``fw_contract``): its id, kind, state, document
    and evidence, from ``ctx.contract.create(...)`` or ``ctx.contract.load(id)``. It does not
    borrow the context. Close it (or use ``with``); calls after close raise StateError.
    """

    _free = _contract_free
    _what = "contract"

    def id(self) -> int:
        """The contract's id."""
        return int(_contract_id(self._require()))

    def state(self) -> int:
        """The CONTRACT_* state at load time."""
        return int(_contract_state(self._require()))

    def kind(self) -> int:
        """The CONTRACT_* kind."""
        return int(_contract_kind(self._require()))

    def hash(self) -> bytes:
        """The SHA-256 of the canonical document bytes."""
        out = (c_uint8 * 32)()
        _contract_hash(self._require(), out)
        return bytes(out)

    def document(self) -> Optional[str]:
        """The canonical document (UTF-8 text), or None when the actor may not read it."""
        doc = c_char_p()
        size = c_size_t()
        _contract_document(self._require(), byref(doc), byref(size))
        if not doc:
            return None
        return ctypes.string_at(doc, size.value).decode("utf-8")

    def to_json(self) -> Any:
        """The contract as JSON: id, kind, state, state_name, template_id, enterprise_id,
        worker_id, document_sha256, signers (in order, with "signed"), signatures (evidence
        records: seq, signer, public_key, signature, signed_ms, intent, consent_sha256,
        prev_sha256, auth_method, ip, user_agent, session_id, actor, minor), created_ms,
        sent_ms, effective_ms, expires_ms, ended_ms, end_reason, supersedes, superseded_by.
        """
        out = OutText()
        self._call(_contract_to_json, *out.args)
        return out.json()
