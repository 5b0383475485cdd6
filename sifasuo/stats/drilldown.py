"""The records behind any figure: ``/stats/records/?measure=<code>&unit=&year=&month=``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def records(request: HttpRequest) -> HttpResponse:
    """The list of the records a figure counts (being written)."""
    raise Http404
