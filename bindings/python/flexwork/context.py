"""The context: one open store, its actor, clock, transactions and providers."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import time
import weakref
from ctypes import byref
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterator, Optional, Tuple, Type, Union)

from . import _lib
from . import constants as C
from ._lib import call, text_in
from .errors import FlexworkError, InvalidError, Pending, StateError

if TYPE_CHECKING:
    from .archive import Archive
    from .audit import Audit
    from .contract import Contracts
    from .fee import Fee
    from .funding import Funding
    from .insurance import Insurance
    from .invoice import Invoice
    from .ledger import Ledger
    from .party import Party
    from .payout import Payout
    from .risk import Risk
    from .service import Service
    from .task import Tasks
    from .tax import Tax
    from .training import Training
    from .vault import Vault

__all__ = ["Context", "ModuleAPI", "Handle", "ProviderCallback", "invoke_provider"]

#: A provider callback: the request as a dict in, the reply (dict, list or JSON text) out.
#: It raises :class:`flexwork.Pending` when the answer comes later, may return a negative
#: error code, or raise a :class:`flexwork.FlexworkError` to fail with that error's code.
ProviderCallback = Callable[[Dict[str, Any]], Any]


class ModuleAPI:
    """Base class of one API module's functions bound to a context.

    A subclass names its module, ``class Party(ModuleAPI, module="party")``, and is then
    reachable as ``ctx.party``; its methods call the library through :meth:`_call`, which
    passes the context's handle first and the error out-parameter last.
    """

    _registry: Dict[str, Type["ModuleAPI"]] = {}
    module: str = ""

    def __init_subclass__(cls, module: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if module in ModuleAPI._registry:
            raise TypeError(f"module {module!r} is already bound by {ModuleAPI._registry[module]}")
        cls.module = module
        ModuleAPI._registry[module] = cls

    def __init__(self, ctx: "Context") -> None:
        self._ctx = ctx

    @property
    def context(self) -> "Context":
        """The context these functions run on."""
        return self._ctx

    def _call(self, fn: Callable[..., int], *args: Any, allow: Tuple[int, ...] = ()) -> int:
        """Calls ``fn(ctx, *args, &err)``; see :meth:`Context._call`."""
        return self._ctx._call(fn, *args, allow=allow)

    def _call_new(self, fn: Callable[..., int], out: Any, *args: Any) -> int:
        """Calls a constructor ``fn(&out, ctx, *args, &err)`` (the handle comes first)."""
        handle = self._ctx._require_open()
        return int(self._ctx._run(lambda: call(fn, out, handle, *args)))


class Handle:
    """Base class of an object the library allocates and the caller frees (``fw_contract``,
    ``fw_fee_calc``, ``fw_tax_calc``, ...).

    A subclass sets ``_free`` to the C ``fw_<x>_free`` function and ``_what`` to what it is
    called in messages. The object is freed by :meth:`close`, at the end of a ``with`` block,
    or when collected; calls after that raise :class:`flexwork.StateError`. A handle that
    borrows a context (the C function takes ``fw_ctx *`` and says it must outlive the handle)
    keeps that :class:`Context` alive, and its calls raise StateError once the context is
    closed, so that the library never sees a freed context.
    """

    _free: Any = None
    _what = "handle"

    def __init__(self, ptr: Optional[int], ctx: Optional["Context"] = None) -> None:
        self._ptr = ptr
        self._ctx = ctx

    def close(self) -> None:
        """Frees the library object. Idempotent."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            type(self)._free(ptr)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return not self._ptr

    @property
    def context(self) -> Optional["Context"]:
        """The context the handle borrows, or None."""
        return self._ctx

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def _require(self) -> int:
        if not self._ptr:
            raise StateError(C.ESTATE, f"the {self._what} is closed", "")
        if self._ctx is not None:
            self._ctx._require_open()
        return self._ptr

    def _call(self, fn: Callable[..., int], *args: Any, allow: Tuple[int, ...] = ()) -> int:
        """Calls ``fn(handle, *args, &err)`` and raises on a negative code not in ``allow``."""
        ptr = self._require()
        if self._ctx is None:
            return call(fn, ptr, *args, allow=allow)
        return int(self._ctx._run(lambda: call(fn, ptr, *args, allow=allow)))


def _encode_reply(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def invoke_provider(fn: ProviderCallback,
                    request: bytes) -> Tuple[int, Optional[bytes], Optional[BaseException]]:
    """Runs a Python provider callback on a JSON request.

    Returns ``(code, reply, exception)``: the code the C callback returns, the reply text to
    hand to fw_reply_set (or None), and the exception the callback raised, if any.

    - a dict, list, str or bytes result is the reply, with FW_OK;
    - an int result is returned as the code, without a reply (None is FW_OK without a reply,
      which the library treats as a provider failure);
    - :class:`flexwork.Pending` gives FW_EPENDING, with its ``reply`` when set;
    - a :class:`flexwork.FlexworkError` gives its code; ``TimeoutError`` gives FW_ETIMEOUT;
      any other exception FW_EPROVIDER; KeyboardInterrupt and the like FW_EUSER.
    """
    try:
        result = fn(json.loads(request.decode("utf-8")) if request else {})
        if result is None:
            return C.OK, None, None
        if isinstance(result, bool):
            raise TypeError("a provider callback returns a reply or an error code, not a bool")
        if isinstance(result, int):
            return result, None, None
        return C.OK, _encode_reply(result), None
    except Pending as p:
        return C.EPENDING, (None if p.reply is None else _encode_reply(p.reply)), None
    except FlexworkError as e:
        return e.code, None, e
    except TimeoutError as e:
        return C.ETIMEOUT, None, e
    except Exception as e:  # noqa: BLE001 - nothing may unwind through C
        return C.EPROVIDER, None, e
    except BaseException as e:  # noqa: BLE001
        return C.EUSER, None, e


# kind -> (C setter, struct type, struct version)
_PROVIDERS: Dict[str, Tuple[Any, Any, int]] = {
    "identity": (_lib.fw_ctx_set_identity_provider, _lib.IdentityProvider,
                 C.IDENTITY_PROVIDER_VERSION),
    "payment": (_lib.fw_ctx_set_payment_provider, _lib.PaymentProvider,
                C.PAYMENT_PROVIDER_VERSION),
    "invoice": (_lib.fw_ctx_set_invoice_provider, _lib.InvoiceProvider,
                C.INVOICE_PROVIDER_VERSION),
    "tax": (_lib.fw_ctx_set_tax_provider, _lib.TaxProvider, C.TAX_PROVIDER_VERSION),
}


class Context:
    """An open store: ``Context.open(path, master_key=...)``.

    A context is used by one thread at a time. Close it with :meth:`close` or use it as a
    context manager; it is also closed when garbage-collected. Every call after close
    raises :class:`flexwork.StateError`.

    Module functions are reached as attributes: ``ctx.audit.verify()``,
    ``ctx.vault.shred("worker:17")``, and ``ctx.<module>`` for each module the package binds.
    """

    audit: "Audit"
    vault: "Vault"
    party: "Party"
    contract: "Contracts"
    risk: "Risk"
    ledger: "Ledger"
    fee: "Fee"
    funding: "Funding"
    tax: "Tax"
    training: "Training"
    task: "Tasks"
    archive: "Archive"
    insurance: "Insurance"
    service: "Service"
    payout: "Payout"
    invoice: "Invoice"

    def __init__(self, path: Union[str, "os.PathLike[str]"], master_key: Optional[bytes] = None,
                 passphrase: Optional[str] = None, synchronous: int = C.SYNC_FULL,
                 busy_timeout_ms: int = 0, clock: Optional[Callable[[], int]] = None,
                 create: bool = True) -> None:
        """Opens (by default creating) the store at ``path`` (a file or ``":memory:"``).

        Args:
            master_key: the 32-byte master key, or None to derive one from ``passphrase``.
            passphrase: used when ``master_key`` is None (Argon2id with a per-store salt).
            synchronous: :data:`flexwork.SYNC_FULL` (default) or :data:`flexwork.SYNC_NORMAL`.
            busy_timeout_ms: how long a writer waits for the lock; 0 means 5000.
            clock: a callable returning the time in ms since the epoch (UTC); None uses the
                system clock. It must return an int and should not raise: a reading that
                raises uses the system clock, and the exception is kept in
                :attr:`last_callback_error` (and chained to the call's error, if any).
            create: False fails with NotFoundError when the store does not exist.

        Raises:
            InvalidError: bad options (``.path`` names the option, e.g. ``"opts.master_key"``).
            AuthError: the key does not match the store (nothing is changed).
            VersionError: the store was written by a newer library.
        """
        self._handle: Optional[int] = None
        self._providers: Dict[str, Any] = {}
        self._clock_cb: Any = None
        self.last_callback_error: Optional[BaseException] = None
        self._callback_error: Optional[BaseException] = None

        opts = _lib.OpenOptions()
        _lib.fw_open_options_init(byref(opts), C.OPEN_OPTIONS_VERSION)
        key_buf = None
        if master_key is not None:
            key = bytes(master_key)
            if len(key) != 32:
                raise InvalidError(C.EINVAL,
                                   f"opts.master_key: must be 32 bytes, got {len(key)}",
                                   "opts.master_key")
            key_buf = (ctypes.c_uint8 * 32).from_buffer_copy(key)
            opts.master_key = ctypes.cast(key_buf, ctypes.POINTER(ctypes.c_uint8))
        if passphrase is not None:
            opts.passphrase = passphrase.encode("utf-8")
        opts.synchronous = synchronous
        opts.busy_timeout_ms = busy_timeout_ms
        opts.create = 1 if create else 0
        if clock is not None:
            self._clock_cb = _lib.CLOCK_FN(self._clock_thunk(clock))
            opts.clock = self._clock_cb

        handle = _lib.c_ctx_p()
        try:
            self._run(lambda: call(_lib.fw_ctx_open, byref(handle), os.fsencode(path),
                                   byref(opts)))
        finally:
            if key_buf is not None:
                ctypes.memset(key_buf, 0, 32)
        self._handle = handle.value

    @classmethod
    def open(cls, path: Union[str, "os.PathLike[str]"], master_key: Optional[bytes] = None,
             passphrase: Optional[str] = None, synchronous: int = C.SYNC_FULL,
             busy_timeout_ms: int = 0, clock: Optional[Callable[[], int]] = None,
             create: bool = True) -> "Context":
        """Opens a store; the same as ``Context(...)``."""
        return cls(path, master_key=master_key, passphrase=passphrase, synchronous=synchronous,
                   busy_timeout_ms=busy_timeout_ms, clock=clock, create=create)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the store, rolling back an open host transaction. Idempotent."""
        handle, self._handle = self._handle, None
        if handle:
            _lib.fw_ctx_free(handle)
        self._providers.clear()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle is None

    @property
    def handle(self) -> int:
        """The ``fw_ctx *`` address, for code that calls the C library directly."""
        return self._require_open()

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __getattr__(self, name: str) -> Any:
        cls = ModuleAPI._registry.get(name)
        if cls is None:
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        return cls(self)

    # -- calling the library ----------------------------------------------------------------

    def _require_open(self) -> int:
        if not self._handle:
            raise StateError(C.ESTATE, "the context is closed", "")
        return self._handle

    def _run(self, thunk: Callable[[], Any]) -> Any:
        """Runs one library call; relays an exception a Python callback raised inside it."""
        self._callback_error = None
        try:
            result = thunk()
        except FlexworkError as e:
            cause, self._callback_error = self._callback_error, None
            if cause is not None and not isinstance(cause, Exception):
                raise cause from e  # KeyboardInterrupt, SystemExit: never swallowed
            if cause is not None:
                raise e from cause
            raise
        cause, self._callback_error = self._callback_error, None
        if cause is not None and not isinstance(cause, Exception):
            raise cause  # KeyboardInterrupt, SystemExit: never swallowed
        return result

    def _call(self, fn: Callable[..., int], *args: Any, allow: Tuple[int, ...] = ()) -> int:
        """Calls ``fn(handle, *args, &err)`` and raises on a negative code not in ``allow``.

        An exception raised by a Python callback (clock, provider) during the call is
        chained as the ``__cause__`` of the call's error.
        """
        handle = self._require_open()
        return int(self._run(lambda: call(fn, handle, *args, allow=allow)))

    def _note_callback_error(self, e: BaseException) -> None:
        self._callback_error = e
        self.last_callback_error = e

    # Callback thunks refer to the context weakly: a context must not keep itself alive
    # through its own callbacks, so that dropping the last reference closes it at once.

    def _clock_thunk(self, clock: Callable[[], int]) -> Callable[[Any], int]:
        ref = weakref.ref(self)

        def thunk(_payload: Any) -> int:
            try:
                return int(clock())
            except BaseException as e:  # noqa: BLE001 - nothing may unwind through C
                ctx = ref()
                if ctx is not None:
                    ctx._note_callback_error(e)
                return time.time_ns() // 1_000_000
        return thunk

    # -- transactions -----------------------------------------------------------------------

    def begin(self) -> None:
        """Starts a host transaction grouping many calls (nothing is durable until commit).

        Raises StateError when one is open, BusyError when another writer holds the lock.
        """
        self._call(_lib.fw_ctx_begin)

    def commit(self) -> None:
        """Commits the host transaction. Raises StateError when none is open."""
        self._call(_lib.fw_ctx_commit)

    def rollback(self) -> None:
        """Rolls the host transaction back. Raises StateError when none is open."""
        self._call(_lib.fw_ctx_rollback)

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Context"]:
        """``with ctx.transaction():`` commits when the block ends, rolls back on an exception."""
        self.begin()
        try:
            yield self
        except BaseException:
            with contextlib.suppress(FlexworkError):
                self.rollback()
            raise
        self.commit()

    # -- actor, clock, schema ---------------------------------------------------------------

    def set_actor(self, role: int, party_id: int = 0, name: Optional[str] = None) -> None:
        """Sets the actor every following call runs as.

        Args:
            role: one of ``flexwork.ROLE_*``.
            party_id: the enterprise or worker id for ROLE_ENTERPRISE_USER / ROLE_WORKER; 0
                for platform roles.
            name: who acts, for the audit log (at most 255 bytes).

        Raises InvalidError for an unknown role or a missing or unexpected party_id.
        """
        self._call(_lib.fw_ctx_set_actor, role, party_id, text_in(name))

    def now(self) -> int:
        """The context clock's time in ms since the epoch (UTC)."""
        handle = self._require_open()
        return int(self._run(lambda: _lib.fw_ctx_now(handle)))

    def schema_version(self, module: str) -> int:
        """The schema version of one module ("core", "ledger", ...) in the store; -1 if none."""
        handle = self._require_open()
        return int(_lib.fw_ctx_schema_version(handle, module.encode("utf-8")))

    # -- audit and vault (core modules; see audit.py and vault.py) --------------------------

    def audit_verify(self) -> int:
        """Checks the audit chain; returns 0 when whole. See :meth:`flexwork.audit.Audit.verify`."""
        return self.audit.verify()

    def audit_checkpoint(self) -> Dict[str, Any]:
        """Signs the audit chain's head. See :meth:`flexwork.audit.Audit.checkpoint`."""
        return self.audit.checkpoint()

    def audit_export(self, from_seq: int = 1, to_seq: int = 0) -> str:
        """Exports audit records as JSON text. See :meth:`flexwork.audit.Audit.export`."""
        return self.audit.export(from_seq, to_seq)

    def audit_public_key(self) -> bytes:
        """The platform's Ed25519 public key (32 bytes)."""
        return self.audit.public_key()

    def vault_shred(self, subject: str) -> None:
        """Erases one person's personal data. See :meth:`flexwork.vault.Vault.shred`."""
        self.vault.shred(subject)

    # -- providers --------------------------------------------------------------------------

    def _provider_thunk(self, fn: ProviderCallback) -> Any:
        ref = weakref.ref(self)

        def thunk(req: Optional[int], req_len: int, reply: Optional[int], _payload: Any) -> int:
            request = ctypes.string_at(req, req_len) if req and req_len else b""
            code, out, exc = invoke_provider(fn, request)
            ctx = ref()
            if exc is not None and ctx is not None:
                ctx._note_callback_error(exc)
            if out is not None:
                rc = int(_lib.fw_reply_set(reply, out, len(out)))
                if rc != C.OK:
                    return rc
            return code
        return _lib.PROVIDER_FN(thunk)

    def _set_provider(self, kind: str, version: int,
                      callbacks: Dict[str, Optional[ProviderCallback]]) -> None:
        setter, struct_type, _ = _PROVIDERS[kind]
        if all(cb is None for cb in callbacks.values()):
            self._call(setter, None)
            self._providers.pop(kind, None)
            return
        struct = struct_type()
        struct.version = version
        thunks = {}
        for name, cb in callbacks.items():
            if cb is not None:
                if not callable(cb):
                    raise TypeError(f"{kind} provider callback {name} must be callable")
                thunks[name] = self._provider_thunk(cb)
                setattr(struct, name, thunks[name])
        self._call(setter, byref(struct))
        self._providers[kind] = thunks   # the C side calls these until replaced or closed

    def set_identity_provider(self, verify_person: Optional[ProviderCallback] = None,
                              verify_enterprise: Optional[ProviderCallback] = None, *,
                              version: int = C.IDENTITY_PROVIDER_VERSION) -> None:
        """Registers the real-name verification provider; with no callbacks, removes it.

        Each callback takes the request dict and returns the reply (see
        :data:`ProviderCallback`). Raises VersionError for an unknown struct version.
        """
        self._set_provider("identity", version, {"verify_person": verify_person,
                                                 "verify_enterprise": verify_enterprise})

    def set_payment_provider(self, submit: Optional[ProviderCallback] = None,
                             query: Optional[ProviderCallback] = None, *,
                             version: int = C.PAYMENT_PROVIDER_VERSION) -> None:
        """Registers the payment channel; with no callbacks, removes it."""
        self._set_provider("payment", version, {"submit": submit, "query": query})

    def set_invoice_provider(self, issue: Optional[ProviderCallback] = None,
                             cancel: Optional[ProviderCallback] = None, *,
                             version: int = C.INVOICE_PROVIDER_VERSION) -> None:
        """Registers the e-invoicing service; with no callbacks, removes it."""
        self._set_provider("invoice", version, {"issue": issue, "cancel": cancel})

    def set_tax_provider(self, register_taxpayer: Optional[ProviderCallback] = None,
                         declare: Optional[ProviderCallback] = None,
                         pay: Optional[ProviderCallback] = None,
                         certificate: Optional[ProviderCallback] = None, *,
                         version: int = C.TAX_PROVIDER_VERSION) -> None:
        """Registers the tax bureau; with no callbacks, removes it."""
        self._set_provider("tax", version, {"register_taxpayer": register_taxpayer,
                                            "declare": declare, "pay": pay,
                                            "certificate": certificate})

    def _keep_callback(self, key: str, thunk: Any) -> None:
        """Keeps a C callback a module registered on this context alive until it is replaced
        or the context is closed."""
        self._providers[key] = thunk

    def _registered_callback(self, kind: str, callback: str) -> Any:
        """The C function pointer registered for one provider callback, or None."""
        return self._providers.get(kind, {}).get(callback)
