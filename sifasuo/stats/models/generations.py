"""Generations: a counter per module, raised after every committed write to its records.

The dashboards keep the figures they computed (``stats.memo``) under the generation of
their module: a write to any table the module's figures read raises it, so the next
request computes afresh. A row in the database, not a key in a cache, so that every
worker and every server sees the same generation whatever cache it has.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Generation(models.Model):
    """How many committed writes have touched the records of ``module`` (derived data)."""

    module = models.CharField(_("module"), max_length=40, primary_key=True)
    n = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("figures generation")
        verbose_name_plural = _("figures generations")

    def __str__(self) -> str:
        return f"{self.module}: {self.n}"
