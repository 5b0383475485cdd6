"""The six-good standard: indicators, automatic checks, assessments, rectification."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    """六好司法所: the standard, its checks and the yearly assessment."""

    name = "sifasuo.standards"
    label = "standards"
    verbose_name = _("Six-good standard")

    def ready(self) -> None:
        from sifasuo.standards import measures, navigation, todos  # noqa: F401
