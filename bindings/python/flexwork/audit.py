"""Audit log (include/flexwork/audit.h): verification, signed checkpoints, offline export.

This file is also the pattern every API module follows: declare the module's C functions
with :func:`flexwork._lib.declare`, bind them in a :class:`~flexwork.context.ModuleAPI`
subclass named after the module (reachable as ``ctx.audit``), and put functions that need
no context at module level.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint8
from typing import Any, Dict, Optional, Union

from ._lib import OutText, c_ctx_p, c_error_pp, call, declare, json_in
from .context import ModuleAPI
from .errors import CorruptError

__all__ = ["Audit", "verify_export"]

_verify = declare("fw_audit_verify", c_int, c_ctx_p, POINTER(c_int64), c_error_pp)
_checkpoint = declare("fw_audit_checkpoint", c_int, c_ctx_p, POINTER(ctypes.c_void_p),
                      POINTER(c_size_t), c_error_pp)
_export = declare("fw_audit_export", c_int, c_ctx_p, c_int64, c_int64, POINTER(ctypes.c_void_p),
                  POINTER(c_size_t), c_error_pp)
_verify_export = declare("fw_audit_verify_export", c_int, c_char_p, c_size_t, POINTER(c_uint8),
                         POINTER(c_int64), c_error_pp)
_public_key = declare("fw_audit_public_key", c_int, c_ctx_p, POINTER(c_uint8), c_error_pp)


class Audit(ModuleAPI, module="audit"):
    """The audit log of a context: ``ctx.audit``."""

    def verify(self) -> int:
        """Walks the whole hash chain; returns 0 when every link verifies.

        Raises:
            CorruptError: a record was changed behind the library's back; ``first_bad`` is
                the sequence number of the first record that does not verify.
            FlexworkPermissionError: the actor may not read the log.
        """
        first_bad = c_int64(0)
        try:
            self._call(_verify, byref(first_bad))
        except CorruptError as e:
            e.first_bad = first_bad.value
            raise
        return first_bad.value

    def checkpoint(self) -> Dict[str, Any]:
        """Signs the chain's head with the platform key and stores the checkpoint.

        Returns ``{"seq", "hash", "at_ms", "public_key", "signature"}`` (hex strings).
        Raises StateError when the log is empty, FlexworkPermissionError.
        """
        out = OutText()
        self._call(_checkpoint, *out.args)
        result: Dict[str, Any] = out.json()
        return result

    def export(self, from_seq: int = 1, to_seq: int = 0) -> str:
        """Exports records ``from_seq..to_seq`` (0: through the newest checkpoint) with the
        checkpoint covering them, as JSON text for :func:`verify_export`.

        Raises StateError when no checkpoint covers ``to_seq``.
        """
        out = OutText()
        self._call(_export, from_seq, to_seq, *out.args)
        return out.text()

    def public_key(self) -> bytes:
        """The platform's Ed25519 public key (32 bytes) that signs checkpoints."""
        buf = (c_uint8 * 32)()
        self._call(_public_key, buf)
        return bytes(buf)


def verify_export(json_text: Union[str, bytes, Dict[str, Any]],
                  expected_public_key: Optional[bytes] = None) -> int:
    """Verifies an exported audit log without a store; returns 0 when it verifies.

    Args:
        json_text: the export from :meth:`Audit.export` (text, or the parsed dict).
        expected_public_key: the 32-byte key the checkpoint must be signed with; None trusts
            the key inside the export.

    Raises:
        CorruptError: a broken link (``first_bad`` names the first bad record).
        AuthError: a bad signature, or a key other than ``expected_public_key``.
        JSONError, InvalidError: a malformed export (``path`` names the field).
    """
    data, size = json_in(json_text)
    key = None
    if expected_public_key is not None:
        if len(expected_public_key) != 32:
            raise ValueError(f"expected_public_key must be 32 bytes, got {len(expected_public_key)}")
        key = (c_uint8 * 32).from_buffer_copy(bytes(expected_public_key))
    first_bad = c_int64(0)
    try:
        call(_verify_export, data, size, key, byref(first_bad))
    except CorruptError as e:
        e.first_bad = first_bad.value
        raise
    return first_bad.value
