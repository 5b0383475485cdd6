"""Aggregates: each rolled-up measure's figure per counting unit × month (× breakdown value).

Each unit above a counting unit also keeps *subtree* rows: the sum of the rows of every
unit below it, so that a district's or the city's figure is read from its own few rows,
never summed over every committee of the city at request time.

Derived data, never edited by a person: ``stats.rollups`` keeps it in step with the ledgers
inside the writing transaction, and ``manage.py rebuild_stats`` recomputes it from them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sifasuo.core.scope import ScopedManager

TOTAL = ""  # the ``breakdown`` (and ``key``) of a measure's total row


class Aggregate(models.Model):
    """The figure of ``measure`` for the records counted under ``unit`` in one month."""

    scope_unit_field = "unit"

    measure = models.CharField(_("measure"), max_length=64)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    # the unit's path, kept here so that a subtree is one indexed prefix range
    unit_path = models.CharField(_("unit path"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    # "" for the total; else the breakdown's name (``by_category``) and the value counted
    breakdown = models.CharField(_("breakdown"), max_length=40, blank=True, default=TOTAL)
    key = models.CharField(_("value"), max_length=100, blank=True, default=TOTAL)
    # a count, or the sum of the measure's ``sum_field`` (yuan)
    value = models.DecimalField(_("figure"), max_digits=20, decimal_places=2, default=0)
    # False: the records counted under ``unit`` itself; True: the sum of the units below it
    subtree = models.BooleanField(_("units below"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("aggregate")
        verbose_name_plural = _("aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit", "year", "month", "breakdown", "key", "subtree"],
                name="stats_aggregate_cell_unique",
            )
        ]
        indexes = [
            # a month's rows of a subtree (``rollups`` sums them into the subtree rows); the
            # pattern operator classes let PostgreSQL serve ``unit_path LIKE '/…/%'`` under
            # any collation (ignored elsewhere)
            models.Index(
                fields=["measure", "year", "month", "unit_path"],
                name="stats_agg_month_path",
                opclasses=["varchar_pattern_ops", "int2_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.unit_id} {self.year}-{self.month:02d} {self.breakdown}"


class StaleCell(models.Model):
    """A module's figures of one counting unit and month that a write has made stale.

    Marked inside the writing transaction (``stats.rollups``); ``rollups.refresh``
    recomputes the cell's aggregates from the ledgers and removes the mark, unless another
    write bumped ``stamp`` meanwhile.
    """

    module = models.CharField(_("module"), max_length=32)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    stamp = models.PositiveBigIntegerField(_("stamp"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("stale aggregate cell")
        verbose_name_plural = _("stale aggregate cells")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "unit", "year", "month"], name="stats_stalecell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.unit_id} {self.year}-{self.month:02d}"
