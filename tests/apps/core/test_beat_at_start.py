"""With TANDEM_BEAT_RUN_AT_START (scripts/run sets it), beat sends every periodic task once as
it starts, so the demo's reminders and digests do not wait for a first full interval."""

from __future__ import annotations

from unittest import mock

import pytest
from celery.signals import beat_init

import tandem.celery
from scripts.launch import environment


@pytest.mark.parametrize("on", [True, False])
def test_beat_sends_every_entry_once_at_start_only_when_asked(
    on: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tandem.celery, "BEAT_RUN_AT_START", on)
    with mock.patch.object(tandem.celery.app, "send_task") as send_task:
        beat_init.send(sender=object())

    schedule = tandem.celery.app.conf.beat_schedule
    sent = [call.args[0] for call in send_task.call_args_list]
    assert sent == ([entry["task"] for entry in schedule.values()] if on else [])
    for call in send_task.call_args_list:  # each expires like its periodic run does
        assert call.kwargs["expires"] > 0


def test_the_embedded_run_asks_for_it_and_scans_for_reminders_every_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("TANDEM_BEAT_RUN_AT_START", "TANDEM_CHECKINS_REMINDER_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    env = environment("127.0.0.1:8123")
    assert env["TANDEM_BEAT_RUN_AT_START"] == "1"
    assert float(env["TANDEM_CHECKINS_REMINDER_SECONDS"]) <= 60
    assert env["TANDEM_BASE_URL"] == "http://127.0.0.1:8123"
    assert environment("0.0.0.0:9000")["TANDEM_BASE_URL"] == "http://127.0.0.1:9000"
