"""The citizens' site."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sifasuo.core.listing import paginate
from sifasuo.offices.selectors import public_experiences


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The citizens' landing page: services, and the office locator."""
    return render(request, "portal/home.html")


@login_not_required
@require_GET
def experiences(request: HttpRequest) -> HttpResponse:
    """The typical experiences of judicial offices that the city bureau has published."""
    return render(
        request, "portal/experiences.html", paginate(request, public_experiences(), per_page=10)
    )
