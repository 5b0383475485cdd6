"""Tasks and notices."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    """上级交办: tasks from the city and districts to offices, and notices with read receipts."""

    name = "sifasuo.workorders"
    label = "workorders"
    verbose_name = _("Tasks and notices")

    def ready(self) -> None:
        from sifasuo.workorders import measures, navigation, todos  # noqa: F401
