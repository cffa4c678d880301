"""Every FW_EXTERN function of the public headers has a wrapper, and every pinned integer
constant of a module header is exported with its value; what is not bound yet is listed,
with its reason, in tests/unbound.txt."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Set

import flexwork
from flexwork import _lib

from conftest import ROOT

INCLUDE = ROOT / "include" / "flexwork"
EXTERN = re.compile(r"FW_EXTERN\([^)]*\)\s*(fw_\w+)\s*\(")
DEFINE = re.compile(r"^#define\s+FW_(\w+)\s+(-?(?:0x[0-9a-fA-F]+|\d+))u?\s*(?:/[*/].*)?$", re.M)
#: Integer macros that are not part of a module's API: the version is read with
#: flexwork.version(), the rest are limits documented with the functions that enforce them.
NOT_CONSTANTS = {"VERSION_MAJOR", "VERSION_MINOR", "VERSION_PATCH", "SOVERSION"}


def headers() -> Dict[str, str]:
    files = sorted(INCLUDE.glob("*.h")) + sorted((INCLUDE / "sys").glob("*.h"))
    return {str(f.relative_to(INCLUDE)): f.read_text(encoding="utf-8") for f in files}


def public_functions() -> Set[str]:
    return {name for text in headers().values() for name in EXTERN.findall(text)}


def unbound() -> Set[str]:
    names = set()
    for line in (Path(__file__).parent / "unbound.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(name)
    return names


def test_every_public_function_has_a_wrapper() -> None:
    public = public_functions()
    assert len(public) >= 300           # the headers were found and parsed
    allowed = unbound()
    missing = sorted(public - _lib.declared - allowed)
    assert missing == [], f"public functions without a Python wrapper: {missing}"
    assert sorted(allowed & _lib.declared) == [], "bound now: remove them from tests/unbound.txt"
    assert sorted(allowed - public) == [], "not public functions: remove them from tests/unbound.txt"
    assert sorted(_lib.declared - public) == [], "declared functions that are not public"


def test_every_pinned_constant_is_exported() -> None:
    wrong = []
    for header, text in headers().items():
        for name, value in DEFINE.findall(text):
            if name in NOT_CONSTANTS:
                continue
            got = getattr(flexwork, name, None)
            if got != int(value, 0):
                wrong.append(f"{header}: FW_{name} = {value}, flexwork.{name} = {got!r}")
    assert wrong == []
