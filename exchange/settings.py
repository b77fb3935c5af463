"""Settings for Exchange for Change, read from environment variables.

Every setting a deployment may change is listed in README.md's configuration table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EXCHANGE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Set the {name} environment variable: it is required when DEBUG is off "
        '(README.md, "Running in production").'
    )


def env_required(name: str) -> str:
    """A variable a deployment must set: refuse to start without it, naming it."""
    if value := os.environ.get(name, "").strip():
        return value
    raise missing(name)


def _debug_secret_key() -> str:
    """Debug mode only: one generated key kept in var/ so that sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
# With DEBUG off nothing is guessed: a key generated on one machine would differ on the next
# (signing people out whenever a request reaches another server), and a forgotten host list would
# only show as "Bad Request" for every visitor.
# make run, make dev, bin/serve and the benchmarks set both for the local demo; tests/settings.py
# sets its own.
if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or _debug_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
else:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
    if not ALLOWED_HOSTS:
        raise missing("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")


def site_url_from(environ: dict[str, str] | os._Environ[str]) -> str:
    """SITE_URL when set; otherwise the address `make run` / bin/serve serves on (HOST, PORT),
    so every link in an email leads to the port actually in use."""
    explicit = environ.get("SITE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    host = environ.get("HOST", "").strip() or "127.0.0.1"
    port = environ.get("PORT", "").strip() or "8000"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


SITE_URL = site_url_from(os.environ)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "govuk_frontend_django",
    "django_tasks",
    "django_tasks_db",
    # Serves the API docs' Swagger UI from our own static files (otherwise from a CDN, which the
    # Content-Security-Policy refuses).
    "ninja",
    "exchange.core",
    "exchange.accounts",
    "exchange.examples",
    "exchange.conversation",
    "exchange.events",
    "exchange.sustain",
    "exchange.workshops",
    "exchange.insights",
    "exchange.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files need no policy; every page gets one.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses an oversized upload before the CSRF check reads its body (shows a 413 page).
    "exchange.core.uploads.UploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "exchange.urls"
WSGI_APPLICATION = "exchange.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "exchange" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "exchange.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'exchange.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "exchange.accounts.backends.OneQueryPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
)

# django-allauth: email is the login; every address is verified before first sign-in.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "exchange.accounts.forms.SignupProfileForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Exchange for Change] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = (
    {} if env_bool("DISABLE_RATE_LIMITS", False) else {"login_failed": "10/m/ip,5/5m/key"}
)
# GOV.UK versions of allauth's forms: labels and hints instead of placeholders.
ACCOUNT_FORMS = {
    "login": "exchange.accounts.allauth_forms.LoginForm",
    "signup": "exchange.accounts.allauth_forms.SignupForm",
    "reset_password": "exchange.accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "exchange.accounts.allauth_forms.ResetPasswordKeyForm",
    "change_password": "exchange.accounts.allauth_forms.ChangePasswordForm",
    "set_password": "exchange.accounts.allauth_forms.SetPasswordForm",
    "add_email": "exchange.accounts.allauth_forms.AddEmailForm",
    "reauthenticate": "exchange.accounts.allauth_forms.ReauthenticateForm",
}
# allauth's default display name is the username, which here is the email address.
ACCOUNT_USER_DISPLAY = "exchange.accounts.adapters.user_display"
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

# django-axes: five failed logins lock the account and address for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# allauth authenticates with email=…: read the account from it so lock-out is per account
# and address, not per address alone (one person's typos must not lock out a whole office).
AXES_USERNAME_CALLABLE = "exchange.accounts.adapters.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# The console backend used by default prints each email between banners (exchange.core.mail).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "exchange.core.mail.ConsoleEmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Exchange for Change <noreply@exchange.invalid>"
)

# One cache shared by every process: a directory for the single-machine demo, Redis when
# CACHE_URL is set (several web servers). Page fragments and their generation numbers live here.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    # With Redis, cached public pages are shared by every web server too (exchange/core/caching.py).
    CACHES = {"default": redis_cache, "pages": {**redis_cache, "KEY_PREFIX": "pages"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "exchange" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "exchange" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads are private: nothing under MEDIA_ROOT has a public address (no MEDIA_URL route);
# views serve each file after checking the viewer (exchange.core.files).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields other than files (and any non-multipart body): Django's default, 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The first handler drops a file as soon as it is over its URL's limit (exchange.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "exchange.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "6.0.0"

# Sessions are kept in the database and read from the cache: a signed-in page then costs no
# session query (every signed-in request reads its session).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# HTTPS and what browsers are told (README.md, "Running in production"). Secure by default: a
# deployment is served over HTTPS. The local demo on http://127.0.0.1 (make run, bin/serve, the
# benchmarks) sets EXCHANGE_HTTPS=false; so does DEBUG for runserver.
EXCHANGE_HTTPS = env_bool("EXCHANGE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", EXCHANGE_HTTPS)
# Load balancers check health over plain http, straight to each web server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if EXCHANGE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to HTTPS in browsers for months and is slow to undo: the
# domain's owner opts in. Off, Django's reminder (security.W021) is silenced below.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Only when a reverse proxy terminates TLS and always sets this header (overwriting any value a
# client sent): otherwise anyone could claim a request was made over HTTPS.
if proxy_ssl_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = EXCHANGE_HTTPS
# No script reads these cookies (forms carry the CSRF token in a hidden field).
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
# Lax, not Strict: someone following a link from an email must arrive signed in.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Pages carry tokens in their addresses (check-in and unsubscribe links): never send them on.
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp): no inline script or style anywhere, so no
# 'unsafe-inline'. Scripts are static files; a page that ever needs an inline <script> gives it
# nonce="{{ request.csp_nonce }}" (such a page is never cached whole: exchange/core/caching.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": EXCHANGE_HTTPS,
        "report-uri": os.environ.get("CSP_REPORT_URI", "").strip() or None,
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Ordinary 4xx answers (403, 404, 405) are logged by django.request as one warning line, without
# the traceback of the PermissionDenied/Http404 that produced them; 5xx keep their traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_brief": {"()": "exchange.core.logging.ClientErrorsBrief"},
        "static_requests_quiet": {"()": "exchange.core.logging.StaticRequestsQuiet"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's own runserver handler, but without a line per static file.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["static_requests_quiet"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"filters": ["client_errors_brief"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Product settings.
EXAMPLE_MAX_ATTACHMENTS = 3
EXAMPLE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
GALLERY_PAGE_SIZE = 12
# How a checked download's bytes are delivered (exchange.core.files.private_file_response):
# "django" streams them from storage. A later X-Accel-Redirect or presigned-URL delivery is
# added there and chosen here.
PRIVATE_FILE_DELIVERY = os.environ.get("PRIVATE_FILE_DELIVERY", "django")
# Hours a raw survey file is kept when its import has not finished (then it is deleted).
WORKSHOPS_IMPORT_FILE_HOURS = int(os.environ.get("WORKSHOPS_IMPORT_FILE_HOURS", "24"))

# Conversation
# Distinct reports that hide a comment until a moderator looks at it.
CONVERSATION_FLAG_THRESHOLD = int(os.environ.get("CONVERSATION_FLAG_THRESHOLD", "3"))
# Comments one person may post a minute.
CONVERSATION_COMMENTS_PER_MINUTE = int(os.environ.get("CONVERSATION_COMMENTS_PER_MINUTE", "5"))
CONVERSATION_PAGE_SIZE = 20

# Events
# Hours an offered place is held when an event passes freed places on as offers (the default
# for new events; each event can change it).
EVENTS_OFFER_HOURS_DEFAULT = int(os.environ.get("EVENTS_OFFER_HOURS_DEFAULT", "24"))
EVENTS_PAGE_SIZE = 20

# Sustain: check-ins
# Months after publication (or adoption) when people are asked whether a change is still in
# place, for campaigns without their own check-in settings.
SUSTAIN_CHECKIN_MONTHS = [
    int(months)
    for months in os.environ.get("SUSTAIN_CHECKIN_MONTHS", "3,6,12").split(",")
    if months
]
# Days after a check-in email before one reminder, and before "no answer" is recorded (the
# emailed links stop working then).
SUSTAIN_REMINDER_DAYS = int(os.environ.get("SUSTAIN_REMINDER_DAYS", "7"))
SUSTAIN_ANSWER_DAYS = int(os.environ.get("SUSTAIN_ANSWER_DAYS", "30"))
SUSTAIN_PAGE_SIZE = 20
# Sustain: measures
# Values one measure may hold, and the largest CSV file of values people may upload.
MEASURE_MAX_VALUES = int(os.environ.get("MEASURE_MAX_VALUES", "1000"))
MEASURE_CSV_MAX_BYTES = int(os.environ.get("MEASURE_CSV_MAX_BYTES", str(512 * 1024)))
# Workshops
# Reflections one device (a signed cookie) may post a minute in live capture.
WORKSHOPS_REFLECTIONS_PER_MINUTE = int(os.environ.get("WORKSHOPS_REFLECTIONS_PER_MINUTE", "5"))
# Largest survey file (CSV or XLSX) a facilitator may import, and most rows in one.
WORKSHOPS_IMPORT_MAX_BYTES = int(
    os.environ.get("WORKSHOPS_IMPORT_MAX_BYTES", str(25 * 1024 * 1024))
)
WORKSHOPS_IMPORT_MAX_ROWS = int(os.environ.get("WORKSHOPS_IMPORT_MAX_ROWS", "100000"))
# Longest imported answer, in characters (live reflections are limited to 1,000).
WORKSHOPS_IMPORT_TEXT_MAX_LENGTH = int(os.environ.get("WORKSHOPS_IMPORT_TEXT_MAX_LENGTH", "5000"))
# Reflections the live wall shows.
WORKSHOPS_WALL_SIZE = 50
WORKSHOPS_PAGE_SIZE = 20
# Uploads (exchange.core.uploads): files at URLs that declare no limit of their own, and the
# room a multipart body may take beyond its files (the form's other fields).
UPLOAD_DEFAULT_MAX_BYTES = int(os.environ.get("UPLOAD_DEFAULT_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_FORM_FIELDS_MAX_BYTES = 1024 * 1024
# ZIP containers (XLSX, DOCX) are checked before anything is decompressed: parts, each part's
# and all parts' unpacked size, and the compression ratio of parts over UPLOAD_ZIP_RATIO_FROM_BYTES.
UPLOAD_ZIP_MAX_MEMBERS = int(os.environ.get("UPLOAD_ZIP_MAX_MEMBERS", "1000"))
UPLOAD_ZIP_MAX_MEMBER_BYTES = int(
    os.environ.get("UPLOAD_ZIP_MAX_MEMBER_BYTES", str(100 * 1024 * 1024))
)
UPLOAD_ZIP_MAX_TOTAL_BYTES = int(
    os.environ.get("UPLOAD_ZIP_MAX_TOTAL_BYTES", str(200 * 1024 * 1024))
)
UPLOAD_ZIP_MAX_RATIO = int(os.environ.get("UPLOAD_ZIP_MAX_RATIO", "100"))
UPLOAD_ZIP_RATIO_FROM_BYTES = 1024 * 1024
# Survey imports: most columns, and the longest cell (Excel's own limit is 32,767 characters).
WORKSHOPS_IMPORT_MAX_COLUMNS = int(os.environ.get("WORKSHOPS_IMPORT_MAX_COLUMNS", "200"))
WORKSHOPS_IMPORT_CELL_MAX_LENGTH = 32_767
