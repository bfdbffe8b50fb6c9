"""Settings, read from the environment with safe embedded defaults.

With nothing set, the inbox runs on a SQLite file in the project and a Celery broker in a SQLite
file under var/ (no server needed). Set DATABASE_URL and REDIS_URL for PostgreSQL and Redis.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import default_cache, env_bool, env_list, env_map, env_seconds_per_platform

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WEBCARE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # test database, beat schedule, embedded broker


DEBUG = env_bool("DEBUG", True)
# The embedded defaults are for a laptop; with DEBUG off both keys must come from the environment.
_EMBEDDED_SECRET_KEY = "insecure-embedded-default-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _EMBEDDED_SECRET_KEY)
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
if not DEBUG and (SECRET_KEY == _EMBEDDED_SECRET_KEY or not FIELD_ENCRYPTION_KEY):
    raise ImproperlyConfigured("With DEBUG off, set SECRET_KEY and FIELD_ENCRYPTION_KEY in the environment.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "two_factor.plugins.webauthn",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "audit",
    # Only for its static files and templates: the API docs load Swagger UI from here, not a CDN.
    "ninja",
    "cases",
    "klantcontacten",
    "inbox",
    "channels",
    "reports",
    "triage",
    "security",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "webcare.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication and messages: an idle or over-age session ends before anything else runs,
    # and a role that needs a second factor reaches nothing but the login and set-up pages without one.
    "security.middleware.SessionLimitsMiddleware",
    "security.middleware.MfaRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "webcare.urls"
WSGI_APPLICATION = "webcare.wsgi.application"

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
                "inbox.context_processors.navigation",
                "reports.context_processors.peak_banner",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, worker and beat share one file: WAL lets readers go on while one writes, and
    # IMMEDIATE transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so a Celery worker process started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_REDIRECT_URL = "home"  # the queue, or a manager's dashboard (inbox.views.queue.home)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Mail: escalation and peak mails carry citizens' names and questions, so the console backend
# (which prints them to the log) is for DEBUG only; otherwise SMTP from the environment.
if DEBUG:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    if EMAIL_BACKEND.endswith((".console.EmailBackend", ".filebased.EmailBackend")):
        raise ImproperlyConfigured("With DEBUG off, EMAIL_BACKEND may not print or store mails: use SMTP.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webcare@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery: Redis when REDIS_URL is set. Otherwise the embedded broker, which needs no server: kombu's
# SQLAlchemy transport on a SQLite file in VAR_DIR (webcare/broker.py). Each message is one row
# written in one transaction, so no process can read half of one.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = f"sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
    CELERY_BROKER_TRANSPORT = "webcare.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "polling_interval": 0.5,  # an idle worker looks for new messages twice a second
        "connect_args": {"timeout": 30},  # wait up to 30 s for SQLite's write lock
    }
# Deployments (or test runs) sharing one Redis keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the LOGGING below applies to workers too
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The one beat schedule. Each account's own poll interval is honoured by poll_due_accounts, which
# only starts the polls that are due; the tick is how often it looks.
CELERY_BEAT_SCHEDULE = {
    "poll-due-accounts": {
        "task": "channels.tasks.poll_due_accounts",
        "schedule": float(os.environ.get("INBOX_POLL_TICK_SECONDS", "5")),
    },
    "send-pending-replies": {"task": "channels.tasks.send_pending", "schedule": 60.0},
    "peak-check": {"task": "reports.tasks.peak_check", "schedule": 300.0},
    "freeze-finished-days": {
        "task": "reports.tasks.snapshots_backfill",
        "schedule": crontab(hour=0, minute=10),
    },
    "sync-pending-cases": {"task": "cases.tasks.sync_pending", "schedule": 300.0},
    "push-case-statuses": {"task": "cases.tasks.status_push_pending", "schedule": 300.0},
    "pull-case-status": {"task": "cases.tasks.pull_backoffice_status", "schedule": 900.0},
    "fetch-pending-attachments": {"task": "inbox.tasks.fetch_pending_attachments", "schedule": 300.0},
    "push-pending-klantcontacten": {"task": "klantcontacten.tasks.push_pending", "schedule": 300.0},
    "triage-retrain": {"task": "triage.tasks.retrain", "schedule": crontab(hour=2, minute=30)},
    # Nightly: closed conversations past WEBCARE_RETENTION_DAYS pseudonymised, raw payloads and
    # webhook bodies past WEBCARE_RAW_RETENTION_DAYS emptied (privacy/retention.py).
    "retention": {"task": "privacy.tasks.retention_run", "schedule": crontab(hour=3, minute=15)},
}

# Django's cache: with REDIS_URL, Redis (django-redis, `env.redis_cache`), shared by every web
# process and worker, so nothing cached (the dashboard's figures) is per process; REDIS_CACHE_URL may
# point it at another database than the broker's. A Redis that is away is logged and answered as a
# miss: pages are slower, never broken. Without Redis, local memory: the embedded default, one web
# process. Keys carry a prefix and the release (webcare/cache.py); the cache is never cleared
# (clear() would flush the whole Redis database, the broker's queues with it when they share one).
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", REDIS_URL)
CACHES = {"default": default_cache(REDIS_CACHE_URL, key_prefix=os.environ.get("CACHE_KEY_PREFIX", "webcare"))}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "webcare.cache"

# Facebook: the Graph API host and version every facebook-sdk call goes to.
FACEBOOK_GRAPH_URL = os.environ.get("FACEBOOK_GRAPH_URL", "https://graph.facebook.com")
FACEBOOK_GRAPH_VERSION = os.environ.get("FACEBOOK_GRAPH_VERSION", "23.0").lstrip("v")

# The inbox's own knobs.
INBOX_REOPEN_WINDOW_DAYS = int(os.environ.get("INBOX_REOPEN_WINDOW_DAYS", "14"))
INBOX_WORKDAY_START = os.environ.get("INBOX_WORKDAY_START", "08:30")
INBOX_WORKDAY_END = os.environ.get("INBOX_WORKDAY_END", "17:00")
INBOX_URGENT_MINUTES = int(os.environ.get("INBOX_URGENT_MINUTES", "30"))
# How often a process asks the database whether the nightly retraining kept a newer triage model.
TRIAGE_MODEL_CHECK_SECONDS = float(os.environ.get("TRIAGE_MODEL_CHECK_SECONDS", "60"))
# The municipality's own calendar on top of the NL public holidays: extra closed days as MM-DD
# (every year, e.g. 05-05 for Liberation Day) or YYYY-MM-DD, and holidays it works on anyway, by
# the `holidays` package's English name (e.g. "Good Friday").
INBOX_EXTRA_CLOSED_DAYS = env_list("INBOX_EXTRA_CLOSED_DAYS", "")
INBOX_WORKING_HOLIDAYS = env_list("INBOX_WORKING_HOLIDAYS", "")
# A reply still "sending" after this long had its worker die mid-call: its outcome becomes unknown
# and it is looked up on the platform. Longer than a send can take (connect + read timeouts).
INBOX_SENDING_STALE_SECONDS = float(os.environ.get("INBOX_SENDING_STALE_SECONDS", "120"))
# How long a platform's reads may lag behind its writes: a reply whose outcome is unknown counts as
# not posted only when a lookup this long after it does not find it. Default per platform (X 60 s,
# Facebook 120 s); "90" sets every platform, "x=60,facebook=120" each one.
INBOX_RECONCILE_AFTER_SECONDS = env_seconds_per_platform("INBOX_RECONCILE_AFTER_SECONDS")
# How two polls of one account are kept apart: "auto" (a session advisory lock on PostgreSQL, a
# lease elsewhere) or "lease" (where sessions are pooled per transaction, as behind PgBouncer).
POLL_LOCK = os.environ.get("POLL_LOCK", "auto")
# A peak: intake in the last hour at least this many messages and this many times the normal for
# that hour and weekday.
REPORTS_PEAK_MIN_INTAKE = int(os.environ.get("REPORTS_PEAK_MIN_INTAKE", "20"))
REPORTS_PEAK_FACTOR = float(os.environ.get("REPORTS_PEAK_FACTOR", "3"))
# No comparison, so no peak, until this many earlier weeks hold that hour and weekday.
REPORTS_PEAK_MIN_WEEKS = int(os.environ.get("REPORTS_PEAK_MIN_WEEKS", "4"))

# Cases: numbering and the back office. CASES_BACKEND is "local" (default) or "zgw".
CASES_NUMBER_PREFIX = os.environ.get("CASES_NUMBER_PREFIX", "ZAAK")
CASES_NUMBER_DIGITS = int(os.environ.get("CASES_NUMBER_DIGITS", "7"))
CASES_BACKEND = os.environ.get("CASES_BACKEND", "local")
CASES_SYNC_STALE_MINUTES = 10
ZGW_ZAKEN_URL = os.environ.get("ZGW_ZAKEN_URL", "")  # e.g. https://openzaak.example.nl/zaken/api/v1
ZGW_CLIENT_ID = os.environ.get("ZGW_CLIENT_ID", "")
ZGW_SECRET = os.environ.get("ZGW_SECRET", "")
ZGW_ZAAKTYPE = os.environ.get("ZGW_ZAAKTYPE", "")  # URL of a published zaaktype
ZGW_ROLTYPE = os.environ.get("ZGW_ROLTYPE", "")  # URL of the roltype for the citizen (initiator)
ZGW_BRONORGANISATIE = os.environ.get("ZGW_BRONORGANISATIE", "")  # RSIN, 9 digits
ZGW_VERANTWOORDELIJKE_ORGANISATIE = os.environ.get("ZGW_VERANTWOORDELIJKE_ORGANISATIE", "")
ZGW_TIMEOUT_SECONDS = float(os.environ.get("ZGW_TIMEOUT_SECONDS", "10"))
# Our case statuses → statustype URLs of the zaaktype, e.g. "registered=https://…/statustypen/…,
# resolved=https://…". A status without one is not sent to the back office.
ZGW_STATUSTYPEN = env_map("ZGW_STATUSTYPEN")

# Klantcontacten in Open Klant (the Klantinteracties API): off unless the URL is set.
KLANTINTERACTIES_API_URL = os.environ.get("KLANTINTERACTIES_API_URL", "")  # …/klantinteracties/api/v1
KLANTINTERACTIES_API_TOKEN = os.environ.get("KLANTINTERACTIES_API_TOKEN", "")
KLANTINTERACTIES_TIMEOUT_SECONDS = float(os.environ.get("KLANTINTERACTIES_TIMEOUT_SECONDS", "10"))
# "Eerder contact" is read while a page is shown: a short timeout, and "down" remembered briefly.
KLANTINTERACTIES_SEARCH_TIMEOUT_SECONDS = float(
    os.environ.get("KLANTINTERACTIES_SEARCH_TIMEOUT_SECONDS", "3")
)
KLANTINTERACTIES_CACHE_SECONDS = int(os.environ.get("KLANTINTERACTIES_CACHE_SECONDS", "120"))
KLANTINTERACTIES_DOWN_CACHE_SECONDS = 30
# Our platform → the kanaal code Open Klant knows (it may check them against its Referentielijsten),
# e.g. "x=twitter,facebook=facebook"; by default the platform's name (X, Facebook).
KLANTINTERACTIES_KANALEN = env_map("KLANTINTERACTIES_KANALEN")
# Referentienummers are ours to give, digits only, unique in Open Klant: this prefix and the
# klantcontact's number here, 10 digits in all. Pick a prefix no other system of the municipality uses.
KLANTINTERACTIES_REFERENTIE_PREFIX = os.environ.get("KLANTINTERACTIES_REFERENTIE_PREFIX", "9")
if not KLANTINTERACTIES_REFERENTIE_PREFIX.isdigit() or len(KLANTINTERACTIES_REFERENTIE_PREFIX) > 4:
    raise ImproperlyConfigured("KLANTINTERACTIES_REFERENTIE_PREFIX: one to four digits.")
# codeObjecttype of the onderwerpobject that names the case ("zaak"; KISS itself writes "zgw-Zaak").
KLANTINTERACTIES_ZAAK_OBJECTTYPE = os.environ.get("KLANTINTERACTIES_ZAAK_OBJECTTYPE", "zaak")
KLANTINTERACTIES_STALE_MINUTES = 10

# X (Twitter): every API call, read or write, goes to this base URL (a fake server in tests).
X_API_BASE_URL = os.environ.get("X_API_BASE_URL", "https://api.twitter.com").rstrip("/")
X_API_CONNECT_TIMEOUT = float(os.environ.get("X_API_CONNECT_TIMEOUT", "5"))
X_API_READ_TIMEOUT = float(os.environ.get("X_API_READ_TIMEOUT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"cache_away": {"()": "webcare.cache.CacheAwayLog"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Beat ticks every few seconds; its routine "sent / received / succeeded" lines drown the rest.
        "celery.beat": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
        "axes.apps": {"level": "WARNING"},  # its "BEGIN version" line on every start
        "webcare.cache": {"filters": ["cache_away"]},  # Redis away: one line a minute, not one a call
    },
}

if not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Issue 5: calamity clusters in the queue (similar open conversations answered together).
INBOX_CLUSTER_HOURS = int(os.environ.get("INBOX_CLUSTER_HOURS", "48"))
INBOX_CLUSTER_LIMIT = int(os.environ.get("INBOX_CLUSTER_LIMIT", "500"))
INBOX_CLUSTER_MIN_SIZE = int(os.environ.get("INBOX_CLUSTER_MIN_SIZE", "3"))
INBOX_CLUSTER_SIMILARITY = float(os.environ.get("INBOX_CLUSTER_SIMILARITY", "0.5"))
# The same place (a street, a square) links conversations written within these hours.
INBOX_CLUSTER_PLACE_HOURS = float(os.environ.get("INBOX_CLUSTER_PLACE_HOURS", "3"))
# Seconds a "is typing" marker lives without a new keystroke.
INBOX_TYPING_SECONDS = int(os.environ.get("INBOX_TYPING_SECONDS", "8"))
# Prefix for links in notification e-mails (e.g. https://webcare.example.nl).
WEBCARE_SITE_URL = os.environ.get("WEBCARE_SITE_URL", "")

# Issue 15: the agent's workspace.
# A colleague's claim counts as left behind ("away") when they have not touched it for this long;
# then a colleague may take it over (inbox.permissions.TAKE_OVER_RULE).
INBOX_CLAIM_AWAY_MINUTES = int(os.environ.get("INBOX_CLAIM_AWAY_MINUTES", "30"))
# Citizens' photos and videos, copied by a task into the app's own storage (MEDIA_ROOT) and served
# only through the inbox (never from the platform's CDN). Only these hosts are fetched from (HTTPS;
# a leading dot allows subdomains), with these limits.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
INBOX_ATTACHMENT_HOSTS = env_list(
    "INBOX_ATTACHMENT_HOSTS", "pbs.twimg.com,video.twimg.com,ton.twimg.com,.fbcdn.net,.fbsbx.com"
)
INBOX_ATTACHMENT_MAX_BYTES = int(os.environ.get("INBOX_ATTACHMENT_MAX_BYTES", str(15 * 1024 * 1024)))
INBOX_ATTACHMENT_MAX_VIDEO_BYTES = int(
    os.environ.get("INBOX_ATTACHMENT_MAX_VIDEO_BYTES", str(80 * 1024 * 1024))
)
INBOX_ATTACHMENT_MAX_ATTEMPTS = int(os.environ.get("INBOX_ATTACHMENT_MAX_ATTEMPTS", "6"))
INBOX_ATTACHMENT_CONNECT_TIMEOUT = float(os.environ.get("INBOX_ATTACHMENT_CONNECT_TIMEOUT", "5"))
INBOX_ATTACHMENT_READ_TIMEOUT = float(os.environ.get("INBOX_ATTACHMENT_READ_TIMEOUT", "30"))
# --- Security and privacy (issue 14; README "Security and privacy", ADR 0015) -------------------

# Logins: django-axes locks out after repeated failures (per username and, separately, per address),
# django-two-factor-auth (on django-otp) asks the roles below for a second factor, and
# mozilla-django-oidc offers the municipality's identity provider when OIDC_RP_CLIENT_ID is set.
LOGIN_URL = "login"
# Django's ModelBackend, reading the user with their roles and teams in one query (security/backends.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "security.backends.RolesModelBackend"]

# Roles that must use a second factor: by default everyone who can change much (advisers, managers,
# functional admins) when DEBUG is off; nobody in the demo, so `make run` stays two commands.
WEBCARE_MFA_REQUIRED_ROLES = env_list("WEBCARE_MFA_REQUIRED_ROLES", "" if DEBUG else "adviser,manager,admin")
TWO_FACTOR_WEBAUTHN_RP_NAME = os.environ.get("TWO_FACTOR_WEBAUTHN_RP_NAME", "Webcare inbox")
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # never "trust this computer": desks are shared
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Webcare inbox")

AXES_FAILURE_LIMIT = int(os.environ.get("WEBCARE_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("WEBCARE_LOCKOUT_MINUTES", "30")))
# Each parameter on its own: five failures for one username lock that username from every address,
# five from one address lock that address for every username.
AXES_LOCKOUT_PARAMETERS = env_list("WEBCARE_LOCKOUT_BY", "username,ip_address")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_USERNAME_CALLABLE = "security.lockout.attempted_username"
AXES_HTTP_RESPONSE_CODE = 429
# The client address: REMOTE_ADDR, unless the app runs behind this many reverse proxies that set
# X-Forwarded-For (trusting that header without a proxy would let anyone pick their address).
WEBCARE_PROXY_COUNT = int(os.environ.get("WEBCARE_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"

# Single sign-on with the municipality's identity provider (OpenID Connect): webcare/settings_oidc.py.
from .settings_oidc import *  # noqa: E402, F403
from .settings_oidc import OIDC_ENABLED  # noqa: E402  (named, as it is read below)

if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("security.oidc.RoleClaimsBackend")

# Sessions: at most a working day, and ended after WEBCARE_SESSION_IDLE_MINUTES without activity
# (the live refresh of a page left open does not count). The cookie dies with the browser.
WEBCARE_SESSION_HOURS = float(os.environ.get("WEBCARE_SESSION_HOURS", "10"))
if not 0 < WEBCARE_SESSION_HOURS <= 12:
    raise ImproperlyConfigured("WEBCARE_SESSION_HOURS must be more than 0 and at most 12 (a working day).")
SESSION_COOKIE_AGE = int(WEBCARE_SESSION_HOURS * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
WEBCARE_SESSION_IDLE_MINUTES = float(os.environ.get("WEBCARE_SESSION_IDLE_MINUTES", "30"))

# A strict Content-Security-Policy: scripts only from our own origin (a nonce for any inline script
# that must exist; none does), no eval (htmx runs with allowEval off), nothing framed.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "security.views.csrf_failure"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP inside
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # The reverse proxy's header that says the browser used HTTPS: "HTTP_X_FORWARDED_PROTO=https"
    # (nginx, Traefik, most load balancers); empty when the app terminates TLS itself.
    _proxy_ssl = os.environ.get("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO=https")
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl.split("=", 1)) if "=" in _proxy_ssl else None

# AVG: how long conversations are kept after closing before their personal data is pseudonymised
# (README "Retention": the selectielijst's 1 year for handled questions and reports, plus a margin
# for follow-ups), and how long raw platform payloads and webhook bodies are kept at all.
WEBCARE_RETENTION_DAYS = int(os.environ.get("WEBCARE_RETENTION_DAYS", "400"))
WEBCARE_RAW_RETENTION_DAYS = int(os.environ.get("WEBCARE_RAW_RETENTION_DAYS", "30"))
# The personal-data guard on public replies (inbox/personal_data.py) ignores these: the
# municipality's own published contact details, e.g. "Stadsplateau 1 3521 AZ,030 286 00 00".
WEBCARE_PERSONAL_DATA_IGNORE = env_list("WEBCARE_PERSONAL_DATA_IGNORE", "")
