"""The PII vault (include/flexwork/vault.h): crypto-shredding of one person's data."""

from __future__ import annotations

from ctypes import c_char_p, c_int

from ._lib import c_ctx_p, c_error_pp, declare, text_in
from .context import ModuleAPI

__all__ = ["Vault"]

_shred = declare("fw_vault_shred", c_int, c_ctx_p, c_char_p, c_error_pp)


class Vault(ModuleAPI, module="vault"):
    """The vault of a context: ``ctx.vault``."""

    def shred(self, subject: str) -> None:
        """Destroys the data key of one person (``"worker:17"``, ``"enterprise:3"``): their
        personal fields read as ShreddedError from then on; nothing else changes. Audited,
        idempotent.

        Raises NotFoundError when the subject has no key; FlexworkPermissionError (admin only).
        """
        self._call(_shred, text_in(subject))
