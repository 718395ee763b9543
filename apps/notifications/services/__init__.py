"""Writes about notices, one module per part, re-exported here:

- `recording`: recording a notice (`notify`), and moving what waits when hours change;
- `config`: the dispatcher's settings, and what the dispatcher and delivering share;
- `dispatcher`: claiming what is due, digests, handing work to tasks;
- `delivering`: into the inbox and by e-mail, with retries;
- `inbox`: the inbox, the person's choices, and a person who leaves or is erased.
"""

from apps.notifications.services.config import (
    delivery_chunk_size,
    dispatch_batch_size,
    lease_duration,
    max_attempts,
    retry_delay,
)
from apps.notifications.services.delivering import (
    deliveries_send,
    delivery_send,
    digest_send,
    in_app_deliveries_send,
)
from apps.notifications.services.dispatcher import (
    DispatchResult,
    deliveries_release_expired,
    dispatch,
)
from apps.notifications.services.inbox import (
    deliveries_skip_for_departed,
    notice_mark_read,
    notice_withdraw,
    notices_mark_all_read,
    notification_preferences_update,
    notifications_erase_for_user,
)
from apps.notifications.services.recording import (
    HOURS_FIELDS,
    deliveries_reschedule,
    notify,
    preferences_of,
)

__all__ = [
    "HOURS_FIELDS",
    "DispatchResult",
    "deliveries_release_expired",
    "deliveries_reschedule",
    "deliveries_send",
    "deliveries_skip_for_departed",
    "delivery_chunk_size",
    "delivery_send",
    "digest_send",
    "dispatch",
    "dispatch_batch_size",
    "in_app_deliveries_send",
    "lease_duration",
    "max_attempts",
    "notice_mark_read",
    "notice_withdraw",
    "notices_mark_all_read",
    "notification_preferences_update",
    "notifications_erase_for_user",
    "notify",
    "preferences_of",
    "retry_delay",
]
