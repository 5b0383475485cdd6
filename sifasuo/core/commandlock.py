"""One run at a time for a scheduled command started from cron or by hand.

Celery's ``run_job`` already holds a lock in the shared cache (``core.tasks``); a command
run from cron on one server (the documented fallback without a worker) takes this file
lock instead, so an overlong run and the next one never overlap (Zulip
``zerver/lib/management.py``).
"""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError


def lock_path(name: str) -> Path:
    """Return the lock file of the command ``name``."""
    return Path(tempfile.gettempdir()) / f"sifasuo-{name}.lock"


@contextmanager
def command_lock(name: str) -> Iterator[None]:
    """Hold the exclusive lock of the command ``name``; ``CommandError`` if a run holds it."""
    with lock_path(name).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise CommandError(f"another run of {name} is going") from exc
        yield
