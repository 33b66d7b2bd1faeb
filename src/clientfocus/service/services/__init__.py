"""Every write on requests: one function per business action, one transaction each.

The functions live in modules named after what they do; this package is the service
desk's front door (``from clientfocus.service import services``).
"""

from clientfocus.service.services.clocks import (
    POLICY_CACHE_SECONDS,
    clear_policy_cache,
    select_policy,
)
from clientfocus.service.services.conversation import (
    MAX_BODY_CHARS,
    add_message,
    receive_customer_message,
)
from clientfocus.service.services.opening import (
    CUSTOMER_CHANNELS,
    customer_writes,
    open_customer_request,
    open_request,
    within_reopen_window,
)
from clientfocus.service.services.states import (
    ALLOWED_TRANSITIONS,
    MAX_MINUTES_PER_ENTRY,
    assign_request,
    change_state,
    log_time,
    resolve_for_customer,
)
from clientfocus.service.services.sweep import (
    TARGET_LABELS,
    SweepResult,
    mark_notices_read,
    sweep_sla,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CUSTOMER_CHANNELS",
    "MAX_BODY_CHARS",
    "MAX_MINUTES_PER_ENTRY",
    "POLICY_CACHE_SECONDS",
    "TARGET_LABELS",
    "SweepResult",
    "add_message",
    "assign_request",
    "change_state",
    "clear_policy_cache",
    "customer_writes",
    "log_time",
    "mark_notices_read",
    "open_customer_request",
    "open_request",
    "receive_customer_message",
    "resolve_for_customer",
    "select_policy",
    "sweep_sla",
    "within_reopen_window",
]
