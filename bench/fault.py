"""Fault test: PostgreSQL is cut off and restarted while the platform is under load.

    .venv/bin/python -m bench.fault [--duration 45] [--threads 8] [--port 8765] [--keep]

(``make fault``.) Runs as root on this machine and touches nothing shared:

1. a PRIVATE PostgreSQL cluster: ``initdb`` into a temporary directory as the ``postgres``
   OS user, listening on 127.0.0.1:5439 only (never the machine's cluster on 5432);
2. ``migrate``, then a small demo: the demo offices and accounts and 20 people;
3. gunicorn (``config.settings.local``, two workers, persistent connections with health
   checks) on loopback;
4. load from a Python thread pool: the unit list, the person list, a person's page and a
   create POST (``/api/v1/people/``, token auth, one ``Idempotency-Key`` each);
5. at ``--kill-at`` seconds every backend of the app's database is terminated
   (``pg_terminate_backend``), at ``--restart-at`` the cluster is restarted
   (``pg_ctl restart -m fast``);
6. the report: status counts per second, the error window, any 500 or traceback (must be
   0), the recovery time after PostgreSQL is back, and the partial-write check: the people
   rows created during the run against the audit trail's ``create`` events and the POSTs
   answered 201 (every row has its audit event and vice versa; no 201 without a row).

Exit status 0 only if there is no 500, no traceback in a response, no partial write, and
every endpoint answered 2xx again within ``--recovery-target`` seconds of the restart.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench.run import free_port, start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 5439
DB_NAME = "sifasuo_fault"
USERNAME = "xiyilu_clerk"


# --- the private cluster -----------------------------------------------------------------


class PrivateCluster:
    """A throw-away PostgreSQL cluster owned by the postgres OS user, on 127.0.0.1:5439."""

    def __init__(self, port: int = PG_PORT) -> None:
        self.port = port
        self.base = Path(tempfile.mkdtemp(prefix="sifasuo-fault-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        shutil.chown(self.base, "postgres", "postgres")

    def _as_postgres(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - fixed programs, arguments built here
            ["runuser", "-u", "postgres", "--", *command],  # noqa: S607
            check=check,
            capture_output=True,
            text=True,
            cwd=self.base,
        )

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} "
            "-c shared_buffers=64MB -c max_connections=50"
        )
        return self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *args
        )

    def start(self) -> None:
        if not free_port(self.port):
            raise SystemExit(f"port {self.port} is taken: is another fault run going?")
        self._as_postgres(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"
        )
        self.pg_ctl("start")

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(
                "pg_ctl", "-D", str(self.data), "stop", "-m", "immediate", "-w", check=False
            )

    def url(self, dbname: str = DB_NAME) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        result = subprocess.run(  # noqa: S603
            [  # noqa: S607
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                dbname,
                "-Atc",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()


# --- data ---------------------------------------------------------------------------------


def prepare(database_url: str) -> dict[str, Any]:
    """Migrate, seed the small demo and return what the load needs (token, person ids)."""
    os.environ.update(
        {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    )
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic() - started
    from django.conf import settings
    from django.test import Client

    from sifasuo.accounts.demo import create_demo_accounts
    from sifasuo.accounts.models import User
    from sifasuo.accounts.services import api_token_issue
    from sifasuo.orgs.demo import create_demo_offices
    from sifasuo.people import services as people

    create_demo_offices()
    create_demo_accounts()
    user = User.objects.get(username=USERNAME)
    persons = [
        people.person_create(actor=user, unit=user.unit, name=f"演示人员{i:02d}") for i in range(20)
    ]
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    token = api_token_issue(user=user)
    from django.db import connections

    connections.close_all()
    return {
        "token": token,
        "cookie": cookie,
        "person_ids": [str(p.public_id) for p in persons],
        "migrate_seconds": round(migrated, 1),
    }


# --- load ---------------------------------------------------------------------------------


@dataclass
class Sample:
    t: float
    kind: str
    status: int  # 0: no HTTP answer (socket error)
    traceback: bool = False
    public_id: str = ""


@dataclass
class Load:
    base: str
    cookie: str
    token: str
    person_ids: list[str]
    started: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def worker(self, index: int) -> None:
        session = requests.Session()
        session.headers["Cookie"] = self.cookie
        api = requests.Session()
        api.headers["Authorization"] = f"Token {self.token}"
        i = index
        while not self.stop.is_set():
            i += 1
            kind = ("list", "people", "detail", "create")[i % 4]
            try:
                if kind == "create":
                    response = api.post(
                        f"{self.base}/api/v1/people/",
                        json={"name": f"故障测试{uuid.uuid4().hex[:8]}"},
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                        timeout=30,
                    )
                else:
                    path = {
                        "list": "/units/",
                        "people": "/people/",
                        "detail": f"/people/{self.person_ids[i % len(self.person_ids)]}/",
                    }[kind]
                    response = session.get(self.base + path, timeout=30, allow_redirects=False)
                status, body = response.status_code, response.text
            except requests.RequestException:
                status, body = 0, ""
            public_id = ""
            if kind == "create" and status == 201:
                body_json = response.json()
                public_id = str(body_json.get("id") or body_json.get("public_id") or "")
            sample = Sample(
                t=time.monotonic() - self.started,
                kind=kind,
                status=status,
                traceback="Traceback" in body or 'File "/' in body,
                public_id=public_id,
            )
            with self.lock:
                self.samples.append(sample)
            if status != 200 and status != 201:
                time.sleep(0.05)  # a client backing off a little, as browsers do


def run_load(
    load: Load,
    threads: int,
    duration: float,
    events: dict[str, Any],
    cluster: PrivateCluster,
    kill_at: float,
    restart_at: float,
) -> None:
    pool = [threading.Thread(target=load.worker, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    try:
        _sleep_until(load, kill_at)
        events["kill"] = time.monotonic() - load.started
        events["killed"] = int(
            cluster.psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "  # noqa: S608
                f"WHERE datname = '{DB_NAME}' AND pid <> pg_backend_pid()"
            )
            or 0
        )
        _sleep_until(load, restart_at)
        events["restart"] = time.monotonic() - load.started
        cluster.restart()
        events["restarted"] = time.monotonic() - load.started
        _sleep_until(load, duration)
    finally:
        load.stop.set()
        for thread in pool:
            thread.join(timeout=40)


def _sleep_until(load: Load, at: float) -> None:
    delay = at - (time.monotonic() - load.started)
    if delay > 0:
        time.sleep(delay)


# --- report -------------------------------------------------------------------------------


def report(samples: list[Sample], events: dict[str, Any], recovery_target: float) -> dict[str, Any]:
    windows: dict[int, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    for s in samples:
        windows[int(s.t)][s.status] += 1
    bad = [s for s in samples if s.status not in (200, 201)]
    errors_500 = [s for s in samples if s.status == 500]
    tracebacks = [s for s in samples if s.traceback]
    restarted = events.get("restarted", 0.0)
    recovered: dict[str, float | None] = {}
    for kind in ("list", "people", "detail", "create"):
        after = [s for s in samples if s.kind == kind and s.t >= restarted]
        last_bad = max((s.t for s in after if s.status not in (200, 201)), default=restarted)
        first_ok = min(
            (s.t for s in after if s.status in (200, 201) and s.t >= last_bad), default=None
        )
        recovered[kind] = None if first_ok is None else round(first_ok - restarted, 2)
    recovery = max((v for v in recovered.values() if v is not None), default=None)
    outages: list[list[float]] = []  # errors less than 2 s apart belong to one outage
    for s in sorted(bad, key=lambda s: s.t):
        if outages and s.t - outages[-1][1] < 2.0:
            outages[-1][1] = s.t
            outages[-1][2] += 1
        else:
            outages.append([s.t, s.t, 1])
    return {
        "requests": len(samples),
        "outages": [
            {"from": round(a, 2), "to": round(b, 2), "seconds": round(b - a, 2), "errors": n}
            for a, b, n in outages
        ],
        "statuses": dict(collections.Counter(s.status for s in samples)),
        "windows": {t: dict(c) for t, c in sorted(windows.items())},
        "error_window": (
            [round(min(s.t for s in bad), 2), round(max(s.t for s in bad), 2)] if bad else None
        ),
        "error_window_seconds": round(max(s.t for s in bad) - min(s.t for s in bad), 2)
        if bad
        else 0,
        "non_503_errors": dict(collections.Counter(s.status for s in bad if s.status != 503)),
        "errors_500": len(errors_500),
        "tracebacks": len(tracebacks),
        "recovery_seconds_per_endpoint": recovered,
        "recovery_seconds": recovery,
        "recovered": all(v is not None for v in recovered.values())
        and recovery is not None
        and recovery <= recovery_target,
        "events": events,
    }


def partial_writes(samples: list[Sample], since: Any) -> dict[str, Any]:
    """People rows of the run vs their audit ``create`` events vs the POSTs answered 201."""
    from django.db import connections

    from sifasuo.core.models import AuditEvent
    from sifasuo.people.models import Person

    connections.close_all()  # this process's connection died with the restart too

    rows = {
        str(p)
        for p in Person.objects.filter(created_at__gte=since).values_list("public_id", flat=True)
    }
    audited = set(
        AuditEvent.objects.filter(
            action="create", object_type="people.person", ts__gte=since
        ).values_list("object_id", flat=True)
    )
    answered = {s.public_id for s in samples if s.kind == "create" and s.status == 201}
    posts = [s for s in samples if s.kind == "create"]
    return {
        "posts": len(posts),
        "posts_201": len(answered),
        "posts_failed": sum(1 for s in posts if s.status != 201),
        "rows": len(rows),
        "audit_create_events": len(audited),
        "rows_without_audit": len(rows - audited),
        "audit_without_row": len(audited - rows),
        "answered_201_without_row": len(answered - rows),
        "rows_committed_but_answer_lost": len(rows - answered),
        "ok": rows == audited and answered <= rows,
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb // 1024 // 1024} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    pg = subprocess.run(["postgres", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    return f"{os.cpu_count()} × {cpu}{memory}, {platform.platform()}, {pg.stdout.strip()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=45.0)
    parser.add_argument("--kill-at", type=float, default=10.0)
    parser.add_argument("--restart-at", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--recovery-target", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "fault")
    parser.add_argument("--keep", action="store_true", help="keep the cluster's directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        raise SystemExit("run as root: the private cluster is started as the postgres OS user")

    cluster = PrivateCluster()
    gunicorn = None
    try:
        cluster.start()
        cluster.psql(f"CREATE DATABASE {DB_NAME}")
        print(f"private cluster on 127.0.0.1:{cluster.port} in {cluster.base}")
        data = prepare(cluster.url())
        print(f"migrated in {data['migrate_seconds']} s; demo seeded")
        gunicorn = start_gunicorn(cluster.url(), args.port, 2, args.out)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                if requests.get(
                    base + "/units/", headers={"Cookie": data["cookie"]}, timeout=30
                ).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        from django.utils import timezone

        since = timezone.now()
        load = Load(base, data["cookie"], data["token"], data["person_ids"])
        events: dict[str, Any] = {}
        print(
            f"load: {args.threads} threads for {args.duration} s; terminate backends at "
            f"{args.kill_at} s, restart PostgreSQL at {args.restart_at} s"
        )
        run_load(load, args.threads, args.duration, events, cluster, args.kill_at, args.restart_at)
        result = report(load.samples, events, args.recovery_target)
        result["partial_writes"] = partial_writes(load.samples, since)
        result["machine"] = machine()
        result["command"] = "make fault  # .venv/bin/python -m bench.fault " + " ".join(
            argv if argv is not None else sys.argv[1:]
        )
        log = (args.out / "gunicorn.log").read_text(errors="replace")
        result["server_log_tracebacks"] = log.count("Traceback")
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        cluster.stop()
        if not args.keep:
            shutil.rmtree(cluster.base, ignore_errors=True)

    (args.out / "fault.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(summary(result))
    ok = (
        result["errors_500"] == 0
        and result["tracebacks"] == 0
        and result["partial_writes"]["ok"]
        and result["recovered"]
    )
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def summary(result: dict[str, Any]) -> str:
    events = result["events"]
    pw = result["partial_writes"]
    lines = [
        f"machine: {result['machine']}",
        f"requests: {result['requests']}  statuses: {result['statuses']}",
        f"backends terminated at {events.get('kill', 0):.1f} s ({events.get('killed')}), "
        f"restart issued at {events.get('restart', 0):.1f} s, PostgreSQL back at "
        f"{events.get('restarted', 0):.1f} s",
        f"outages (errors < 2 s apart): {result['outages']}",
        f"error window: {result['error_window']} ({result['error_window_seconds']} s); "
        f"errors other than 503: {result['non_503_errors'] or 'none'}",
        f"500 responses: {result['errors_500']}  "
        f"responses with a traceback: {result['tracebacks']}",
        f"recovery after PostgreSQL was back: {result['recovery_seconds']} s "
        f"(per endpoint {result['recovery_seconds_per_endpoint']})",
        f"writes: {pw['posts']} POSTs, {pw['posts_201']} answered 201, {pw['rows']} rows, "
        f"{pw['audit_create_events']} audit create events; rows without audit "
        f"{pw['rows_without_audit']}, audit without row {pw['audit_without_row']}, 201 without "
        f"row {pw['answered_201_without_row']}, committed but answer lost "
        f"{pw['rows_committed_but_answer_lost']} → {'no partial write' if pw['ok'] else 'PARTIAL'}",
        "per second (t: {status: count}):",
    ]
    for t, counts in result["windows"].items():
        lines.append(f"  {t:>3}: {counts}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
