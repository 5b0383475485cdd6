"""Public legal services and satisfaction: consultations, legal aid, appointments, windows,
and the portal's ratings (好差评) and their follow-ups, as offices report them upward.

The figures come from several ledgers (consultations, legal aid pre-applications,
appointments, window logs, ratings, follow-ups); the breakdowns are those of the
consultations. Every figure drills down on the generic records page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="legalservice",
    title=gettext_lazy("Legal services and satisfaction"),
    figures={
        "consultations": "legalservice.consultations",
        "online_consultations": "legalservice.online_consultations",
        "online_answered_on_time": "legalservice.online_answered_on_time",
        "online_overdue": "legalservice.online_overdue",
        "referrals": "legalservice.referrals",
        "legal_aid_applications": "legalservice.legal_aid_applications",
        "legal_aid_transfers": "legalservice.legal_aid_transfers",
        "legal_aid_granted": "legalservice.legal_aid_granted",
        "appointments": "legalservice.appointments",
        "appointments_kept": "legalservice.appointments_kept",
        "appointments_no_show": "legalservice.appointments_no_show",
        "window_services": "legalservice.window_services",
        "window_people_served": "legalservice.window_people_served",
        "ratings": "portal.ratings",
        "satisfied_ratings": "portal.satisfaction",
        "poor_ratings": "portal.poor_ratings",
        "followups": "portal.followups",
        "followups_closed": "portal.followups_closed",
        "followups_overdue": "portal.followups_overdue",
    },
    rates={
        "satisfaction_rate": Rate(
            "satisfied_ratings", "ratings", gettext_lazy("Satisfaction rate")
        ),
        "online_on_time_rate": Rate(
            "online_answered_on_time",
            "online_consultations",
            gettext_lazy("Online answers on time"),
        ),
        "appointment_kept_rate": Rate(
            "appointments_kept", "appointments", gettext_lazy("Appointments kept rate")
        ),
    },
    records_url_name="stats:records",
    breakdown_figure="consultations",
    breakdowns={
        "by_channel": Breakdown(
            "channel", gettext_lazy("Consultations by channel"), gettext_lazy("Channel")
        ),
        "by_topic": Breakdown(
            "topic", gettext_lazy("Consultations by topic"), gettext_lazy("Topic")
        ),
        "by_referral": Breakdown(
            "referral", gettext_lazy("Consultations by referral"), gettext_lazy("Referred to")
        ),
    },
    comparison_figure="consultations",
    cards=(
        "consultations",
        "legal_aid_applications",
        "legal_aid_transfers",
        "appointments",
        "window_services",
        "satisfaction_rate",
        "online_on_time_rate",
        "online_overdue",
        "poor_ratings",
        "followups_overdue",
    ),
)
