"""Django settings, read from the environment.

DATABASE_URL   database (default: SQLite file in CLIENTFOCUS_DATA_DIR)
SECRET_KEY     required unless DEBUG=1 or CLIENTFOCUS_DEMO=1 (then generated and kept on disk);
               not needed by the commands that only compute (`clientfocus --help` lists them)
DEBUG          "1" for development
ALLOWED_HOSTS  comma-separated (default: localhost,127.0.0.1,[::1])
REDIS_URL      optional shared cache (login throttling across processes)
TASK_BACKEND   "database" (default: tasks in the database, django-tasks-db) or "rq"
               (Redis at TASK_REDIS_URL, default REDIS_URL or redis://127.0.0.1:6379/0;
               workers run RQ through django-tasks-rq). docs/deployment.md says when.
MAIL_*, PORTAL_*, ATTACHMENT_*  conversations with customers (see below)
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from platformdirs import user_data_dir


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CLIENTFOCUS_DATA_DIR") or user_data_dir("clientfocus"))

DEBUG = _flag("DEBUG")
DEMO = _flag("CLIENTFOCUS_DEMO")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if os.environ.get("CLIENTFOCUS_COMPUTE_ONLY") == "1":
        # Set by the `clientfocus` command for commands that sign and store nothing
        # (`sla due`, `voice tag`, any --help): a throwaway key.
        return secrets.token_urlsafe(50)
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 / CLIENTFOCUS_DEMO=1 for a generated development key)."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its own copy of Swagger UI (no CDN)
    "django_tasks",
    "django_tasks_db",
    "django_rq",  # the RQ task backend (TASK_BACKEND=rq) and its admin views
    # From the ground up, in the layers of docs/architecture.md.
    "clientfocus.core",
    "clientfocus.people",
    "clientfocus.customers",
    "clientfocus.service",
    "clientfocus.orders",
    "clientfocus.notify",
    "clientfocus.value",
    "clientfocus.staffing",
    "clientfocus.insights",
    "clientfocus.voice",
    "clientfocus.ideas",
    "clientfocus.catalogue",
    "clientfocus.knowledge",
    "clientfocus.grants",
    "clientfocus.retention",
    "clientfocus.scorecard",
    "clientfocus.mail",
    "clientfocus.portal",
    "clientfocus.demo",
]

MIDDLEWARE = [
    "clientfocus.core.health.HealthMiddleware",  # /healthz, /readyz, /metrics: before host checks
    "clientfocus.core.logs.RequestLogMiddleware",
    "clientfocus.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "clientfocus.core.middleware.TokenApiMiddleware",  # the rest, less BROWSER_ONLY_MIDDLEWARE
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clientfocus.core.middleware.LocaleMiddleware",  # Django's, without unused URL checks
    "clientfocus.core.middleware.BrowserTimezoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "clientfocus.core.input_guard.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clientfocus.core.logs.UserContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clientfocus.core.middleware.ContentSecurityPolicyMiddleware",
]

# What API calls with a bearer token skip (TokenApiMiddleware): they authenticate with the
# token, carry no session cookie, need no CSRF token or flash messages, fetch no static files.
BROWSER_ONLY_MIDDLEWARE = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clientfocus.core.logs.UserContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
}

ROOT_URLCONF = "clientfocus.urls"
WSGI_APPLICATION = "clientfocus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clientfocus.people.context_processors.navigation",
                "clientfocus.service.context_processors.notices",
            ],
        },
    },
]


def _prepared_statements() -> dict[str, Any]:
    """DATABASE_PREPARED_STATEMENTS: ``hot`` (default) prepares the few statements busy
    endpoints run on every call (clientfocus.core.statements: unique-key lookups and
    INSERTs, whose plan never depends on the value); ``off`` prepares nothing (behind a
    connection pooler that drops prepared statements); ``all`` binds every parameter on
    the server and prepares any statement run five times — then PostgreSQL may switch a
    statement to a generic plan, and the queue's tab counts took 460 ms instead of 27 ms
    with one (benchmarks/service_desk.py)."""
    mode = os.environ.get("DATABASE_PREPARED_STATEMENTS", "hot").strip().lower()
    if mode in {"all", "1", "true", "yes", "on"}:
        return {"server_side_binding": True, "prepare_threshold": 5}
    if mode in {"off", "0", "false", "no", "none"}:
        return {"prepare_threshold": None}
    if mode != "hot":
        raise ImproperlyConfigured(
            f"DATABASE_PREPARED_STATEMENTS must be hot, off or all, not {mode!r}"
        )
    # Django's own cursors bind on the client and never prepare; the threshold only lets
    # the hot statements' cursors (which ask for it) prepare.
    return {"prepare_threshold": 5}


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'clientfocus.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=600)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL + IMMEDIATE transactions let the web threads and worker threads of the
        # embedded mode share one file without "database is locked" errors.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).update(_prepared_statements())
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot make NULL tiers distinct in the policy uniqueness constraint; the policy
# form and admin validate it there instead (SlaPolicy.validate_constraints).
SILENCED_SYSTEM_CHECKS = ["models.W047"]

_redis_url = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

TASK_BACKEND = os.environ.get("TASK_BACKEND", "database").strip().lower() or "database"
if TASK_BACKEND not in {"database", "rq"}:
    raise ImproperlyConfigured(f"TASK_BACKEND is {TASK_BACKEND!r}: use 'database' or 'rq'")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_rq.RQBackend"
            if TASK_BACKEND == "rq"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# Read by django-rq (the RQ backend); harmless when tasks live in the database.
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("TASK_REDIS_URL", "").strip()
        or _redis_url
        or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": 3600,
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "service:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("lt", "Lietuvių"),
    ("sl", "Slovenščina"),
    ("hi", "हिन्दी"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_TZ = True

# Uploaded files (attachments): Django's storage API, the file system by default.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = "/media-not-served/"  # files are served by views that check permissions

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Production behind a TLS proxy: HTTPS=1 (and the proxy sets X-Forwarded-Proto).
HTTPS = _flag("HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or _flag("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]  # the load balancer's probe speaks plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = _flag("HSTS_PRELOAD", "1")
# No inline script anywhere: scripts come from our own static files.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# Login throttling: failures per (username, address) within the window lock further tries.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# Behind a reverse proxy: the header it writes the client's address to (as a WSGI key,
# e.g. HTTP_X_FORWARDED_FOR) and how many proxies append to it. Unset: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Notifications: e-mail through Django's backends (SMTP in production), SMS through an
# HTTP gateway, outbound webhooks signed with HMAC-SHA256.
# The demo writes the e-mails it "sends" (sign-in codes, replies) as files to read.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(DATA_DIR / "sent-mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clientfocus@localhost")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
OUTBOUND_WEBHOOK_SECRET = os.environ.get("OUTBOUND_WEBHOOK_SECRET", "")
OUTBOUND_TIMEOUT_SECONDS = float(os.environ.get("OUTBOUND_TIMEOUT_SECONDS", "10"))
# Outbound URLs may not reach internal addresses unless an administrator allows it.
ALLOW_INTERNAL_URLS = _flag("ALLOW_INTERNAL_URLS")
# No e-mail or SMS to customers inside these local hours (their own time zone).
QUIET_HOURS = os.environ.get("QUIET_HOURS", "21:00-08:00")
NOTIFY_SEND_THREADS = int(os.environ.get("NOTIFY_SEND_THREADS", "1"))
# Messages a worker claims at a time (one claim and one write-back per batch).
NOTIFY_BATCH = int(os.environ.get("NOTIFY_BATCH", "200"))
NOTIFY_LEASE_SECONDS = float(os.environ.get("NOTIFY_LEASE_SECONDS", "60"))
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
NOTIFY_BACKOFF_BASE_SECONDS = float(os.environ.get("NOTIFY_BACKOFF_BASE_SECONDS", "5"))
NOTIFY_BACKOFF_CAP_SECONDS = float(os.environ.get("NOTIFY_BACKOFF_CAP_SECONDS", "3600"))

# Shared secret for signed inbound milestone webhooks (empty: webhooks refused).
MILESTONE_WEBHOOK_SECRET = os.environ.get("MILESTONE_WEBHOOK_SECRET", "")

# Cost to serve and profitability (S7).
DEFAULT_HOURLY_COST = float(os.environ.get("DEFAULT_HOURLY_COST", "30"))
MINUTES_PER_STAFF_MESSAGE = float(os.environ.get("MINUTES_PER_STAFF_MESSAGE", "6"))
GROSS_MARGIN = float(os.environ.get("GROSS_MARGIN", "0.3"))
# The nightly value refresh looks again only at customers whose orders or requests
# changed; every this many days it recomputes everyone (cost rates or the margin may
# have changed).
VALUE_FULL_REFRESH_DAYS = int(os.environ.get("VALUE_FULL_REFRESH_DAYS", "7"))
# Roles that read customers' value figures (the customer's owner always does).
VALUE_VISIBLE_TO = [
    r.strip() for r in os.environ.get("VALUE_VISIBLE_TO", "manager,admin").split(",") if r.strip()
]

# SLA sweep: warn when this share of a target is left.
SLA_AT_RISK_SHARE = float(os.environ.get("SLA_AT_RISK_SHARE", "0.25"))

# Voice of the customer.
# Where customers reach this installation (survey and feedback links in messages).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Languages the detector chooses among (ISO 639-1); each adds memory and ambiguity.
VOICE_LANGUAGES = [
    c.strip()
    for c in os.environ.get("VOICE_LANGUAGES", "en,ru,lt,sl,hi,de,pl,lv,uk").split(",")
    if c.strip()
]
VOICE_FOLLOW_UP_HOURS = float(os.environ.get("VOICE_FOLLOW_UP_HOURS", "48"))
VOICE_TREND_ALPHA = float(os.environ.get("VOICE_TREND_ALPHA", "0.01"))
# Messages a day through one customer's personal feedback link.
VOICE_FEEDBACK_LINK_DAILY = int(os.environ.get("VOICE_FEEDBACK_LINK_DAILY", "3"))

# Conversations with customers (e-mail in and out, portal, contact form).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
MESSAGE_ATTACHMENTS_MAX_BYTES = int(
    os.environ.get("MESSAGE_ATTACHMENTS_MAX_BYTES", str(25 * 1024 * 1024))
)
ATTACHMENT_MAX_COUNT = int(os.environ.get("ATTACHMENT_MAX_COUNT", "20"))
# A customer's answer reopens a resolved request within this many days, else opens a new one.
REQUEST_REOPEN_DAYS = float(os.environ.get("REQUEST_REOPEN_DAYS", "14"))
# The address customers write to and answer (Reply-To of replies); a mailbox's own
# address wins for the requests it received.
MAIL_REPLY_ADDRESS = os.environ.get("MAIL_REPLY_ADDRESS", "") or DEFAULT_FROM_EMAIL
# Right side of our Message-IDs: how our own mail is recognised when it comes back.
MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "clientfocus.invalid")
# Raw messages larger than this are refused (kept for an administrator, not parsed).
MAIL_MAX_MESSAGE_BYTES = int(os.environ.get("MAIL_MAX_MESSAGE_BYTES", str(40 * 1024 * 1024)))
# A sender who writes more than this many messages an hour is held for review.
MAIL_SENDER_HOURLY_LIMIT = int(os.environ.get("MAIL_SENDER_HOURLY_LIMIT", "20"))
MAIL_FETCH_SECONDS = float(os.environ.get("MAIL_FETCH_SECONDS", "60"))
MAIL_IMAP_TIMEOUT_SECONDS = float(os.environ.get("MAIL_IMAP_TIMEOUT_SECONDS", "30"))
# Customer portal: one-time sign-in links and codes, and how long a session lasts.
PORTAL_LOGIN_MINUTES = int(os.environ.get("PORTAL_LOGIN_MINUTES", "15"))
PORTAL_SESSION_HOURS = float(os.environ.get("PORTAL_SESSION_HOURS", "12"))
PORTAL_CODE_ATTEMPTS = int(os.environ.get("PORTAL_CODE_ATTEMPTS", "5"))
# Sites allowed to embed the contact form in a frame (CSP frame-ancestors), space-separated.
PORTAL_EMBED_ORIGINS = os.environ.get("PORTAL_EMBED_ORIGINS", "*")
# The contact form: a person needs at least this long to fill it in (bots do not).
CONTACT_FORM_MIN_SECONDS = float(os.environ.get("CONTACT_FORM_MIN_SECONDS", "3"))
CONTACT_FORM_HOURLY_LIMIT = int(os.environ.get("CONTACT_FORM_HOURLY_LIMIT", "10"))
# Ideas: customers' new ideas wait for a moderator's approval ("1") or are public at once;
# a customer may submit this many an hour; a vote weighs the voter's 12-month value, at
# least IDEAS_VALUE_FLOOR (so a new customer's vote counts).
IDEAS_HOLD_FOR_APPROVAL = os.environ.get("IDEAS_HOLD_FOR_APPROVAL", "0") == "1"
IDEAS_HOURLY_LIMIT = int(os.environ.get("IDEAS_HOURLY_LIMIT", "5"))
IDEAS_VALUE_FLOOR = float(os.environ.get("IDEAS_VALUE_FLOOR", "50"))
# Customers at risk (the daily worklist): who counts as valuable (the top share by 12-month
# expected value, and at least AT_RISK_MIN_VALUE), how long the assignee has to act, how
# long a closed case keeps the customer off the list, and what "falling" and "recent" mean.
AT_RISK_TOP_SHARE = float(os.environ.get("AT_RISK_TOP_SHARE", "0.3"))
AT_RISK_MIN_VALUE = float(os.environ.get("AT_RISK_MIN_VALUE", "0"))
AT_RISK_DUE_DAYS = int(os.environ.get("AT_RISK_DUE_DAYS", "3"))
AT_RISK_QUIET_DAYS = int(os.environ.get("AT_RISK_QUIET_DAYS", "30"))
AT_RISK_DROP_SHARE = float(os.environ.get("AT_RISK_DROP_SHARE", "0.3"))
AT_RISK_RECENT_DAYS = int(os.environ.get("AT_RISK_RECENT_DAYS", "30"))
# The service catalogue: a new or raised fee takes effect no sooner than this many days
# after the customers it affects were told (the legal minimum where the company works);
# feedback with this theme that names a fee is counted as a complaint about that fee.
CATALOGUE_NOTICE_DAYS = int(os.environ.get("CATALOGUE_NOTICE_DAYS", "30"))
CATALOGUE_COMPLAINT_THEME = os.environ.get("CATALOGUE_COMPLAINT_THEME", "unexpected-charges")
# The department scorecard: besides its queues' requests, the customer-facing measures
# a department's work touches, by department code: "deliveries_on_time" (delivered
# orders without a delay) and "theme:<code>" (feedback of that theme, share negative).
# JSON in the environment, e.g. {"logistics": ["deliveries_on_time", "theme:delivery"]}.
DEPARTMENT_MEASURES: dict[str, list[str]] = json.loads(
    os.environ.get(
        "DEPARTMENT_MEASURES",
        '{"logistics": ["deliveries_on_time", "theme:delivery"], '
        '"billing": ["theme:unexpected-charges", "theme:price"]}',
    )
)

# /readyz: a worker counts as alive when its heartbeat (every WORKER_HEARTBEAT_SECONDS)
# is younger than this; the outbox is stuck when a due message waits longer than
# OUTBOX_STUCK_SECONDS.
# How long the access log of customer records (who opened or exported whom) is kept.
ACCESS_LOG_DAYS = int(os.environ.get("ACCESS_LOG_DAYS", "365"))

# /metrics: a request with "Authorization: Bearer $METRICS_TOKEN", or from these networks.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(n.strip(), strict=False)
    for n in os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128").split(",")
    if n.strip()
]
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "60"))
OUTBOX_STUCK_SECONDS = int(os.environ.get("OUTBOX_STUCK_SECONDS", "600"))

# Logs: one line per event on standard error, plain or JSON (LOG_FORMAT=json), with the
# request id and user id; e-mail addresses and phone numbers are masked (core/logs.py).
# LOG_LEVEL for clientfocus's own lines (each request is one INFO line), LIBRARY_LOG_LEVEL
# for Django's and the libraries'.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "clientfocus.core.logs.ContextFilter"},
        "redact": {"()": "clientfocus.core.logs.RedactFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] "
            "%(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context", "redact"],
        }
    },
    "loggers": {
        "clientfocus": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LIBRARY_LOG_LEVEL", "WARNING")},
}
