"""The Celery app. Settings come from Django's (CELERY_*); the beat schedule lives here."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings.local")

app = Celery("tandem")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_SECONDS = float(os.environ.get("TANDEM_HEARTBEAT_SECONDS", "60"))
# How often the notifications dispatcher looks for due notices (its only periodic task).
NOTIFICATIONS_DISPATCH_SECONDS = float(
    os.environ.get("TANDEM_NOTIFICATIONS_DISPATCH_SECONDS", "30")
)
# How often the webhooks dispatcher looks for due deliveries (events also start a pass at once).
WEBHOOKS_DISPATCH_SECONDS = float(os.environ.get("TANDEM_WEBHOOKS_DISPATCH_SECONDS", "30"))
# How often overdue consult requests are looked for (each is flagged once).
DELEGATION_OVERDUE_SECONDS = float(os.environ.get("TANDEM_DELEGATION_OVERDUE_SECONDS", "300"))
# How often upcoming check-ins are scanned for reminders (each is sent once, by its key).
CHECKINS_REMINDER_SECONDS = float(os.environ.get("TANDEM_CHECKINS_REMINDER_SECONDS", "300"))
# How often check-ins pull the decisions flagged for the next check-in onto its agenda.
CHECKINS_DECISIONS_SECONDS = float(os.environ.get("TANDEM_CHECKINS_DECISIONS_SECONDS", "60"))
# Beat sends every entry once as it starts, instead of waiting a whole interval for the first
# run: scripts/run sets it, so the demo's reminders arrive in its first minutes. Every task is
# idempotent, so a restart's extra run changes nothing.
BEAT_RUN_AT_START = os.environ.get("TANDEM_BEAT_RUN_AT_START", "").lower() in ("1", "true", "yes")
# How often feedback cycles are checked for their open/closing reminders and for closing.
FEEDBACK_REMINDERS_SECONDS = float(os.environ.get("TANDEM_FEEDBACK_REMINDERS_SECONDS", "900"))
# How often weekly communication windows that have opened are announced (contact care).
CONTACTS_WINDOWS_SECONDS = float(os.environ.get("TANDEM_CONTACTS_WINDOWS_SECONDS", "300"))
# How often every tandem's closed months are counted again and kept as rows for Insights: a
# late edit of a closed month shows in its kept figures after the next run (about 0.2 s of
# database work per tandem with five years of history; a larger installation may choose
# a longer interval and accept a longer lag).
INSIGHTS_ROLLUP_SECONDS = float(os.environ.get("TANDEM_INSIGHTS_ROLLUP_SECONDS", "3600"))

# Each entry expires before its next tick, so a backlog after an outage never piles up.
app.conf.beat_schedule = {
    "core.heartbeat": {
        "task": "core.heartbeat",
        "schedule": HEARTBEAT_SECONDS,
        "options": {"expires": HEARTBEAT_SECONDS * 0.9},
    },
    "notifications.dispatch": {
        "task": "notifications.dispatch",
        "schedule": NOTIFICATIONS_DISPATCH_SECONDS,
        "options": {"expires": NOTIFICATIONS_DISPATCH_SECONDS * 0.9},
    },
    "webhooks.dispatch": {
        "task": "webhooks.dispatch",
        "schedule": WEBHOOKS_DISPATCH_SECONDS,
        "options": {"expires": WEBHOOKS_DISPATCH_SECONDS * 0.9},
    },
    "delegation.flag_overdue": {
        "task": "delegation.flag_overdue",
        "schedule": DELEGATION_OVERDUE_SECONDS,
        "options": {"expires": DELEGATION_OVERDUE_SECONDS * 0.9},
    },
    "checkins.schedule_reminders": {
        "task": "checkins.schedule_reminders",
        "schedule": CHECKINS_REMINDER_SECONDS,
        "options": {"expires": CHECKINS_REMINDER_SECONDS * 0.9},
    },
    "checkins.pull_decisions_onto_agendas": {
        "task": "checkins.pull_decisions_onto_agendas",
        "schedule": CHECKINS_DECISIONS_SECONDS,
        "options": {"expires": CHECKINS_DECISIONS_SECONDS * 0.9},
    },
    "checkins.carry_over": {
        "task": "checkins.carry_over",
        "schedule": 900.0,
        "options": {"expires": 810.0},
    },
    "checkins.remind_due_and_carry_overdue_action_items": {
        "task": "checkins.remind_due_and_carry_overdue_action_items",
        "schedule": 900.0,
        "options": {"expires": 810.0},
    },
    "feedback.remind_and_close_cycles": {
        "task": "feedback.remind_and_close_cycles",
        "schedule": FEEDBACK_REMINDERS_SECONDS,
        "options": {"expires": FEEDBACK_REMINDERS_SECONDS * 0.9},
    },
    "contacts.announce_windows": {
        "task": "contacts.announce_windows",
        "schedule": CONTACTS_WINDOWS_SECONDS,
        "options": {"expires": CONTACTS_WINDOWS_SECONDS * 0.9},
    },
    # Hourly: each tandem's first working day begins at its own local midnight.
    "insights.send_monthly_look_backs": {
        "task": "insights.send_monthly_look_backs",
        "schedule": 3600.0,
        "options": {"expires": 3240.0},
    },
    # The closed months of every tandem kept as rows (apps/insights/rollup.py); a month that
    # has just ended, or whose row no longer applies, counts live until then.
    "insights.roll_up_months": {
        "task": "insights.roll_up_months",
        "schedule": INSIGHTS_ROLLUP_SECONDS,
        "options": {"expires": INSIGHTS_ROLLUP_SECONDS * 0.9},
    },
}


@beat_init.connect
def _run_every_entry_at_start(sender: object, **_: object) -> None:
    if BEAT_RUN_AT_START:
        for entry in app.conf.beat_schedule.values():
            app.send_task(entry["task"], **entry.get("options", {}))


@app.on_after_configure.connect
def _ensure_filesystem_broker_folders(sender: Celery, **_: object) -> None:
    """kombu's filesystem transport needs its folders to exist before the first publish."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = options.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
