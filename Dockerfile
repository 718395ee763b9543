FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TANDEM_VAR_DIR=/app/var
RUN apt-get update && apt-get install -y --no-install-recommends gettext ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime lock only (exact versions, hashes checked), then Tandem itself with nothing more.
COPY requirements/runtime.txt ./requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY tandem ./tandem
COPY apps ./apps
RUN pip install --no-cache-dir --no-deps .
COPY . .
RUN python manage.py compilemessages -v0 \
    && SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-1234 \
       DJANGO_SETTINGS_MODULE=tandem.settings.local python manage.py collectstatic --noinput -v0 \
    && useradd --create-home tandem && mkdir -p /app/var && chown -R tandem /app/var
USER tandem
EXPOSE 8000
CMD ["gunicorn", "tandem.wsgi", "--config", "deploy/gunicorn.conf.py"]
