"""An e-mail backend for the worker processes of the integration tests and the fault benchmark:
the file backend, slowed; and what it wrote, read back.

`NOTIFICATIONS_TEST_SEND_SECONDS` (environment) is how long each message takes, so a test can
kill a worker while it is in the middle of a batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(float(os.environ.get("NOTIFICATIONS_TEST_SEND_SECONDS", "0")))
        return super().send_messages(email_messages)


def mailed_notice_ids(folder: str | os.PathLike[str]) -> list[int]:
    """Every notice id carried by every e-mail the file backend wrote, duplicates included.

    The file backend appends each message of a connection to one file. A digest's
    `X-Tandem-Notices` header is long and folded over several lines (RFC 5322), so
    continuation lines are joined before the ids are read.
    """
    ids: list[int] = []
    for path in sorted(Path(folder).iterdir()) if Path(folder).exists() else []:
        header: str | None = None
        for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
            if header is not None and line[:1] in (" ", "\t"):
                header += line.strip()
                continue
            if header is not None:
                ids.extend(int(i) for i in header.split(",") if i.strip())
                header = None
            if line.startswith("X-Tandem-Notices:"):
                header = line.split(":", 1)[1].strip()
    return ids
