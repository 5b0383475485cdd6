"""Two app instances behind nginx, one PostgreSQL and one Redis, all on loopback.

The instances run production's settings (tests/deploy/node_settings.py: HTTPS, secure
cookies, Redis cache, cached_db sessions, Celery on Redis) under deploy/gunicorn.conf.py;
nginx terminates TLS with a throw-away certificate and includes the site's own proxy
rules (deploy/nginx/sifasuo-proxy.conf), sending requests round robin. A user logs in
through one instance and goes on through the other; an upload through one downloads
through the other; a task enqueued through one runs in a Celery worker.

PostgreSQL only (the instances share the test database, so the test commits); CI installs
nginx (.ci/run), and a machine without nginx or Redis skips with the reason.
"""

from __future__ import annotations

import hashlib
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from sifasuo.accounts.demo import demo_password
from sifasuo.accounts.models import User
from sifasuo.core.models import Attachment
from tests.mediation import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SIFASUO_TEST_REDIS_URL", "redis://127.0.0.1:6379")
USERNAME = "xiyilu_mediator"  # a role without compulsory two-factor login
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def _redis_up() -> bool:
    parsed = urllib.parse.urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _database_url() -> str:
    s = connection.settings_dict
    user = urllib.parse.quote(s.get("USER") or "")
    password = urllib.parse.quote(s.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


NGINX_CONF = """
user root;
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {d}/nginx-access.log;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream sifasuo_app {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
        keepalive 4;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name 127.0.0.1;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        include {root}/deploy/nginx/sifasuo-proxy.conf;
    }}
}}
"""


@dataclass
class Cluster:
    base: str
    context: ssl.SSLContext
    directory: Path
    queue: str
    logs: dict[str, Path] = field(default_factory=dict)
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def _opener(self) -> urllib.request.OpenerDirector:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        return urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context),
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirect,
        )

    def request(
        self,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(  # noqa: S310 - https to our own loopback nginx
            self.base + path, data=data, headers={"Referer": self.base + "/", **(headers or {})}
        )
        try:
            with self._opener().open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name and c.value is not None)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")


def _wait(check: Any, what: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if check():
            return
        time.sleep(0.25)
    raise RuntimeError(f"{what} did not come up in {seconds:.0f} s")


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        conn.request("GET", "/locator/", headers={"X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
        conn.close()
        return status < 500
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _forget_redis_keys(prefix: str, queue: str) -> None:
    import redis

    for db in (0, 1):
        client = redis.Redis.from_url(f"{REDIS_URL}/{db}")
        try:
            keys = [*client.scan_iter(f"*{prefix}*", count=500), queue]
            client.delete(*keys)
        finally:
            client.close()


@pytest.fixture
def cluster(demo: None, tmp_path: Path) -> Iterator[Cluster]:
    nginx = _nginx()
    if nginx is None:
        pytest.skip("needs nginx (apt-get install nginx; .ci/run installs it)")
    if not _redis_up():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    run = uuid.uuid4().hex[:10]
    prefix, queue = f"sifasuo-two-nodes-{run}", f"sifasuo-two-nodes-{run}"
    cert, key = _certificate(tmp_path)
    media = tmp_path / "media"
    media.mkdir()
    ports = {"a": _free_port(), "b": _free_port()}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.deploy.node_settings",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": f"{REDIS_URL}/1",
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_BROKER_URL": f"{REDIS_URL}/0",
        "CELERY_QUEUE": queue,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SIFASUO_MEDIA_ROOT": str(media),
        "SIFASUO_SMS_BACKEND": "sifasuo.core.sms.LogBackend",
        "GUNICORN_WORKERS": "1",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    processes: list[subprocess.Popen[bytes]] = []
    logs: dict[str, Path] = {}
    files = []

    def start(name: str, command: list[str], extra: dict[str, str]) -> subprocess.Popen[bytes]:
        logs[name] = tmp_path / f"{name}.log"
        out = logs[name].open("wb")
        files.append(out)
        process = subprocess.Popen(
            command, cwd=ROOT, env={**env, **extra}, stdout=out, stderr=subprocess.STDOUT
        )
        processes.append(process)
        return process

    try:
        nodes = {
            name: start(
                name,
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")],
                {"GUNICORN_BIND": f"127.0.0.1:{port}", "SIFASUO_INSTANCE": name},
            )
            for name, port in ports.items()
        }
        worker = start(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            {},
        )
        port = _free_port()
        (tmp_path / "nginx.conf").write_text(
            NGINX_CONF.format(
                d=tmp_path, a=ports["a"], b=ports["b"], port=port, cert=cert, key=key, root=ROOT
            )
        )
        proxy = start(
            "nginx",
            [
                nginx,
                "-p",
                str(tmp_path),
                "-c",
                str(tmp_path / "nginx.conf"),
                "-e",
                str(tmp_path / "nginx-error.log"),
            ],
            {},
        )
        for name, process in nodes.items():
            _wait(lambda p=ports[name]: _answers(p), f"gunicorn {name}", process, STARTUP_SECONDS)
        _wait(
            lambda: "ready" in logs["worker"].read_text(errors="replace"),
            "celery",
            worker,
            STARTUP_SECONDS,
        )
        _wait(lambda: _answers_tls(port, cert), "nginx", proxy, 30)
        context = ssl.create_default_context(cafile=str(cert))
        yield Cluster(f"https://127.0.0.1:{port}", context, tmp_path, queue, logs)
    finally:
        for process in reversed(processes):
            _stop(process)
        for out in files:
            out.close()
        _forget_redis_keys(prefix, queue)


def _answers_tls(port: int, cert: Path) -> bool:
    try:
        context = ssl.create_default_context(cafile=str(cert))
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=15, context=context)
        conn.request("GET", "/locator/")
        status = conn.getresponse().status
        conn.close()
        return status < 500
    except OSError:
        return False


def _served_by(headers: dict[str, str]) -> str:
    return headers.get("X-Served-By", "")


def _csrf(body: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert match, "no CSRF token on the page"
    return match.group(1).decode()


def _multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for name, (filename, content, kind) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _other_node(cluster: Cluster, path: str, not_by: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` until an instance other than ``not_by`` answers (round robin: at once)."""
    for _ in range(4):
        status, headers, body = cluster.request(path)
        if _served_by(headers) != not_by:
            return status, headers, body
    raise AssertionError(f"every request to {path} landed on {not_by}")


def test_two_instances_behind_nginx_share_sessions_files_and_tasks(cluster: Cluster):
    started = time.monotonic()
    mediator = User.objects.get(username=USERNAME)
    case = factories.accepted(actor=mediator)
    expired = Session.objects.create(
        session_key=f"expired{uuid.uuid4().hex}",
        session_data="e30:expired",
        expire_date=timezone.now() - timedelta(days=1),
    )

    # when: the login page through one instance, the login through the other
    status, headers, body = cluster.request("/accounts/login/")
    assert status == 200
    page_node = _served_by(headers)
    assert page_node in ("a", "b")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": _csrf(body), "username": USERNAME, "password": demo_password()}
    ).encode()
    status, headers, _ = cluster.request(
        "/accounts/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    login_node = _served_by(headers)
    # then: round robin put the login on the other instance, and it logged in
    assert status == 302, f"login answered {status}"
    assert login_node != page_node
    assert "strict-transport-security" in {k.lower() for k in headers}
    assert "__Host-sessionid" in {c.name for c in cluster.jar}
    assert all(c.secure for c in cluster.jar)

    # when: the next requests
    served = []
    for _ in range(4):
        status, headers, body = cluster.request("/")
        served.append(_served_by(headers))
        # then: the session works on both instances (Redis cache + database, shared)
        assert status == 200, f"the workbench answered {status} on {served[-1]}"
        assert b"/accounts/logout/" in body, "the workbench is not the logged-in page"
    assert served[0] != login_node, "the request after the login landed on the same instance"
    assert set(served) == {"a", "b"}

    # when: an upload through one instance
    status, headers, body = cluster.request(f"/mediation/cases/{case.public_id}/")
    assert status == 200
    png = _png()
    data, kind = _multipart(
        {
            "csrfmiddlewaretoken": cluster.cookie("__Host-csrftoken"),
            "kind": "SESSION",
            "held_on": timezone.localdate().isoformat(),
            "content": "双方到场，当面调解",
        },
        {"attachment": ("two-nodes.png", png, "image/png")},
    )
    status, headers, body = cluster.request(
        f"/mediation/cases/{case.public_id}/steps/record/", data, {"Content-Type": kind}
    )
    upload_node = _served_by(headers)
    assert status == 302, body.decode(errors="replace")[:1000]
    attachment = Attachment.objects.get(original_name="two-nodes.png")
    # then: the other instance serves it, byte for byte, through the checked view only
    status, headers, body = _other_node(
        cluster, f"/attachments/{attachment.public_id}/", upload_node
    )
    assert status == 200
    assert hashlib.sha256(body).digest() == hashlib.sha256(png).digest()
    assert headers["Content-Disposition"].startswith("attachment")
    for direct in (
        f"/attachments/_private/{attachment.file.name}",
        f"/media/{attachment.file.name}",
    ):
        status, headers, _ = cluster.request(direct)
        assert status == 404, direct
        assert "X-Served-By" not in headers, "nginx answers, the app never sees it"

    # when: a task enqueued through one instance
    status, headers, body = cluster.request("/_two_nodes/enqueue/")
    assert status == 200
    task_id = json.loads(body)["task_id"]
    # then: the Celery worker (Redis broker) runs it against the shared database
    deadline = time.monotonic() + 30
    while Session.objects.filter(pk=expired.pk).exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not Session.objects.filter(pk=expired.pk).exists(), cluster.log("worker")[-2000:]
    assert re.search(
        rf"Task sifasuo\.core\.tasks\.run_job\[{task_id}\] succeeded", cluster.log("worker")
    )

    # and: static files come through, a body over the cap is refused by nginx
    status, headers, _ = cluster.request("/static/css/sifasuo.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    parsed = urllib.parse.urlparse(cluster.base)
    conn = http.client.HTTPSConnection(parsed.hostname, parsed.port, context=cluster.context)
    conn.putrequest("POST", "/accounts/login/")
    conn.putheader("Content-Length", str(30 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
    # the proxy marked every request as https and the apps saw the client's address
    access = cluster.log("a") + cluster.log("b")
    assert "127.0.0.1" in access
    assert time.monotonic() - started < 90
