"""A really full disk for the tests of SECURITY.md check 45: a 64 KB tmpfs, filled up.

Mounting needs root and ``mount``; where the machine does not allow it, ``mount_full_tmpfs``
says so and the test falls back to a failure injected where the disk would fail (a store
that fails half way, an ``fsync`` that reports ``ENOSPC``), so it runs everywhere.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def mount_full_tmpfs(root: Path) -> bool:
    """Mount a 64 KB tmpfs at ``root`` and fill it; False where mounting is not allowed."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(root)],
        capture_output=True,
        timeout=10,
        check=False,
    )
    if result.returncode != 0:
        return False
    with pytest.raises(OSError, match="No space") as full, open(root / "filler", "wb") as filler:  # noqa: PT012, E501
        while True:
            filler.write(b"\0" * 4096)
            filler.flush()
    assert full.value.errno == errno.ENOSPC
    return True


def unmount(root: Path) -> None:
    subprocess.run(["umount", str(root)], check=True, timeout=10)


def files_in(root: Path) -> set[Path]:
    """Every file under ``root`` (the filler of a mounted tmpfs included)."""
    return {p for p in root.rglob("*") if p.is_file()}
