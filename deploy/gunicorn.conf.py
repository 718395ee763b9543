"""gunicorn's settings for Tandem's web process.

Used by docker-compose.yml, the Dockerfile and the integration tests (devtools/
processes.py), so what CI runs is what production runs. Options given on the command line
override these (the tests bind to a free loopback port).
"""

bind = "0.0.0.0:8000"
workers = 3
timeout = 30
# The access log goes to stdout, with the secrets in URLs (invitation, calendar feed, one-time
# links) replaced by [redacted]: apps/core/redaction.py.
accesslog = "-"
logger_class = "apps.core.access_log.RedactingLogger"
# gunicorn's own error answers (a request line or headers over its limits, bytes that are not
# HTTP) in the API's JSON error format instead of an HTML page: tandem/gunicorn_worker.py.
worker_class = "tandem.gunicorn_worker.JsonErrorWorker"
