"""Every error code maps to one exception class that carries code, message and path."""

from __future__ import annotations

import pickle

import pytest

import flexwork
from flexwork import constants as C

EXPECTED = {
    C.ERROR: (flexwork.InternalError, ()),
    C.ENOMEM: (flexwork.FlexworkMemoryError, (MemoryError,)),
    C.EINVAL: (flexwork.InvalidError, (ValueError,)),
    C.ENOTFOUND: (flexwork.NotFoundError, (KeyError, LookupError)),
    C.EEXISTS: (flexwork.ExistsError, ()),
    C.ECONFLICT: (flexwork.ConflictError, ()),
    C.EPERM: (flexwork.FlexworkPermissionError, ()),
    C.ESTATE: (flexwork.StateError, ()),
    C.EBUSY: (flexwork.BusyError, ()),
    C.EIO: (flexwork.FlexworkIOError, (OSError,)),
    C.ECORRUPT: (flexwork.CorruptError, ()),
    C.EJSON: (flexwork.JSONError, (ValueError,)),
    C.EAUTH: (flexwork.AuthError, ()),
    C.EVERSION: (flexwork.VersionError, ()),
    C.EOVERFLOW: (flexwork.FlexworkOverflowError, (OverflowError,)),
    C.EFUNDS: (flexwork.FundsError, ()),
    C.ELIMIT: (flexwork.LimitError, ()),
    C.EDENIED: (flexwork.DeniedError, ()),
    C.EPENDING: (flexwork.PendingError, ()),
    C.ESHREDDED: (flexwork.ShreddedError, ()),
    C.EPROVIDER: (flexwork.ProviderError, ()),
    C.ETIMEOUT: (flexwork.FlexworkTimeoutError, (TimeoutError,)),
    C.EUSER: (flexwork.UserError, ()),
    C.ECLOSED: (flexwork.ClosedError, ()),
}


def test_every_error_code_has_its_class() -> None:
    assert sorted(EXPECTED) == list(range(-24, 0))
    classes = set()
    for code, (cls, builtins) in EXPECTED.items():
        assert flexwork.error_class(code) is cls
        assert cls.code == code
        e = flexwork.make_error(code, f"$.x: code {code}", "$.x")
        assert type(e) is cls
        assert isinstance(e, flexwork.FlexworkError)
        for b in builtins:
            assert isinstance(e, b)
        assert (e.code, e.message, e.path, str(e)) == (code, f"$.x: code {code}", "$.x",
                                                        f"$.x: code {code}")
        classes.add(cls)
    assert len(classes) == 24
    assert flexwork.error_class(-999) is flexwork.FlexworkError


def test_errors_pickle() -> None:
    e = flexwork.make_error(C.EFUNDS, "insufficient", "$.amount_fen")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is flexwork.FundsError
    assert (back.code, back.message, back.path) == (C.EFUNDS, "insufficient", "$.amount_fen")


def test_store_that_is_a_directory_is_io_error(tmp_path) -> None:
    with pytest.raises(flexwork.FlexworkIOError) as e:
        flexwork.Context.open(tmp_path, master_key=b"k" * 32)
    assert isinstance(e.value, OSError)
    assert e.value.code == C.EIO
    assert e.value.message.startswith(f"cannot open store '{tmp_path}': ")
