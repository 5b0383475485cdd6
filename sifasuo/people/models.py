"""The person registry: one row per person, referenced by every ledger."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from sifasuo.core.fields import BlindIndexField, EncryptedTextField
from sifasuo.core.masking import mask
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.people.choices import IdType, Sex


class Person(BaseModel):
    """A natural person. ID number, phone and address are SM4-encrypted and shown masked.

    Exact look-up by ID number goes through the HMAC-SM3 blind index; one person per
    document type and number.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=60)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_type = models.CharField(
        _("document type"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = EncryptedTextField(_("document number"), blank=True, pii_category="id_number")
    id_number_bidx = BlindIndexField(source="id_number", purpose="person.id_number")
    phone = EncryptedTextField(_("phone"), blank=True, pii_category="phone")
    phone_bidx = BlindIndexField(source="phone", purpose="person.phone")
    address = EncryptedTextField(_("address"), blank=True, pii_category="address")

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number_bidx"], name="people_person_unique_document"
            ),
        ]

    def __str__(self) -> str:
        return mask(self.name, "name")

    @property
    def birth_year(self) -> int | None:
        """The year of birth only: with the masked ID number, a full date would give the
        hidden digits back."""
        return self.birth_date.year if self.birth_date else None

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number, "id_number")

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, "phone")

    @property
    def address_masked(self) -> str:
        return mask(self.address, "address")
