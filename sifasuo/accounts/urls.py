"""Account routes."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from sifasuo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/otp/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/otp/verify/", views.otp_verify, name="otp_verify"),
    path("audit/", views.audit_list, name="audit_list"),
]
