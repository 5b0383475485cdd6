"""The Celery application (``celery -A config worker`` / ``celery -A config beat``).

Configuration comes from the Django settings, every key prefixed ``CELERY_``
(``CELERY_BROKER_URL`` …, config/settings/base.py); the tasks are the ``tasks.py`` modules
of the installed apps. Without a broker (``make run``, the test suite) tasks run eagerly in
the calling process.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("sifasuo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
