"""Community correction."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrectionConfig(AppConfig):
    """受委托社区矫正: subjects, reception, supervision, discipline, ending."""

    name = "sifasuo.correction"
    label = "correction"
    verbose_name = _("Community correction")

    def ready(self) -> None:
        from sifasuo.correction import measures, navigation, person_panel, todos  # noqa: F401
