"""An e-mail backend for the integration tests' worker processes: the file backend, slowed.

`NOTIFICATIONS_TEST_SEND_SECONDS` (environment) is how long each message takes, so a test can
kill a worker while it is in the middle of a batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(float(os.environ.get("NOTIFICATIONS_TEST_SEND_SECONDS", "0")))
        return super().send_messages(email_messages)


def mailed_notice_ids(folder: str | os.PathLike[str]) -> list[int]:
    """Every notice id carried by every e-mail the file backend wrote, duplicates included."""
    ids: list[int] = []
    for path in sorted(os.scandir(folder), key=lambda entry: entry.name):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("X-Tandem-Notices: "):
                    ids.extend(int(i) for i in line.split(": ", 1)[1].strip().split(","))
    return ids
