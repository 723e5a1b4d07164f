"""Django settings, all read from the environment (see docs/configuration.md).

There is one settings module and no production-only code path: the embedded
default (SQLite, a file-backed task queue, e-mail written to a folder) and a
production deployment (PostgreSQL, Redis, SMTP) differ only in environment values.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from huey import MemoryHuey, RedisHuey, SqliteHuey

from yankao.core.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    file_folder,
    file_storage,
    proxy_entries,
    tile_origins,
)
from yankao.core.logs import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("YANKAO_DATA_DIR", "var")).resolve()

# Demo mode: the one switch `make demo` turns on. It enables DEBUG, keeps a
# generated secret key in the data folder and lets `yankao seed` set passwords.
DEMO = env_bool("YANKAO_DEMO", False)
DEBUG = env_bool("YANKAO_DEBUG", DEMO)


def _secret_key() -> str:
    key = env_str("YANKAO_SECRET_KEY")
    if key:
        return key
    if not DEMO:
        raise ImproperlyConfigured(
            "YANKAO_SECRET_KEY is not set. Set it (50+ random characters), "
            "or run the demo with YANKAO_DEMO=1."
        )
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Older secret keys still accepted for signed data (sessions, links in e-mail) while
# they last; new data is signed with SECRET_KEY alone (docs/adr/0020).
SECRET_KEY_FALLBACKS = env_list("YANKAO_SECRET_KEY_FALLBACKS", [])
# The key of the citizens' private codes (core.codes), rotatable on its own: empty
# means the secret key and its fallbacks, as before this setting existed.
CODES_KEY = env_str("YANKAO_CODES_KEY", "")
CODES_KEY_FALLBACKS = env_list("YANKAO_CODES_KEY_FALLBACKS", [])
if CODES_KEY_FALLBACKS and not CODES_KEY:
    raise ImproperlyConfigured(
        "YANKAO_CODES_KEY_FALLBACKS needs YANKAO_CODES_KEY: without a codes key the "
        "secret key and YANKAO_SECRET_KEY_FALLBACKS are used."
    )
ALLOWED_HOSTS = env_list("YANKAO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO else [])
CSRF_TRUSTED_ORIGINS = env_list("YANKAO_CSRF_TRUSTED_ORIGINS", [])
# Peers whose X-Real-IP header names the client (the proxy in front): addresses or
# networks, and "unix" for a proxy on this machine's socket. Empty: nobody's.
TRUSTED_PROXIES = proxy_entries(env_list("YANKAO_TRUSTED_PROXIES", []))

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_htmx",
    "leaflet",
    "huey.contrib.djhuey",
    # A second factor for staff sign-in: authenticator apps (TOTP) and backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "yankao.core",
    "yankao.organisation",
    "yankao.accounts",
    "yankao.calendar",
    "yankao.tracking",
    "yankao.messaging",
    "yankao.control",
    "yankao.petitions",
    "yankao.hotline",
    "yankao.dispatch",
    "yankao.legal",
    "yankao.open311",
    "yankao.search",
    "yankao.knowledge",
    "yankao.demo",
]

MIDDLEWARE = [
    # First: everything after it (rate limits, lockouts, logs) sees the client's address.
    "yankao.core.middleware.ProxiedClientMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yankao.core.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception is asked first about a view's lost connection.
    "yankao.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "yankao.urls"
WSGI_APPLICATION = "yankao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yankao.accounts.context_processors.capabilities",
                "yankao.core.context_processors.maps",
            ],
            "builtins": ["yankao.calendar.templatetags.roc"],
        },
    }
]
# Django's renderer, with selects written in Python: their options are most of a
# page's rendering time through the stock templates (core/rendering.py).
FORM_RENDERER = "yankao.core.rendering.FormRenderer"

# --- database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'yankao.sqlite3'}"),
        # Connections are kept between requests (opening one costs PostgreSQL several
        # milliseconds, SQLite its PRAGMAs) and checked before reuse.
        conn_max_age=env_int("YANKAO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with the health check skipped for a connection that has just
    # served a request without error (yankao.core.postgresql.base).
    DATABASES["default"]["ENGINE"] = "yankao.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; "
            # A 32 MiB page cache per connection (SQLite's default is 2 MiB): the
            # full-text index's busiest pages stay in memory, which makes indexing
            # about ten times faster.
            "PRAGMA cache_size=-32768;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and security ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a sign-in while its account is locked for the address or slowed down
    # (docs/adr/0020); django-axes records the failures it decides on.
    "yankao.accounts.backends.SignInGateBackend",
    # Django's model backend, loading the user's agency with the user (one query).
    "yankao.accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in abuse (docs/adr/0020, yankao.accounts.signin). django-axes records each
# failure per username, address and browser; the gate backend decides from them.
# A username is locked for one address only, never for everyone: the first lock
# lasts YANKAO_LOGIN_COOLOFF_MINUTES and each further FAILURE_LIMIT failures from
# that address double it, up to a day. Failures are remembered a day after the last.
AXES_FAILURE_LIMIT = env_int("YANKAO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(days=1)
AXES_LOCK_OUT_AT_FAILURE = False  # the gate backend locks, with growing locks
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a refused try is not a failure
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yankao.accounts.views.axes_lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_VERBOSE = False
YANKAO_LOGIN_COOLOFF = timedelta(minutes=env_int("YANKAO_LOGIN_COOLOFF_MINUTES", 15))
# Failures of one username from this many addresses within the window slow it down
# for unfamiliar addresses and raise an alert; this many usernames failing from one
# address raise an alert (a password spray).
YANKAO_LOGIN_SPRAY_WINDOW = timedelta(minutes=env_int("YANKAO_LOGIN_SPRAY_WINDOW_MINUTES", 60))
YANKAO_LOGIN_SPRAY_ADDRESSES = env_int("YANKAO_LOGIN_SPRAY_ADDRESSES", 5)
YANKAO_LOGIN_SPRAY_USERNAMES = env_int("YANKAO_LOGIN_SPRAY_USERNAMES", 10)
YANKAO_LOGIN_SLOWDOWN_MAX = timedelta(seconds=env_int("YANKAO_LOGIN_SLOWDOWN_MAX_SECONDS", 300))
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env_str("YANKAO_OTP_ISSUER", "Yankao")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("YANKAO_SESSION_SECONDS", 8 * 3600)
SECURE_HTTPS = env_bool("YANKAO_HTTPS", not DEMO)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env_bool("YANKAO_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# --- cache (rate limits) ----------------------------------------------------------------
# Redis in production, shared by every worker; the embedded default keeps counts per
# process, which is enough for `make demo`'s single server. Outside demo and DEBUG a
# per-process cache is refused by a system check (yankao.core.checks).
CACHE_URL = env_str("YANKAO_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
    # Sessions are read from Redis and written through to the database, so a Redis
    # restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL:
    raise ImproperlyConfigured("YANKAO_CACHE_URL must be a redis:// URL or empty.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Requests per minute one address may make to the public tracking and mailbox pages.
PUBLIC_RATE = env_str("YANKAO_PUBLIC_RATE", "30/m")
# Millions of pixels one address (or one Open311 key) may have the server decode from
# uploaded pictures in a minute: decoding costs in proportion to pixels (ADR 0019).
PUBLIC_UPLOAD_MEGAPIXELS = env_int("YANKAO_PUBLIC_UPLOAD_MEGAPIXELS", 150)
if PUBLIC_UPLOAD_MEGAPIXELS < 1:
    raise ImproperlyConfigured("YANKAO_PUBLIC_UPLOAD_MEGAPIXELS must be at least 1.")

# --- petitions ------------------------------------------------------------------------
# A petition for another agency is transferred (移文) within this many working days of
# reaching the wrong one: the next working day in the city's practice (unconfirmed as a
# Kaohsiung rule; Taipei allows 2 when a site visit is needed).
PETITION_TRANSFER_WORKING_DAYS = env_int("YANKAO_PETITION_TRANSFER_WORKING_DAYS", 1)

# --- maps ------------------------------------------------------------------------
# Leaflet (from django-leaflet's static files) on any XYZ tile server: the city's own
# in production. Pages show coordinates and a table as well, so nothing depends on
# the tiles loading; tests need none.
MAP_TILES = env_str("YANKAO_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env_str("YANKAO_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
MAP_CENTER = (22.6273, 120.3014)  # Kaohsiung City Hall (Lingya)
MAP_ZOOM = 12
# The city's bounding box, "south,west,north,east" in decimal degrees (Kaohsiung's
# mainland, from 林園 to 桃源): points outside it are refused as a likely slip, on every
# form and API (yankao.core.geography).
_bounds = env_str("YANKAO_CITY_BOUNDS", "22.40,120.10,23.50,121.10").split(",")
try:
    _south, _west, _north, _east = (float(part) for part in _bounds)
except ValueError as _error:
    raise ImproperlyConfigured("YANKAO_CITY_BOUNDS must be four numbers: S,W,N,E") from _error
MAP_BOUNDS = ((_south, _west), (_north, _east))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_origins(MAP_TILES)],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# --- language and time -------------------------------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Taipei"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the pinned plotly package, as static/plotly/plotly.min.js (no CDN).
    "yankao.core.staticfiles.PackageFilesFinder",
]
# Stored files (attachments, photos): the data folder's files/ by default, a folder of
# their own (file:///srv/yankao-files, a mounted volume) or an S3-compatible store
# (s3://bucket/prefix?endpoint=…), see core/env.py.
FILES_URL = env_str("YANKAO_FILES_URL", "")
MEDIA_ROOT = Path(file_folder(FILES_URL) or DATA_DIR / "files")
STORAGES = {
    "default": file_storage(FILES_URL),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- office hours ------------------------------------------------------------------
# Items received at or after this time count as received the next working day.
YANKAO_OFFICE_CLOSE = env_str("YANKAO_OFFICE_CLOSE", "17:30")
YANKAO_CALENDAR_CHECK_SECONDS = env_int("YANKAO_CALENDAR_CHECK_SECONDS", 5)

# --- the city ----------------------------------------------------------------------
# Every city-specific list is data; YANKAO_CITY picks the data files to load.
YANKAO_CITY = env_str("YANKAO_CITY", "kaohsiung")

# --- background work -------------------------------------------------------------------
# Empty: a SQLite-file queue that needs no broker (the embedded default).
# redis://host:port/db: Redis as the broker (production).
# "immediate": run tasks in-process at once (tests).
QUEUE_URL = env_str("YANKAO_QUEUE_URL", "")
if QUEUE_URL == "immediate":
    HUEY = MemoryHuey("yankao", immediate=True)
elif QUEUE_URL.startswith(("redis://", "rediss://")):
    HUEY = RedisHuey("yankao", url=QUEUE_URL)
elif QUEUE_URL == "":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # The queue carries wake-ups only: what a task works on (an outbox message, a
    # queued petition) is a row in the database, and the periodic sweeps pick up
    # anything whose task was lost. So the queue file does not wait for the disk
    # on every enqueue (fsync would add ~4 ms to each request that schedules work).
    HUEY = SqliteHuey("yankao", filename=str(DATA_DIR / "queue.sqlite3"), fsync=False)
else:
    raise ImproperlyConfigured(
        f"YANKAO_QUEUE_URL must be empty, 'immediate' or a redis:// URL, got {QUEUE_URL!r}"
    )

# /readyz answers 503 when the worker's last heartbeat (a periodic task it runs every
# minute, yankao.core.tasks) is older than this many seconds.
YANKAO_WORKER_STALE_SECONDS = env_int("YANKAO_WORKER_STALE_SECONDS", 180)

# --- outbound messages ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("YANKAO_FROM_EMAIL", "研考會 <no-reply@rdec.kcg.gov.tw>")
EMAIL_HOST = env_str("YANKAO_SMTP_HOST", "")
EMAIL_PORT = env_int("YANKAO_SMTP_PORT", 587)
EMAIL_HOST_USER = env_str("YANKAO_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("YANKAO_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("YANKAO_SMTP_TLS", True)
EMAIL_TIMEOUT = 30
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # No SMTP server configured: every message is written as an .eml file that a
    # person can open, under the data folder.
    EMAIL_BACKEND = "yankao.messaging.email_folder.EmailFolderBackend"
EMAIL_FOLDER = DATA_DIR / "mail"
OUTBOX_MAX_ATTEMPTS = env_int("YANKAO_OUTBOX_MAX_ATTEMPTS", 8)
# Dotted path of a function send_sms(*, to, body, message_id); empty: SMS fails loudly.
YANKAO_SMS_GATEWAY = env_str("YANKAO_SMS_GATEWAY", "")
YANKAO_WEBHOOK_TIMEOUT = env_int("YANKAO_WEBHOOK_TIMEOUT", 10)
YANKAO_MESSAGE_ID_DOMAIN = env_str("YANKAO_MESSAGE_ID_DOMAIN", "")
# Confirmations one address may get in a clock hour, per kind (a mailbox link, a
# petition's number and code, a legal booking): forms let anyone type any address.
CONFIRMATIONS_PER_HOUR = env_int("YANKAO_CONFIRMATIONS_PER_HOUR", 5)

# Plain lines by default; one JSON object a line in production (YANKAO_LOG_FORMAT=json),
# with security events marked and, with YANKAO_SECURITY_LOG, kept in a file of their own.
LOGGING = logging_config(
    style=env_str("YANKAO_LOG_FORMAT", "plain"),
    level=env_str("YANKAO_LOG_LEVEL", "INFO"),
    security_file=env_str("YANKAO_SECURITY_LOG", ""),
)

# --- metrics (Prometheus) ------------------------------------------------------------------
# Off by default. On, every request is counted and timed (django-prometheus) and
# /metrics answers a scraper on this machine, or anywhere with YANKAO_METRICS_TOKEN.
# Under several worker processes set PROMETHEUS_MULTIPROC_DIR (docs/deployment.md).
METRICS = env_bool("YANKAO_METRICS", False)
METRICS_TOKEN = env_str("YANKAO_METRICS_TOKEN", "")
if METRICS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    # Before the outage middleware, which must stay last (it answers first).
    MIDDLEWARE.insert(-1, "django_prometheus.middleware.PrometheusAfterMiddleware")

# The address staff use to reach the platform, for links in e-mail.
YANKAO_BASE_URL = env_str("YANKAO_BASE_URL", "http://127.0.0.1:8000")

# --- Open311 GeoReport v2 (docs/adr/0010) -------------------------------------------------
YANKAO_OPEN311_JURISDICTION = env_str("YANKAO_OPEN311_JURISDICTION", "kcg.gov.tw")
YANKAO_OPEN311_CONTACT = env_str("YANKAO_OPEN311_CONTACT", "高雄市政府研究發展考核委員會 1999")
# Requests per minute from one address without an api_key (keys carry their own rate).
YANKAO_OPEN311_ANONYMOUS_RATE = env_int("YANKAO_OPEN311_ANONYMOUS_RATE", 120)

# --- free legal consultations (docs/adr/0008) -------------------------------------------
# Booking rules: no published rule fixes them, so each is a setting.
# Bookings (not cancelled) per phone number for sessions in one month; 0: no limit.
YANKAO_LEGAL_BOOKINGS_PER_MONTH = env_int("YANKAO_LEGAL_BOOKINGS_PER_MONTH", 1)
# Citizens may cancel on the web until this many hours before their slot.
YANKAO_LEGAL_CANCEL_HOURS = env_int("YANKAO_LEGAL_CANCEL_HOURS", 24)
# The public may book sessions up to this many days ahead ...
YANKAO_LEGAL_BOOKING_DAYS_AHEAD = env_int("YANKAO_LEGAL_BOOKING_DAYS_AHEAD", 28)
# ... and until this many minutes before the slot starts.
YANKAO_LEGAL_BOOKING_CLOSE_MINUTES = env_int("YANKAO_LEGAL_BOOKING_CLOSE_MINUTES", 60)
# Reminders go out from this hour (Asia/Taipei) of the working day before.
YANKAO_LEGAL_REMINDER_HOUR = env_int("YANKAO_LEGAL_REMINDER_HOUR", 9)
# A citizen's booking holds its slot this many minutes while it waits for the code
# sent to the phone or e-mail (docs/adr/0022) ...
YANKAO_LEGAL_CONFIRM_MINUTES = env_int("YANKAO_LEGAL_CONFIRM_MINUTES", 20)
# ... and is released after this many wrong codes.
YANKAO_LEGAL_CONFIRM_ATTEMPTS = env_int("YANKAO_LEGAL_CONFIRM_ATTEMPTS", 5)
# Open bookings (to come, confirmed or waiting) per phone number and per e-mail; 0: no limit.
YANKAO_LEGAL_OPEN_PER_CONTACT = env_int("YANKAO_LEGAL_OPEN_PER_CONTACT", 2)
# Open bookings made from one network address (IPv4, IPv6 /64) on the web or the app; 0: no limit.
YANKAO_LEGAL_OPEN_PER_ADDRESS = env_int("YANKAO_LEGAL_OPEN_PER_ADDRESS", 3)
if YANKAO_LEGAL_CONFIRM_MINUTES < 1 or YANKAO_LEGAL_CONFIRM_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "YANKAO_LEGAL_CONFIRM_MINUTES and YANKAO_LEGAL_CONFIRM_ATTEMPTS must be at least 1."
    )

# --- programme control (docs/adr/0026) ---------------------------------------------------
# Monthly progress reports are due by this day of the following month (moved to the next
# working day when it is a day off): the 6th for works projects, as the city requires of
# tenders, the 10th for every other kind of programme.
YANKAO_PROGRAMME_REPORT_DAY = env_int("YANKAO_PROGRAMME_REPORT_DAY", 10)
YANKAO_PROGRAMME_WORKS_REPORT_DAY = env_int("YANKAO_PROGRAMME_WORKS_REPORT_DAY", 6)
# The traffic light (control/lights.py, where the rule is written out). Yellow: behind
# plan by at least GAP_YELLOW percentage points, budget execution below
# EXECUTION_YELLOW %, or a milestone past its deadline. Red: behind by GAP_RED points,
# execution below EXECUTION_RED %, or a milestone MILESTONE_RED_DAYS working days late.
# A month that is not green needs a reason for the lag and a remedy in its report.
YANKAO_PROGRAMME_GAP_YELLOW = env_int("YANKAO_PROGRAMME_GAP_YELLOW", 5)
YANKAO_PROGRAMME_GAP_RED = env_int("YANKAO_PROGRAMME_GAP_RED", 10)
YANKAO_PROGRAMME_EXECUTION_YELLOW = env_int("YANKAO_PROGRAMME_EXECUTION_YELLOW", 80)
YANKAO_PROGRAMME_EXECUTION_RED = env_int("YANKAO_PROGRAMME_EXECUTION_RED", 60)
YANKAO_PROGRAMME_MILESTONE_RED_DAYS = env_int("YANKAO_PROGRAMME_MILESTONE_RED_DAYS", 20)
# Agencies are reminded of a missing report this many working days before it is due.
YANKAO_PROGRAMME_REMINDER_DAYS = env_int("YANKAO_PROGRAMME_REMINDER_DAYS", 3)


def _check_programme_settings() -> None:
    day_range = range(1, 29)
    for name in ("YANKAO_PROGRAMME_REPORT_DAY", "YANKAO_PROGRAMME_WORKS_REPORT_DAY"):
        if globals()[name] not in day_range:
            raise ImproperlyConfigured(f"{name} must be a day of the month from 1 to 28.")
    if not 0 < YANKAO_PROGRAMME_GAP_YELLOW < YANKAO_PROGRAMME_GAP_RED <= 100:
        raise ImproperlyConfigured(
            "YANKAO_PROGRAMME_GAP_YELLOW and _GAP_RED must satisfy 0 < yellow < red <= 100."
        )
    if not 0 <= YANKAO_PROGRAMME_EXECUTION_RED < YANKAO_PROGRAMME_EXECUTION_YELLOW <= 100:
        raise ImproperlyConfigured(
            "YANKAO_PROGRAMME_EXECUTION_RED and _EXECUTION_YELLOW must satisfy "
            "0 <= red < yellow <= 100."
        )
    if YANKAO_PROGRAMME_MILESTONE_RED_DAYS < 1 or YANKAO_PROGRAMME_REMINDER_DAYS < 0:
        raise ImproperlyConfigured(
            "YANKAO_PROGRAMME_MILESTONE_RED_DAYS must be at least 1 and "
            "YANKAO_PROGRAMME_REMINDER_DAYS at least 0."
        )


_check_programme_settings()
