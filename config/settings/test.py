"""Settings for the test suite: fast hashing, same rules otherwise."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SIFASUO_FIELD_KEYS", "k1=" + "11" * 16)
os.environ.setdefault("SIFASUO_BLIND_INDEX_KEY", "22" * 32)
os.environ.setdefault("SIFASUO_AUDIT_CHAIN_KEY", "33" * 32)
os.environ.setdefault("SIFASUO_BACKUP_KEYS", "b1=" + "44" * 32)
# Messages stay in sifasuo.core.sms.outbox; the browser tests' server logs them instead.
os.environ.setdefault("SIFASUO_SMS_BACKEND", "sifasuo.core.sms.MemoryBackend")

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Password expiry is switched on by the tests that need it (override_settings): demo
# accounts are created once per session and tests move the clock far.
PASSWORD_MAX_AGE_DAYS = 0
# The look-up limit counts in the cache, which no test's rollback empties, per demo account
# (created once per session): off here, switched on by the tests of it (tests/core/test_probing.py).
LOOKUP_MISS_LIMIT = 0
# The dashboards keep nothing between requests (stats.memo): a test's records are written
# in a transaction that never commits, so no write would ever raise a generation.
# tests/stats/test_memo.py switches it on.
STATS_MEMO_SECONDS = 0
