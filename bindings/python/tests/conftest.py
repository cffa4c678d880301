"""Fixtures shared by the binding's tests: the test master key, a controllable clock,
stores in memory or in a temporary file, and the golden vectors of tests/vectors."""

from __future__ import annotations

import json
import os
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
