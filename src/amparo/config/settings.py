"""Amparo settings, driven by environment variables (healthchecks style).

Every secret can also be given as a file with the ``*_FILE`` variant (Docker/Kubernetes secrets).
SQLite under ./var is the default; set DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/amparo
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.getenv("AMPARO_VAR_DIR", PROJECT_DIR / "var"))


def envget(name: str, default: str = "") -> str:
    """Read NAME, or the content of the file named by NAME_FILE."""
    file_name = os.getenv(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.getenv(name, default)


def envbool(name: str, default: str = "False") -> bool:
    return envget(name, default).lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(envget(name, str(default)))


DEBUG = envbool("DEBUG", "False")
TESTING = envbool("AMPARO_TESTING", "False")
SECRET_KEY = envget("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")

ALLOWED_HOSTS = [h for h in envget("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
SITE_URL = envget("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "amparo.core",
    "amparo.audit",
    "amparo.organizations",
    "amparo.accounts",
    "amparo.people",
    "amparo.linkage",
    "amparo.cases",
    "amparo.referrals",
    "amparo.justice",
    "amparo.repatriation",
    "amparo.notifications",
    "amparo.capacity",
    "amparo.stats",
    "amparo.law",
    "amparo.reintegration",  # issue 4: reintegration plans, follow-up visits, post-closure schedule
    "amparo.reminders",  # issue 4: scheduled reminders (overdue referrals, court orders, follow-ups)
    "amparo.hotline",
    "amparo.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "amparo.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "amparo.accounts.middleware.IdleTimeoutMiddleware",
    "amparo.accounts.middleware.ActiveMembershipMiddleware",
    "amparo.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "amparo.config.urls"
WSGI_APPLICATION = "amparo.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

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
                "amparo.accounts.context_processors.membership",
                "amparo.notifications.context_processors.unread",
                "amparo.hotline.context_processors.hotline",
                "csp.context_processors.nonce",
            ],
        },
    }
]

DATABASE_URL = envget("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envget("SQLITE_PATH", str(VAR_DIR / "amparo.sqlite3")),
            # A file (not :memory:) so that tests can scan the raw bytes for plaintext.
            "TEST": {"NAME": envget("SQLITE_TEST_PATH", str(VAR_DIR / "test-amparo.sqlite3"))},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: 5 failures for the same username from the same address lock it for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "amparo.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ACCESS_ATTEMPT_EXPIRATION = 24

OTP_TOTP_ISSUER = "Amparo"

# Sessions: idle timeout (minutes), sessions end with the browser.
SESSION_IDLE_TIMEOUT_MINUTES = envint("SESSION_IDLE_TIMEOUT_MINUTES", 15)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default
REAUTH_MAX_AGE_SECONDS = envint("REAUTH_MAX_AGE_SECONDS", 300)

SECURE = envbool("SECURE_COOKIES", str(not DEBUG and not TESTING))
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(SECURE))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in envget("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "amparo_language"
TIME_ZONE = envget("TIME_ZONE", "America/Guatemala")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "amparo.accounts.api_auth.AmparoTokenAuthentication",
        "amparo.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "amparo.core.api.AutoSchema",  # drf-spectacular's, plus the error envelope
    "EXCEPTION_HANDLER": "amparo.core.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": envget("API_RATE", "600/min")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Amparo API",
    "DESCRIPTION": "JSON API of Amparo. Same services, permissions and audit as the HTML screens.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Encryption keys. See docs/security.md. AMPARO_KEYS="kid:base64key,kid2:base64key" plus
# AMPARO_ACTIVE_KEY_ID, or AMPARO_MASTER_KEY (one key, id "k1"), or AMPARO_KEY_PROVIDER (dotted path).
AMPARO_KEYS = envget("AMPARO_KEYS", "")
AMPARO_MASTER_KEY = envget("AMPARO_MASTER_KEY", "")
AMPARO_ACTIVE_KEY_ID = envget("AMPARO_ACTIVE_KEY_ID", "")
AMPARO_KEY_PROVIDER = envget("AMPARO_KEY_PROVIDER", "amparo.core.keys.EnvironmentKeyProvider")
# Development only: create var/master.keys on first use so `make run` works with no set-up.
AMPARO_DEV_KEY_FILE = envget("AMPARO_DEV_KEY_FILE", str(VAR_DIR / "master.keys") if DEBUG else "")
AMPARO_DEMO = envbool("AMPARO_DEMO", "False")
# Attachments: encrypted files outside the database; size limit per file.
AMPARO_ATTACHMENTS_DIR = Path(envget("AMPARO_ATTACHMENTS_DIR", str(VAR_DIR / "attachments")))
AMPARO_ATTACHMENT_MAX_BYTES = envint("AMPARO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Statistics (issue 6): cells below this count are suppressed in every disclosure-controlled output
# (11, as CTDC's k); the k of record-level releases; the annual reporting period's first month and day.
STATS_SUPPRESSION_THRESHOLD = envint("STATS_SUPPRESSION_THRESHOLD", 11)
STATS_RELEASE_K = envint("STATS_RELEASE_K", 11)
STATS_PERIOD_START = envget("STATS_PERIOD_START", "04-01")

# Background tasks (e-mail of notifications...) on the database queue; `amparo db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": envget("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- reintegration and reminders (issue 4) ---
# Follow-ups scheduled when a case is closed: months after the closure ("1,3,6,12").
AMPARO_FOLLOW_UP_MONTHS = [int(m) for m in envget("AMPARO_FOLLOW_UP_MONTHS", "1,3,6,12").split(",") if m.strip()]
# A due follow-up not recorded this many days after its date is overdue.
AMPARO_FOLLOW_UP_GRACE_DAYS = envint("AMPARO_FOLLOW_UP_GRACE_DAYS", 7)
# Remind the shelter this many days before a court order (placement) ends.
AMPARO_ORDER_EXPIRY_DAYS = envint("AMPARO_ORDER_EXPIRY_DAYS", 15)
# An accepted referral (other than a current shelter stay) is overdue for its outcome after this many days.
AMPARO_REFERRAL_COMPLETION_DAYS = envint("AMPARO_REFERRAL_COMPLETION_DAYS", 60)
# `amparo send-reminders --every` (started by `make run`): seconds between two runs.
AMPARO_REMINDERS_EVERY_SECONDS = envint("AMPARO_REMINDERS_EVERY_SECONDS", 3600)

EMAIL_BACKEND = envget("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envget("DEFAULT_FROM_EMAIL", "amparo@localhost")

# Request paths are logged without their query strings (they can carry names: /persons/?name=...): the
# filter sits on the loggers that log requests and on the handler every other logger reaches.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "amparo.audit.middleware.RequestIdLogFilter"},
        "no_query_strings": {"()": "amparo.core.logfilters.StripQueryStrings"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_strings", "request_id"],
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": envget("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's request lines (Django's own set-up, plus the filter).
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["no_query_strings"],
            "level": "INFO",
            "propagate": False,
        },
        "django.request": {"filters": ["no_query_strings"]},
    },
}
# Error reports never carry POST data or local variables (they could hold identities).
DEFAULT_EXCEPTION_REPORTER_FILTER = "amparo.core.reporting.NoSensitiveDataReporterFilter"
