"""Portal routes."""

from __future__ import annotations

from django.urls import path

from sifasuo.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("experiences/", views.experiences, name="experiences"),
]
