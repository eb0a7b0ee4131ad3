"""Fields: text kept encrypted in the database, JSON typed into a form read strictly."""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from apps.core.json import HALF_CHARACTER, LoneSurrogate, StrictJSONDecoder


@cache
def _fernet() -> MultiFernet:
    keys = settings.ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("SYNADMIN_ENCRYPTION_KEYS is empty; see .env.example.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"SYNADMIN_ENCRYPTION_KEYS holds a key that is not a Fernet key: {exc}"
        ) from exc


def encrypt(text: str) -> str:
    """`text` encrypted with the newest of SYNADMIN_ENCRYPTION_KEYS (connection secrets, cached tokens)."""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """The text `encrypt` gave `ciphertext` for, with any key; InvalidToken if none decrypts it."""
    return _fernet().decrypt(ciphertext.encode()).decode()


class EncryptedTextField(models.TextField[str, str]):
    """Text stored encrypted with Fernet; reads decrypt with any key in SYNADMIN_ENCRYPTION_KEYS."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(str(value))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        try:
            return decrypt(value)
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "A stored secret cannot be decrypted: "
                "SYNADMIN_ENCRYPTION_KEYS lacks the key it was written with."
            ) from exc


class JSONField(forms.JSONField):
    """Django's JSONField reading with StrictJSONDecoder: bad JSON is a form error, never a 500."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decoder", StrictJSONDecoder)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            # Django's "Enter a valid JSON." would send a person looking for a missing bracket.
            if isinstance(exc.__context__, LoneSurrogate):
                raise forms.ValidationError(f"This is JSON, but {HALF_CHARACTER}.", code="invalid") from None
            raise
