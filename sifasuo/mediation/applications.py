"""The MEDIATION kind of online application (core.applications): 在线申请人民调解.

A citizen's application lands as a REGISTERED case (source APPLICATION) in the intake of the
people's mediation committee of the town the chosen office serves (``<office code>T01``),
through ``services.case_register``; the intake deadline and to-dos then apply as at the
counter. ``services`` tells the portal when the case is accepted, refused or concluded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sifasuo.core import applications
from sifasuo.core.errors import ApplicationError
from sifasuo.mediation import services
from sifasuo.mediation.choices import CaseSource, CommitteeType, PartyRole
from sifasuo.mediation.models import CommitteeProfile, DisputeCategory, MediationCase
from sifasuo.orgs.choices import COMMITTEE_SUFFIX, UnitKind
from sifasuo.orgs.models import Unit

CODE = "MEDIATION"


class MediationApplicationForm(forms.Form):
    """What a citizen tells the committee: the dispute and the other party."""

    category = forms.ModelChoiceField(
        label=gettext_lazy("Kind of dispute"),
        queryset=DisputeCategory.objects.filter(is_active=True),
        empty_label=None,
    )
    summary = forms.CharField(
        label=gettext_lazy("What is the dispute about?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What happened, and what you would like to agree on."),
    )
    applicant_name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    respondent_name = forms.CharField(
        label=gettext_lazy("The other party (person or organisation)"), max_length=100
    )
    respondent_phone = forms.CharField(
        label=gettext_lazy("The other party's phone (if you know it)"),
        max_length=20,
        required=False,
    )
    amount_involved = forms.DecimalField(
        label=gettext_lazy("Amount involved (yuan, if any)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )

    def __init__(self, *args: Any, office: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office


def committee_for_office(office: Unit) -> Unit:
    """The town's people's mediation committee under ``office`` (``<code>T01`` first)."""
    committees = Unit.objects.filter(parent=office, kind=UnitKind.COMMITTEE, is_active=True)
    committee = committees.filter(code=f"{office.code}{COMMITTEE_SUFFIX}01").first()
    if committee is None:
        town = CommitteeProfile.objects.filter(
            unit__in=committees, committee_type=CommitteeType.TOWN
        ).first()
        committee = town.unit if town else committees.order_by("code").first()
    if committee is None:
        raise ApplicationError(
            _("This office has no people's mediation committee to receive applications."),
            field="office",
        )
    return committee


def submit(*, citizen: Any, office: Unit, data: dict[str, Any]) -> MediationCase:
    """Register the application at the town's committee (actor: the system, for the citizen)."""
    profile = getattr(citizen, "citizen_profile", None)
    parties = [
        services.PartyInput(
            role=PartyRole.APPLICANT,
            name=data["applicant_name"],
            phone=profile.phone if profile is not None else "",
        ),
        services.PartyInput(
            role=PartyRole.RESPONDENT,
            name=data["respondent_name"],
            phone=data.get("respondent_phone") or "",
        ),
    ]
    return services.case_register(
        actor=None,
        committee=committee_for_office(office),
        source=CaseSource.APPLICATION,
        category=data["category"],
        summary=data["summary"],
        received_on=data.get("received_on") or timezone.localdate(),
        parties=parties,
        amount_involved=data.get("amount_involved") or Decimal("0"),
    )


def staff_url(record: MediationCase) -> str:
    return reverse("mediation:case_detail", args=[record.public_id])


applications.register(
    applications.ApplicationKind(
        code=CODE,
        label=gettext_lazy("Mediation application"),
        description=gettext_lazy(
            "Ask the people's mediation committee of your town or street to help settle a "
            "dispute with a neighbour, a family member, a landlord or a company. People's "
            "mediation is voluntary and free of charge."
        ),
        form_class=MediationApplicationForm,
        submit=submit,
        staff_url=staff_url,
        icon="people",
        what_to_bring=gettext_lazy(
            "Your identity card; contracts, receipts, photos or other papers about the "
            "dispute; the other party's name and how to reach them."
        ),
        order=20,
    )
)
