"""Account routes."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from sifasuo.accounts import admin_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/sessions/", views.session_list, name="session_list"),
    path("accounts/otp/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/otp/verify/", views.otp_verify, name="otp_verify"),
    path("audit/", views.audit_list, name="audit_list"),
    path("accounts/users/", admin_views.user_list, name="user_list"),
    path("accounts/users/new/", admin_views.user_create, name="user_create"),
    path("accounts/users/<int:pk>/", admin_views.user_detail, name="user_detail"),
    path("accounts/users/<int:pk>/roles/", admin_views.user_set_roles, name="user_set_roles"),
    path(
        "accounts/users/<int:pk>/active/",
        admin_views.user_toggle_active,
        name="user_toggle_active",
    ),
    path("accounts/users/<int:pk>/unlock/", admin_views.user_unlock, name="user_unlock"),
    path("accounts/users/<int:pk>/otp-reset/", admin_views.user_otp_reset, name="user_otp_reset"),
]
