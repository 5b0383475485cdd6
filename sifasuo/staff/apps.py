"""Personnel and establishment, training, rotation, party work."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """人员队伍: staff lists, trainings, rotations, 三会一课."""

    name = "sifasuo.staff"
    label = "staff"
    verbose_name = _("Staff")
