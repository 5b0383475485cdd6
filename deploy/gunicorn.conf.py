"""gunicorn settings of sifasuo's web service (deploy/systemd/sifasuo-web.service).

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed from the environment file (/etc/sifasuo/sifasuo.env) without
editing this file. nginx in front terminates TLS and sets X-Forwarded-Proto and X-Real-IP
(deploy/nginx/sifasuo-proxy.conf); gunicorn trusts them only from FORWARDED_ALLOW_IPS.
"""

from __future__ import annotations

import contextlib
import ipaddress
import multiprocessing
import os
from collections.abc import Callable, Iterable
from typing import Any

wsgi_app = "config.wsgi:application"
proc_name = os.environ.get("GUNICORN_PROC_NAME", "sifasuo")

# Loopback only: nginx on the same machine (or a private address when nginx runs on
# another machine: GUNICORN_BIND=10.0.0.11:8000 and FORWARDED_ALLOW_IPS=<nginx's address>).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Synchronous workers: 2 × cores + 1 is gunicorn's rule for a CPU- and database-bound app.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a PDF or an export of a large table
graceful_timeout = 30
keepalive = 5  # nginx keeps its upstream connections open (keepalive in the upstream block)
# Recycle workers now and then, so no slow leak grows for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"  # noqa: S108 - the heartbeat file, in memory (gunicorn's advice)
limit_request_line = 8190
limit_request_fields = 100
# gunicorn's control socket (gunicornc) only where one is asked for: the service's home is
# read-only under systemd's ProtectSystem, and two instances would share the default path.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# The proxy: which addresses may tell gunicorn the scheme (X-Forwarded-Proto) and the client.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs to the journal (stdout/stderr); the access line carries the client and request id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-real-ip}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" rid=%({x-request-id}o)s'
)


def _trusted(addresses: str) -> list[Any]:
    nets = []
    for item in addresses.split(","):
        item = item.strip()
        if item and item != "*":
            nets.append(ipaddress.ip_network(item, strict=False))
    return nets


class ClientAddressFromProxy:
    """Set REMOTE_ADDR from nginx's X-Real-IP, only on requests that come from the proxy.

    gunicorn leaves REMOTE_ADDR as the proxy's address; the audit trail and the lockout
    need the client's. A request from any other address keeps its own REMOTE_ADDR, so a
    client cannot choose the address it is recorded with.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], trusted: str) -> None:
        self.app = app
        self.trust_all = trusted.strip() == "*"
        self.trusted = _trusted(trusted)

    def _from_proxy(self, address: str) -> bool:
        if self.trust_all:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False  # a unix socket: nginx on this machine
        return any(ip in net for net in self.trusted)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        real = environ.get("HTTP_X_REAL_IP", "").strip()
        if real and self._from_proxy(environ.get("REMOTE_ADDR", "")):
            with contextlib.suppress(ValueError):  # not an address: keep the proxy's
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.app(environ, start_response)


def post_worker_init(worker: Any) -> None:
    """Wrap the application of each worker once it is loaded."""
    worker.wsgi = ClientAddressFromProxy(worker.wsgi, forwarded_allow_ips)
