FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TANDEM_VAR_DIR=/app/var
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY tandem ./tandem
COPY apps ./apps
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compilemessages -v0 \
    && SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-1234 \
       DJANGO_SETTINGS_MODULE=tandem.settings.local python manage.py collectstatic --noinput -v0 \
    && useradd --create-home tandem && mkdir -p /app/var && chown -R tandem /app/var
USER tandem
EXPOSE 8000
CMD ["gunicorn", "tandem.wsgi", "--config", "deploy/gunicorn.conf.py"]
