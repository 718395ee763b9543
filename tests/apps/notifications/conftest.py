from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import time_machine

from apps.notifications import services
from tandem.celery import app


@pytest.fixture
def eager() -> Iterator[None]:
    """Run published tasks in this process, so a test sees the whole dispatch → deliver path.

    The enqueue still goes through `delay_on_commit`; tests run the captured on-commit
    callbacks, which is exactly what a commit would do.
    """
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def run_pass(
    eager: None, django_capture_on_commit_callbacks: Callable
) -> Callable[[datetime], services.DispatchResult]:
    """One dispatch pass at a frozen instant, with its tasks run as the commit would run them."""

    def run(at: datetime) -> services.DispatchResult:
        with (
            time_machine.travel(at, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.dispatch()

    return run
