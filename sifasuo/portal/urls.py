"""Portal routes: the citizens' pages, then the office's (inbox, follow-ups, guides)."""

from __future__ import annotations

from django.urls import path

from sifasuo.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("experiences/", views.experiences, name="experiences"),
    path("notice/", views.notice, name="notice"),
    path("guides/", views.guide_list, name="guide_list"),
    path("guides/<uuid:guide_id>/", views.guide_detail, name="guide_detail"),
    path("login/", views.login_start, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/resend/", views.login_resend, name="login_resend"),
    path("logout/", views.logout_view, name="logout"),
    path("apply/", views.apply_start, name="apply_start"),
    path("apply/<str:kind_code>/", views.apply_office, name="apply_office"),
    path("apply/<str:kind_code>/<str:office_code>/", views.apply_form, name="apply_form"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<uuid:application_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:application_id>/rate/", views.request_rate, name="request_rate"),
    path("consent/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    # The office's side (staff login).
    path("inbox/", views.inbox, name="inbox"),
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/<uuid:public_id>/", views.followup_detail, name="followup_detail"),
    path("followups/<uuid:public_id>/call/", views.followup_call, name="followup_call"),
    path("followups/<uuid:public_id>/reveal/", views.followup_reveal, name="followup_reveal"),
    path("guides/manage/", views.guide_manage, name="guide_manage"),
    path("guides/manage/new/", views.guide_create, name="guide_create"),
    path("guides/manage/<uuid:public_id>/edit/", views.guide_edit, name="guide_edit"),
    path("guides/manage/<uuid:public_id>/publish/", views.guide_publish, name="guide_publish"),
]
