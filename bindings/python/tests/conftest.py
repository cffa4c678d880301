"""Fixtures shared by the binding's tests: the test master key, a controllable clock,
stores in memory or in a temporary file, and the golden vectors of tests/vectors."""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any, Iterator

import pytest

import flexwork

ROOT = Path(__file__).resolve().parents[3]
#: The master key of every test store (the C tests use the same one).
MASTER_KEY = b"libflexwork-test-master-key-0001"
#: 2026-03-15 10:00:00 CST, the C tests' clock start.
CLOCK_START = 1773540000000


class Clock:
    """An injectable clock the test moves by hand."""

    def __init__(self, ms: int = CLOCK_START) -> None:
        self.ms = ms
        self.reads = 0

    def __call__(self) -> int:
        self.reads += 1
        return self.ms


def vector(name: str) -> Any:
    """Loads tests/vectors/<name> (FW_TEST_VECTORS names the directory)."""
    base = Path(os.environ.get("FW_TEST_VECTORS", ROOT / "tests" / "vectors"))
    with open(base / name, encoding="utf-8") as f:
        return json.load(f)


def cst_noon(date: str) -> int:
    """12:00 China Standard Time (UTC+8) of a "YYYY-MM-DD" date, in ms since the epoch."""
    y, m, d = (int(x) for x in date.split("-"))
    return (calendar.timegm((y, m, d, 0, 0, 0)) - 8 * 3600 + 12 * 3600) * 1000


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(clock: Clock) -> Iterator[flexwork.Context]:
    """An in-memory store acting as the platform admin."""
    with flexwork.Context.open(":memory:", master_key=MASTER_KEY, clock=clock,
                               synchronous=flexwork.SYNC_NORMAL) as c:
        c.set_actor(flexwork.ROLE_ADMIN, name="admin")
        yield c


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


def record_hash(prev: bytes, r: dict) -> bytes:
    """The chain's hash as lib/core/audit.c defines it: BLAKE2b-256 over the previous hash
    and the record's length-prefixed big-endian canonical form."""
    def u64(v: int) -> bytes:
        return struct.pack(">Q", v & 0xFFFFFFFFFFFFFFFF)

    def text(s: str) -> bytes:
        b = s.encode("utf-8")
        return u64(len(b)) + b

    h = hashlib.blake2b(digest_size=32)
    h.update(prev)
    h.update(u64(r["seq"]) + u64(r["at_ms"]) + u64(r["actor_role"]) + u64(r["actor_party"]))
    h.update(text(r["actor_name"]) + text(r["action"]) + text(r["entity_type"]))
    h.update(u64(r["entity_id"]))
    h.update(hashlib.blake2b(r["detail"].encode("utf-8"), digest_size=32).digest())
    return h.digest()
