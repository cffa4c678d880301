"""Service fees computed from each enterprise's configuration, charged before, during or after
the transaction (include/flexwork/fee.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, call, declare, json_in
from .context import Handle, ModuleAPI

__all__ = ["Fee", "FeeCalc", "FEE_CHARGE_BEFORE", "FEE_CHARGE_DURING", "FEE_CHARGE_AFTER",
           "FEE_ON_TOP", "FEE_DEDUCTED"]

# Constants of include/flexwork/fee.h. Values are pinned.
FEE_CHARGE_BEFORE = 1
FEE_CHARGE_DURING = 2
FEE_CHARGE_AFTER = 3
FEE_ON_TOP = 1
FEE_DEDUCTED = 2

_schedule_set = declare("fw_fee_schedule_set", c_int, c_ctx_p, POINTER(c_int64), c_char_p,
                        c_size_t, c_error_pp)
_schedule_get = declare("fw_fee_schedule_get", c_int, c_ctx_p, c_int64, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_fee_calc_compute = declare("fw_fee_calc_compute", c_int, c_void_p, c_int64, c_int64,
                            POINTER(c_int64), POINTER(c_int64), POINTER(c_int64), c_error_pp)
_fee_calc_breakdown = declare("fw_fee_calc_breakdown", c_int, c_void_p, c_int64, c_int64,
                              POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_fee_calc_charge = declare("fw_fee_calc_charge", c_uint32, c_void_p)
_fee_calc_bearer = declare("fw_fee_calc_bearer", c_uint32, c_void_p)
_fee_calc_schedule_id = declare("fw_fee_calc_schedule_id", c_int64, c_void_p)
_calc_new = declare("fw_fee_calc_new", c_int, POINTER(c_void_p), c_ctx_p, c_int64, c_int64,
                    c_error_pp)
_calc_from_json = declare("fw_fee_calc_from_json", c_int, POINTER(c_void_p), c_char_p, c_size_t,
                          c_error_pp)
_fee_calc_free = declare("fw_fee_calc_free", None, c_void_p)


class Fee(ModuleAPI, module="fee"):
    """Service fees computed from each enterprise's configuration: ``ctx.fee``."""

    def calc_new(self, enterprise_id: int, at_ms: int) -> "FeeCalc":
        """The enterprise's schedule in force at at_ms, compiled.

        Raises: NotFoundError when no schedule is in force then; FlexworkPermissionError.
        """
        ptr = c_void_p()
        self._call_new(_calc_new, byref(ptr), enterprise_id, at_ms)
        return FeeCalc(ptr.value)

    def schedule_set(self, record: JSONInput) -> int:
        """Stores a new version of an enterprise's fee schedule.

        Raises: InvalidError naming the field; FlexworkPermissionError (admin, finance). On
        failure the store is unchanged.
        """
        out = c_int64()
        self._call(_schedule_set, byref(out), *json_in(record))
        return out.value

    def schedule_get(self, enterprise_id: int, at_ms: int) -> Any:
        """The schedule in force for an enterprise at an instant, as JSON: the stored schedule plus
        "id", "version", "enterprise_id".

        Raises: NotFoundError when none is in force; FlexworkPermissionError (an enterprise user
        sees its own).
        """
        out = OutText()
        self._call(_schedule_get, enterprise_id, at_ms, *out.args)
        return out.json()


class FeeCalc(Handle):
    """A compiled fee schedule (``fw_fee_calc``): ``ctx.fee.calc_new(enterprise_id, at_ms)``
    for the schedule in force, or :func:`calc_from_json` for one given as JSON (quotes,
    tests). It does not borrow the context. Close it (or use ``with``); calls after close
    raise StateError.
    """

    _free = _fee_calc_free
    _what = "fee calculator"

    def compute(self, amount_fen: int, volume_fen: int) -> Tuple[int, int, int]:
        """Computes the fee for an amount. Returns (fee_fen, enterprise_pays_fen,
        worker_receives_fen).

        Raises: InvalidError (negative amount or volume); FlexworkOverflowError; LimitError (a
        deducted fee beyond the amount).
        """
        fee_fen = c_int64()
        enterprise_pays_fen = c_int64()
        worker_receives_fen = c_int64()
        self._call(_fee_calc_compute, amount_fen, volume_fen, byref(fee_fen),
                   byref(enterprise_pays_fen), byref(worker_receives_fen))
        return fee_fen.value, enterprise_pays_fen.value, worker_receives_fen.value

    def breakdown(self, amount_fen: int, volume_fen: int) -> Any:
        """As fw_fee_calc_compute(), with a breakdown explaining each part:
        {"amount_fen","volume_before_fen","tier_mode","base","bearer","charge",
        "parts":[{"tier":int,"from_volume_fen":int,"portion_fen":int,"rate_ppm":int}],
        "rate_part_exact_fen":"decimal text","fixed_fen","unrounded_fen":"decimal text",
        "rounded_fen":int,"clamp":null|"min"|"max","fee_fen","enterprise_pays_fen",
        "worker_receives_fen","schedule_id":int|null,"version":int|null}.

        Raises: as fw_fee_calc_compute().
        """
        out = OutText()
        self._call(_fee_calc_breakdown, amount_fen, volume_fen, *out.args)
        return out.json()

    def charge(self) -> int:
        """The charge point, one of FEE_CHARGE_*."""
        return int(_fee_calc_charge(self._require()))

    def bearer(self) -> int:
        """Who bears the fee, FEE_ON_TOP or FEE_DEDUCTED."""
        return int(_fee_calc_bearer(self._require()))

    def schedule_id(self) -> int:
        """The stored schedule's id, or 0 for one compiled from JSON."""
        return int(_fee_calc_schedule_id(self._require()))


def calc_from_json(schedule: JSONInput) -> FeeCalc:
    """Compiles a schedule given as JSON, without a store (quotes, tests); enterprise_id and
    the validity dates are optional here.

    Raises: InvalidError naming the field; JSONError.
    """
    ptr = c_void_p()
    call(_calc_from_json, byref(ptr), *json_in(schedule))
    return FeeCalc(ptr.value)
