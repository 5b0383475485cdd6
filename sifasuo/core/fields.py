"""Encrypted model fields (SM4-GCM) and keyed blind indexes (HMAC-SM3).

An ``EncryptedTextField`` stores ``sm4gcm:v1:<key id>:<base64>`` and hands the plaintext to
Python code. It refuses every lookup but ``isnull``, so nobody filters on ciphertext by
accident: exact search goes through the ``BlindIndexField`` that follows the source field.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup

from sifasuo.core import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with SM4-GCM; ``pii_category`` names what it holds (PIPL 51)."""

    def __init__(self, *args: Any, pii_category: str = "", **kwargs: Any) -> None:
        self.pii_category = pii_category
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.pii_category:
            kwargs["pii_category"] = self.pii_category
        return name, path, args, kwargs

    @property
    def aad(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        # Always encrypt: a value that merely looks like ciphertext is user input, and
        # storing it as is would plant an unreadable row.
        return crypto.encrypt(str(value), aad=self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, aad=self.aad)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """HMAC-SM3 of another field's normalised value, kept in step on every save."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key in ("editable", "blank", "null"):
            kwargs.pop(key, None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def index_of(self, value: str) -> str:
        """Return the blind index of a plaintext value, as stored."""
        return crypto.blind_index(value, purpose=self.purpose or self.source)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        plaintext = getattr(model_instance, self.source)
        value = self.index_of(plaintext) if plaintext else None
        setattr(model_instance, self.attname, value)
        return value
