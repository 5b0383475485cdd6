"""Security headers on every page (SECURITY.md checks 20, 21, 33).

The pages are those of the URL walker (tests/accounts/test_urls.py): every route of
``config.urls``, each fetched by whoever may see it (anonymous for the public list, a
citizen for the citizens' own pages, the 西一路 director for everything else, on 西一路's
own records), over HTTPS with the production settings' header and cookie values. Every
HTML answer must carry a CSP without inline or eval'd script and without other hosts,
nosniff, frame denial, a referrer policy and HSTS, and its body must hold no inline
``<script>``, no ``on…=`` handler, no ``javascript:`` URL, no ``style`` attribute and no
asset from another host. Every answer to a logged-in user carries ``Cache-Control:
no-store``; the walk must reach pages of each personal-data module.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.accounts.test_urls import (
    CITIZEN_ROUTES,
    PUBLIC,
    ROUTES,
    Route,
    owned,  # noqa: F401 - fixture
    route_model,
    sample_kwargs,
)
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PII_NAMESPACES = ("people", "correction", "resettlement", "mediation", "portal")
# Settings that decide headers and cookies; their production values are applied to the walk.
PRODUCTION_KEYS = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "DEBUG",
)
# ``{{ value|json_script }}`` writes a data block: never run, so not script for the CSP.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}
EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        SIFASUO_FIELD_KEYS="k1=" + secrets.token_hex(16),
        SIFASUO_FIELD_KEY_ID="k1",
        SIFASUO_BLIND_INDEX_KEY=secrets.token_hex(32),
        SIFASUO_AUDIT_CHAIN_KEY=secrets.token_hex(32),
        DJANGO_ALLOWED_HOSTS="sifasuo.example.gov.cn",
    )
    return env


@pytest.fixture(scope="module")
def production_values() -> dict[str, Any]:
    """The header and cookie settings as config.settings.production has them."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {PRODUCTION_KEYS!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return values


@pytest.fixture
def production_headers(settings: Any, production_values: dict[str, Any]) -> dict[str, Any]:
    for key, value in production_values.items():
        if key == "DEBUG":
            continue
        setattr(settings, key, value)
    return production_values


class _Page(HTMLParser):
    """Collect what a CSP without 'unsafe-inline' would block, and other hosts' assets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            links = name in ("href", "src", "action", "formaction")
            if links and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            data_block = (values.get("type") or "").lower() in DATA_BLOCK_TYPES
            if not values.get("src") and not data_block:
                self.problems.append("inline <script> without src")
            elif EXTERNAL.match(values.get("src") or ""):
                self.problems.append(f"<script src={values['src']}> from another host")
        if tag == "style":
            self.problems.append("inline <style> element")
        if tag == "link" and EXTERNAL.match(values.get("href") or ""):
            self.problems.append(f"<link href={values['href']}> from another host")
        if tag in ("img", "iframe", "source", "embed") and EXTERNAL.match(values.get("src") or ""):
            self.problems.append(f"<{tag} src={values['src']}> from another host")


def body_problems(html: str) -> list[str]:
    parser = _Page()
    parser.feed(html)
    parser.close()
    return parser.problems


def csp_problems(policy: str) -> list[str]:
    problems = []
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        problems.append("no script-src or default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts) or "*" in scripts:
        problems.append(f"script-src allows inline/eval: {scripts}")
    for name, sources in directives.items():
        for source in sources:
            if EXTERNAL.match(source) or source in ("*", "http:", "https:"):
                problems.append(f"{name} names another host: {source}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    return problems


def header_problems(response: Any) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy")
    if not policy:
        problems.append("no Content-Security-Policy")
    else:
        problems += csp_problems(policy)
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.get('X-Frame-Options')}")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    hsts = response.get("Strict-Transport-Security", "")
    match = re.search(r"max-age=(\d+)", hsts)
    if not match or int(match.group(1)) < 31536000:
        problems.append(f"HSTS is {hsts!r}")
    return problems


def is_html(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _url(route: Route, value: Any = None) -> str | None:
    for candidate in (value,) if value is not None else ("x", 1):
        try:
            return reverse(route.name, kwargs=sample_kwargs(route, candidate))
        except NoReverseMatch:
            continue
    return None


def walk(records: Any, office_director: Any, citizen: Any) -> list[tuple[Route, str, Any, str]]:
    """(route, url, response, who) for every route, fetched by whoever may see it."""
    # A server error is reported with the route (below), not raised: the walk goes on.
    anonymous, staff, resident = (Client(raise_request_exception=False) for _ in range(3))
    staff.force_login(office_director)
    resident.force_login(citizen)
    pages = []
    for route in ROUTES:
        url: str | None = None
        if route.name in PUBLIC:
            client, who = anonymous, "anonymous"
            url = _url(route)
        elif route.name in CITIZEN_ROUTES:
            client, who = resident, "citizen"
            url = _url(route)
        else:
            client, who = staff, "staff"
            found = route_model(route) if route.object_kwargs else None
            if found is not None:
                model, queryset, lookup = found
                objects = [o for o in records[model] if queryset.filter(pk=o.pk).exists()]
                if objects:
                    url = _url(route, getattr(objects[0], lookup))
            elif not route.object_kwargs:
                url = _url(route)
        if url is None:
            continue
        response = client.get(url, secure=True)
        if getattr(response, "streaming", False):
            # Drain through the client's wrapper: it closes the response without the
            # request_finished handler that would close the test's database connection.
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        pages.append((route, url, response, who))
    return pages


def test_every_page_sends_the_security_headers(
    owned,  # noqa: F811
    office_director,
    citizen,
    production_headers,
    settings,
):
    # given: production's header and cookie settings; every route, by who may see it
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks "https" by secure=True
    pages = walk(owned, office_director, citizen)
    # when / then
    failures: list[str] = []
    html_pages: dict[str, int] = {}
    for route, url, response, who in pages:
        if response.status_code == 405:
            continue  # POST only: nothing rendered
        problems = header_problems(response)
        if response.status_code >= 500:
            problems.append("server error")
        if is_html(response) and not getattr(response, "streaming", False):
            problems += body_problems(response.content.decode("utf-8", "replace"))
            if response.status_code == 200:
                namespace = route.name.split(":", 1)[0]
                html_pages[namespace] = html_pages.get(namespace, 0) + 1
        if who != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"Cache-Control is {response.get('Cache-Control')!r}")
        failures += [f"{route} {url} [{who}, {response.status_code}]: {p}" for p in problems]
    assert not failures, "\n".join(failures[:80])
    # then: the walk reached the pages of every module that holds personal data
    for namespace in PII_NAMESPACES:
        assert html_pages.get(namespace, 0) >= 2, (namespace, html_pages)
    assert sum(html_pages.values()) >= 100, html_pages


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>", "inline <script> without src"),
        ('<button onclick="go()">x</button>', "<button onclick=…> inline handler"),
        ('<a href="javascript:go()">x</a>', "<a href=javascript:…>"),
        ('<div style="color:red">x</div>', "<div style=…> inline style"),
        ('<script src="https://cdn.example.com/x.js"></script>', "from another host"),
        ('<link rel="stylesheet" href="//cdn.example.com/x.css">', "from another host"),
    ],
)
def test_the_body_check_catches_what_the_csp_would_block(html, expected):
    # when
    problems = body_problems(f"<html><body>{html}</body></html>")
    # then
    assert any(expected in p for p in problems), problems


def test_the_body_check_passes_a_clean_page():
    html = (
        '<script src="/static/js/sifasuo.js" defer></script><p data-x="onclick">onclick=</p>'
        '<script id="d" type="application/json">{"a": 1}</script>'
    )
    assert body_problems(html) == []


@pytest.mark.parametrize(
    "policy",
    [
        "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        "default-src 'self'; script-src 'self' 'unsafe-eval'; frame-ancestors 'none'",
        "default-src 'self'; script-src 'self' https://cdn.example.com; frame-ancestors 'none'",
        "default-src 'self'; script-src 'self'; frame-ancestors *",
    ],
)
def test_the_csp_check_catches_a_weak_policy(policy):
    assert csp_problems(policy + "; object-src 'none'")


def test_the_configured_csp_has_no_inline_script_and_no_other_host():
    # given
    directives = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    policy = "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())
    # then
    assert csp_problems(policy) == []
    assert "'unsafe-inline'" not in directives["style-src"]
    assert django_settings.CONTENT_SECURITY_POLICY_REPORT_ONLY is None  # enforced


def test_login_cookies_are_secure_httponly_and_samesite(demo, production_headers, settings):
    # given
    settings.SECURE_SSL_REDIRECT = False
    client = Client()
    assert client.get("/accounts/login/", secure=True).status_code == 200
    # when
    response = client.post(
        "/accounts/login/",
        {"username": "xiyilu_clerk", "password": PASSWORD},
        secure=True,
    )
    # then: the session cookie and the CSRF cookie carry every flag
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"], session.output()
    assert session["httponly"], session.output()
    assert session["samesite"] in ("Lax", "Strict"), session.output()
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"], csrf.output()
    assert csrf["httponly"], csrf.output()
    assert csrf["samesite"] in ("Lax", "Strict"), csrf.output()
    assert "no-store" in response["Cache-Control"]


def test_production_settings_are_secure(production_values):
    # then: the values the walk applied are production's own
    assert production_values["DEBUG"] is False
    assert production_values["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_values["SESSION_COOKIE_SECURE"] is True
    assert production_values["CSRF_COOKIE_SECURE"] is True
    assert production_values["X_FRAME_OPTIONS"] == "DENY"


def test_check_deploy_is_clean_under_production_settings():
    # when: SECURITY.md check 20, as CI step 5 runs it
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_anonymous_public_page_stays_cacheable(demo):
    # when
    response = Client().get("/locator/")
    # then
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_page_built_from_the_session_is_not_stored(demo):
    # given: a visitor whose session holds data (the portal's login steps keep the phone there)
    client = Client()
    session = client.session
    session["portal_phone"] = "13800001234"
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    # when
    response = client.get("/locator/")
    # then
    assert "no-store" in response["Cache-Control"]
