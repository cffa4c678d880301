"""Python binding of libflexwork, the embeddable core of a flexible-employment platform.

    import flexwork
    with flexwork.Context.open("platform.db", master_key=key) as ctx:
        ctx.set_actor(flexwork.ROLE_ADMIN, name="ops")
        print(ctx.audit.verify())

Failing calls raise a :class:`FlexworkError` subclass chosen by the library's error code.
The library is loaded with ctypes; see ``flexwork._lib`` for how it is found.
"""

from __future__ import annotations

from ctypes import byref, c_int
from typing import Tuple

from . import _lib
from .constants import *  # noqa: F401,F403 - the pinned C constants are part of the API
from .context import Context, Handle, ModuleAPI, ProviderCallback
from .errors import *  # noqa: F401,F403
from .errors import FlexworkError, Pending

# API modules: each registers itself on Context as ctx.<module>; their constants, handle
# classes and context-free functions are also exported here.
from . import audit, vault  # noqa: E402
from . import (archive, contract, fee, funding, insurance, invoice, ledger, party,  # noqa: E402
               payout, risk, service, task, tax, training)
from .archive import *  # noqa: F401,F403,E402
from .archive import verify_bundle as archive_verify_bundle  # noqa: E402
from .audit import verify_export as audit_verify_export
from .contract import *  # noqa: F401,F403,E402
from .fee import *  # noqa: F401,F403,E402
from .fee import calc_from_json as fee_calc_from_json  # noqa: E402
from .funding import *  # noqa: F401,F403,E402
from .insurance import *  # noqa: F401,F403,E402
from .insurance import certificate_verify as insurance_certificate_verify  # noqa: E402
from .invoice import *  # noqa: F401,F403,E402
from .ledger import *  # noqa: F401,F403,E402
from .payout import *  # noqa: F401,F403,E402
from .payout import state_name as payout_state_name  # noqa: E402
from .risk import *  # noqa: F401,F403,E402
from .service import *  # noqa: F401,F403,E402
from .task import *  # noqa: F401,F403,E402
from .party import *  # noqa: F401,F403,E402
from .tax import *  # noqa: F401,F403,E402
from .tax import certificate_verify as tax_certificate_verify  # noqa: E402
from .training import *  # noqa: F401,F403,E402

__version__ = "1.0.0"


def version() -> Tuple[int, int, int]:
    """The run-time (major, minor, patch) of the loaded library."""
    major, minor, patch = c_int(), c_int(), c_int()
    _lib.fw_version(byref(major), byref(minor), byref(patch))
    return major.value, minor.value, patch.value


def version_number() -> int:
    """The loaded library's MAJOR * 10000 + MINOR * 100 + PATCH."""
    return int(_lib.fw_version(None, None, None))


def version_string() -> str:
    """The loaded library's version as text, e.g. ``"1.0.0"``."""
    return str(_lib.fw_version_string().decode("ascii"))


def init() -> None:
    """Keeps the library initialised (libsodium, SQLite) across contexts: reference-counted,
    each call matched by one :func:`shutdown`. Opening a context initialises it by itself.

    Raises: InternalError when libsodium or SQLite cannot initialise.
    """
    rc = int(_lib.fw_init())
    if rc != 0:
        raise _lib.error_from_pointer(rc, None)


def shutdown() -> None:
    """Releases one :func:`init` reference; calls beyond the matching count are ignored."""
    _lib.fw_shutdown()


def strerror(code: int) -> str:
    """The library's name and description of an error code, e.g.
    ``"FW_EINVAL: invalid argument"``."""
    return str(_lib.fw_strerror(code).decode("utf-8"))


if version()[0] != 1:
    raise ImportError(f"flexwork {__version__} needs libflexwork 1.x, found {version_string()} "
                      f"at {_lib.library_path}")

__all__ = ["Context", "ModuleAPI", "Handle", "ProviderCallback", "FlexworkError", "Pending",
           "audit", "vault", "party", "contract", "risk", "ledger", "fee", "funding", "tax",
           "training", "task", "archive", "insurance", "service", "payout", "invoice",
           "audit_verify_export", "tax_certificate_verify", "fee_calc_from_json",
           "insurance_certificate_verify", "archive_verify_bundle", "payout_state_name", "version",
           "version_number", "version_string", "strerror"]
