"""Exceptions raised by the flexwork binding.

Every failing library call raises a subclass of :class:`FlexworkError` chosen by the
error code (``FW_E*`` in ``include/flexwork/errors.h``). The exception carries the code,
the library's message and the JSON path of the offending field (``""`` when the error is
not about one field). Where a Python built-in exception has the same meaning, the class
also derives from it, so ``except ValueError`` catches :class:`InvalidError`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

from . import constants as _c

__all__ = [
    "FlexworkError", "InternalError", "FlexworkMemoryError", "InvalidError", "NotFoundError",
    "ExistsError", "ConflictError", "FlexworkPermissionError", "StateError", "BusyError",
    "FlexworkIOError", "CorruptError", "JSONError", "AuthError", "VersionError",
    "FlexworkOverflowError", "FundsError", "LimitError", "DeniedError", "PendingError",
    "ShreddedError", "ProviderError", "FlexworkTimeoutError", "UserError", "ClosedError",
    "Pending", "error_class", "make_error",
]


class FlexworkError(Exception):
    """A library call failed.

    Attributes:
        code: the library's error code, one of ``flexwork.constants.E*`` (negative).
        message: what was wrong and what is accepted, as the library words it.
        path: the JSON path of the offending input field (``"$.amount_fen"``), or ``""``.
    """

    code: int = _c.ERROR

    def __init__(self, code: int, message: str, path: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, message={self.message!r}, path={self.path!r})"

    def __reduce__(self) -> Any:
        return (type(self), (self.code, self.message, self.path))


class InternalError(FlexworkError):
    """FW_ERROR: an internal error not covered by a more specific code."""
    code = _c.ERROR


class FlexworkMemoryError(FlexworkError, MemoryError):
    """FW_ENOMEM: the library ran out of memory."""
    code = _c.ENOMEM


class InvalidError(FlexworkError, ValueError):
    """FW_EINVAL: an argument or a record field is invalid; ``path`` names the field."""
    code = _c.EINVAL


class NotFoundError(FlexworkError, KeyError):
    """FW_ENOTFOUND: no such record."""
    code = _c.ENOTFOUND


class ExistsError(FlexworkError):
    """FW_EEXISTS: a record with that identity already exists."""
    code = _c.EEXISTS


class ConflictError(FlexworkError):
    """FW_ECONFLICT: an idempotency key was reused with a different request."""
    code = _c.ECONFLICT


class FlexworkPermissionError(FlexworkError):
    """FW_EPERM: the actor may not do this, or no actor is set."""
    code = _c.EPERM


class StateError(FlexworkError):
    """FW_ESTATE: the record's (or the context's) state does not allow this."""
    code = _c.ESTATE


class BusyError(FlexworkError):
    """FW_EBUSY: another writer holds the store past the busy timeout."""
    code = _c.EBUSY


class FlexworkIOError(FlexworkError, OSError):
    """FW_EIO: the store could not be read or written."""
    code = _c.EIO


class CorruptError(FlexworkError):
    """FW_ECORRUPT: the store or an exported log fails its integrity check.

    ``first_bad`` is the sequence number of the first audit record that does not verify
    when the error comes from an audit verification, else 0.
    """
    code = _c.ECORRUPT
    first_bad: int = 0


class JSONError(FlexworkError, ValueError):
    """FW_EJSON: JSON text is malformed or exceeds a size or depth limit."""
    code = _c.EJSON


class AuthError(FlexworkError):
    """FW_EAUTH: wrong master key, or a MAC or signature does not verify."""
    code = _c.EAUTH


class VersionError(FlexworkError):
    """FW_EVERSION: the store or a struct comes from an unknown version."""
    code = _c.EVERSION


class FlexworkOverflowError(FlexworkError, OverflowError):
    """FW_EOVERFLOW: an amount would leave the int64 fen range."""
    code = _c.EOVERFLOW


class FundsError(FlexworkError):
    """FW_EFUNDS: insufficient available balance."""
    code = _c.EFUNDS


class LimitError(FlexworkError):
    """FW_ELIMIT: a configured limit would be exceeded."""
    code = _c.ELIMIT


class DeniedError(FlexworkError):
    """FW_EDENIED: refused by a risk or eligibility rule; the message names the reason."""
    code = _c.EDENIED


class PendingError(FlexworkError):
    """FW_EPENDING: the operation waits on a provider or an operator."""
    code = _c.EPENDING


class ShreddedError(FlexworkError):
    """FW_ESHREDDED: the personal data was erased (its key destroyed)."""
    code = _c.ESHREDDED


class ProviderError(FlexworkError):
    """FW_EPROVIDER: a provider failed or answered something unusable."""
    code = _c.EPROVIDER


class FlexworkTimeoutError(FlexworkError, TimeoutError):
    """FW_ETIMEOUT: a provider did not answer in time."""
    code = _c.ETIMEOUT


class UserError(FlexworkError):
    """FW_EUSER: a host callback asked to stop."""
    code = _c.EUSER


class ClosedError(FlexworkError):
    """FW_ECLOSED: the accounting or tax period is closed."""
    code = _c.ECLOSED


_BY_CODE: Dict[int, Type[FlexworkError]] = {
    cls.code: cls
    for cls in (InternalError, FlexworkMemoryError, InvalidError, NotFoundError, ExistsError,
                ConflictError, FlexworkPermissionError, StateError, BusyError, FlexworkIOError,
                CorruptError, JSONError, AuthError, VersionError, FlexworkOverflowError,
                FundsError, LimitError, DeniedError, PendingError, ShreddedError, ProviderError,
                FlexworkTimeoutError, UserError, ClosedError)
}


def error_class(code: int) -> Type[FlexworkError]:
    """The exception class raised for a code; :class:`FlexworkError` for an unknown one."""
    return _BY_CODE.get(code, FlexworkError)


def make_error(code: int, message: str, path: str = "") -> FlexworkError:
    """Builds the exception for a code, message and path."""
    return error_class(code)(code, message, path)


class Pending(Exception):
    """Raised by a provider callback whose answer comes later (the call returns FW_EPENDING).

    ``reply`` is an optional JSON-able value passed to the library with the pending answer,
    for instance the channel's own reference of a submitted payment.
    """

    def __init__(self, reply: Optional[Any] = None) -> None:
        super().__init__("the provider's answer will come later")
        self.reply = reply
