"""Settings shared by every environment. Everything that differs comes from `env.py`."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tandem.settings.env import BASE_DIR, VAR_DIR, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY", "django-insecure-embedded-default-only-for-laptops")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.tandems",
    "apps.notifications",
    "apps.webhooks",
    "apps.delegation",
    "apps.checkins",
    "apps.feedback",
    "apps.contacts",
    "apps.insights",
    "apps.search",
    "apps.goals",
    "apps.home",
    "apps.audit",
]

MIDDLEWARE = [
    # Frees each API request's view, rows and answer when the response is done, not at the
    # next garbage collection (apps/core/api/middleware.py).
    "apps.core.api.middleware.ReleaseApiObjectsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the signed-in viewer for the service worker's page cache (apps.core.offline).
    "apps.core.offline.ViewerHeaderMiddleware",
    "apps.accounts.middleware.UserLanguageMiddleware",
    "apps.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.audit.middleware.AuditRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"
ASGI_APPLICATION = "tandem.asgi.application"

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
                "apps.tandems.web.tandem_context",
                "apps.notifications.context.unread_notices",
            ],
        },
    },
]

# Django's form renderer, with the plain <input> widgets written without their three templates
# each (byte for byte the same; apps/core/form_renderer.py).
FORM_RENDERER = "apps.core.form_renderer.FormRenderer"

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://… selects PostgreSQL.
# Connections persist (checked before reuse): a new PostgreSQL connection per request or per
# Celery task costs more than most of them do (see docs/performance.md). Behind PgBouncer in
# transaction pooling, set DATABASE_DISABLE_SERVER_SIDE_CURSORS=true: a server-side cursor
# (`QuerySet.iterator()`) would outlive its transaction's server connection (docs/deploy.md).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tandem.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        disable_server_side_cursors=env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers (web + worker) wait for the lock instead of
    # failing with "database is locked" when a read transaction upgrades to a write.
    # Write-ahead logging: readers (the pages, the API) go on while the worker writes, and a
    # commit appends to the log with one sync instead of writing, syncing and deleting a
    # rollback journal (less CPU per write: bench/write.py). It is as durable (synchronous
    # stays FULL); the log and its index are the `-wal` and `-shm` files beside the
    # database, part of it while a process has it open.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.VerifiedEmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (apps/accounts/oidc.py, docs/integrations.md): on when
# an issuer and a client id are set. The provider's endpoints come from its discovery document
# (<issuer>/.well-known/openid-configuration). The sign-in page then shows "Sign in with
# <label>". Addresses at TANDEM_OIDC_SSO_ONLY_DOMAINS may sign in (and reset a password, and
# sign up) only that way. TANDEM_OIDC_TRUST_EMAIL accepts an address the provider sends
# without `email_verified` (Entra ID does not send it); an explicit `false` is always refused.
# TANDEM_OIDC_PROVIDER_LOGOUT: signing out of Tandem goes on to the provider's
# end_session_endpoint, when it has one.
TANDEM_OIDC_ISSUER = (
    env_str("TANDEM_OIDC_ISSUER", "").strip().removesuffix("/.well-known/openid-configuration")
)
TANDEM_OIDC_LABEL = env_str("TANDEM_OIDC_LABEL", "") or _("single sign-on")
TANDEM_OIDC_SSO_ONLY_DOMAINS = env_list("TANDEM_OIDC_SSO_ONLY_DOMAINS", [])
TANDEM_OIDC_TRUST_EMAIL = env_bool("TANDEM_OIDC_TRUST_EMAIL", False)
TANDEM_OIDC_PROVIDER_LOGOUT = env_bool("TANDEM_OIDC_PROVIDER_LOGOUT", False)
# How long the discovery document is kept (seconds) before it is fetched again.
TANDEM_OIDC_DISCOVERY_TTL = env_int("TANDEM_OIDC_DISCOVERY_TTL", 3600)
# mozilla-django-oidc's own settings, from ours.
OIDC_RP_CLIENT_ID = env_str("TANDEM_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("TANDEM_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("TANDEM_OIDC_SIGN_ALGO", "") or "RS256"
OIDC_RP_SCOPES = env_str("TANDEM_OIDC_SCOPES", "") or "openid email profile"
# How the client authenticates at the token endpoint: client_secret_post (the secret in the
# request's body) or client_secret_basic (HTTP Basic; Okta registers web applications so).
TANDEM_OIDC_CLIENT_AUTH = env_str("TANDEM_OIDC_CLIENT_AUTH", "") or "client_secret_post"
if TANDEM_OIDC_CLIENT_AUTH not in {"client_secret_post", "client_secret_basic"}:
    raise ImproperlyConfigured(
        "TANDEM_OIDC_CLIENT_AUTH is client_secret_post or client_secret_basic, not "
        f"{TANDEM_OIDC_CLIENT_AUTH!r}."
    )
OIDC_TOKEN_USE_BASIC_AUTH = TANDEM_OIDC_CLIENT_AUTH == "client_secret_basic"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("TANDEM_OIDC_TIMEOUT", 10)
# The ID token stays in the session for the provider's sign-out (its id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
TANDEM_OIDC_ENABLED = bool(TANDEM_OIDC_ISSUER and OIDC_RP_CLIENT_ID)
if TANDEM_OIDC_SSO_ONLY_DOMAINS and not TANDEM_OIDC_ENABLED:
    raise ImproperlyConfigured(
        "TANDEM_OIDC_SSO_ONLY_DOMAINS needs TANDEM_OIDC_ISSUER and TANDEM_OIDC_CLIENT_ID: "
        "nobody at those domains could sign in."
    )
if TANDEM_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("apps.accounts.oidc.OidcBackend")

# How long an invitation link stays valid.
TANDEM_INVITATION_TTL = timedelta(days=env_int("TANDEM_INVITATION_TTL_DAYS", 7))
# How long the one-click links of a notice's e-mail (Approve, Acknowledge, Done, …) work.
TANDEM_EMAIL_ACTION_TTL = timedelta(days=env_int("TANDEM_EMAIL_ACTION_DAYS", 3))
# Invitations are e-mails to any address: one person may send this many per hour, and one
# address receives this many per day (from anyone), so nobody uses Tandem to spam.
TANDEM_INVITATIONS_PER_HOUR = env_int("TANDEM_INVITATIONS_PER_HOUR", 10)
TANDEM_INVITATIONS_PER_ADDRESS_PER_DAY = env_int("TANDEM_INVITATIONS_PER_ADDRESS_PER_DAY", 5)
# Delegation: how many approved requests in a row suggest raising an area's level, and
# how long the leader has to answer a request by default.
TANDEM_DELEGATION_GROWTH_WINDOW = env_int("TANDEM_DELEGATION_GROWTH_WINDOW", 5)
TANDEM_DELEGATION_REQUEST_DUE_HOURS = env_int("TANDEM_DELEGATION_REQUEST_DUE_HOURS", 48)
# A decision logged more than this many days after it was taken shows as "logged late".
TANDEM_DELEGATION_LOGGED_LATE_DAYS = env_int("TANDEM_DELEGATION_LOGGED_LATE_DAYS", 7)
# Contact care: how many people one pass of the window scan handles (the rest wait a tick),
# and the limits of an import (file size in bytes, cards or rows).
TANDEM_CONTACTS_WINDOW_BATCH = env_int("TANDEM_CONTACTS_WINDOW_BATCH", 500)
TANDEM_CONTACTS_IMPORT_MAX_BYTES = env_int("TANDEM_CONTACTS_IMPORT_MAX_BYTES", 2_000_000)
TANDEM_CONTACTS_IMPORT_MAX_ROWS = env_int("TANDEM_CONTACTS_IMPORT_MAX_ROWS", 2_000)
# Notifications: a claimed delivery's lease (must exceed CELERY_TASK_TIME_LIMIT), how many
# rows one dispatch pass claims, retries, and how many due e-mails become one digest.
NOTIFICATIONS_LEASE_SECONDS = env_int("NOTIFICATIONS_LEASE_SECONDS", 600)
NOTIFICATIONS_DISPATCH_BATCH = env_int("NOTIFICATIONS_DISPATCH_BATCH", 500)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
NOTIFICATIONS_DIGEST_THRESHOLD = env_int("NOTIFICATIONS_DIGEST_THRESHOLD", 3)
# E-mails one delivery task sends over one connection (see docs/notifications.md: a worker
# killed inside a chunk can repeat up to this many, each counted as a suspected duplicate).
NOTIFICATIONS_DELIVERY_CHUNK = env_int("NOTIFICATIONS_DELIVERY_CHUNK", 50)
# Outgoing webhooks (docs/integrations.md): https only unless switched off (local.py does in
# DEBUG); private, loopback and link-local addresses only where these allow them (networks in
# CIDR notation, host names); timeouts in seconds and the most of an answer that is read; the
# lease (beyond CELERY_TASK_TIME_LIMIT), tries, backoff, and failures in a row that switch an
# endpoint off.
TANDEM_WEBHOOK_REQUIRE_HTTPS = env_bool("TANDEM_WEBHOOK_REQUIRE_HTTPS", True)
TANDEM_WEBHOOK_ALLOW_NETWORKS = env_list("TANDEM_WEBHOOK_ALLOW_NETWORKS", [])
TANDEM_WEBHOOK_ALLOW_HOSTS = env_list("TANDEM_WEBHOOK_ALLOW_HOSTS", [])
TANDEM_WEBHOOK_CONNECT_TIMEOUT = env_int("TANDEM_WEBHOOK_CONNECT_TIMEOUT", 5)
TANDEM_WEBHOOK_READ_TIMEOUT = env_int("TANDEM_WEBHOOK_READ_TIMEOUT", 10)
# A PEM file of the CAs whose certificates webhook endpoints may show (a company's own CA, a
# test CA); empty: the system's store of trusted CAs.
TANDEM_WEBHOOK_CA_BUNDLE = env_str("TANDEM_WEBHOOK_CA_BUNDLE", "")
TANDEM_WEBHOOK_MAX_RESPONSE_BYTES = env_int("TANDEM_WEBHOOK_MAX_RESPONSE_BYTES", 65536)
TANDEM_WEBHOOK_LEASE_SECONDS = env_int("TANDEM_WEBHOOK_LEASE_SECONDS", 360)
TANDEM_WEBHOOK_DISPATCH_BATCH = env_int("TANDEM_WEBHOOK_DISPATCH_BATCH", 200)
TANDEM_WEBHOOK_MAX_ATTEMPTS = env_int("TANDEM_WEBHOOK_MAX_ATTEMPTS", 8)
TANDEM_WEBHOOK_RETRY_BASE_SECONDS = env_int("TANDEM_WEBHOOK_RETRY_BASE_SECONDS", 30)
TANDEM_WEBHOOK_DISABLE_AFTER = env_int("TANDEM_WEBHOOK_DISABLE_AFTER", 10)
# Where links in e-mails point to.
TANDEM_BASE_URL = env_str("TANDEM_BASE_URL", "http://127.0.0.1:8000")
# The domain part of a check-in series' iCalendar UID: calendars recognise an event by it,
# so changing it makes every subscribed calendar show each series anew.
TANDEM_CALENDAR_UID_DOMAIN = env_str("TANDEM_CALENDAR_UID_DOMAIN", "tandem.local")

# --- Security -------------------------------------------------------------------------------
# Behind this many reverse proxies the client address is taken from X-Forwarded-For (the
# audit log, the login lockout and the API throttles all use it); 0 ignores the header.
TANDEM_TRUSTED_PROXY_COUNT = env_int("TANDEM_TRUSTED_PROXY_COUNT", 0)
# Where the admin site is routed ("" routes it nowhere), and whether the OpenAPI schema and
# the API docs (/api/schema/, /api/docs/) are served: production may move or close them.
TANDEM_ADMIN_URL = env_str("TANDEM_ADMIN_URL", "admin/")
TANDEM_API_DOCS = env_bool("TANDEM_API_DOCS", True)
# Pages and the API load nothing from elsewhere and have no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the icons the API docs (Swagger UI) embed in their stylesheet.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if TANDEM_OIDC_ENABLED and TANDEM_OIDC_PROVIDER_LOGOUT:
    # The sign-out form's answer redirects to the provider's end_session_endpoint: browsers
    # hold that redirect to form-action too.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        SELF,
        "/".join(TANDEM_OIDC_ISSUER.split("/")[:3]),
    ]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Brute force: after AXES_FAILURE_LIMIT failed sign-ins for one address from one client
# address, that pair is locked out for the cool-off (web login and API token alike).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "apps.audit.request_info.login_identifier"
AXES_CLIENT_IP_CALLABLE = "apps.audit.request_info.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The audit log records every sign-in; Axes keeps only the failure counters.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner in every management command's output.
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day-first on a 24-hour clock, like the German ones (tandem/formats/en).
FORMAT_MODULE_PATH = ["tandem.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # Degrades to "no cache" while Redis is down (apps/core/cache.py): no request fails on it.
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "tandem"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
# With no broker configured, the embedded default uses kombu's filesystem transport: a real
# broker (a real worker and beat consume from it) that needs no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
CELERY_FILESYSTEM_DIR = env_str("CELERY_FILESYSTEM_DIR", str(VAR_DIR / "broker"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = Path(CELERY_FILESYSTEM_DIR)
    # The filesystem transport has no broadcast: workers run without remote control.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # Only short tasks are queued (no ETA/countdown), so a redelivery after this timeout
    # means the worker really died.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"
# Celery's Django fix-up closes the database connection around every task unless this is set
# (then it reopens one every that many tasks); `close_old_connections` before each task
# (apps/notifications/tasks.py) applies DATABASE_CONN_MAX_AGE and the health check instead.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Publishing must not hang a web request when the broker is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0.1,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- REST API -------------------------------------------------------------------------------
# API tokens (django-rest-knox): one per device or client, stored only as a hash, each with a
# name, a last-used time and an expiry; a password change or reset revokes them all.
TANDEM_API_TOKEN_TTL_DAYS = env_int("TANDEM_API_TOKEN_TTL_DAYS", 90)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own token table is swapped out for ours, but its migrations (which do not mark it
# swappable) would still create `knox_authtoken` with a key to the user table, which then
# blocks emptying that table (PostgreSQL refuses to TRUNCATE a referenced table).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=TANDEM_API_TOKEN_TTL_DAYS),
    # The scheme clients have always sent: `Authorization: Token <key>`.
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API client gets 401 with a WWW-Authenticate header.
        # Ours also activates the person's language (a session has it from the middleware).
        "apps.accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Sign-up, token and account deletion: per client address and per person (or, before
    # sign-in, per e-mail address tried). See apps/accounts/api/throttles.py.
    "DEFAULT_THROTTLE_RATES": {
        "auth_ip": env_str("TANDEM_AUTH_THROTTLE", "30/minute"),
        "auth_user": env_str("TANDEM_AUTH_THROTTLE_PER_PERSON", "10/minute"),
        # Reset e-mails: per client address, and per e-mail address asked for.
        "password_reset_ip": env_str("TANDEM_PASSWORD_RESET_THROTTLE", "10/hour"),
        "password_reset_email": env_str("TANDEM_PASSWORD_RESET_THROTTLE_PER_ADDRESS", "3/hour"),
        # Sign-up e-mails to one address (a confirmation link, or a note to its owner).
        "sign_up_email": env_str("TANDEM_SIGN_UP_THROTTLE_PER_ADDRESS", "3/hour"),
    },
    "NUM_PROXIES": TANDEM_TRUSTED_PROXY_COUNT or None,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "apps.core.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    # DRF's negotiation, the usual Accept (none, */*, JSON) answered without parsing it.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.core.api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    # orjson: the same JSON as DRF's renderer, several times faster (apps/core/api/fast/render.py).
    "DEFAULT_RENDERER_CLASSES": [
        "apps.core.api.fast.render.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": "Decision rights, check-ins and feedback for leader-assistant tandems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Served from our own static files (drf-spectacular-sidecar), not a CDN: the CSP allows
    # nothing else.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # OpenAPI 3.1: its `webhooks` section documents the events Tandem sends
    # (apps/webhooks/api/schema.py), and its schemas are JSON Schema 2020-12 (a nullable field
    # is `type: [..., "null"]`).
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": [
        f"apps.webhooks.api.schema.{name}"
        for name in (
            "DECISION_LOGGED",
            "DECISION_ANSWERED",
            "DECISION_NEEDS_ACKNOWLEDGEMENT",
            "CHECKIN_REMINDER",
            "AGENDA_ITEM_ADDED",
            "ACTION_ITEM_DUE",
            "FEEDBACK_REVEALED",
            "MATRIX_CHANGED",
            "WEBHOOK_TEST",
        )
    ],
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.nullable_anything",
        "apps.webhooks.api.schema.webhook_headers",
    ],
    # Choice sets whose field names other apps use too get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "TouchKindEnum": "apps.contacts.models.TouchKind",
        "OccasionKindEnum": "apps.contacts.models.OccasionKind",
        "TouchDirectionEnum": "apps.contacts.models.Direction",
        "ContactChannelEnum": "apps.contacts.models.Channel",
        # A person's seat in a kept-rate, or "former" for someone who left.
        "SeatOrFormerEnum": ["leader", "assistant", "former"],
        "RoleEnum": "apps.tandems.models.Role",
        "WebhookFormatEnum": "apps.webhooks.models.EndpointFormat",
        # The matrix template's format keeps the name it had before webhooks had a format.
        "FormatEnum": ["tandem-matrix"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # django.request logs the path of every 4xx: an expired invitation's token stays out.
    "filters": {"redact_urls": {"()": "apps.core.redaction.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_urls"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every successful sign-in at INFO; the audit log records those.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}
