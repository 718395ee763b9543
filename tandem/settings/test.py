"""Test settings: the same as production's shape, with fast hashing and in-memory e-mail.

The database comes from DATABASE_URL like everywhere else, so CI runs the suite on
PostgreSQL and a laptop runs it on SQLite.
"""

from tandem.settings.base import *  # noqa: F403
from tandem.settings.env import VAR_DIR, env_str

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests call tasks directly. What transactional tests publish goes to Redis when
# REDIS_URL is set, else to a filesystem broker under var/ that an integration test's worker
# consumes, exactly like the embedded default.
if not REDIS_URL:  # noqa: F405
    CELERY_FILESYSTEM_DIR = env_str("CELERY_FILESYSTEM_DIR", str(VAR_DIR / "test-broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": f"{CELERY_FILESYSTEM_DIR}/queue",
        "data_folder_out": f"{CELERY_FILESYSTEM_DIR}/queue",
        "control_folder": f"{CELERY_FILESYSTEM_DIR}/control",
        "store_processed": False,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so a worker process started by a test sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "test-celerybeat-schedule")
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "auth_ip": "10000/minute",
        "auth_user": "10000/minute",
        "password_reset_ip": "10000/minute",
        "password_reset_email": "10000/minute",
        "sign_up_email": "10000/minute",
    },
}
# WhiteNoise warns about a missing STATIC_ROOT; tests do not collect static files.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "tandem-test"  # noqa: F405
# The tests' receivers are plain http on loopback; each test that sends allow-lists it.
TANDEM_WEBHOOK_REQUIRE_HTTPS = False
# Every compiled Insights query is checked against the query built afresh (apps.insights.compiled).
TANDEM_INSIGHTS_CHECK_COMPILED = True
# Every compiled query (apps.core.db.CompiledQuery) checked against the query built afresh.
TANDEM_CHECK_COMPILED_QUERIES = True
