"""Providers registered from Python: registration, removal, version errors and the way a
Python callback answers the library."""

from __future__ import annotations

import ctypes
import gc

import pytest

import flexwork
from flexwork import _lib
from flexwork import constants as C
from flexwork.context import invoke_provider


class Reply(ctypes.Structure):
    """Mirror of struct fw_reply (lib/core/ctx.h), the buffer the library hands a callback."""
    _fields_ = [("json", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def call_from_c(fn, request: bytes):
    """Calls a registered callback through its C function pointer, as the library does."""
    reply = Reply()
    raw = _lib.PROVIDER_FN(ctypes.cast(fn, ctypes.c_void_p).value)
    rc = raw(request, len(request), ctypes.addressof(reply), None)
    text = ctypes.string_at(reply.json, reply.len).decode() if reply.json else None
    _lib.fw_free(reply.json)
    return rc, text


SETTERS = {
    "identity": ("set_identity_provider", ("verify_person", "verify_enterprise")),
    "payment": ("set_payment_provider", ("submit", "query")),
    "invoice": ("set_invoice_provider", ("issue", "cancel")),
    "tax": ("set_tax_provider", ("register_taxpayer", "declare", "pay", "certificate")),
}


@pytest.mark.parametrize("kind", sorted(SETTERS))
def test_register_and_remove(ctx: flexwork.Context, kind: str) -> None:
    setter, callbacks = SETTERS[kind]
    set_provider = getattr(ctx, setter)
    set_provider(**{name: (lambda req, n=name: {"callback": n, "echo": req}) for name in callbacks})
    for name in callbacks:
        rc, text = call_from_c(ctx._registered_callback(kind, name), b'{"order_id":7}')
        assert rc == C.OK
        assert text == '{"callback":"%s","echo":{"order_id":7}}' % name
    set_provider()
    for name in callbacks:
        assert ctx._registered_callback(kind, name) is None
    set_provider()   # removing twice is fine


@pytest.mark.parametrize("kind", sorted(SETTERS))
@pytest.mark.parametrize("version", [0, 2])
def test_unknown_struct_version(ctx: flexwork.Context, kind: str, version: int) -> None:
    setter, callbacks = SETTERS[kind]
    with pytest.raises(flexwork.VersionError) as e:
        getattr(ctx, setter)(**{callbacks[0]: lambda r: {}}, version=version)
    assert e.value.code == C.EVERSION
    assert e.value.path == "provider.version"
    assert e.value.message == (f"provider.version: the {kind} provider struct version "
                               f"must be 1..1, got {version}")
    assert ctx._registered_callback(kind, callbacks[0]) is None


def test_callbacks_stay_alive_while_registered(ctx: flexwork.Context) -> None:
    def submit(req):
        return {"status": "success", "order_id": req["order_id"]}

    ctx.set_payment_provider(submit=submit)
    del submit
    gc.collect()
    assert call_from_c(ctx._registered_callback("payment", "submit"), b'{"order_id":42}') == (
        C.OK, '{"status":"success","order_id":42}')
    assert ctx._registered_callback("payment", "query") is None


def test_callback_answers() -> None:
    assert invoke_provider(lambda r: {"ok": r["n"] + 1}, b'{"n":1}') == (C.OK, b'{"ok":2}', None)
    assert invoke_provider(lambda r: '{"raw":true}', b"{}") == (C.OK, b'{"raw":true}', None)
    assert invoke_provider(lambda r: {"名称": "示例"}, b"{}") == (
        C.OK, '{"名称":"示例"}'.encode(), None)
    assert invoke_provider(lambda r: C.ETIMEOUT, b"{}") == (C.ETIMEOUT, None, None)
    assert invoke_provider(lambda r: None, b"{}") == (C.OK, None, None)

    def pending(r):
        raise flexwork.Pending({"channel_ref": "B-1"})
    assert invoke_provider(pending, b"{}") == (C.EPENDING, b'{"channel_ref":"B-1"}', None)

    def pending_bare(r):
        raise flexwork.Pending()
    assert invoke_provider(pending_bare, b"{}") == (C.EPENDING, None, None)

    def denied(r):
        raise flexwork.DeniedError(C.EDENIED, "R-5.3: blacklisted")
    code, reply, exc = invoke_provider(denied, b"{}")
    assert (code, reply, type(exc)) == (C.EDENIED, None, flexwork.DeniedError)

    def slow(r):
        raise TimeoutError("bank did not answer")
    code, reply, exc = invoke_provider(slow, b"{}")
    assert (code, reply, str(exc)) == (C.ETIMEOUT, None, "bank did not answer")

    def broken(r):
        return r["missing"]
    code, reply, exc = invoke_provider(broken, b"{}")
    assert (code, reply, type(exc)) == (C.EPROVIDER, None, KeyError)

    def unserialisable(r):
        return {"x": object()}
    code, reply, exc = invoke_provider(unserialisable, b"{}")
    assert (code, reply, type(exc)) == (C.EPROVIDER, None, TypeError)

    def interrupted(r):
        raise KeyboardInterrupt
    code, reply, exc = invoke_provider(interrupted, b"{}")
    assert (code, reply, type(exc)) == (C.EUSER, None, KeyboardInterrupt)


def test_failing_callback_through_c_records_its_exception(ctx: flexwork.Context) -> None:
    def verify_person(req):
        raise RuntimeError("identity service down")

    ctx.set_identity_provider(verify_person=verify_person)
    rc, text = call_from_c(ctx._registered_callback("identity", "verify_person"), b"{}")
    assert (rc, text) == (C.EPROVIDER, None)
    assert str(ctx.last_callback_error) == "identity service down"

    def pending(req):
        raise flexwork.Pending({"ticket": 9})
    ctx.set_identity_provider(verify_person=pending)
    assert call_from_c(ctx._registered_callback("identity", "verify_person"), b"{}") == (
        C.EPENDING, '{"ticket":9}')


def test_non_callable_is_rejected(ctx: flexwork.Context) -> None:
    with pytest.raises(TypeError):
        ctx.set_tax_provider(declare="not callable")
