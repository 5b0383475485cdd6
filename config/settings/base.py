"""Settings shared by every environment; each value comes from the environment (django-environ)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "sifasuo.core",
    "sifasuo.orgs",
    "sifasuo.accounts",
    "sifasuo.people",
    "sifasuo.portal",
    "sifasuo.offices",
    "sifasuo.staff",
    "sifasuo.standards",
    "sifasuo.mediation",
    "sifasuo.legalservice",
    "sifasuo.correction",
    "sifasuo.resettlement",
    "sifasuo.governance",
    "sifasuo.publicity",
    "sifasuo.workorders",
    "sifasuo.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sifasuo.core.middleware.RequestContextMiddleware",
    "config.routers.ReplicaReadsMiddleware",
    "sifasuo.core.dbfault.DatabaseFaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sifasuo.accounts.middleware.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sifasuo.accounts.middleware.SessionLimitsMiddleware",
    "sifasuo.accounts.middleware.TwoFactorEnforcementMiddleware",
    "sifasuo.accounts.middleware.PasswordExpiryMiddleware",
    "sifasuo.core.middleware.LoginRequiredMiddleware",
    "sifasuo.core.audit.FailClosedMiddleware",
    "sifasuo.core.probing.TooManyMissesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sifasuo.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "sifasuo.accounts.context_processors.navigation",
            ],
        },
    },
]

# Widgets render through Jinja2 (Django's own widget templates, compiled to Python): a
# filter form's selects cost a third of the Django template engine's time.
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'sifasuo.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock at BEGIN, so the audit chain and numbering never race.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL streaming replica, if there is one: the statistics pages read from it
# (config/routers.py); every write and every other read goes to the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "sifasuo.accounts.backends.StaffModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "sifasuo.accounts.password_validation.MaximumLengthValidator"},
    {"NAME": "sifasuo.accounts.password_validation.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "sifasuo.accounts.password_validation.PasswordHistoryValidator"},
]
# Staff passwords expire (等保 8.1.4.1 a "定期更换"; a deliberate deviation from ASVS 2.1.10,
# docs/security.md): after PASSWORD_MAX_AGE_DAYS (0: never) the next page is the change page.
# The last PASSWORD_HISTORY_COUNT passwords (the current one included) may not be reused.
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)

# Sessions: idle timeout by a rolling cookie, absolute timeout by SessionLimitsMiddleware.
# An unchanged session is written again (moving its expiry) once SESSION_TOUCH_SECONDS old,
# not on every request (SessionTouchMiddleware): the idle limit is exact to that much.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sifasuo.core.views.csrf_failure"

# Lockout (django-axes): five failures lock the account for thirty minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "sifasuo.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Dormant staff accounts (等保 8.1.4.2 c): disabled by manage.py disable_dormant_accounts
# (nightly) after this many days without a login; 0: never. The last active holder of each
# administrator role is kept.
ACCOUNT_DORMANT_DAYS = env.int("ACCOUNT_DORMANT_DAYS", default=90)

# Two-factor: roles that must log in with a one-time code. Production turns this on.
OTP_ENFORCED_ROLES: list[str] = env.list("OTP_ENFORCED_ROLES", default=[])
OTP_TOTP_ISSUER = "sifasuo"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files live outside the web root and are served only by a scope-checked view.
MEDIA_ROOT = Path(env("SIFASUO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/attachments/_private/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES", default=["pdf", "jpeg", "png", "docx", "xlsx"]
)
# Zip-based uploads and imports (docx, xlsx): checked before extraction (core.filetypes).
ATTACHMENT_MAX_UNCOMPRESSED_BYTES = env.int(
    "ATTACHMENT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
ATTACHMENT_MAX_ZIP_MEMBERS = env.int("ATTACHMENT_MAX_ZIP_MEMBERS", default=2000)
ATTACHMENT_MAX_COMPRESSION_RATIO = env.int("ATTACHMENT_MAX_COMPRESSION_RATIO", default=200)
# Stored files readable by the service account only; large uploads spool to this directory
# (the system temp directory by default) and are removed when the request ends.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_TEMP_DIR = env("SIFASUO_UPLOAD_TEMP_DIR", default=None)

# Residual data (SECURITY.md check 35; manage.py purge_residual, nightly): what is deleted
# once past its lifetime. Sessions, login-session rows, API tokens and lockout counters go
# when they expire; these lifetimes are configurable (docs/operations.md, "Residual data").
# A form token or Idempotency-Key finds its first result this many days:
SUBMISSION_TOKEN_RETENTION_DAYS = env.int("SUBMISSION_TOKEN_RETENTION_DAYS", default=7)
# A spooled upload left in SIFASUO_UPLOAD_TEMP_DIR by a killed worker, after this many hours:
UPLOAD_TEMP_RETENTION_HOURS = env.int("UPLOAD_TEMP_RETENTION_HOURS", default=24)
SIFASUO_RESIDUAL_PURGERS = [
    "sifasuo.core.residual.purge_core",
    "sifasuo.accounts.residual.purge",
    "sifasuo.portal.residual.purge",
]
# Attachment files without their row (a rolled-back upload): reported nightly; removed only
# with ORPHAN_FILES_REMOVE=True, and only once older than ORPHAN_FILE_GRACE_HOURS (an upload
# in progress writes its file before its row commits).
ORPHAN_FILES_REMOVE = env.bool("ORPHAN_FILES_REMOVE", default=False)
ORPHAN_FILE_GRACE_HOURS = env.int("ORPHAN_FILE_GRACE_HOURS", default=24)

# Keys for 国密 field encryption (SM4-GCM), blind indexes and the audit chain (HMAC-SM3).
# Hex strings, from the environment only; never stored in the database.
SIFASUO_FIELD_KEYS = env.dict("SIFASUO_FIELD_KEYS", default={})
SIFASUO_FIELD_KEY_ID = env("SIFASUO_FIELD_KEY_ID", default="k1")
SIFASUO_BLIND_INDEX_KEY = env("SIFASUO_BLIND_INDEX_KEY")
SIFASUO_AUDIT_CHAIN_KEY = env("SIFASUO_AUDIT_CHAIN_KEY")
# Backups (manage.py backup/restore): SM4 key ring `b1=<64 hex>[,…]`, separate from the
# field keys and never stored with the backups; SIFASUO_BACKUP_KEY_ID encrypts new backups.
SIFASUO_BACKUP_KEYS = env.dict("SIFASUO_BACKUP_KEYS", default={})
SIFASUO_BACKUP_KEY_ID = env("SIFASUO_BACKUP_KEY_ID", default="b1")
SIFASUO_BACKUP_DIR = Path(env("SIFASUO_BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))

# Audit retention (网络安全法 Art. 21: at least six months online): rows younger than
# AUDIT_RETENTION_DAYS (never below 180) are never deleted; older rows are archived to
# checksummed JSON-lines files in AUDIT_ARCHIVE_DIR before removal (manage.py archive_audit).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_ARCHIVE_DIR = Path(env("AUDIT_ARCHIVE_DIR", default=str(BASE_DIR / "var" / "audit-archive")))
# Access review (core/access_review.py): a user reading more distinct subjects in a month
# than the threshold, or reading outside office hours [start, end), is flagged.
AUDIT_REVIEW_SUBJECTS_PER_MONTH = env.int("AUDIT_REVIEW_SUBJECTS_PER_MONTH", default=50)
AUDIT_REVIEW_OFFICE_HOURS = tuple(env.list("AUDIT_REVIEW_OFFICE_HOURS", cast=int, default=[8, 19]))

# Masking policy (DESIGN rule 3): characters kept at the start and at the end.
SIFASUO_MASKING: dict[str, dict[str, Any]] = {
    "id_number": {"keep_start": 4, "keep_end": 4, "min_hidden_ratio": 0.5},
    "phone": {"keep_start": 3, "keep_end": 4},
    "address": {"keep_start": 6, "keep_end": 0},
    "name": {"keep_start": 1, "keep_end": 0},
}

# Document numbers: default pattern, per document type overridable in the database.
# The SMS gateway (sifasuo.core.sms): the default writes messages to the log and console.
SIFASUO_SMS_BACKEND = env("SIFASUO_SMS_BACKEND", default="sifasuo.core.sms.LogBackend")
SIFASUO_DOCUMENT_NUMBER_PATTERN = "（{year}）{unit_short}{type_word}字第{number:04d}号"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sifasuo.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "sifasuo.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sifasuo.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=8)
# A user who asks for more records they cannot see (missing or out of scope) than this in
# a window gets 429 for every further one until the window ends (core.probing, check 6).
LOOKUP_MISS_LIMIT = env.int("LOOKUP_MISS_LIMIT", default=50)
LOOKUP_MISS_WINDOW_SECONDS = env.int("LOOKUP_MISS_WINDOW_SECONDS", default=600)

SPECTACULAR_SETTINGS = {
    "TITLE": "sifasuo API",
    "DESCRIPTION": "西安市司法所基层工作管理平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets that share a field name ("kind") or appear under two names ("reason").
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "sifasuo.orgs.choices.UnitKind",
        "PartyKindEnum": "sifasuo.mediation.choices.PartyKind",
        "TransferKindEnum": "sifasuo.mediation.choices.TransferKind",
        "RefusalReasonEnum": "sifasuo.mediation.choices.RefusalReason",
        "CorrectionContactKindEnum": "sifasuo.correction.choices.ContactKind",
        "CorrectionMeasureKindEnum": "sifasuo.correction.choices.MeasureKind",
        "LegalServiceChannelEnum": "sifasuo.legalservice.choices.Channel",
    },
}

# Content security policy: no inline script, nothing from another host.
CONTENT_SECURITY_POLICY_REPORT_ONLY = None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# How long the dashboards keep a computed page or figure (stats.memo; 0: nothing kept).
STATS_MEMO_SECONDS = env.int("STATS_MEMO_SECONDS", default=600)

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://sifasuo"),
}
# Sessions read from the shared cache and written through to the database when the cache
# is Redis (every app server sees the same one); from the database alone otherwise, since
# a per-process memory cache would keep a session another process has ended.
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends."
    + ("cached_db" if CACHES["default"]["BACKEND"].startswith("django_redis") else "db"),
)

# Celery (config/celery.py): Redis as the broker in production; without a broker the tasks
# run eagerly in the calling process (make run, the tests). Beat sends the scheduled jobs.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="sifasuo")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Jobs that sifasuo.core.tasks.run_job may run, by name: a management command or a function.
SIFASUO_SCHEDULED_JOBS: dict[str, dict[str, Any]] = {
    "clearsessions": {"command": "clearsessions"},
    "purge_residual": {"command": "purge_residual"},
    "sweep_orphan_files": {
        "command": "sweep_orphan_files",
        "args": ["--remove"] if ORPHAN_FILES_REMOVE else [],
    },
    "disable_dormant_accounts": {"command": "disable_dormant_accounts"},
    "refresh_stats": {"callable": "sifasuo.stats.rollups.refresh", "lock_seconds": 600},
    "rebuild_stats": {"command": "rebuild_stats", "lock_seconds": 4 * 3600},
    "verify_stats": {"command": "verify_stats", "lock_seconds": 4 * 3600},
    "archive_audit": {"command": "archive_audit", "lock_seconds": 4 * 3600},
    "send_appointment_reminders": {"command": "send_appointment_reminders"},
    "close_resettlement_periods": {"command": "close_resettlement_periods"},
}


def _job(name: str, schedule: Any) -> dict[str, Any]:
    return {"task": "sifasuo.core.tasks.run_job", "schedule": schedule, "args": [name]}


def _daily(hour: int, minute: int = 0) -> Any:
    from celery.schedules import crontab

    return crontab(hour=hour, minute=minute)


CELERY_BEAT_SCHEDULE = {
    "refresh-stale-aggregates": _job("refresh_stats", 60.0),
    "purge-residual-data": _job("purge_residual", _daily(1, 15)),
    "sweep-orphan-files": _job("sweep_orphan_files", _daily(3, 30)),
    "disable-dormant-accounts": _job("disable_dormant_accounts", _daily(0, 45)),
    "archive-audit-trail": _job("archive_audit", _daily(1, 45)),
    "rebuild-stats": _job("rebuild_stats", _daily(2, 30)),
    "verify-stats": _job("verify_stats", _daily(4, 30)),
    "close-resettlement-periods": _job("close_resettlement_periods", _daily(0, 30)),
    "send-appointment-reminders": _job("send_appointment_reminders", _daily(9, 0)),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # One line per record: line breaks in messages are escaped; a traceback is written with
    # the exceptions' types and frames, never their messages (sifasuo.core.logfilters).
    "filters": {
        "one_line": {"()": "sifasuo.core.logfilters.OneLine"},
        "exception_types_only": {"()": "sifasuo.core.logfilters.ExceptionTypesOnly"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line", "exception_types_only"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Demo accounts' password when DEMO_PASSWORD is not set (passes the password policy).
DEMO_PASSWORD_DEFAULT = "Sifasuo@Demo2024"  # noqa: S105 - documented demo-only default
