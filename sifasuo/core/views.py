"""Core pages: attachment download (scope-checked) and the error pages."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.http import require_GET

from sifasuo.core import audit
from sifasuo.core.attachments import download_response
from sifasuo.core.models import Attachment
from sifasuo.core.scope import get_for_user


@require_GET
def attachment_download(request: HttpRequest, public_id: str) -> FileResponse:
    """Serve an attachment to a user who may see it, as a download; audited."""
    attachment = get_for_user(Attachment.objects.all(), request.user, "view", public_id=public_id)
    audit.record("download", actor=request.user, obj=attachment)
    return download_response(attachment)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse a forged or stale form with a clear page; audited (ASVS 7.1.3)."""
    from django.shortcuts import render

    user = getattr(request, "user", None)
    audit.record(
        "csrf_failure",
        actor=user if user is not None and user.is_authenticated else None,
        object_type="request",
        object_id=request.path[:64],
        outcome="DENIED",
    )
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the generic 500 page with the request id and nothing else."""
    template = loader.get_template("500.html")
    context = {"request_id": getattr(request, "request_id", "")}
    return HttpResponseServerError(template.render(context))
