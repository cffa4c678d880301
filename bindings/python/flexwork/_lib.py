"""Loading libflexwork and calling it.

The library is found, in order, at the path in the environment variable FLEXWORK_LIBRARY,
at ``build/libflexwork.so.1`` of the source checkout this package lives in, or by
``ctypes.util.find_library("flexwork")`` (an installed library).

Every function the binding calls is declared once with :func:`declare`, which sets its
``argtypes`` and ``restype``. The core runtime (errors, memory, version, context, providers)
is declared here; each API module (``audit.py``, ``vault.py``, ``party.py``, ...) declares
its own functions in its own file.

:func:`call` runs a fallible function (one whose last parameter is ``fw_error **err``):
it passes the error out-parameter, and when the return code is negative it reads the code,
message and path, frees the error and raises the matching :class:`~flexwork.FlexworkError`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_char_p, c_int, c_int64, c_size_t,
                    c_uint8, c_uint32, c_void_p)
from pathlib import Path
from typing import Any, Callable, Container, List, Optional, Set, Tuple, Union

from .errors import make_error

__all__ = ["lib", "declared", "declare", "call", "json_in", "text_in", "bytes_in", "key32",
           "take_string", "OutText", "JSONInput", "c_ctx_p", "c_error_pp", "CLOCK_FN",
           "PROVIDER_FN", "OpenOptions", "library_path", "error_from_pointer"]


def _candidates() -> List[str]:
    env = os.environ.get("FLEXWORK_LIBRARY")
    if env:
        return [env]
    paths = []
    checkout = Path(__file__).resolve().parent.parent.parent.parent / "build" / "libflexwork.so.1"
    if checkout.is_file():
        paths.append(str(checkout))
    found = ctypes.util.find_library("flexwork")
    if found:
        paths.append(found)
    return paths


def _load() -> Tuple[ctypes.CDLL, str]:
    tried = _candidates()
    errors = []
    for path in tried:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:  # try the next candidate
            errors.append(f"{path}: {e}")
    raise ImportError("libflexwork not found: set FLEXWORK_LIBRARY to the path of "
                      "libflexwork.so.1, build the checkout (meson setup build && ninja -C build) "
                      "or install the library" + ("; tried " + "; ".join(errors) if errors else ""))


lib, library_path = _load()

# Opaque handles travel as void pointers.
c_ctx_p = c_void_p
c_error_p = c_void_p
c_error_pp = POINTER(c_error_p)


#: The names of every library function the binding declared (the completeness test reads it).
declared: Set[str] = set()


def declare(name: str, restype: Any, *argtypes: Any) -> Any:
    """Declares one library function's prototype and returns it.

    Fallible functions end with ``c_error_pp``; the other arguments use ctypes types
    (``c_ctx_p`` for ``fw_ctx *``, ``c_char_p`` for text, ``c_void_p`` for ``char **``
    out-parameters read with :class:`OutText`).
    """
    fn = getattr(lib, name)
    declared.add(name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


# common.h
fw_error_code = declare("fw_error_code", c_int, c_error_p)
fw_error_message = declare("fw_error_message", c_char_p, c_error_p)
fw_error_path = declare("fw_error_path", c_char_p, c_error_p)
fw_error_free = declare("fw_error_free", None, c_error_p)
fw_strerror = declare("fw_strerror", c_char_p, c_int)
fw_free = declare("fw_free", None, c_void_p)
fw_init = declare("fw_init", c_int)
fw_shutdown = declare("fw_shutdown", None)

# version.h
fw_version = declare("fw_version", c_int, POINTER(c_int), POINTER(c_int), POINTER(c_int))
fw_version_string = declare("fw_version_string", c_char_p)

# ctx.h
CLOCK_FN = CFUNCTYPE(c_int64, c_void_p)


class OpenOptions(Structure):
    """fw_open_options."""
    _fields_ = [
        ("version", c_uint32),
        ("master_key", POINTER(c_uint8)),
        ("passphrase", c_char_p),
        ("synchronous", c_uint32),
        ("busy_timeout_ms", c_uint32),
        ("clock", CLOCK_FN),
        ("clock_payload", c_void_p),
        ("create", c_uint32),
    ]


fw_open_options_init = declare("fw_open_options_init", c_int, POINTER(OpenOptions), c_uint32)
fw_ctx_open = declare("fw_ctx_open", c_int, POINTER(c_ctx_p), c_char_p, POINTER(OpenOptions),
                      c_error_pp)
fw_ctx_free = declare("fw_ctx_free", None, c_ctx_p)
fw_ctx_begin = declare("fw_ctx_begin", c_int, c_ctx_p, c_error_pp)
fw_ctx_commit = declare("fw_ctx_commit", c_int, c_ctx_p, c_error_pp)
fw_ctx_rollback = declare("fw_ctx_rollback", c_int, c_ctx_p, c_error_pp)
fw_ctx_set_actor = declare("fw_ctx_set_actor", c_int, c_ctx_p, c_uint32, c_int64, c_char_p,
                           c_error_pp)
fw_ctx_now = declare("fw_ctx_now", c_int64, c_ctx_p)
fw_ctx_schema_version = declare("fw_ctx_schema_version", c_int, c_ctx_p, c_char_p)

# sys/provider.h
PROVIDER_FN = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p, c_void_p)
fw_reply_set = declare("fw_reply_set", c_int, c_void_p, c_char_p, c_size_t)


def _provider_struct(name: str, callbacks: Tuple[str, ...]) -> type:
    fields = [("version", c_uint32), ("payload", c_void_p)]
    fields += [(cb, PROVIDER_FN) for cb in callbacks]
    return type(name, (Structure,), {"_fields_": fields, "callbacks": callbacks})


IdentityProvider = _provider_struct("IdentityProvider", ("verify_person", "verify_enterprise"))
PaymentProvider = _provider_struct("PaymentProvider", ("submit", "query"))
InvoiceProvider = _provider_struct("InvoiceProvider", ("issue", "cancel"))
TaxProvider = _provider_struct("TaxProvider",
                               ("register_taxpayer", "declare", "pay", "certificate"))

fw_ctx_set_identity_provider = declare("fw_ctx_set_identity_provider", c_int, c_ctx_p,
                                       POINTER(IdentityProvider), c_error_pp)
fw_ctx_set_payment_provider = declare("fw_ctx_set_payment_provider", c_int, c_ctx_p,
                                      POINTER(PaymentProvider), c_error_pp)
fw_ctx_set_invoice_provider = declare("fw_ctx_set_invoice_provider", c_int, c_ctx_p,
                                      POINTER(InvoiceProvider), c_error_pp)
fw_ctx_set_tax_provider = declare("fw_ctx_set_tax_provider", c_int, c_ctx_p,
                                  POINTER(TaxProvider), c_error_pp)


def _text(p: Optional[bytes]) -> str:
    return p.decode("utf-8", "replace") if p else ""


def error_from_pointer(rc: int, err: c_void_p) -> Exception:
    """Builds the exception for a failed call from its fw_error (which may be NULL)."""
    if err:
        code = fw_error_code(err) or rc
        message = _text(fw_error_message(err))
        path = _text(fw_error_path(err))
    else:
        code, message, path = rc, _text(fw_strerror(rc)), ""
    return make_error(code, message or _text(fw_strerror(code)), path)


def call(fn: Callable[..., int], *args: Any, allow: Container[int] = ()) -> int:
    """Calls a fallible library function with ``args`` plus the error out-parameter.

    Returns the function's return code when it is FW_OK, positive, or listed in ``allow``
    (for instance ``FW_ITEROVER`` for an iterator); otherwise frees the error and raises the
    matching exception.
    """
    err = c_error_p()
    rc = fn(*args, byref(err))
    try:
        if rc >= 0 or rc in allow:
            return rc
        raise error_from_pointer(rc, err)
    finally:
        if err:
            fw_error_free(err)


JSONInput = Union[str, bytes, Any]


def json_in(value: JSONInput) -> Tuple[bytes, int]:
    """JSON input as the (text, length) pair of ``const char *json, size_t json_len``.

    A ``str`` or ``bytes`` value is taken as JSON text; anything else (dict, list, ...) is
    serialised with ``json.dumps``.
    """
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8")
    else:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return data, len(data)


def text_in(value: Optional[str]) -> Optional[bytes]:
    """A ``const char *`` argument: UTF-8 bytes, or None for NULL."""
    return None if value is None else value.encode("utf-8")


def bytes_in(value: Union[bytes, bytearray, memoryview, str]) -> Tuple[bytes, int]:
    """Binary input as the (data, length) pair of ``const uint8_t *p, size_t len``."""
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return data, len(data)


def key32(value: Union[bytes, bytearray], name: str) -> Any:
    """A ``const uint8_t key[32]`` argument; raises InvalidError (path ``name``) otherwise."""
    data = bytes(value)
    if len(data) != 32:
        raise make_error(-3, f"{name}: must be 32 bytes, got {len(data)}", name)
    return (c_uint8 * 32).from_buffer_copy(data)


def take_string(ptr: c_void_p) -> str:
    """Reads a NUL-terminated ``char *`` result and frees it with fw_free."""
    if not ptr:
        return ""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        fw_free(ptr)


class OutText:
    """A ``char **out_json, size_t *out_len`` pair.

    Pass ``*out.args`` to the call; then :meth:`text`, :meth:`json` or :meth:`data` reads the
    result and frees the library's buffer with fw_free (once; later reads return the cached
    value).
    """

    def __init__(self) -> None:
        self._ptr = c_void_p()
        self._len = c_size_t()
        self._data: Optional[bytes] = None

    @property
    def args(self) -> Tuple[Any, Any]:
        return byref(self._ptr), byref(self._len)

    @property
    def present(self) -> bool:
        """True when the library set the output (some calls set it on failure too)."""
        return bool(self._ptr) or self._data is not None

    def data(self) -> bytes:
        """The result as bytes (for binary outputs such as documents)."""
        if self._data is None:
            if not self._ptr:
                return b""
            try:
                self._data = ctypes.string_at(self._ptr, self._len.value)
            finally:
                fw_free(self._ptr)
                self._ptr = c_void_p()
        return self._data

    def text(self) -> str:
        return self.data().decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.text())

    def __del__(self) -> None:  # a result never read is still freed
        if self._ptr:
            fw_free(self._ptr)
            self._ptr = c_void_p()

