"""What every part stands on."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Base models, scope, audit, 国密 fields, calendar, numbering, attachments."""

    name = "sifasuo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from sifasuo.core import checks, crypto  # noqa: F401  (registers system checks)

        crypto.self_test()
