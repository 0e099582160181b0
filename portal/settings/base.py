"""Settings shared by every environment, read from the environment with embedded defaults.

With nothing set the portal runs on SQLite, runs tasks in-process and prints mail to the console,
so a newcomer can try it at once. DATABASE_URL and REDIS_URL switch it to PostgreSQL, Redis and a
real Celery worker without any code change.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "guardian",
    "django_htmx",
    "csp",
    "portal.core",
    "portal.accounts",
    "regions",
    "partnerships",
    "obstacles",
    "dissemination",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.accounts.middleware.MFARequiredMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker and background work -----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # One cache for every process, so login rate limits hold across gunicorn workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # No broker configured: tasks run in-process, right away, and errors surface to the caller.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TIMEZONE = "Europe/Stockholm"
# Periodic work, run by `celery beat` (docker-compose's beat service).
CELERY_BEAT_SCHEDULE = {
    "obstacle-review-digest": {
        "task": "obstacles.tasks.send_review_digest",
        "schedule": crontab(hour=7, minute=0),  # every morning, Europe/Stockholm
    },
    "reports-cleanup": {
        "task": "reports.tasks.remove_expired_reports",
        "schedule": crontab(minute=20),  # hourly: expired PDFs, and requests no worker finished
    },
}
# PDF reports render on their own queue, so a long compilation never holds up mail.
CELERY_TASK_ROUTES = {"reports.tasks.render_report": {"queue": "reports"}}

# --- Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Innovation Accelerator] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("DJANGO_HTTP_PROTOCOL", default="http")
# Absolute links in mail.
PORTAL_SITE_URL = env("PORTAL_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Failed sign-ins are counted in the shared cache (Redis when configured), so the limits hold
# across every web process.
# Behind a TLS proxy, how many proxies to trust in X-Forwarded-For when taking the client's
# address (sign-in limits, export limits). 0: use the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Innovation Accelerator"
USERSESSIONS_TRACK_ACTIVITY = True
# The groups whose members must have MFA before they can do anything else.
PORTAL_MFA_REQUIRED_GROUPS = [
    "portal_admin",
    "region_coordinator",
    "management_sponsor",
    "obstacle_reviewer",
]
# Demo users that may skip MFA. Only the demo (dev) settings fill this in; production empties it.
PORTAL_MFA_EXEMPT_EMAILS: list[str] = []

# django-guardian: direct foreign-key permission models; no anonymous-user row.
# The obstacle register: a reviewer's claim on an entry lapses after this many minutes.
OBSTACLE_CLAIM_MINUTES = env.int("OBSTACLE_CLAIM_MINUTES", default=30)
# Public exports of the compilation stream the whole selection: cap their size and how often one
# address may ask, so anonymous requests cannot tie up the web workers.
OBSTACLE_EXPORT_MAX_ROWS = env.int("OBSTACLE_EXPORT_MAX_ROWS", default=10000)
OBSTACLE_EXPORTS_PER_MINUTE = env.int("OBSTACLE_EXPORTS_PER_MINUTE", default=10)

# Dissemination: the largest file a publication may carry (reports, recordings, podcast MP3s).
DISSEMINATION_UPLOAD_MAX_MB = env.int("DISSEMINATION_UPLOAD_MAX_MB", default=50)

# PDF reports (reports/README.md).
# Rendered files (and the requests that led to them) are removed this many days after they were
# made (or sooner, when nobody asked for them in this many days).
REPORTS_RETENTION_DAYS = env.int("REPORTS_RETENTION_DAYS", default=30)
# A report that took longer than this to make is also sent by mail (the link).
REPORTS_MAIL_AFTER_SECONDS = env.int("REPORTS_MAIL_AFTER_SECONDS", default=10)
# A rendering task is interrupted (soft) and then killed (hard) after these many seconds.
REPORTS_SOFT_TIME_LIMIT = env.int("REPORTS_SOFT_TIME_LIMIT", default=600)
REPORTS_TIME_LIMIT = env.int("REPORTS_TIME_LIMIT", default=660)
# Transient failures are retried with backoff; after this many attempts the request fails.
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=3)
# The most obstacles one compilation may hold (narrow the filter beyond it).
REPORTS_OBSTACLES_MAX = env.int("REPORTS_OBSTACLES_MAX", default=5000)
# A compilation larger than this comes as a ZIP of PDF volumes of at most this many obstacles
# each, made one after another: WeasyPrint keeps every page of a document in memory, so one
# 5,000-obstacle PDF would need 3 GB; volumes of 300 keep a worker near 330 MB.
REPORTS_OBSTACLES_PER_VOLUME = env.int("REPORTS_OBSTACLES_PER_VOLUME", default=300)
# How many reports one person (or client address) may ask for per minute.
REPORTS_REQUESTS_PER_MINUTE = env.int("REPORTS_REQUESTS_PER_MINUTE", default=20)
# How many reports one person (or anonymous client address) may have waiting or being made.
REPORTS_MAX_PENDING = env.int("REPORTS_MAX_PENDING", default=3)
# Redis redelivers a task whose worker died without acking after this many seconds: just past
# the hard time limit, so a killed worker's report is made again long before the sweeper
# (reports_fail_stuck, after (REPORTS_MAX_ATTEMPTS + 1) × REPORTS_TIME_LIMIT) fails it. It also
# bounds countdowns: no task may be scheduled further ahead than this (the reports' retries wait
# at most about 75 s).
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = REPORTS_TIME_LIMIT + 60

ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- Mail --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@innovation-accelerator.se")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages, time and formats ------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Private files are served only through views that check the right; they never get a public URL.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # allauth's TOTP set-up shows its QR code as a data: SVG image.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SILENCED_SYSTEM_CHECKS: list[str] = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; its warnings (refused URLs, CSS) still show.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "portal.core.views.csrf_failure"
FORM_RENDERER = "portal.core.forms.PortalFormRenderer"
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Production grade (issue 7) ----------------------------------------------------------------
# Each block below belongs to one piece of the work; edit only your own block.

# [mail outbox]
# Every message is first written to the outbox (portal.core.models.OutgoingMail) by the
# OutboxBackend, then handed to the real transport by a worker (portal/core/README.md). The
# transport is what EMAIL_URL names (console by default, SMTP in production).
PORTAL_MAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "portal.core.mail.OutboxBackend"
# A mail server that neither answers nor refuses gives up after this many seconds (Django's
# default waits forever, which would hold a claim and a worker).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# A refused or failed delivery is tried again after 60 s, 120 s, 240 s… (at most 6 hours)...
PORTAL_MAIL_RETRY_BASE_SECONDS = env.int("PORTAL_MAIL_RETRY_BASE_SECONDS", default=60)
PORTAL_MAIL_RETRY_MAX_SECONDS = env.int("PORTAL_MAIL_RETRY_MAX_SECONDS", default=6 * 3600)
# ...until this many attempts; then the mail is "could not be delivered" (shown to the person).
PORTAL_MAIL_MAX_ATTEMPTS = env.int("PORTAL_MAIL_MAX_ATTEMPTS", default=8)
# A delivery still "being sent" after this long was interrupted (a worker killed mid-send): the
# sweep makes it wait for the next attempt. Keep it above the delivery task's time limit (120 s).
PORTAL_MAIL_CLAIM_SECONDS = env.int("PORTAL_MAIL_CLAIM_SECONDS", default=300)
# Sent mail is removed from the outbox after this many days.
PORTAL_MAIL_KEEP_SENT_DAYS = env.int("PORTAL_MAIL_KEEP_SENT_DAYS", default=30)
# At most this many waiting messages are handed to the workers per sweep (every minute).
PORTAL_MAIL_SWEEP_BATCH = env.int("PORTAL_MAIL_SWEEP_BATCH", default=500)
CELERY_BEAT_SCHEDULE["mail-outbox-sweep"] = {
    "task": "portal.core.tasks.sweep_outbox",
    "schedule": 60.0,  # every minute
}

# [resilience]
# What happens when Redis, PostgreSQL or a worker fail: portal/core/README.md ("When a
# dependency fails").
# The cache keeps working while Redis is away: each process uses its own memory for this many
# seconds, then tries Redis again (portal/core/cache.py says what that costs the sign-in limits).
PORTAL_CACHE_RETRY_SECONDS = env.int("PORTAL_CACHE_RETRY_SECONDS", default=10)
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "portal.core.cache.ResilientRedisCache"
# A page never waits long for the broker: a dead Redis fails a publish at once, one that does
# not answer after this many seconds fails it then, and there is no second try (Celery would
# otherwise retry for a long while). What could not be queued is kept in the database and handed
# over by the sweeps (reports: requeue_waiting_reports, mail: sweep_outbox).
PORTAL_BROKER_TIMEOUT_SECONDS = env.float("PORTAL_BROKER_TIMEOUT_SECONDS", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = PORTAL_BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = PORTAL_BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] = PORTAL_BROKER_TIMEOUT_SECONDS
# Opening a connection to publish is tried once (kombu would otherwise retry for
# CELERY_BROKER_CONNECTION_TIMEOUT); workers reconnect on their own terms
# (CELERY_BROKER_CONNECTION_MAX_RETRIES).
CELERY_BROKER_TRANSPORT_OPTIONS["max_retries"] = 0
# Redis hands a task whose worker died (never acknowledged) to another worker after this many
# seconds (default: just past the reports' hard time limit, see above). It must stay above the
# longest countdown of a retry (about 75 s), or a waiting retry is delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
    "REPORTS_VISIBILITY_TIMEOUT", default=REPORTS_TIME_LIMIT + 60
)
# How often (seconds) a worker looks for such tasks; kombu's default is about every 100 s.
if env("PORTAL_BROKER_RESTORE_SECONDS", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env.int(
        "PORTAL_BROKER_RESTORE_SECONDS"
    )
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
# A report request whose task could not be queued (the broker was away) is handed over again
# by this every-minute sweep; one that was queued but that no worker claimed within
# REPORTS_REQUEUE_AFTER_SECONDS (the broker lost it, e.g. Redis restarted without its data) too.
REPORTS_REQUEUE_AFTER_SECONDS = env.int("REPORTS_REQUEUE_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["reports-requeue"] = {
    "task": "reports.tasks.requeue_waiting_reports",
    "schedule": 60.0,  # every minute
}
# /readyz: each check (database, cache, broker) answers within this many seconds or counts as
# unavailable; the answer is 503 when one of PORTAL_READYZ_REQUIRED is not ok. A load balancer
# that should keep sending traffic through a Redis outage (the portal works without it) can
# require only "database".
PORTAL_READYZ_TIMEOUT_SECONDS = env.float("PORTAL_READYZ_TIMEOUT_SECONDS", default=2.0)
PORTAL_READYZ_REQUIRED = env.list("PORTAL_READYZ_REQUIRED", default=["database", "cache", "broker"])
# The database away (restarted, failed over): requests answer a translated 503 page with
# Retry-After (this many seconds) instead of an error page; the next ones reconnect by
# themselves (CONN_HEALTH_CHECKS).
PORTAL_UNAVAILABLE_RETRY_AFTER = env.int("PORTAL_UNAVAILABLE_RETRY_AFTER", default=30)
MIDDLEWARE = [*MIDDLEWARE, "portal.core.middleware.DatabaseOutageMiddleware"]

# [security events]
# Security events (portal/core/security.py: sign-ins, refusals, MFA, sessions, exports) go to
# standard output as JSON lines (portal/core/logging.py), apart from the ordinary log, so a log
# collector can keep them longer and alert on them. DJANGO_LOG_JSON=true writes every other log
# line as JSON too.
import typing as _typing  # noqa: E402

_logging_config = _typing.cast(dict[str, _typing.Any], LOGGING)
_logging_config["formatters"]["json"] = {"()": "portal.core.logging.JSONFormatter"}
_logging_config["handlers"]["security"] = {
    "class": "logging.StreamHandler",
    "formatter": "json",
    "stream": "ext://sys.stdout",
}
_logging_config["loggers"]["portal.security"] = {
    "handlers": ["security"],
    "level": "INFO",
    "propagate": False,
}
if env.bool("DJANGO_LOG_JSON", default=False):
    _logging_config["handlers"]["console"]["formatter"] = "json"
# Staff may not turn their authenticator app off; ended sessions are logged.
MFA_ADAPTER = "portal.accounts.adapters.MFAAdapter"
USERSESSIONS_ADAPTER = "portal.accounts.adapters.UserSessionsAdapter"
# A signed-in session ends when the browser closes (no "remember me": computers are shared in
# clinics and offices) and, on the server, this many seconds after sign-in (a working day),
# however busy it was (only a change to the session itself, such as re-authenticating, renews
# it). Every session of a person ends when their password changes or is reset.
ACCOUNT_SESSION_REMEMBER = False
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
# No script reads the CSRF cookie (forms and htmx carry the token from the page).
CSRF_COOKIE_HTTPONLY = True

# [audit and CSP reports]
# Browsers report what the Content-Security-Policy blocked to /csp-report (portal/core/
# views_csp.py; portal admins read the reports in the Django admin). Only `report-uri`: django-csp
# 4 can write a `report-to` directive but not the Reporting-Endpoints header that names its
# group, and Chromium ignores `report-uri` once `report-to` is present. The endpoint reads the
# Reporting API's format too, for when the header is added.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = ["/csp-report"]
# Reports kept per sender (address, or person when signed in) and minute; more answer 429.
CSP_REPORTS_PER_MINUTE = env.int("CSP_REPORTS_PER_MINUTE", default=30)
# A larger report body answers 413 (a browser's reports are a few kilobytes).
CSP_REPORT_MAX_BYTES = env.int("CSP_REPORT_MAX_BYTES", default=32 * 1024)
# Reports older than this are removed every night.
CSP_REPORTS_RETENTION_DAYS = env.int("CSP_REPORTS_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["csp-reports-remove-old"] = {
    "task": "portal.core.tasks.remove_old_csp_reports",
    "schedule": crontab(hour=3, minute=40),  # every night, Europe/Stockholm
}

# [privacy]
# The retention rule (portal/accounts/services_privacy.py): an account whose last sign-in (or
# joining, if it never signed in) is older than this many days is anonymised by a daily task;
# 0 switches the rule off. Superusers are never anonymised automatically.
PORTAL_INACTIVE_ACCOUNT_DAYS = env.int("PORTAL_INACTIVE_ACCOUNT_DAYS", default=3 * 365)
# The person is mailed a warning this many days before (0: no warning); signing in cancels it.
PORTAL_INACTIVE_WARNING_DAYS = env.int("PORTAL_INACTIVE_WARNING_DAYS", default=30)
# How many times a minute one person may download their personal data (/me/privacy/export.json).
PORTAL_PRIVACY_EXPORTS_PER_MINUTE = env.int("PORTAL_PRIVACY_EXPORTS_PER_MINUTE", default=5)
# How many attempts a minute at closing the account (a password guess each).
PORTAL_CLOSE_ACCOUNT_ATTEMPTS_PER_MINUTE = env.int(
    "PORTAL_CLOSE_ACCOUNT_ATTEMPTS_PER_MINUTE", default=5
)
# The privacy notice (/privacy/) and the accessibility statement (/accessibility/): who is
# responsible for the personal data, and whom to write to. Set them to the hosting region's.
PORTAL_PRIVACY_CONTROLLER = env("PORTAL_PRIVACY_CONTROLLER", default="Innovation Accelerator")
PORTAL_PRIVACY_EMAIL = env("PORTAL_PRIVACY_EMAIL", default="dataskydd@innovation-accelerator.se")
PORTAL_DPO_EMAIL = env("PORTAL_DPO_EMAIL", default="dataskyddsombud@innovation-accelerator.se")
PORTAL_ACCESSIBILITY_EMAIL = env(
    "PORTAL_ACCESSIBILITY_EMAIL", default="tillganglighet@innovation-accelerator.se"
)
# Dates the accessibility statement gives (ISO dates): when it was made and last reviewed.
PORTAL_ACCESSIBILITY_STATEMENT_DATE = env(
    "PORTAL_ACCESSIBILITY_STATEMENT_DATE", default="2026-11-26"
)
PORTAL_ACCESSIBILITY_REVIEWED_DATE = env("PORTAL_ACCESSIBILITY_REVIEWED_DATE", default="2026-11-26")
CELERY_BEAT_SCHEDULE["privacy-inactive-accounts"] = {
    "task": "portal.accounts.tasks.anonymise_inactive_accounts",
    "schedule": crontab(hour=3, minute=30),  # nightly, Europe/Stockholm
}

# [load and static]
# The load benchmark's ceiling page (portal/core/views_bench.py, /_ceiling/): 404 unless on.
PORTAL_CEILING_VIEW = env.bool("PORTAL_CEILING_VIEW", default=False)
# Where collectstatic writes (the benchmark collects into a directory of its own).
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(STATIC_ROOT)))
# Pages marked @cached_page (portal/core/pagecache.py) are answered from Redis for this many
# seconds unless something was written since; 0 turns it off. Off here: tests and development
# see every render (the cache's own tests turn it on); portal.settings.production turns it on,
# and without Redis it is off anyway.
PORTAL_PAGE_CACHE_SECONDS = env.int("PORTAL_PAGE_CACHE_SECONDS", default=0)
# Session activity (allauth's "last seen" and address of each session) is written at most once
# per this many seconds per session and client, not on every request.
PORTAL_SESSION_ACTIVITY_SECONDS = env.int("PORTAL_SESSION_ACTIVITY_SECONDS", default=60)
MIDDLEWARE = [
    "portal.core.activity.ThrottledUserSessionsMiddleware"
    if name == "allauth.usersessions.middleware.UserSessionsMiddleware"
    else name
    for name in MIDDLEWARE
]
