"""The benchmark: the platform under gunicorn on PostgreSQL, driven over loopback by wrk.

    .venv/bin/python -m bench.run --database-url postgres://postgres@127.0.0.1:5432/sifasuo_bench \
        [--national-url postgres://postgres@127.0.0.1:5432/sifasuo_bench_national] [--duration 30]

For each page (city dashboard, a district dashboard, an office's filtered case list, a case
detail, the mediation statistics API, a report), as the demo user who would open it:

1. the floor: the page rendered in this process (Django's test client, full middleware)
   a few times, with every SQL statement timed by ``connection.execute_wrapper``: the
   median page time, the median time of its SQL, their ratio, the query count, and
   ``EXPLAIN (ANALYZE, BUFFERS)`` of its slowest statement (written to ``--out``);
2. 20 users with 1 s think time (mean; 0.5–1.5 s at random): wrk, 20 connections, each
   request with one of the user's 20 sessions; requests/s, p50/p95/p99, errors (any
   status but 200 counts, as do socket errors);
3. 20 concurrent requests without think time: the highest throughput.

gunicorn runs ``config.wsgi`` with ``config.settings.local`` and DEBUG off: the settings
of ``make run`` on PostgreSQL (production's differ by HTTPS redirects, secure cookies and
two-factor, which loopback HTTP cannot serve). Without wrk (Debian package ``wrk``) it
falls back to locust (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0
TARGET_RATIO = 3.0
RATIO_FROM_SQL_MS = 20.0
NATIONAL_DASHBOARD_MS = 1000.0


@dataclass
class Page:
    name: str
    title: str
    user: str
    path: str = ""
    kind: str = "page"  # page | api | report: p95 target applies to pages (lists, dashboards)
    floor: dict[str, Any] = field(default_factory=dict)
    think: dict[str, Any] = field(default_factory=dict)
    flat: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["DJANGO_ALLOWED_HOSTS"] = f"{hosts},testserver"
    import django

    django.setup()


def pages(year: int, month: int) -> list[Page]:
    """The benchmarked pages, their paths resolved against the data."""
    from django.urls import NoReverseMatch, reverse

    from sifasuo.mediation.models import MediationCase

    clerk_committee = "610102001T01"
    case = (
        MediationCase.objects.filter(unit__code=clerk_committee)
        .order_by("-received_on", "-pk")
        .values_list("public_id", flat=True)
        .first()
    )
    result = [
        Page("city_dashboard", "City dashboard /stats/", "city_officer", "/stats/"),
        Page(
            "district_dashboard",
            "District dashboard /stats/?unit=610102",
            "xincheng_reviewer",
            "/stats/?unit=610102",
        ),
        Page(
            "case_list",
            "Office case list, filtered, page 2",
            "xiyilu_clerk",
            f"/mediation/cases/?status=CLOSED&received_after={year - 1}-01-01&page=2",
        ),
        Page(
            "case_detail",
            "Case detail",
            "xiyilu_clerk",
            f"/mediation/cases/{case}/" if case else "",
        ),
        Page(
            "mediation_api",
            "API /api/v1/stats/mediation/?year=",
            "city_officer",
            f"/api/v1/stats/mediation/?year={year}",
            kind="api",
        ),
    ]
    try:
        statement = reverse("stats:report_statement")
    except NoReverseMatch:
        result.append(Page("report", "Report", "city_officer", note="no report page yet"))
    else:
        result.append(
            Page(
                "report",
                "Monthly mediation report (city)",
                "city_officer",
                f"{statement}?module=mediation&unit=610100&year={year}&month={month}",
                kind="report",
            )
        )
    return result


def sessions(username: str, count: int) -> list[str]:
    """``count`` logged-in sessions of the user, as Cookie header values."""
    from django.conf import settings
    from django.test import Client

    from sifasuo.accounts.models import User

    user = User.objects.get(username=username)
    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


class SqlTimer:
    """An ``execute_wrapper`` that times every statement."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - started, sql, params))

    @property
    def total(self) -> float:
        return sum(d for d, _, _ in self.statements)


def _renders(client: Any, path: str, runs: int) -> dict[str, Any]:
    """Render ``path`` ``runs`` times: median page and SQL time, most queries, the slowest."""
    from django.db import connection

    page_times, sql_times, counts = [], [], []
    slowest: tuple[float, str, Any] = (0.0, "", None)
    status = 0
    for _ in range(runs):
        timer = SqlTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(path)
        page_times.append(time.perf_counter() - started)
        status = response.status_code
        sql_times.append(timer.total)
        counts.append(len(timer.statements))
        top = max(timer.statements, default=(0.0, "", None))
        if top[0] > slowest[0]:
            slowest = top
    page_ms = statistics.median(page_times) * 1000
    sql_ms = statistics.median(sql_times) * 1000
    return {
        "status": status,
        "page_ms": page_ms,
        "sql_ms": sql_ms,
        "queries": max(counts),
        "slowest": slowest,
        "ratio": page_ms / sql_ms if sql_ms else None,
    }


def measure_floor(page: Page, cookie: str, out: Path, runs: int = 5) -> dict[str, Any]:
    """Render the page in this process; time it and its SQL; EXPLAIN its slowest query.

    Twice: as served (after one warm-up, so a dashboard, the API and a report answer from
    ``stats.memo``, as every request after the first does until a write), and *computed*
    (``STATS_MEMO_SECONDS=0``: the first request after a write, or of a new user).
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    client.get(page.path)  # warm caches (templates, plans, kept figures)
    served = _renders(client, page.path, runs)
    with override_settings(STATS_MEMO_SECONDS=0):
        computed = _renders(client, page.path, runs)
    slowest = max(served.pop("slowest"), computed.pop("slowest"))
    floor = {
        **served,
        "slowest_ms": slowest[0] * 1000,
        **{f"computed_{key}": value for key, value in computed.items() if key != "status"},
    }
    if slowest[1].lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cur:
            cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[1]}", slowest[2])
            plan = "\n".join(row[0] for row in cur.fetchall())
        sql = cur.mogrify(slowest[1], slowest[2]) if hasattr(cur, "mogrify") else slowest[1]
        (out / f"explain-{page.name}.txt").write_text(
            f"-- {page.path}: slowest of {floor['queries']} queries, {floor['slowest_ms']:.1f} ms\n"
            f"{sql}\n\n{plan}\n",
            encoding="utf-8",
        )
    return floor


def free_port(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_gunicorn(
    database_url: str, port: int, workers: int, out: Path
) -> subprocess.Popen[bytes]:
    if not free_port(port):
        raise SystemExit(f"port {port} is taken: choose another with --port")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--error-logfile",
        str(out / "gunicorn.log"),
        "--timeout",
        "60",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    for _ in range(100):
        if not free_port(port):
            return process
        time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not start: see " + str(out / "gunicorn.log"))


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream sifasuo_app {{
        server 127.0.0.1:{app};
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        include {root}/deploy/nginx/sifasuo-proxy.conf;
    }}
}}
"""


def nginx_binary() -> str | None:
    """nginx, installed with apt-get where it is missing and this runs as root."""

    def found() -> str | None:
        return shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
        )

    if found() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(  # noqa: S603
            ["apt-get", "install", "-y", "-q", "nginx"],  # noqa: S607
            check=False,
            capture_output=True,
        )
    return found()


def start_nginx(binary: str, port: int, app_port: int, out: Path) -> subprocess.Popen[bytes]:
    """nginx in front of gunicorn, as production has it (deploy/nginx/sifasuo-proxy.conf).

    gunicorn's synchronous workers need a buffering proxy: without one, a worker that has
    accepted a connection waits on it while the client thinks, and requests queue behind
    it. Plain HTTP on loopback (production's TLS is left out).
    """
    if not free_port(port):
        raise SystemExit(f"port {port} is taken: choose another with --port")
    d = out / "nginx"
    d.mkdir(parents=True, exist_ok=True)
    conf = d / "nginx.conf"
    conf.write_text(NGINX_CONF.format(d=d, port=port, app=app_port, root=ROOT), encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603
        [binary, "-p", str(d), "-c", str(conf), "-e", str(d / "nginx-error.log")],
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(100):
        if not free_port(port):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop(process)
    raise SystemExit("nginx did not start: see " + str(d / "nginx-error.log"))


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the gunicorn started here (its own process group, by its id)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def check(port: int, page: Page, cookie: str, timeout: float = 120) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"http://127.0.0.1:{port}{page.path}", headers={"Cookie": cookie}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (TimeoutError, urllib.error.URLError):
        return -1


def drain(port: int, page: Page, cookie: str) -> None:
    """Wait until the requests a load run left queued in gunicorn are served."""
    for _ in range(5):
        if check(port, page, cookie, timeout=120) != -1:
            return


def load(
    tool: str,
    port: int,
    page: Page,
    cookies: list[str],
    think_ms: int,
    users: int,
    duration: int,
    out: Path,
) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_PATH": page.path,
        "BENCH_COOKIES": "|".join(cookies),
        "BENCH_THINK_MS": str(think_ms),
    }
    if tool == "wrk":
        command = [
            "wrk",
            "-t",
            "2",
            "-c",
            str(users),
            "-d",
            f"{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            f"http://127.0.0.1:{port}",
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        line = next((x for x in done.stdout.splitlines() if x.startswith("{")), "")
        if not line:
            raise SystemExit(f"wrk failed: {done.stdout}\n{done.stderr}")
        raw = json.loads(line)
        seconds = raw["duration_us"] / 1e6
        if not raw["requests"]:
            return {
                "rps": 0.0,
                "requests": 0,
                "p50_ms": None,
                "p95_ms": None,
                "p99_ms": None,
                "errors": users,
                "example_error": f"no response completed within {duration} s",
            }
        return {
            "rps": raw["requests"] / seconds,
            "requests": raw["requests"],
            "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000,
            "errors": raw["non200"] + raw["socket_errors"],
            "example_error": raw["example_error"],
        }
    prefix = out / f"locust-{page.name}-{think_ms}"
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{duration}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
    ]
    subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    import csv

    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {
        "rps": float(row["Requests/s"]),
        "requests": int(row["Request Count"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "errors": int(row["Failure Count"]),
        "example_error": "",
    }


def load_tool() -> str:
    if shutil.which("wrk"):
        return "wrk"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)  # noqa: S603, S607
        if shutil.which("wrk"):
            return "wrk"
    if (ROOT / ".venv" / "bin" / "locust").exists():
        return "locust"
    raise SystemExit("neither wrk (apt-get install wrk) nor locust (pip install -e '.[bench]')")


def fmt(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def verdict(page: Page) -> str:
    notes = []
    if page.think:
        if page.kind == "page" and (page.think["p95_ms"] or 1e9) > TARGET_P95_MS:
            notes.append(f"p95 > {TARGET_P95_MS:.0f} ms")
        if page.think["errors"] or page.flat.get("errors"):
            notes.append("errors")
    floor = page.floor
    for prefix in ("", "computed_"):
        sql_ms, ratio = floor.get(f"{prefix}sql_ms", 0), floor.get(f"{prefix}ratio")
        if sql_ms >= RATIO_FROM_SQL_MS and ratio and ratio > TARGET_RATIO:
            notes.append(f"{prefix.replace('_', ' ')}page > {TARGET_RATIO:.0f}× SQL")
    if floor and floor.get("status") != 200:
        notes.append(f"status {floor.get('status')}")
    if not notes and page.kind != "page":
        return "no p95 target; ratio ok"
    return "; ".join(notes) or "meets targets"


def table(results: list[Page]) -> str:
    head = (
        "| page | 20 users, 1 s think: req/s | p50 ms | p95 ms | p99 ms | errors "
        "| 20 conc., no think: req/s | p95 ms | errors | page ms (1 req) | SQL ms | queries "
        "| page/SQL | computed: page ms | SQL ms | queries | page/SQL | verdict |"
    )
    lines = [head, "|" + "---|" * 18]
    for p in results:
        if not p.path:
            lines.append(f"| {p.title} | {p.note} |" + " |" * 16)
            continue
        t, f, fl = p.think, p.flat, p.floor
        lines.append(
            f"| {p.title} | {fmt(t.get('rps'), 1)} | {fmt(t.get('p50_ms'), 1)} "
            f"| {fmt(t.get('p95_ms'), 1)} | {fmt(t.get('p99_ms'), 1)} | {fmt(t.get('errors'))} "
            f"| {fmt(f.get('rps'), 1)} | {fmt(f.get('p95_ms'), 1)} | {fmt(f.get('errors'))} "
            f"| {fmt(fl.get('page_ms'), 1)} | {fmt(fl.get('sql_ms'), 1)} "
            f"| {fmt(fl.get('queries'))} "
            f"| {fmt(fl.get('ratio'), 1)} | {fmt(fl.get('computed_page_ms'), 1)} "
            f"| {fmt(fl.get('computed_sql_ms'), 1)} | {fmt(fl.get('computed_queries'))} "
            f"| {fmt(fl.get('computed_ratio'), 1)} | {verdict(p)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sifasuo_bench"
        ),
    )
    parser.add_argument("--national-url", default=os.environ.get("BENCH_NATIONAL_URL", ""))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 30)))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--warmup",
        type=int,
        default=int(os.environ.get("BENCH_WARMUP", 5)),
        help="seconds of load before each page's measured runs, not counted (0: none)",
    )
    parser.add_argument("--think-ms", type=int, default=1000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument(
        "--proxy",
        choices=["nginx", "none"],
        default=os.environ.get("BENCH_PROXY", "nginx"),
        help="nginx in front of gunicorn, as deployed (default), or gunicorn alone",
    )
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--floor-only", action="store_true", help="no gunicorn, no load")
    parser.add_argument("--runs", type=int, default=5, help="measured renders per page")
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    setup(args.database_url)
    from django.utils import timezone

    today = timezone.localdate()
    month_before = today.replace(day=1) - timezone.timedelta(days=1)
    results = pages(today.year, month_before.month if month_before.year == today.year else 1)
    if args.pages:
        wanted = set(args.pages.split(","))
        results = [p for p in results if p.name in wanted]
    load_before = os.getloadavg()
    cookies = {u: sessions(u, args.users) for u in {p.user for p in results}}
    for page in results:
        if page.path:
            page.floor = measure_floor(page, cookies[page.user][0], out, runs=args.runs)
            if not args.json:
                print(f"floor {page.name}: {json.dumps(page.floor)}", flush=True)
    if not args.floor_only:
        tool = load_tool()
        from django.db import connections

        connections.close_all()
        nginx = nginx_binary() if args.proxy == "nginx" else None
        if args.proxy == "nginx" and nginx is None:
            raise SystemExit("--proxy nginx needs nginx (apt-get install nginx), or --proxy none")
        app_port = args.port + 1 if nginx else args.port
        process = start_gunicorn(args.database_url, app_port, args.workers, out)
        proxy = start_nginx(nginx, args.port, app_port, out) if nginx else None
        try:
            for page in results:
                if not page.path:
                    continue
                status = check(args.port, page, cookies[page.user][0])
                if status != 200:
                    page.note = f"status {status} over HTTP"
                if args.warmup:  # every worker's first requests of the page, not counted
                    load(tool, args.port, page, cookies[page.user], 0, args.users, args.warmup, out)
                    drain(args.port, page, cookies[page.user][0])
                page.think = load(
                    tool,
                    args.port,
                    page,
                    cookies[page.user],
                    args.think_ms,
                    args.users,
                    args.duration,
                    out,
                )
                drain(args.port, page, cookies[page.user][0])
                page.flat = load(
                    tool, args.port, page, cookies[page.user], 0, args.users, args.duration, out
                )
                drain(args.port, page, cookies[page.user][0])
                print(
                    f"load {page.name}: think {json.dumps(page.think)} "
                    f"flat {json.dumps(page.flat)}",
                    flush=True,
                )
        finally:
            if proxy is not None:
                stop(proxy)
            stop(process)
    national: dict[str, Any] = {}
    if args.national_url:
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "bench.run",
                "--database-url",
                args.national_url,
                "--floor-only",
                "--json",
                "--pages",
                "city_dashboard,mediation_api",
                "--out",
                str(out / "national"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        national = (
            json.loads(done.stdout.strip().splitlines()[-1])
            if done.returncode == 0
            else {"error": done.stderr[-2000:]}
        )
    load_after = os.getloadavg()
    report = {
        "machine": {"nproc": os.cpu_count(), "load_before": load_before, "load_after": load_after},
        "database": args.database_url.rsplit("/", 1)[-1],
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "workers": args.workers,
        "proxy": args.proxy,
        "pages": [{k: v for k, v in p.__dict__.items()} for p in results],
        "national": national,
    }
    if args.json:
        print(json.dumps(report["pages"]))
        return 0
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"results-{stamp}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print()
    print(
        f"load average before {load_before}, after {load_after}; "
        f"{args.workers} gunicorn workers behind {args.proxy}; {args.duration} s per run "
        f"after {args.warmup} s of warm-up per page"
    )
    print(table(results))
    for entry in national if isinstance(national, list) else []:
        floor = entry.get("floor", {})
        ok = floor.get("computed_page_ms", 1e9) <= NATIONAL_DASHBOARD_MS
        print(
            f"national ledger, {entry['title']}: computed {fmt(floor.get('computed_page_ms'), 1)}"
            f" ms (SQL {fmt(floor.get('computed_sql_ms'), 1)} ms, "
            f"{floor.get('computed_queries')} queries; "
            f"{'≤' if ok else '>'} {NATIONAL_DASHBOARD_MS:.0f} ms), "
            f"served {fmt(floor.get('page_ms'), 1)} ms"
        )
    if isinstance(national, dict) and national.get("error"):
        print("national run failed:", national["error"])
    print(f"results and EXPLAIN plans in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
