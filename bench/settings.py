"""Settings of the benchmark's processes: the app as deployed (DEBUG off), plus the baseline
and reference views of `bench/urls.py` and a header that counts each request's queries."""

from tandem.settings.env import env_str
from tandem.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
MIDDLEWARE = ["bench.views.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The notifications benchmark's worker and its dispatcher publish to a queue of their own,
# so no other worker on the same Redis takes (and loses) their messages.
CELERY_TASK_DEFAULT_QUEUE = env_str("BENCH_QUEUE", "celery")
