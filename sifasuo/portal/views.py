"""The citizens' site."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The citizens' landing page: services, and the office locator."""
    return render(request, "portal/home.html")
