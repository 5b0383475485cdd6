"""Scheduled jobs run by the Celery worker (celery beat sends them, config/settings/base.py).

A job is a name in ``SIFASUO_SCHEDULED_JOBS``: a management command (``clearsessions``,
``archive_audit`` …) or a function named by its dotted path (the aggregates' refresh), so
``core`` names the apps' jobs without importing them. Only those names run: a message put
on the broker by anyone else cannot start an arbitrary command. Each run takes a lock in
the shared cache, so two workers (or two machines) never run the same job at once.
"""

from __future__ import annotations

import logging
import time
from io import StringIO
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

LOCK_PREFIX = "sifasuo:job-lock:"


class UnknownJobError(Exception):
    """The job is not one of ``SIFASUO_SCHEDULED_JOBS``."""


class JobLockedError(Exception):
    """Another worker is running the same job."""


def _job(name: str) -> dict[str, Any]:
    jobs: dict[str, dict[str, Any]] = settings.SIFASUO_SCHEDULED_JOBS
    try:
        return jobs[name]
    except KeyError:
        raise UnknownJobError(f"no scheduled job named {name!r}") from None


def run_job_now(name: str) -> str:
    """Run the scheduled job ``name`` in this process under its lock; return its output."""
    job = _job(name)
    lock = f"{LOCK_PREFIX}{name}"
    if not cache.add(lock, time.time(), timeout=int(job.get("lock_seconds", 3600))):
        raise JobLockedError(f"the job {name!r} is already running")
    started = time.monotonic()
    try:
        if "command" in job:
            out = StringIO()
            call_command(job["command"], *job.get("args", ()), stdout=out, stderr=out)
            output = out.getvalue().strip()
        else:
            result = import_string(job["callable"])(*job.get("args", ()))
            output = f"result: {result}"
    finally:
        cache.delete(lock)
    logger.info("job %s done in %.1f s: %s", name, time.monotonic() - started, output[-500:])
    return output


@shared_task(name="sifasuo.core.tasks.run_job", ignore_result=False)
def run_job(name: str) -> str:
    """Run one scheduled job (the task the beat schedule sends)."""
    try:
        return run_job_now(name)
    except JobLockedError:
        logger.warning("job %s skipped: the previous run has not finished", name)
        return "skipped: already running"
