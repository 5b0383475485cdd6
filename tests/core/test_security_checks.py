"""SECURITY.md §7 checks 8, 22, 30 and 36: no superuser, CSRF failures audited, no forged
log lines, and every personal-data field encrypted and classified."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.apps import apps
from django.core import checks
from django.db.models import GenericIPAddressField
from django.test import Client
from django.utils import translation

from sifasuo.accounts.models import User
from sifasuo.core.fields import BlindIndexField, EncryptedTextField
from sifasuo.core.logfilters import OneLine
from sifasuo.core.models import AuditEvent

EVIL = "evil\n2026-01-01 INFO admin login ok"
PERSONAL = re.compile(r"身份证|id_?card|id_number|phone|mobile|手机|address|住址", re.IGNORECASE)
# fields whose name matches but that hold no one's personal data in clear, with the reason
NOT_PERSONAL = {
    ("orgs.Unit", "phone"): "a unit's public office telephone (SECURITY.md: not people's data)",
    ("orgs.Unit", "address"): "a unit's public office address (SECURITY.md: not people's data)",
    ("governance.Draft", "addressed_units"): "the units a draft is addressed to",
    ("workorders.Notice", "addressees"): "the units a notice is addressed to",
}
NOT_PERSONAL[("accounts.User", "email")] = "a staff member's work e-mail (an account field)"
THIRD_PARTY = {"axes"}  # django-axes' login records: the client IP, kept by the lockout


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_is_refused_and_audited(office_clerk):
    # given: a client that enforces CSRF, as a browser session does
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_clerk)
    # when
    response = client.post("/people/new/", {"name": "张三"})
    # then
    assert response.status_code == 403
    row = AuditEvent.objects.filter(action="csrf_failure").latest("seq")
    assert row.outcome == "DENIED"
    assert row.actor_id == office_clerk.pk
    assert row.object_id == "/people/new/"


@pytest.mark.django_db
def test_a_username_with_a_line_break_stays_one_audit_field(client, demo):
    # given
    before = AuditEvent.objects.count()
    # when
    client.post("/accounts/login/", {"username": EVIL, "password": "wrong-password-1"})
    # then: one row, the username kept whole in its own field
    rows = AuditEvent.objects.filter(seq__gt=before, action="login_failed")
    assert rows.count() == 1
    assert rows.get().actor_username == EVIL
    assert AuditEvent.objects.filter(seq__gt=before, actor_username="admin").count() == 0


def test_a_log_message_with_a_line_break_is_one_line():
    # given: the console handler as the settings build it
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLine())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("sifasuo.test.injection")
    logger.addHandler(handler)
    logger.propagate = False
    # when
    logger.warning("login failed for %s", EVIL)
    # then
    assert stream.getvalue().count("\n") == 1
    assert "evil\\n2026-01-01 INFO admin login ok" in stream.getvalue()


def test_the_settings_put_the_one_line_filter_on_the_console(settings):
    # then
    assert "one_line" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["filters"]["one_line"]["()"] == "sifasuo.core.logfilters.OneLine"


def _personal_fields():
    for model in apps.get_models():
        if model._meta.app_label in THIRD_PARTY:
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False):
                continue
            if isinstance(field, GenericIPAddressField):
                continue  # the client's network address, kept for the audit (等保 8.1.4.3 b)
            with translation.override("en"):  # the same labels whatever the active language
                label = str(getattr(field, "verbose_name", ""))
            if PERSONAL.search(field.name) or PERSONAL.search(label):
                yield model._meta.label, field


def test_every_personal_data_field_is_encrypted_and_classified():
    # given (PIPL Art. 51(2) 分类管理; SECURITY.md check 36)
    found = list(_personal_fields())
    # when
    wrong = [
        f"{label}.{field.name} ({type(field).__name__})"
        for label, field in found
        if (label, field.name) not in NOT_PERSONAL
        and not isinstance(field, BlindIndexField)  # a keyed HMAC, never the value
        and not (isinstance(field, EncryptedTextField) and getattr(field, "pii_category", ""))
    ]
    # then
    assert not wrong, "personal data stored in clear or unclassified: " + ", ".join(wrong)
    assert any(label == "people.Person" and f.name == "id_number" for label, f in found)


def test_the_exemptions_name_real_fields():
    # then: a renamed field cannot leave a stale exemption behind
    for label, name in NOT_PERSONAL:
        apps.get_model(label)._meta.get_field(name)


@pytest.mark.django_db
def test_a_superuser_fails_the_deploy_check(demo):
    # given
    before = checks.run_checks(include_deployment_checks=True, databases=["default"])
    assert "sifasuo.E004" not in {message.id for message in before}
    user = User.objects.get(username="xiyilu_clerk")
    # when
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    found = checks.run_checks(include_deployment_checks=True, databases=["default"])
    # then
    assert "sifasuo.E004" in {message.id for message in found}
