"""Core: version, constants, opening a store, actors, the clock, transactions, lifetime."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

import flexwork
from flexwork import constants as C

from conftest import CLOCK_START, MASTER_KEY, ROOT, Clock


def c_defines(header: str, prefix: str) -> dict:
    """The integer #defines of a public header whose names start with prefix."""
    text = (ROOT / "include" / "flexwork" / header).read_text()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^#define (" + prefix + r"\w*)\s+(-?\d+)\b", text, re.M)}


def test_version_agrees_with_c_macros() -> None:
    macros = c_defines("version.h", "FW_VERSION_")
    text = (ROOT / "include" / "flexwork" / "version.h").read_text()
    string = re.search(r'#define FW_VERSION_STRING "([^"]+)"', text).group(1)
    major, minor, patch = macros["FW_VERSION_MAJOR"], macros["FW_VERSION_MINOR"], macros["FW_VERSION_PATCH"]
    assert flexwork.version() == (major, minor, patch)
    assert flexwork.version_string() == string == f"{major}.{minor}.{patch}"
    assert flexwork.version_number() == major * 10000 + minor * 100 + patch
    assert flexwork.__version__ == string


def test_error_codes_agree_with_errors_h() -> None:
    codes = c_defines("errors.h", "FW_")
    assert len(codes) == 26
    for name, value in codes.items():
        assert getattr(C, name[3:]) == value, name


def test_roles_and_options_agree_with_ctx_h() -> None:
    defines = c_defines("ctx.h", "FW_")
    roles = {k: v for k, v in defines.items() if k.startswith("FW_ROLE_")}
    assert len(roles) == 12
    for name, value in roles.items():
        assert getattr(C, name[3:]) == value, name
    assert (C.SYNC_FULL, C.SYNC_NORMAL) == (defines["FW_SYNC_FULL"], defines["FW_SYNC_NORMAL"])
    assert C.OPEN_OPTIONS_VERSION == defines["FW_OPEN_OPTIONS_VERSION"]
    versions = c_defines("sys/provider.h", "FW_")
    assert C.IDENTITY_PROVIDER_VERSION == versions["FW_IDENTITY_PROVIDER_VERSION"]
    assert C.PAYMENT_PROVIDER_VERSION == versions["FW_PAYMENT_PROVIDER_VERSION"]
    assert C.INVOICE_PROVIDER_VERSION == versions["FW_INVOICE_PROVIDER_VERSION"]
    assert C.TAX_PROVIDER_VERSION == versions["FW_TAX_PROVIDER_VERSION"]


def test_strerror() -> None:
    assert flexwork.strerror(C.OK) == "FW_OK: success"
    assert flexwork.strerror(C.EINVAL) == "FW_EINVAL: invalid argument"
    assert flexwork.strerror(C.EAUTH) == "FW_EAUTH: key, MAC or signature does not verify"
    assert flexwork.strerror(C.ITEROVER) == "FW_ITEROVER: no more items"
    assert flexwork.strerror(-999) == "unknown error code"


def store_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_open_creates_store_with_core_schema(store_path: str, clock: Clock) -> None:
    with flexwork.Context.open(store_path, master_key=MASTER_KEY, clock=clock) as ctx:
        assert not ctx.closed
        assert ctx.schema_version("core") == max(
            int(p.name[:3]) for p in (ROOT / "lib" / "core" / "sql").glob("[0-9][0-9][0-9]_*.sql"))
        assert ctx.schema_version("no-such-module") == -1
    assert ctx.closed
    # The injected clock stamped the migration.
    with sqlite3.connect(store_path) as db:
        assert db.execute("SELECT applied_ms FROM fw_schema WHERE module='core'").fetchone() == (CLOCK_START,)


def test_wrong_master_key_is_auth_error_and_changes_nothing(store_path: str) -> None:
    flexwork.Context.open(store_path, master_key=MASTER_KEY).close()
    before = store_digest(store_path)
    with pytest.raises(flexwork.AuthError) as e:
        flexwork.Context.open(store_path, master_key=b"\x01" * 32)
    assert e.value.code == C.EAUTH == -13
    assert e.value.message == "opts.master_key: the master key does not match this store"
    assert str(e.value) == e.value.message
    assert e.value.path == "opts.master_key"
    assert store_digest(store_path) == before
    flexwork.Context.open(store_path, master_key=MASTER_KEY).close()


def test_passphrase_store(store_path: str) -> None:
    flexwork.Context.open(store_path, passphrase="correct horse").close()
    with pytest.raises(flexwork.AuthError) as e:
        flexwork.Context.open(store_path, passphrase="wrong horse")
    assert (e.value.path, e.value.message) == (
        "opts.passphrase", "opts.passphrase: the master key does not match this store")
    with pytest.raises(flexwork.AuthError) as e:
        flexwork.Context.open(store_path, master_key=MASTER_KEY)
    assert e.value.message == ("opts.master_key: this store was created with a passphrase; "
                               "open it with opts.passphrase")
    flexwork.Context.open(store_path, passphrase="correct horse").close()


def test_bad_options_are_invalid_error() -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.Context.open(":memory:")
    assert isinstance(e.value, ValueError)
    assert e.value.code == C.EINVAL
    assert e.value.path == "opts.master_key"
    assert e.value.message == ("opts.master_key: a 32-byte master key or a non-empty "
                               "opts.passphrase is required")
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.Context.open(":memory:", master_key=MASTER_KEY, synchronous=7)
    assert (e.value.path, e.value.message) == (
        "opts.synchronous", "opts.synchronous: must be FW_SYNC_FULL (0) or FW_SYNC_NORMAL (1), got 7")
    with pytest.raises(flexwork.InvalidError) as e:
        flexwork.Context.open(":memory:", master_key=b"short")
    assert (e.value.path, e.value.message) == ("opts.master_key",
                                               "opts.master_key: must be 32 bytes, got 5")


def test_missing_store_without_create_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(flexwork.NotFoundError) as e:
        flexwork.Context.open(path, master_key=MASTER_KEY, create=False)
    assert isinstance(e.value, KeyError)
    assert e.value.code == C.ENOTFOUND
    assert e.value.message.startswith(f"cannot open store '{path}': ")
    assert not path.exists()


def test_no_actor_is_permission_error() -> None:
    with flexwork.Context.open(":memory:", master_key=MASTER_KEY) as ctx:
        with pytest.raises(flexwork.FlexworkPermissionError) as e:
            ctx.audit_verify()
        assert e.value.code == C.EPERM
        assert e.value.message == ("audit.verify: no actor is set on the context; "
                                   "call fw_ctx_set_actor() first")


def test_set_actor(ctx: flexwork.Context) -> None:
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.set_actor(12)
    assert (e.value.path, e.value.message) == ("role", "role: must be one of FW_ROLE_* (1..11), got 12")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.set_actor(flexwork.ROLE_WORKER)
    assert (e.value.path, e.value.message) == (
        "party_id", "party_id: an enterprise user or worker actor needs its party id, got 0")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.set_actor(flexwork.ROLE_ADMIN, party_id=3)
    assert e.value.message == "party_id: platform roles take party_id 0, got 3"
    # A worker may not read the audit log; the auditor may.
    ctx.set_actor(flexwork.ROLE_WORKER, party_id=17, name="张三")
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.audit_verify()
    ctx.set_actor(flexwork.ROLE_AUDITOR, name="auditor")
    assert ctx.audit_verify() == 0


def test_shred_unknown_subject_is_not_found(ctx: flexwork.Context) -> None:
    with pytest.raises(flexwork.NotFoundError) as e:
        ctx.vault_shred("worker:17")
    assert (e.value.code, e.value.path, e.value.message) == (
        C.ENOTFOUND, "subject", "subject: worker:17 has no personal data in the vault")
    with pytest.raises(flexwork.InvalidError) as e:
        ctx.vault.shred("")
    assert e.value.path == "subject"
    ctx.set_actor(flexwork.ROLE_OPERATOR)
    with pytest.raises(flexwork.FlexworkPermissionError):
        ctx.vault_shred("worker:17")


def test_injected_clock(clock: Clock) -> None:
    with flexwork.Context.open(":memory:", master_key=MASTER_KEY, clock=clock) as ctx:
        assert ctx.now() == CLOCK_START
        clock.ms += 86_400_000
        assert ctx.now() == CLOCK_START + 86_400_000
        clock.ms = -1
        assert ctx.now() == -1


def test_clock_that_raises_falls_back_to_system_time() -> None:
    import time

    state = {"fail": False}

    def clock() -> int:
        if state["fail"]:
            raise RuntimeError("clock broke")
        return CLOCK_START

    with flexwork.Context.open(":memory:", master_key=MASTER_KEY, clock=clock) as ctx:
        state["fail"] = True
        before = time.time_ns() // 1_000_000
        now = ctx.now()
        assert before <= now <= time.time_ns() // 1_000_000
        assert isinstance(ctx.last_callback_error, RuntimeError)
        assert str(ctx.last_callback_error) == "clock broke"


def test_host_transactions(store_path: str) -> None:
    a = flexwork.Context.open(store_path, master_key=MASTER_KEY)
    b = flexwork.Context.open(store_path, master_key=MASTER_KEY, busy_timeout_ms=1)
    with pytest.raises(flexwork.StateError) as e:
        a.commit()
    assert e.value.message == "no transaction is open on this context"
    with pytest.raises(flexwork.StateError):
        a.rollback()
    a.begin()
    with pytest.raises(flexwork.StateError) as e:
        a.begin()
    assert e.value.message == "a transaction is already open on this context"
    # A's transaction holds the write lock: B's writer waits 1 ms and gives up.
    with pytest.raises(flexwork.BusyError) as e:
        b.begin()
    assert e.value.code == C.EBUSY
    a.commit()
    b.begin()
    b.rollback()

    with a.transaction() as t:
        assert t is a
        with pytest.raises(flexwork.BusyError):
            b.begin()
    b.begin()   # committed: the lock is free
    b.commit()

    with pytest.raises(ZeroDivisionError):
        with a.transaction():
            1 / 0
    with pytest.raises(flexwork.StateError):
        a.rollback()   # the failed block rolled back already
    b.begin()
    b.commit()
    a.close()
    b.close()


def test_closed_context() -> None:
    ctx = flexwork.Context.open(":memory:", master_key=MASTER_KEY)
    ctx.close()
    ctx.close()
    for call in (lambda: ctx.set_actor(flexwork.ROLE_ADMIN), ctx.begin, ctx.now,
                 ctx.audit_verify, lambda: ctx.schema_version("core"),
                 lambda: ctx.set_payment_provider(submit=lambda r: {})):
        with pytest.raises(flexwork.StateError) as e:
            call()
        assert e.value.message == "the context is closed"
    with pytest.raises(AttributeError):
        ctx.no_such_module


def test_context_is_closed_when_dropped(store_path: str) -> None:
    import gc

    ctx = flexwork.Context.open(store_path, master_key=MASTER_KEY, clock=Clock())
    ctx.set_payment_provider(submit=lambda r: {})
    ctx.begin()
    gc.disable()   # no cycle collection: the last reference going must be enough
    try:
        del ctx
        # The open transaction was rolled back and the lock released at once.
        with flexwork.Context.open(store_path, master_key=MASTER_KEY, busy_timeout_ms=1) as other:
            other.begin()
            other.rollback()
    finally:
        gc.enable()


def test_keyboard_interrupt_in_a_callback_is_not_swallowed() -> None:
    state = {"interrupt": False}

    def clock() -> int:
        if state["interrupt"]:
            raise KeyboardInterrupt
        return CLOCK_START

    with flexwork.Context.open(":memory:", master_key=MASTER_KEY, clock=clock) as ctx:
        state["interrupt"] = True
        with pytest.raises(KeyboardInterrupt):
            ctx.now()
        state["interrupt"] = False
        assert ctx.now() == CLOCK_START


def test_library_is_loaded_from_flexwork_library() -> None:
    import os

    from flexwork import _lib

    expected = os.environ.get("FLEXWORK_LIBRARY") or str(ROOT / "build" / "libflexwork.so.1")
    assert _lib.library_path == expected
