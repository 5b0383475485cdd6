"""``reverse()`` of URL names without arguments, once per process.

A page links the same few lists many times (the navigation's entries on every page, a
dashboard's hundreds of figures to a handful of record lists): resolving each name once
is enough. The cache is keyed by the script prefix and the URLconf too, so a site mounted
elsewhere or a test's own URLconf gets its own paths.
"""

from __future__ import annotations

import functools
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse


def path_of(name: str) -> str:
    """``reverse(name)`` for a URL name that takes no arguments."""
    return _path(name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=512)
def _path(name: str, prefix: str, urlconf: Any) -> str:
    return reverse(name)
