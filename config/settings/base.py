"""Settings shared by every environment. Each knob comes from the environment, with a dev default."""

from __future__ import annotations

import datetime
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF

# Classes that django-stubs makes generic (`admin.ModelAdmin[Pod]`) accept the subscript at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For and X-Request-ID are believed.
# None by default: without a proxy in front, those headers are whatever the client typed.
PODIUM_TRUSTED_PROXIES = env.list("PODIUM_TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "rules",
    "pgtrigger",
    "axes",
    "tenancy",
    "integrations",
    "pods",
    "governance",
    "knowledge",
    "strategy",
    "resources",
    "platform_catalog",
    "bench",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # PostgreSQL refuses NUL in text: a 400 naming the field, for every form, query and API body.
    "tenancy.nul.RejectNulMiddleware",
    # A unique/exclusion violation or a deadlock that a race let through becomes a 409, not a 500.
    "tenancy.db_errors.ConflictMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenancy.middleware.RequestContextMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "tenancy.context_processors.organization",
            ],
        },
    }
]

# --- Database: PostgreSQL only. DATABASE_URL when set, else the embedded server. -------------
# Importing settings never starts a server: the embedded backend starts it on first connection.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
else:
    from config.embedded_db import DATABASE_NAME

    DATABASES = {"default": {"ENGINE": "config.db.embedded", "NAME": DATABASE_NAME}}
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# After a PostgreSQL restart: a persistent connection is checked before each request, a pooled one
# when it is handed out, and a dead one is replaced, so the app is back as soon as the server is.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
if env.bool("DATABASE_POOL", default=False):
    # psycopg 3's pool: one per process; sized by the number of threads a process serves.
    # CONN_HEALTH_CHECKS makes Django pass the pool its connection check.
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_MAX", default=4),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
        "reconnect_timeout": 24 * 3600.0,  # keep trying through an outage, never give up
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery: Redis when REDIS_URL is set, else in-process. -------------------------
REDIS_URL = env.str("REDIS_URL", default="")
FRAGMENT_CACHE_MAX_ENTRIES = env.int("PODIUM_CACHE_MAX_ENTRIES", default=200_000)
if REDIS_URL:
    # An accelerator, not a dependency (config/cache.py): a Redis error is a miss, and short
    # timeouts plus a circuit breaker keep an outage down to milliseconds per request.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="podium"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("PODIUM_CACHE_TIMEOUT", default=0.25),
                "socket_timeout": env.float("PODIUM_CACHE_TIMEOUT", default=0.25),
                "RETRY_SECONDS": env.float("PODIUM_CACHE_RETRY_SECONDS", default=2.0),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # One process's memory. Sized for fragments, not Django's default of 300 entries: the
    # Russian-doll rows (`tenancy.cache.cached_rows`) keep one entry per list row, so an
    # enterprise organization's people directory alone is thousands (Redis, above, holds them
    # all until their TTL).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": FRAGMENT_CACHE_MAX_ENTRIES}}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A worker killed mid-task must not lose the task: acknowledge only once it has run, and put it
# back on the queue when the process running it dies (tasks are idempotent, so a rerun is safe).
# A message whose whole worker vanished is redelivered after the visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("PODIUM_TASK_VISIBILITY_TIMEOUT", default=900),
    "socket_connect_timeout": 1,
}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = [
    "tenancy.auth_backends.SignInThrottleBackend",  # django-axes, first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection (django-axes, failures stored in PostgreSQL so a Redis outage cannot
# lift it): after AXES_FAILURE_LIMIT wrong passwords for one email from one address, that pair
# is refused until the cool-off has passed. The same email from elsewhere still signs in, and a
# lockout always ends (more attempts during it do not extend it). Password-reset requests are
# throttled the same way (tenancy/views/accounts.py).
AXES_FAILURE_LIMIT = env.int("PODIUM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("PODIUM_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Behind a reverse proxy, name the header it sets with the client's address (e.g.
# HTTP_X_FORWARDED_FOR), or every client looks like the proxy.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("PODIUM_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Podium <podium@localhost>")
# Where people reach this Podium: links in emails are built from it (no trailing slash).
PODIUM_SITE_URL = env.str("PODIUM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".podium" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, serve static files straight from the apps (no collectstatic step needed).
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Headers ----------------------------------------------------------------------------------
# Every page: scripts and styles only from our own static files (htmx included): no inline
# script, no eval, no inline style. config/middleware.py adds the Permissions-Policy and keeps
# signed-in pages out of every cache (Cache-Control: no-store).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenancy.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tenancy.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON only: form and multipart bodies blur types (every value a string, "" for absent)
    # that the schema spells out; they answer 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": "tenancy.api.metadata.EndpointMetadata",  # OPTIONS: no object loading
    "EXCEPTION_HANDLER": "tenancy.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Podium API",
    "DESCRIPTION": "Pods, people, charters and the coordination layer around them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its JSON error answers (tenancy/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tenancy.api.schema.document_errors",
    ],
    # Choice sets that share a field name get their own enum names, not a hashed one.
    "ENUM_NAME_OVERRIDES": {
        "HealthLevelEnum": "pods.selectors.HEALTH_REASON_CHOICES",
        "EscalationStatusEnum": "governance.models.EscalationStatus",
        "LessonKindEnum": "knowledge.models.LessonKind",
        "LessonStatusEnum": "knowledge.models.LessonStatus",
        "PersonKindEnum": "tenancy.models.PersonKind",
        "StatusEnum": "pods.models.PodStatus",  # named so before webhooks came
        "ThemeStatusEnum": "strategy.models.ThemeStatus",
        "OutcomeStatusEnum": "strategy.progress.STATUS_CHOICES",
        "OutcomeDirectionEnum": "strategy.models.Direction",
        "SignalKindEnum": "strategy.models.SignalKind",
        "SignalStatusEnum": "strategy.models.SignalStatus",
        "SignalDecisionEnum": "strategy.models.SIGNAL_DECISIONS",
        "IntakeKindEnum": "strategy.models.IntakeKind",
        "IntakeStatusEnum": "strategy.models.IntakeStatus",
        "WebhookDeliveryStatusEnum": "integrations.models.DeliveryStatus",
        "IncidentStatusEnum": "knowledge.models.IncidentStatus",
        "ActionItemStatusEnum": "knowledge.models.ActionStatus",
        "CatalogEntityKindEnum": "platform_catalog.models.EntityKind",
        "AdoptableKindEnum": "platform_catalog.models.ADOPTABLE_KINDS",
        "RelationKindEnum": "platform_catalog.models.RelationKind",
        "BenchStatusEnum": "bench.models.BenchStatus",
        "StaffingRequestStatusEnum": "bench.models.RequestStatus",
        "SuggestionStatusEnum": "bench.models.SuggestionStatus",
        "PoolStatusEnum": "resources.models.PoolStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Podium: how long an invitation stays valid.
INVITATION_TTL_DAYS = env.int("PODIUM_INVITATION_TTL_DAYS", default=14)

# Outgoing webhooks (integrations/). Private, loopback and link-local destinations are refused
# unless this is on (the dev settings turn it on so `make demo` can deliver to localhost).
PODIUM_WEBHOOKS_ALLOW_PRIVATE = env.bool("PODIUM_WEBHOOKS_ALLOW_PRIVATE", default=False)
# An endpoint whose deliveries all fail for this long is disabled and its admins notified.
PODIUM_WEBHOOKS_DISABLE_AFTER_DAYS = env.int("PODIUM_WEBHOOKS_DISABLE_AFTER_DAYS", default=5)
# After a secret rotation, deliveries carry the old signature beside the new one this long.
PODIUM_WEBHOOKS_ROTATION_OVERLAP_HOURS = env.int("PODIUM_WEBHOOKS_ROTATION_OVERLAP_HOURS", default=24)
