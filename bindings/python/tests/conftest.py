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


# -- parties and contracts, as the C suites build them (tests/party/fixtures.h) ---------------

PLATFORM = {"operating_entity": "杭州灵工平台科技有限公司", "uscc": "91350100M000100Y43",
            "licences": []}
CARD = "6222021000000000009"
ID_1990 = "110105199003071239"
ID_1949 = "11010519491231002X"
SIGNING = {"auth_method": "sms_code", "ip": "203.0.113.7"}
COOP_TEMPLATE = {
    "kind": "cooperation", "name": "平台企业合作协议", "version": 1,
    "body": "甲方：{{platform_name}}\n乙方：{{enterprise_name}}（{{enterprise_uscc}}）\n"
            "服务费率：{{fee_rate}}，起始日：{{start}}，保证金：{{deposit}} 元。",
    "placeholders": [{"name": "fee_rate", "type": "text"}, {"name": "start", "type": "date"},
                     {"name": "deposit", "type": "fen"}]}
COOP_VALUES = {"fee_rate": "6%", "start": "2026-04-01", "deposit": 1000000}
SERVICE_TEMPLATE = {
    "kind": "service", "name": "灵活用工服务协议", "version": 1,
    "body": "甲方：{{enterprise_name}}\n乙方：{{worker_name}}，身份证号 {{worker_id_number}}\n",
    "placeholders": []}
TAX_TEMPLATE = {
    "kind": "tax_authorisation", "name": "个人所得税代扣代缴授权书", "version": 1,
    "body": "本人 {{worker_name}} 授权 {{platform_name}} 代为办理税务登记与代扣代缴。",
    "placeholders": []}
ENT1 = ("杭州云帆科技有限公司", "91330100799655058B")
ENT2 = ("深圳前海数据服务有限公司", "91440300708461136T")


def enterprise_record(name: str, uscc: str) -> dict:
    return {"name": name, "uscc": uscc,
            "legal_rep": {"name": "王建国", "id_number": "11010519491231002X"},
            "contact": {"name": "李四", "phone": "13812345678"},
            "bank_account": {"bank": "中国工商银行杭州分行", "account_no": "1202020209000012345",
                             "account_name": name},
            "business_scope": "软件开发；信息技术服务", "industry": "I65",
            "qualifications": [{"kind": "business_licence", "sha256": "9f86d081884c7d659a2feaa0c55ad01"
                                "5a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}


def worker_record(name: str = "王五", id_number: str = ID_1990, channel: str = "self") -> dict:
    return {"name": name, "id_number": id_number, "phone": "13900001111", "bank_card": CARD,
            "channel": channel}


def as_actor(ctx: flexwork.Context, role: int, party: int, fn: Any, *args: Any) -> Any:
    """Runs one call as another actor, then acts as the admin again."""
    ctx.set_actor(role, party, "test")
    try:
        return fn(*args)
    finally:
        ctx.set_actor(flexwork.ROLE_ADMIN, name="admin")


class Parties:
    """Builds enterprises and workers through the public API (platform profile and templates
    are set up on first use)."""

    def __init__(self, ctx: flexwork.Context) -> None:
        self.ctx = ctx
        ctx.party.platform_set(PLATFORM)
        self.coop = ctx.contract.template_add(COOP_TEMPLATE)
        self.service = ctx.contract.template_add(SERVICE_TEMPLATE)
        self.tax = ctx.contract.template_add(TAX_TEMPLATE)

    def verified_enterprise(self, ent: tuple = ENT1) -> int:
        e = self.ctx.party.enterprise_apply(enterprise_record(*ent))
        assert self.ctx.party.enterprise_verify(e) == flexwork.ENTERPRISE_UNDER_REVIEW
        self.ctx.party.enterprise_review(e, {"decision": "approve"})
        return e

    def sign(self, role: int, party: int, contract_id: int) -> int:
        return int(as_actor(self.ctx, role, party, self.ctx.contract.sign, contract_id, SIGNING))

    def cooperation(self, enterprise_id: int) -> int:
        with self.ctx.contract.create({"template_id": self.coop, "enterprise_id": enterprise_id,
                                       "values": COOP_VALUES}) as c:
            cid = c.id()
        self.ctx.contract.send(cid)
        assert self.sign(flexwork.ROLE_ENTERPRISE_USER, enterprise_id, cid) == \
            flexwork.CONTRACT_PARTIALLY_SIGNED
        assert self.sign(flexwork.ROLE_ADMIN, 0, cid) == flexwork.CONTRACT_SIGNED
        return cid

    def active_enterprise(self, ent: tuple = ENT1) -> int:
        e = self.verified_enterprise(ent)
        self.cooperation(e)
        self.ctx.party.enterprise_activate(e)
        return e

    def verified_worker(self, name: str = "王五", id_number: str = ID_1990) -> int:
        w = self.ctx.party.worker_register(worker_record(name, id_number))
        self.ctx.party.worker_verify(w)
        self.ctx.party.worker_review(w, {"decision": "approve"})
        return w

    def active_worker(self, enterprise_id: int, name: str = "王五", id_number: str = ID_1990) -> int:
        """A verified worker with a service agreement in force with the enterprise, activated."""
        w = self.verified_worker(name, id_number)
        with self.ctx.contract.create({"template_id": self.service, "enterprise_id": enterprise_id,
                                       "worker_id": w}) as c:
            cid = c.id()
        self.ctx.contract.send(cid)
        self.sign(flexwork.ROLE_ENTERPRISE_USER, enterprise_id, cid)
        assert self.sign(flexwork.ROLE_WORKER, w, cid) == flexwork.CONTRACT_SIGNED
        self.ctx.party.worker_activate(w)
        return w


@pytest.fixture
def parties(ctx: flexwork.Context) -> Parties:
    return Parties(ctx)
