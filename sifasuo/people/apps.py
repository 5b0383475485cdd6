"""The one person registry shared by every ledger."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People: name, documents, contact details (encrypted, masked)."""

    name = "sifasuo.people"
    label = "people"
    verbose_name = _("People")
