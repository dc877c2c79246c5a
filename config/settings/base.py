"""Settings for gongkai. Everything lives here; environment variables change it.

Environment:
  DATABASE_URL   default sqlite:///var/gongkai.sqlite3 (relative to GONGKAI_VAR_DIR)
  REDIS_URL      when set, huey uses Redis and the cache uses Redis
  SECRET_KEY     when unset, a key is generated once into var/secret_key
  DEBUG          "1"/"true" to enable; off by default
  ALLOWED_HOSTS  comma separated; default localhost,127.0.0.1
  GONGKAI_VAR_DIR  where SQLite, the huey queue, uploads and the key live (default ./var)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # Create with 0600 so other local users cannot read it.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "simple_history",
    "huey.contrib.djhuey",
    "captcha",
]
LOCAL_APPS = [
    "gongkai.core",
    "gongkai.orgs",
    "gongkai.plans",
    "gongkai.catalog",
    "gongkai.foi",
    "gongkai.search",
    "gongkai.interaction",
    "gongkai.reports",
    "gongkai.datasets",
    "gongkai.workbench",
    "gongkai.portal",
    "gongkai.demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongkai.core.middleware.RequestContextMiddleware",
    "gongkai.core.calendar_banner.CalendarBannerMiddleware",
    "gongkai.orgs.middleware.StaffSecurityMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongkai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csrf",
                "gongkai.core.context_processors.site",
                "gongkai.workbench.context_processors.workbench",
                "gongkai.workbench.context_processors.admin_notices",
                "gongkai.core.notifications.context.unread_notifications",
                "gongkai.core.context_processors.public_footer",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # page_size applies when the file is created (a no-op afterwards): 8 KB pages wrote
        # the search index 8 % faster than 4 KB ones (docs/benchmarks.md, "Search").
        "init_command": (
            "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;"
        ),
    }

# SQLite search: the FTS5 tables (shards) each scope is split into; 0 = one per core, up to 4.
# A full rebuild writes the shards in parallel, one process each. Takes effect when the tables
# are created again (`gongkai search reindex --clear`).
GONGKAI_SEARCH_SHARDS = int(os.environ.get("GONGKAI_SEARCH_SHARDS", "0"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login lockout (django-axes): 5 failures per username+IP lock for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]

OTP_TOTP_ISSUER = "gongkai 政务公开工作平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "gongkai" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gongkai" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "gongkai",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gongkai",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind nginx that sets X-Real-IP (docs/operations.md): record that address in the audit log.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP")
# Seconds between the password step and the TOTP step of a login.
ACCOUNTS_OTP_PENDING_SECONDS = int(os.environ.get("ACCOUNTS_OTP_PENDING_SECONDS", "300"))
if env_bool("HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Work plans and the ledger (台账)
PLANS_MAX_UPLOAD_BYTES = int(os.environ.get("PLANS_MAX_UPLOAD_MB", "10")) * 1024 * 1024
PLANS_DUE_SOON_WORKDAYS = int(os.environ.get("PLANS_DUE_SOON_WORKDAYS", "3"))
PLANS_REMIND_BEFORE_WORKDAYS = int(os.environ.get("PLANS_REMIND_BEFORE_WORKDAYS", "3"))
PLANS_ESCALATE_AFTER_WORKDAYS = int(os.environ.get("PLANS_ESCALATE_AFTER_WORKDAYS", "5"))
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_MB", "20")) * 1024 * 1024

# The catalog (主动公开): the 索引号 pattern (fields: unit_code, year, seq) and the largest
# attachment accepted.
CATALOG_INDEX_PATTERN = os.environ.get("CATALOG_INDEX_PATTERN", "{unit_code}/{year}-{seq:05d}")
CATALOG_MAX_UPLOAD_BYTES = int(os.environ.get("CATALOG_MAX_UPLOAD_MB", "50")) * 1024 * 1024

# Mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")
GONGKAI_BASE_URL = os.environ.get("GONGKAI_BASE_URL", "http://127.0.0.1:8000")
# The SMS channel of notifications: a dotted path to a `gongkai.core.notifications.sms.SmsBackend`
# subclass. The default logs a masked number and sends nothing (docs/operations.md, "SMS").
GONGKAI_SMS_BACKEND = os.environ.get(
    "GONGKAI_SMS_BACKEND", "gongkai.core.notifications.sms.ConsoleSmsBackend"
)

# Applications for disclosure (依申请公开)
FOI_ENCRYPTION_KEY = os.environ.get("FOI_ENCRYPTION_KEY", "")
FOI_HASH_KEY = os.environ.get("FOI_HASH_KEY", "")
FOI_REMIND_BEFORE_WORKDAYS = int(os.environ.get("FOI_REMIND_BEFORE_WORKDAYS", "5"))
# Annual reports: remind this many calendar days before 31 January / 31 March.
REPORTS_REMIND_BEFORE_DAYS = int(os.environ.get("REPORTS_REMIND_BEFORE_DAYS", "10"))
FOI_ESCALATE_AFTER_WORKDAYS = int(os.environ.get("FOI_ESCALATE_AFTER_WORKDAYS", "3"))
# Per-address limits of the public forms: {scope: [(count, seconds), ...]} over the defaults in
# gongkai/foi/ratelimits.py; counted in this cache.
FOI_RATE_LIMITS: dict[str, list[tuple[int, int]]] = {}
FOI_RATE_LIMIT_CACHE = os.environ.get("FOI_RATE_LIMIT_CACHE", "default")
# Citizen interaction (互动交流, gongkai/interaction): reply deadlines in working days per message
# kind (local practice, not national law), the error-report deadline, when the coordinator's home
# page warns about an unanswered message (calendar days; the State Council's veto is 3 months),
# reminder timing, the shortest consultation in days, and the public forms' rate limits
# ({scope: [(count, seconds), ...]} over the defaults in gongkai/interaction/ratelimits.py).
INTERACTION_DEADLINE_WORKDAYS: dict[str, int] = {
    "consult": int(os.environ.get("INTERACTION_CONSULT_WORKDAYS", "5")),
    "suggest": int(os.environ.get("INTERACTION_OTHER_WORKDAYS", "10")),
    "complain": int(os.environ.get("INTERACTION_OTHER_WORKDAYS", "10")),
    "help": int(os.environ.get("INTERACTION_OTHER_WORKDAYS", "10")),
}
INTERACTION_ERROR_DEADLINE_WORKDAYS = int(
    os.environ.get("INTERACTION_ERROR_DEADLINE_WORKDAYS", "3")
)
INTERACTION_WARN_UNANSWERED_DAYS = int(os.environ.get("INTERACTION_WARN_UNANSWERED_DAYS", "30"))
INTERACTION_REMIND_BEFORE_WORKDAYS = int(os.environ.get("INTERACTION_REMIND_BEFORE_WORKDAYS", "2"))
INTERACTION_ESCALATE_AFTER_WORKDAYS = int(
    os.environ.get("INTERACTION_ESCALATE_AFTER_WORKDAYS", "3")
)
INTERACTION_CONSULTATION_MIN_DAYS = int(os.environ.get("INTERACTION_CONSULTATION_MIN_DAYS", "30"))
INTERACTION_RATE_LIMITS: dict[str, list[tuple[int, int]]] = {}
INTERACTION_RATE_LIMIT_CACHE = os.environ.get("INTERACTION_RATE_LIMIT_CACHE", "default")

# Named in reply letters: where reconsideration is applied for (empty: the handling unit's parent
# or the people's government at the same level) and the court for litigation (empty: the default
# wording in gongkai/foi/letters.py).
FOI_RECONSIDERATION_BODY = os.environ.get("FOI_RECONSIDERATION_BODY", "")
FOI_LITIGATION_COURT = os.environ.get("FOI_LITIGATION_COURT", "")
# jieba user dictionaries (a path, or paths separated by commas); empty: the project's
# gongkai/search/data/userdict.txt when present.
JIEBA_USER_DICT = env_list("JIEBA_USER_DICT", "")
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LENGTH = 5

# The disclosure office as shown in the 公开指南 (portal and applications) — set per installation.
GONGKAI_GUIDE = {
    "office": os.environ.get("GONGKAI_GUIDE_OFFICE", ""),  # empty: SITE_OWNER
    "address": os.environ.get("GONGKAI_GUIDE_ADDRESS", ""),
    "postcode": os.environ.get("GONGKAI_GUIDE_POSTCODE", ""),
    "hours": os.environ.get(
        "GONGKAI_GUIDE_HOURS", "工作日上午9:00—12:00，下午14:30—17:30（法定节假日除外）"
    ),
    "phone": os.environ.get("GONGKAI_GUIDE_PHONE", ""),
    "fax": os.environ.get("GONGKAI_GUIDE_FAX", ""),
    "email": os.environ.get("GONGKAI_GUIDE_EMAIL", ""),
    "website": os.environ.get("GONGKAI_GUIDE_WEBSITE", ""),
}
GONGKAI_PORTAL_FOOTER = {
    "site_code": os.environ.get("GONGKAI_SITE_CODE", ""),  # 网站标识码
    "icp": os.environ.get("GONGKAI_ICP", ""),
    "police_record": os.environ.get("GONGKAI_POLICE_RECORD", ""),
}
# The portal's anonymous page cache: seconds a page is kept (0 switches it off) and which cache.
GONGKAI_PORTAL_CACHE_SECONDS = int(os.environ.get("GONGKAI_PORTAL_CACHE_SECONDS", "600"))
GONGKAI_PORTAL_CACHE_ALIAS = os.environ.get("GONGKAI_PORTAL_CACHE_ALIAS", "default")
# The code of the 政府信息公开制度 column the portal's /xxgk/ page links to.
GONGKAI_RULES_COLUMN = os.environ.get("GONGKAI_RULES_COLUMN", "xxgkzd")

SITE_NAME = os.environ.get("GONGKAI_SITE_NAME", "高新区政务公开")
# The government whose annual report is the whole district's (报告主体 when no unit is chosen).
GONGKAI_GOVERNMENT_NAME = os.environ.get("GONGKAI_GOVERNMENT_NAME", "珠海高新区管委会")
SITE_OWNER = os.environ.get("GONGKAI_SITE_OWNER", "高新区党政办公室")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
