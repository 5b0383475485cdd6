"""Rule-of-law governance."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """合法性审查, 行政执法协调监督, 立法意见征集, 人民陪审员选任, and the three-rules register."""

    name = "sifasuo.governance"
    label = "governance"
    verbose_name = _("Rule-of-law governance")

    def ready(self) -> None:
        from sifasuo.governance import measures, navigation, person_panel, todos  # noqa: F401
