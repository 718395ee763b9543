"""Is this instance able to serve? Database and broker are checked on every call."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from apps.core.models import Heartbeat


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    from tandem.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # same: report, never raise from a health check
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "transport": str(transport)}


def scheduler_age_seconds() -> float | None:
    try:
        beat = Heartbeat.objects.filter(name="beat").first()
    except Exception:  # the database check reports this already
        return None
    if beat is None:
        return None
    return (timezone.now() - beat.beat_at).total_seconds()


def health() -> tuple[bool, dict[str, Any]]:
    database = check_database()
    broker = check_broker()
    ok = bool(database["ok"] and broker["ok"])
    report = {
        "status": "ok" if ok else "unavailable",
        "database": database,
        "broker": broker,
        "scheduler_last_tick_seconds_ago": scheduler_age_seconds() if database["ok"] else None,
    }
    return ok, report
