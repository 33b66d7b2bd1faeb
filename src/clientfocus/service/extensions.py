"""What the apps above may add to the service desk's pages, without the desk importing
them: cards beside a request, lines under each message, marks on queue rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clientfocus.core.extensions import ExtensionPoint, Panel


@dataclass(frozen=True)
class MessagePart:
    """Drawn under each message of a request (``m``, ``req``, ``can_handle`` in its
    context); ``prefetch``: the message relations it reads, fetched with the page."""

    template: str
    prefetch: tuple[str, ...] = ()


request_panels: ExtensionPoint[Panel] = ExtensionPoint(
    "service.request_panels",
    "Cards on a request: region 'side' after the requester, 'guide' above the conversation,"
    " 'reply' above the reply box (shown to those who may answer).",
)
message_parts: ExtensionPoint[MessagePart] = ExtensionPoint(
    "service.message_parts", "Lines under each message of a request (e.g. its deliveries)."
)
# annotate(requests) sets attributes the queue table shows (e.g. ``live_wait``).
queue_annotators: ExtensionPoint[Callable[[list], None]] = ExtensionPoint(
    "service.queue_annotators", "Marks on the rows of an agent's queue."
)


# check(request, assignee) -> a warning for whoever assigns (e.g. untrained for the queue).
assignment_checks: ExtensionPoint[Callable[[Any, Any], str | None]] = ExtensionPoint(
    "service.assignment_checks", "Warnings shown when a request is assigned to someone."
)


def assignment_warnings(request: Any, assignee: Any) -> list[str]:
    """What the apps above warn about assigning ``request`` to ``assignee``."""
    if assignee is None:
        return []
    return [w for check in assignment_checks if (w := check(request, assignee))]


def message_prefetch() -> list[str]:
    return [name for part in message_parts for name in part.prefetch]
