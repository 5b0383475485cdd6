"""The two-node test's additions to the app (test-only, never in config.urls)."""

from __future__ import annotations

import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from sifasuo.core.tasks import run_job


class ServedByMiddleware:
    """Name the instance that served the response (X-Served-By)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.instance = os.environ.get("SIFASUO_INSTANCE", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Served-By"] = self.instance
        return response


def enqueue(request: HttpRequest) -> JsonResponse:
    """Put the expired-sessions job on the broker; the worker runs it."""
    result = run_job.delay("clearsessions")
    return JsonResponse({"task_id": result.id})


urlpatterns = [path("_two_nodes/enqueue/", enqueue), *site_urlpatterns]
handler500 = "sifasuo.core.views.server_error"
