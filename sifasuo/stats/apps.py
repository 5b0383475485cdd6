"""Dashboards and statistical reports composed of the registered measures."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """统计: dashboards and reports; every figure drills down to its records."""

    name = "sifasuo.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from sifasuo.stats import memo, navigation, rollups  # noqa: F401

        # Last in INSTALLED_APPS: every app has registered its measures by now.
        rollups.connect()
        memo.connect()
