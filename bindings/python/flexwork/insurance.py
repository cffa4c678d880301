"""Insurance and protection of workers (include/flexwork/insurance.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint8, c_void_p
from typing import Any, Optional, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, call, declare, json_in, key32, text_in
from .context import ModuleAPI

__all__ = ["Insurance", "INSURANCE_SOCIAL_REQUESTED", "INSURANCE_SOCIAL_SUBMITTED",
           "INSURANCE_SOCIAL_PAID", "INSURANCE_SOCIAL_FAILED", "INSURANCE_SOCIAL_CANCELLED"]

# Constants of include/flexwork/insurance.h. Values are pinned.
INSURANCE_SOCIAL_REQUESTED = 1
INSURANCE_SOCIAL_SUBMITTED = 2
INSURANCE_SOCIAL_PAID = 3
INSURANCE_SOCIAL_FAILED = 4
INSURANCE_SOCIAL_CANCELLED = 5

_product_create = declare("fw_insurance_product_create", c_int, c_ctx_p, c_char_p, c_size_t,
                          POINTER(c_int64), c_error_pp)
_product_get = declare("fw_insurance_product_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                       POINTER(c_size_t), c_error_pp)
_product_list = declare("fw_insurance_product_list", c_int, c_ctx_p, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_product_retire = declare("fw_insurance_product_retire", c_int, c_ctx_p, c_int64, c_error_pp)
_recommend = declare("fw_insurance_recommend", c_int, c_ctx_p, c_char_p, c_size_t,
                     POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_enrol = declare("fw_insurance_enrol", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                 c_error_pp)
_enrolment_cancel = declare("fw_insurance_enrolment_cancel", c_int, c_ctx_p, c_int64, c_char_p,
                            c_size_t, c_error_pp)
_enrolments = declare("fw_insurance_enrolments", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_premium_fen = declare("fw_insurance_premium_fen", c_int, c_ctx_p, c_int64, c_int64,
                       POINTER(c_int64), c_error_pp)
_charge = declare("fw_insurance_charge", c_int, c_ctx_p, c_int64, c_char_p, c_int64, c_char_p,
                  POINTER(c_int64), POINTER(c_int64), c_error_pp)
_premiums = declare("fw_insurance_premiums", c_int, c_ctx_p, c_int64, c_int64, POINTER(c_void_p),
                    POINTER(c_size_t), c_error_pp)
_certificate = declare("fw_insurance_certificate", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                       POINTER(c_size_t), c_error_pp)
_post_premiums = declare("fw_insurance_post_premiums", c_int, c_ctx_p, c_int64, c_char_p,
                         c_error_pp)
_certificate_verify = declare("fw_insurance_certificate_verify", c_int, c_char_p, c_size_t,
                              POINTER(c_uint8), c_error_pp)
_social_request = declare("fw_insurance_social_request", c_int, c_ctx_p, c_char_p, c_size_t,
                          POINTER(c_int64), c_error_pp)
_social_update = declare("fw_insurance_social_update", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                         c_error_pp)
_social_list = declare("fw_insurance_social_list", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                       POINTER(c_size_t), c_error_pp)


class Insurance(ModuleAPI, module="insurance"):
    """Insurance and protection of workers: ``ctx.insurance``."""

    def product_create(self, record: JSONInput) -> int:
        """Creates an insurance product.

        Raises: InvalidError naming the field; ExistsError ($.code); FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_product_create, *json_in(record), byref(out))
        return out.value

    def product_get(self, product_id: int) -> Any:
        """A product as JSON (the fields above plus "id","state":"active"|"retired").

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_product_get, product_id, *out.args)
        return out.json()

    def product_list(self) -> Any:
        """All products, active first: [product, ...].

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_product_list, *out.args)
        return out.json()

    def product_retire(self, product_id: int) -> None:
        """Retires a product: no new enrolments; existing ones run on.

        Raises: NotFoundError; StateError; FlexworkPermissionError.
        """
        self._call(_product_retire, product_id)

    def recommend(self, record: JSONInput) -> Any:
        """Recommends products for a worker, ranked.

        Raises: InvalidError naming the field; DeniedError when the worker is under 16 (no unit
        may engage them: 《禁止使用童工规定》 art. 2); FlexworkPermissionError.
        """
        out = OutText()
        self._call(_recommend, *json_in(record), *out.args)
        return out.json()

    def enrol(self, record: JSONInput) -> int:
        """Enrols a worker in a product.

        Raises: InvalidError; NotFoundError ($.product_id); StateError when the product is
        retired; DeniedError when the age, region or categories are not eligible (the message
        says which); ExistsError when the worker already has an active enrolment in the product;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_enrol, *json_in(record), byref(out))
        return out.value

    def enrolment_cancel(self, enrolment_id: int, record: JSONInput) -> None:
        """Cancels an active enrolment from now: {"reason" (1..200)}.

        Raises: NotFoundError; StateError; InvalidError; FlexworkPermissionError.
        """
        self._call(_enrolment_cancel, enrolment_id, *json_in(record))

    def enrolments(self, worker_id: int) -> Any:
        """A worker's enrolments:
        [{"id","product_id","code","type","enterprise_id","start_ms","end_ms",
        "state":"active"|"cancelled","age"}].

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_enrolments, worker_id, *out.args)
        return out.json()

    def premium_fen(self, product_id: int, units: int) -> int:
        """The premium of units (orders, days or months) of a product: premium_fen x units.

        Raises: InvalidError for units < 0; NotFoundError; FlexworkOverflowError;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_premium_fen, product_id, units, byref(out))
        return out.value

    def charge(self, enrolment_id: int, order_ref: str, at_ms: int,
               idem_key: Optional[str] = None) -> Tuple[int, int]:
        """Charges the premium an enrolment owes for work at at_ms: per order (order_ref names the
        order), per CST day of work, or per CST month. Each order, day or month is charged once:
        charging it again returns the first premium. The premium is due until the ledger posts
        it. Returns (fen, premium_id).

        Raises: InvalidError; NotFoundError; StateError when the enrolment is cancelled or at_ms
        is outside its period; ConflictError for a reused key; FlexworkOverflowError;
        FlexworkPermissionError.
        """
        fen = c_int64()
        premium_id = c_int64()
        self._call(_charge, enrolment_id, text_in(order_ref), at_ms, text_in(idem_key), byref(fen),
                   byref(premium_id))
        return fen.value, premium_id.value

    def premiums(self, from_ms: int, to_ms: int) -> Any:
        """Premiums charged in [from_ms, to_ms) (0, 0 = all): {"total_fen","due_fen","posted_fen",
        "premiums":[{"id","enrolment_id","product_id","worker_id","enterprise_id","basis",
        "basis_ref","units","amount_fen","payer","at_ms","state":"due"|"posted","journal_ref"}]}.

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_premiums, from_ms, to_ms, *out.args)
        return out.json()

    def certificate(self, enrolment_id: int) -> str:
        """A certificate of cover for an active enrolment, signed with the platform's Ed25519 key:
        {"certificate":{"enrolment_id","worker_id","product":{"code","name","type","insurer",
        "coverage","coverage_fen"},"start_ms","end_ms","issued_ms"},"public_key":"hex",
        "signature":"hex"}; the signature covers the "certificate" member's text exactly as
        printed, so it is returned as that text (pass it unchanged to
        :func:`certificate_verify`; ``json.loads`` it to read it).

        Raises: NotFoundError; StateError when cancelled; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_certificate, enrolment_id, *out.args)
        return out.text()

    def social_request(self, record: JSONInput) -> int:
        """Records a social-insurance contribution the platform makes or arranges on a worker's
        behalf.

        Raises: InvalidError; ExistsError when one of the kind and month is open or paid;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_social_request, *json_in(record), byref(out))
        return out.value

    def social_update(self, request_id: int, record: JSONInput) -> None:
        """Moves a contribution request on: {"state":"submitted"|"paid"|"failed"|"cancelled",
        "reference" (optional, the bureau's receipt),"note" (optional)}. Allowed: requested ->
        submitted | cancelled; submitted -> paid | failed; failed -> submitted.

        Raises: NotFoundError; StateError naming both states; InvalidError;
        FlexworkPermissionError.
        """
        self._call(_social_update, request_id, *json_in(record))

    def social_list(self, worker_id: int) -> Any:
        """A worker's contribution requests: [{"id","kind","region","month","base_fen","rate_ppm",
        "amount_fen","state","reference","note","updated_ms"}].

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_social_list, worker_id, *out.args)
        return out.json()

    def post_premiums(self, before_ms: int, idem_key: str) -> None:
        """Posts the due premiums charged before before_ms (0: every due premium) to the ledger,
        one journal entry each, and marks each posted with its entry ("ledger_entry:<id>") in
        the same transaction, so that a premium is posted exactly once (R-7.12). The payer's
        account is debited and the platform's insurance payable credited: an enterprise's funds,
        a worker's payable, or for premiums the platform pays its fee revenue. A premium whose
        payer cannot cover it (funds short, no such account) stays due for a later run; the
        others are posted. The run is audited ("insurance.post": how many posted, their total,
        how many left due).

        Raises: InvalidError (before_ms, idem_key); ConflictError; ClosedError when a premium's
        entry falls in a closed accounting period; FlexworkPermissionError. On failure nothing
        is posted.
        """
        self._call(_post_premiums, before_ms, text_in(idem_key))


def certificate_verify(record: JSONInput, expected_public_key: bytes) -> None:
    """Verifies a certificate offline.

    Raises: AuthError when the signature or key does not verify; JSONError / InvalidError.
    """
    expected_public_key_buf = key32(expected_public_key, "expected_public_key")
    call(_certificate_verify, *json_in(record), expected_public_key_buf)
