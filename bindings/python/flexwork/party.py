"""Parties: the platform itself, enterprises, their staff, and workers
(include/flexwork/party.h)."""

from __future__ import annotations

from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_int, c_int32, c_int64, c_size_t,
                    c_uint32, c_void_p)
from dataclasses import dataclass
from typing import Any, Optional

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, call, declare, json_in, text_in
from .context import ModuleAPI
from .errors import InvalidError

__all__ = ["Party", "IdNumberInfo", "id_number_check", "uscc_check", "bank_card_check",
           "check_reason_name", "CHECK_OK", "CHECK_LENGTH", "CHECK_CHARSET", "CHECK_CHECKSUM",
           "CHECK_DATE", "CHECK_REGION", "CHECK_CATEGORY", "CHECK_ORG_CODE", "GENDER_MALE",
           "GENDER_FEMALE", "USCC_STRICT", "ENTERPRISE_APPLIED", "ENTERPRISE_UNDER_REVIEW",
           "ENTERPRISE_VERIFIED", "ENTERPRISE_REJECTED", "ENTERPRISE_SIGNED", "ENTERPRISE_ACTIVE",
           "ENTERPRISE_SUSPENDED", "ENTERPRISE_CANCELLED", "WORKER_REGISTERED", "WORKER_VERIFIED",
           "WORKER_FAILED", "WORKER_SIGNED", "WORKER_ACTIVE", "WORKER_SUSPENDED", "WORKER_CLOSED",
           "CHANNEL_SELF", "CHANNEL_ASSISTED"]

# Constants of include/flexwork/party.h. Values are pinned.
CHECK_OK = 0
CHECK_LENGTH = 1
CHECK_CHARSET = 2
CHECK_CHECKSUM = 3
CHECK_DATE = 4
CHECK_REGION = 5
CHECK_CATEGORY = 6
CHECK_ORG_CODE = 7
GENDER_MALE = 1
GENDER_FEMALE = 2
USCC_STRICT = 1
ENTERPRISE_APPLIED = 1
ENTERPRISE_UNDER_REVIEW = 2
ENTERPRISE_VERIFIED = 3
ENTERPRISE_REJECTED = 4
ENTERPRISE_SIGNED = 5
ENTERPRISE_ACTIVE = 6
ENTERPRISE_SUSPENDED = 7
ENTERPRISE_CANCELLED = 8
WORKER_REGISTERED = 1
WORKER_VERIFIED = 2
WORKER_FAILED = 3
WORKER_SIGNED = 4
WORKER_ACTIVE = 5
WORKER_SUSPENDED = 6
WORKER_CLOSED = 7
CHANNEL_SELF = 1
CHANNEL_ASSISTED = 2

_id_number_check = declare("fw_id_number_check", c_int, c_char_p, c_void_p, c_error_pp)
_check_reason_name = declare("fw_check_reason_name", c_char_p, c_uint32)
_uscc_check = declare("fw_uscc_check", c_int, c_char_p, c_uint32, POINTER(c_uint32), c_error_pp)
_bank_card_check = declare("fw_bank_card_check", c_int, c_char_p, POINTER(c_uint32), c_error_pp)
_enterprise_apply = declare("fw_party_enterprise_apply", c_int, c_ctx_p, c_char_p, c_size_t,
                            POINTER(c_int64), c_error_pp)
_enterprise_verify = declare("fw_party_enterprise_verify", c_int, c_ctx_p, c_int64,
                             POINTER(c_uint32), c_error_pp)
_enterprise_review = declare("fw_party_enterprise_review", c_int, c_ctx_p, c_int64, c_char_p,
                             c_size_t, c_error_pp)
_enterprise_activate = declare("fw_party_enterprise_activate", c_int, c_ctx_p, c_int64, c_error_pp)
_enterprise_change = declare("fw_party_enterprise_change", c_int, c_ctx_p, c_int64, c_char_p,
                             c_size_t, c_error_pp)
_enterprise_suspend = declare("fw_party_enterprise_suspend", c_int, c_ctx_p, c_int64, c_char_p,
                              c_error_pp)
_enterprise_resume = declare("fw_party_enterprise_resume", c_int, c_ctx_p, c_int64, c_error_pp)
_enterprise_cancel = declare("fw_party_enterprise_cancel", c_int, c_ctx_p, c_int64, c_error_pp)
_enterprise_get = declare("fw_party_enterprise_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                          POINTER(c_size_t), c_error_pp)
_enterprise_user_add = declare("fw_party_enterprise_user_add", c_int, c_ctx_p, c_int64, c_char_p,
                               c_size_t, POINTER(c_int64), c_error_pp)
_enterprise_user_disable = declare("fw_party_enterprise_user_disable", c_int, c_ctx_p, c_int64,
                                   c_error_pp)
_enterprise_user_list = declare("fw_party_enterprise_user_list", c_int, c_ctx_p, c_int64,
                                POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_worker_register = declare("fw_party_worker_register", c_int, c_ctx_p, c_char_p, c_size_t,
                           POINTER(c_int64), c_error_pp)
_worker_verify = declare("fw_party_worker_verify", c_int, c_ctx_p, c_int64, c_char_p,
                         POINTER(c_uint32), c_error_pp)
_worker_review = declare("fw_party_worker_review", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                         c_error_pp)
_worker_activate = declare("fw_party_worker_activate", c_int, c_ctx_p, c_int64, c_error_pp)
_worker_suspend = declare("fw_party_worker_suspend", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_worker_resume = declare("fw_party_worker_resume", c_int, c_ctx_p, c_int64, c_error_pp)
_worker_close = declare("fw_party_worker_close", c_int, c_ctx_p, c_int64, c_error_pp)
_worker_change = declare("fw_party_worker_change", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                         c_error_pp)
_worker_get = declare("fw_party_worker_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_worker_erase = declare("fw_party_worker_erase", c_int, c_ctx_p, c_int64, c_error_pp)
_worker_find = declare("fw_party_worker_find", c_int, c_ctx_p, c_char_p, POINTER(c_int64),
                       c_error_pp)
_platform_set = declare("fw_party_platform_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_platform_get = declare("fw_party_platform_get", c_int, c_ctx_p, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_channel_add = declare("fw_party_channel_add", c_int, c_ctx_p, c_char_p, c_size_t,
                       POINTER(c_int64), c_error_pp)
_channel_revoke = declare("fw_party_channel_revoke", c_int, c_ctx_p, c_int64, c_error_pp)
_platform_check = declare("fw_party_platform_check", c_int, c_ctx_p, c_error_pp)
_staff_add = declare("fw_party_staff_add", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                     c_error_pp)
_staff_disable = declare("fw_party_staff_disable", c_int, c_ctx_p, c_int64, c_error_pp)
_staff_role = declare("fw_party_staff_role", c_int, c_ctx_p, c_char_p, POINTER(c_uint32),
                      c_error_pp)


class Party(ModuleAPI, module="party"):
    """Parties: the platform itself, enterprises, their staff, and workers: ``ctx.party``."""

    def enterprise_apply(self, record: JSONInput) -> int:
        """Records an enterprise's application (state applied).

        Raises: InvalidError naming the field (a bad USCC names the rule); ExistsError when a
        live enterprise has the USCC; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_enterprise_apply, *json_in(record), byref(out))
        return out.value

    def enterprise_verify(self, enterprise_id: int) -> int:
        """Starts verification (applied -> under review) and asks the identity provider's
        verify_enterprise registry check. A provider answer {"result":"pass"} verifies,
        {"result":"fail","reason":"..."} rejects; without a provider, or when it answers later,
        the enterprise stays under review for fw_party_enterprise_review().

        Raises: NotFoundError; StateError unless applied (or re-submitted under review);
        ProviderError when the provider fails (the state is unchanged); FlexworkPermissionError.
        """
        out = c_uint32()
        self._call(_enterprise_verify, enterprise_id, byref(out))
        return out.value

    def enterprise_review(self, enterprise_id: int, record: JSONInput) -> None:
        """A reviewer's decision on an enterprise under review (R-7.10.a).

        Raises: InvalidError; NotFoundError; StateError unless under review;
        FlexworkPermissionError (admin or reviewer).
        """
        self._call(_enterprise_review, enterprise_id, *json_in(record))

    def enterprise_activate(self, enterprise_id: int) -> None:
        """Activates an enterprise whose cooperation agreement is signed (signed -> active),
        running the activation hooks of higher modules (the ledger opens its accounts).

        Raises: NotFoundError; DeniedError with reason ENTERPRISE_NOT_VERIFIED or
        ENTERPRISE_NOT_SIGNED; StateError otherwise; FlexworkPermissionError.
        """
        self._call(_enterprise_activate, enterprise_id)

    def enterprise_change(self, enterprise_id: int, record: JSONInput) -> None:
        """Changes an enterprise's record. Only the fields given change (same shapes as the
        application). A change of name, uscc, legal_rep or bank_account sends a verified, signed
        or active enterprise back to review (R-7.10.a). The audit record names the changed
        fields.

        Raises: InvalidError; ExistsError (USCC taken); NotFoundError; StateError when
        cancelled.
        """
        self._call(_enterprise_change, enterprise_id, *json_in(record))

    def enterprise_suspend(self, enterprise_id: int, reason: str) -> None:
        """Suspends an active enterprise (reason required, 1..500 characters).

        Raises: InvalidError; NotFoundError; StateError unless active.
        """
        self._call(_enterprise_suspend, enterprise_id, text_in(reason))

    def enterprise_resume(self, enterprise_id: int) -> None:
        """Resumes a suspended enterprise (suspended -> active). StateError unless suspended.
        """
        self._call(_enterprise_resume, enterprise_id)

    def enterprise_cancel(self, enterprise_id: int) -> None:
        """Cancels an enterprise. Every cancellation check registered by higher modules must pass
        (zero balances, no open work); the first that fails is returned with its message naming
        what blocks.

        Raises: NotFoundError; StateError when already cancelled; DeniedError from a check.
        """
        self._call(_enterprise_cancel, enterprise_id)

    def enterprise_get(self, enterprise_id: int) -> Any:
        """An enterprise as JSON: id, state, state_name, name, uscc, legal_rep, contact,
        bank_account, business_scope, industry, qualifications, review (method, reasons),
        timestamps. Personal fields are masked unless the actor may see them. An enterprise user
        reads only its own.

        Raises: NotFoundError; FlexworkPermissionError; ShreddedError is not returned: erased
        fields read null.
        """
        out = OutText()
        self._call(_enterprise_get, enterprise_id, *out.args)
        return out.json()

    def enterprise_user_add(self, enterprise_id: int, record: JSONInput) -> int:
        """Adds a staff account of an enterprise (R-5.1) with its own roles.

        Raises: InvalidError; ExistsError; NotFoundError; FlexworkPermissionError (staff or that
        enterprise's user).
        """
        out = c_int64()
        self._call(_enterprise_user_add, enterprise_id, *json_in(record), byref(out))
        return out.value

    def enterprise_user_disable(self, user_id: int) -> None:
        """Disables an enterprise user account. StateError when already disabled."""
        self._call(_enterprise_user_disable, user_id)

    def enterprise_user_list(self, enterprise_id: int) -> Any:
        """The users of an enterprise as a JSON array (masked personal fields)."""
        out = OutText()
        self._call(_enterprise_user_list, enterprise_id, *out.args)
        return out.json()

    def worker_register(self, record: JSONInput) -> int:
        """Registers a worker (R-5.2). The ID number must pass GB 11643 with a birth date in the
        past; a person under 16 today is refused; 16-17 is flagged as a minor worker. A bank
        card that fails Luhn is accepted with the warning "BANK_CARD_LUHN". Duplicates are found
        through the blind index of the ID number.

        Raises: InvalidError naming the field; DeniedError with reason WORKER_UNDER_16 or an
        ENTERPRISE_* reason; NotFoundError for an unknown enterprise_id; ExistsError for a
        registered ID number; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_worker_register, *json_in(record), byref(out))
        return out.value

    def worker_verify(self, worker_id: int, liveness: Optional[str] = None) -> int:
        """Real-name verification through the identity provider's verify_person (name + ID match,
        optional liveness, bank-card four-element check). {"result":"pass"} verifies,
        {"result":"fail","reason":"..."} fails; the method and a digest of the answer are
        recorded. Without a provider (or PendingError) the worker stays registered awaiting
        fw_party_worker_review().

        Raises: NotFoundError; StateError unless registered or failed; ProviderError;
        FlexworkPermissionError.
        """
        out = c_uint32()
        self._call(_worker_verify, worker_id, text_in(liveness), byref(out))
        return out.value

    def worker_review(self, worker_id: int, record: JSONInput) -> None:
        """A reviewer's decision on a worker's real name (by hand).

        Raises: InvalidError; NotFoundError; StateError unless registered or failed;
        FlexworkPermissionError.
        """
        self._call(_worker_review, worker_id, *json_in(record))

    def worker_activate(self, worker_id: int) -> None:
        """Activates a worker whose service agreement is signed (signed -> active)."""
        self._call(_worker_activate, worker_id)

    def worker_suspend(self, worker_id: int, reason: str) -> None:
        """Suspends an active or signed worker (reason required)."""
        self._call(_worker_suspend, worker_id, text_in(reason))

    def worker_resume(self, worker_id: int) -> None:
        """Resumes a suspended worker to the state it was suspended from."""
        self._call(_worker_resume, worker_id)

    def worker_close(self, worker_id: int) -> None:
        """Closes a worker (R-6.b). Every cancellation check registered by higher modules must pass
        (nothing payable, no open work); the first that fails is returned naming what blocks.
        Personal data stays until fw_party_worker_erase().

        Raises: NotFoundError; StateError when already closed; DeniedError from a check;
        FlexworkPermissionError.
        """
        self._call(_worker_close, worker_id)

    def worker_change(self, worker_id: int, record: JSONInput) -> None:
        """Changes a worker's phone or bank card: {"phone"?, "bank_card"?}. A new bank card clears
        the earlier Luhn warning or sets it again.
        """
        self._call(_worker_change, worker_id, *json_in(record))

    def worker_get(self, worker_id: int) -> Any:
        """A worker as JSON: id, state, state_name, channel, name, id_number, phone, bank_card
        (masked unless the actor may see personal data), gender, minor (at the context's time),
        warnings, verification {method, result, reason, evidence_sha256}, erased. A worker reads
        only their own record; an enterprise user only workers linked to its enterprise.
        """
        out = OutText()
        self._call(_worker_get, worker_id, *out.args)
        return out.json()

    def worker_erase(self, worker_id: int) -> None:
        """Erases a worker's personal data (crypto-shredding of subject "worker:<id>") and closes
        the worker. Financial records stay whole; the record reads "erased": true.

        Raises: NotFoundError; FlexworkPermissionError (admin only).
        """
        self._call(_worker_erase, worker_id)

    def worker_find(self, id_number: str) -> int:
        """Finds a worker by ID number through the blind index (no decryption).

        Raises: NotFoundError; InvalidError for a malformed number.
        """
        out = c_int64()
        self._call(_worker_find, text_in(id_number), byref(out))
        return out.value

    def platform_set(self, record: JSONInput) -> None:
        """Sets the platform's profile: {"operating_entity", "uscc", "licences":[{"kind","number",
        "valid_from":"YYYY-MM-DD","valid_to":"YYYY-MM-DD"}]}. Replaces the earlier profile;
        audited.

        Raises: InvalidError; FlexworkPermissionError (admin).
        """
        self._call(_platform_set, *json_in(record))

    def platform_get(self) -> Any:
        """The platform's profile with its channel agreements as JSON. NotFoundError when never set.
        """
        out = OutText()
        self._call(_platform_get, *out.args)
        return out.json()

    def channel_add(self, record: JSONInput) -> int:
        """Records a payment-channel agreement (R-4.1): {"kind":"bank"|"payment_institution",
        "counterparty", "agreement_no", "valid_from":"YYYY-MM-DD", "valid_to":"YYYY-MM-DD"}.

        Raises: InvalidError (valid_to before valid_from); ExistsError (agreement_no);
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_channel_add, *json_in(record), byref(out))
        return out.value

    def channel_revoke(self, channel_id: int) -> None:
        """Revokes a channel agreement. StateError when already revoked."""
        self._call(_channel_revoke, channel_id)

    def platform_check(self) -> None:
        """Checks that money may move (R-4.1): a profile is recorded and a channel agreement is in
        force at the context's time.

        Raises: DeniedError with reason PLATFORM_NO_PROFILE or PLATFORM_NO_CHANNEL_AGREEMENT.
        """
        self._call(_platform_check)

    def staff_add(self, record: JSONInput) -> int:
        """Adds a platform staff account (R-4.2): {"login", "name", "role":"admin"|"operator"|
        "reviewer"|"finance"|"tax_agent"|"auditor"|"coordinator"|"support"}.

        Raises: InvalidError; ExistsError (login); FlexworkPermissionError (admin).
        """
        out = c_int64()
        self._call(_staff_add, *json_in(record), byref(out))
        return out.value

    def staff_disable(self, staff_id: int) -> None:
        """Disables a staff account. StateError when already disabled."""
        self._call(_staff_disable, staff_id)

    def staff_role(self, login: str) -> int:
        """The ROLE_* of an enabled staff account, for the host to pass to fw_ctx_set_actor().

        Raises: NotFoundError (unknown or disabled login).
        """
        out = c_uint32()
        self._call(_staff_role, text_in(login), byref(out))
        return out.value



@dataclass(frozen=True)
class IdNumberInfo:
    """What fw_id_number_check() learnt of a resident ID number (fw_id_number_info)."""

    reason: int          #: CHECK_*: CHECK_OK when valid
    birth_year: int      #: the birth date, when valid
    birth_month: int
    birth_day: int
    gender: int          #: GENDER_MALE or GENDER_FEMALE, when valid
    normalized: str      #: the 18 characters with a lower-case 'x' made 'X', when valid
    expected_check: str  #: the right check character, when reason is CHECK_CHECKSUM


class _IdNumberInfo(Structure):
    _fields_ = [("reason", c_uint32), ("birth_year", c_int32), ("birth_month", c_int32),
                ("birth_day", c_int32), ("gender", c_uint32), ("normalized", c_char * 19),
                ("expected_check", c_char)]


def _reasoned(fn: Any, value: str, *args: Any) -> int:
    """Runs a validator; an InvalidError carries ``reason`` (CHECK_*)."""
    reason = c_uint32(0)
    try:
        call(fn, text_in(value), *args, byref(reason))
    except InvalidError as e:
        e.reason = reason.value
        raise
    return reason.value


def id_number_check(id_number: str) -> IdNumberInfo:
    """Checks a resident ID number (公民身份号码, GB 11643-1999): 18 characters, 17 digits and a
    check character ('0'-'9' or 'X'; 'x' is accepted and normalised) by ISO 7064 MOD 11-2, a
    known province code and a birth date that exists.

    Raises: InvalidError when invalid, with ``reason`` (CHECK_*) and ``info`` (an
    :class:`IdNumberInfo` whose ``expected_check`` names the right check character for a
    checksum failure); the message names the rule, e.g. "check character must be 'X' (ISO 7064
    MOD 11-2), got '1'".
    """
    raw = _IdNumberInfo()
    try:
        call(_id_number_check, text_in(id_number), byref(raw))
        return _info(raw)
    except InvalidError as e:
        e.info = _info(raw)
        e.reason = raw.reason
        raise


def _info(raw: _IdNumberInfo) -> IdNumberInfo:
    return IdNumberInfo(raw.reason, raw.birth_year, raw.birth_month, raw.birth_day, raw.gender,
                        raw.normalized.decode("ascii", "replace"),
                        raw.expected_check.decode("ascii", "replace"))


def uscc_check(uscc: str, flags: int = 0) -> None:
    """Checks a Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from
    "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z), digits in positions 3-8, and the check
    character (weights 3^(i-1) mod 31). With USCC_STRICT also the authority+category pair and
    the GB 11714 check of the organisation code in positions 9-17.

    Raises: InvalidError when invalid, with ``reason`` (CHECK_*).
    """
    _reasoned(_uscc_check, uscc, flags)


def bank_card_check(card: str) -> None:
    """Checks a bank card number: 8 to 19 digits and the Luhn (ISO/IEC 7812) check digit. Some
    genuine Chinese cards fail Luhn: callers that register cards treat CHECK_CHECKSUM as a
    warning (as worker registration does) and confirm the card with the bank.

    Raises: InvalidError when invalid, with ``reason`` (CHECK_*).
    """
    _reasoned(_bank_card_check, card)


def check_reason_name(reason: int) -> str:
    """The lower-case name of a CHECK_* reason ("ok", "length", "checksum", ...)."""
    return str(_check_reason_name(reason).decode("ascii"))
