"""The files of deploy/ and the scheduled jobs: each piece on its own, on any database."""

from __future__ import annotations

import runpy
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import get_commands
from django.utils import timezone
from django.utils.module_loading import import_string

from config.celery import app as celery_app
from sifasuo.core import tasks

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


# The scheduled jobs ----------------------------------------------------------------------


def test_every_scheduled_entry_runs_a_known_job():
    jobs = settings.SIFASUO_SCHEDULED_JOBS
    commands = get_commands()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] == "sifasuo.core.tasks.run_job"
        assert entry["task"] in celery_app.tasks
        (name,) = entry["args"]
        job = jobs[name]
        if "command" in job:
            assert job["command"] in commands, job
        else:
            assert callable(import_string(job["callable"])), job
    scheduled = {entry["args"][0] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"purge_residual", "refresh_stats", "archive_audit", "rebuild_stats"} <= scheduled


@pytest.mark.django_db
def test_the_sessions_job_runs_eagerly_without_a_broker_and_removes_expired_sessions():
    # given: no broker in the test settings, an expired and a live session
    assert celery_app.conf.task_always_eager
    now = timezone.now()
    Session.objects.create(session_key="e" * 32, session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="l" * 32, session_data="x", expire_date=now + timedelta(1))
    # when
    result = tasks.run_job.delay("clearsessions")
    # then
    assert result.successful()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]
    assert cache.get(f"{tasks.LOCK_PREFIX}clearsessions") is None, "the lock is released"


def test_a_name_outside_the_jobs_is_refused():
    with pytest.raises(tasks.UnknownJobError):
        tasks.run_job.delay("flush")


def test_a_job_that_is_running_elsewhere_is_skipped():
    # given: another worker holds the lock
    cache.set(f"{tasks.LOCK_PREFIX}clearsessions", 1, 60)
    try:
        # when / then: no second run (and no database access: this test has none)
        assert tasks.run_job.delay("clearsessions").get() == "skipped: already running"
    finally:
        cache.delete(f"{tasks.LOCK_PREFIX}clearsessions")


# gunicorn --------------------------------------------------------------------------------


def _gunicorn_config() -> dict[str, Any]:
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_the_gunicorn_config_serves_the_project_behind_a_proxy(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    config = _gunicorn_config()
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == 3
    assert config["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


@pytest.mark.parametrize(
    ("remote", "real_ip", "seen"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # from nginx: the client's address
        ("10.0.0.10", "203.0.113.7", "203.0.113.7"),  # from the trusted proxy network
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),  # not a proxy: its own address
        ("127.0.0.1", "not-an-address", "127.0.0.1"),  # garbage: the proxy's
        ("127.0.0.1", "", "127.0.0.1"),  # no header
    ],
)
def test_the_client_address_comes_from_the_proxy_only(remote, real_ip, seen):
    config = _gunicorn_config()
    recorded = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        recorded["remote"] = environ["REMOTE_ADDR"]
        return [b""]

    wrapped = config["ClientAddressFromProxy"](app, "127.0.0.1,::1,10.0.0.0/24")
    wrapped({"REMOTE_ADDR": remote, "HTTP_X_REAL_IP": real_ip}, None)
    assert recorded["remote"] == seen


# nginx -----------------------------------------------------------------------------------


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("needs nginx (apt-get install nginx; .ci/run installs it)")
    # given: the site as shipped, with this checkout's paths and a throw-away certificate
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=sifasuo.example.gov.cn", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    site = (DEPLOY / "nginx" / "sifasuo.conf").read_text()
    for shipped, here in {
        "/srv/sifasuo/app": str(ROOT),
        "/etc/ssl/sifasuo/fullchain.pem": str(cert),
        "/etc/ssl/sifasuo/privkey.pem": str(key),
        "/var/log/nginx/": f"{tmp_path}/",
        "/var/www/html": str(tmp_path),
    }.items():
        assert shipped in site
        site = site.replace(shipped, here)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events { worker_connections 16; }\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    # when
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    proxy = (DEPLOY / "nginx" / "sifasuo-proxy.conf").read_text()
    assert "client_max_body_size 25m;" in proxy
    assert settings.ATTACHMENT_MAX_BYTES <= 25 * 1024 * 1024, "raise client_max_body_size too"
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy


def test_the_units_and_the_environment_template_agree():
    template = (DEPLOY / "sifasuo.env.example").read_text()
    names = {line.split("=", 1)[0] for line in template.splitlines() if "=" in line}
    names |= {line.lstrip("# ").split("=", 1)[0] for line in template.splitlines() if "=" in line}
    for required in (
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_SECRET_KEY",
        "SIFASUO_FIELD_KEYS",
        "SIFASUO_BLIND_INDEX_KEY",
        "SIFASUO_AUDIT_CHAIN_KEY",
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "CACHE_URL",
        "CELERY_BROKER_URL",
        "CELERY_QUEUE",
        "CELERY_CONCURRENCY",
        "SIFASUO_MEDIA_ROOT",
    ):
        assert required in names, required
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) >= {"sifasuo-web.service", "sifasuo-worker.service", "sifasuo-beat.service"}
    for name, text in units.items():
        assert "EnvironmentFile=/etc/sifasuo/sifasuo.env" in text, name
        assert "User=sifasuo" in text, name
    assert "gunicorn -c deploy/gunicorn.conf.py" in units["sifasuo-web.service"]
    assert "celery -A config worker" in units["sifasuo-worker.service"]
    assert "celery -A config beat" in units["sifasuo-beat.service"]
