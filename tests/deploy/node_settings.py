"""Settings of the app instances the two-node test starts: production's, with three changes.

Static files come from the finders (no collectstatic before a test), the test database's
fast password hashes are accepted, and every response says which instance served it
(``X-Served-By``, from ``SIFASUO_INSTANCE``), so the test can tell the two apart behind
nginx. The URL configuration adds one test-only page that
enqueues a task (``tests/deploy/node_urls.py``).
"""

from __future__ import annotations

from django.conf import global_settings

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE, STORAGES

# The test database's accounts were hashed with the test settings' fast hasher.
PASSWORD_HASHERS = [
    *globals().get("PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS),
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
MIDDLEWARE = ["tests.deploy.node_urls.ServedByMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "tests.deploy.node_urls"
