"""The publicity items of the workbench's to-do list: reviews and contracts falling due."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.models import DeadlineRule
from sifasuo.core.todos import Todo, register
from sifasuo.publicity.choices import RULE_CONTRACT_NOTICE, RULE_VILLAGE_REVIEW, ReviewResult
from sifasuo.publicity.models import DemonstrationVillage, TownAdviser, VillageAdviser

LIMIT = 50


def _remind_days(code: str, default: int) -> int:
    rule = DeadlineRule.objects.filter(code=code).only("remind_days_before").first()
    return rule.remind_days_before if rule else default


@register
def publicity_todos(user: Any) -> list[Todo]:
    """Demonstration-village reviews due or overdue; advisers' contracts about to end."""
    if getattr(user, "unit", None) is None:
        return []
    today = timezone.localdate()
    items: list[Todo] = []
    review_horizon = today + timedelta(days=_remind_days(RULE_VILLAGE_REVIEW, 60))
    titles = (
        DemonstrationVillage.objects.visible_to(user, "change")
        .exclude(review_result__in=[ReviewResult.REVOKED, ReviewResult.CANCELLED])
        .filter(review_due__lte=review_horizon)
        .select_related("village")
        .order_by("review_due", "pk")[:LIMIT]
    )
    for title in titles:
        items.append(
            Todo(
                _("Review the demonstration title of %(village)s") % {"village": title.village},
                reverse("publicity:village_detail", args=[title.public_id]),
                title.review_due,
            )
        )
    contract_horizon = today + timedelta(days=_remind_days(RULE_CONTRACT_NOTICE, 30))
    town_advisers = (
        TownAdviser.objects.visible_to(user, "change")
        .filter(contract_end__lte=contract_horizon, contract_end__gte=today - timedelta(days=30))
        .order_by("contract_end", "pk")[:LIMIT]
    )
    for town_adviser in town_advisers:
        items.append(
            Todo(
                _("The contract of %(name)s (%(kind)s) ends: renew or replace")
                % {"name": town_adviser.name, "kind": town_adviser.get_kind_display()},
                reverse("publicity:town_adviser_detail", args=[town_adviser.public_id]),
                town_adviser.contract_end,
            )
        )
    village_advisers = (
        VillageAdviser.objects.visible_to(user, "change")
        .filter(contract_end__lte=contract_horizon, contract_end__gte=today)
        .select_related("village")
        .order_by("contract_end", "pk")[:LIMIT]
    )
    for adviser in village_advisers:
        if VillageAdviser.objects.filter(
            village=adviser.village_id, contract_start__gt=adviser.contract_end
        ).exists():
            continue  # the next adviser is already assigned
        items.append(
            Todo(
                _("The adviser contract of %(village)s ends") % {"village": adviser.village},
                reverse("publicity:adviser_detail", args=[adviser.public_id]),
                adviser.contract_end,
            )
        )
    return items
