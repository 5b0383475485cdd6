"""Local settings for `make run`: the embedded SQLite database, served by gunicorn on loopback."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=False)
