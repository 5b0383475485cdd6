"""Legal publicity."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    """普法与依法治理: activities, 法律明白人, 示范户, village and town legal advisers, 示范村."""

    name = "sifasuo.publicity"
    label = "publicity"
    verbose_name = _("Legal publicity")

    def ready(self) -> None:
        from sifasuo.publicity import measures, navigation, person_panel, todos  # noqa: F401
