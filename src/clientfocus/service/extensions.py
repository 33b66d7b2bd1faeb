"""What the apps above may add to the service desk's pages, without the desk importing
them: cards beside a request, lines under each message, marks on queue rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clientfocus.core.extensions import ExtensionPoint, Panel


@dataclass(frozen=True)
class MessagePart:
    """Drawn under each message of a request (``m``, ``req``, ``can_handle`` in its
    context); ``prefetch``: the message relations it reads, fetched with the page."""

    template: str
    prefetch: tuple[str, ...] = ()


request_panels: ExtensionPoint[Panel] = ExtensionPoint(
    "service.request_panels", "Cards in the side column of a request, after the requester."
)
message_parts: ExtensionPoint[MessagePart] = ExtensionPoint(
    "service.message_parts", "Lines under each message of a request (e.g. its deliveries)."
)
# annotate(requests) sets attributes the queue table shows (e.g. ``live_wait``).
queue_annotators: ExtensionPoint[Callable[[list], None]] = ExtensionPoint(
    "service.queue_annotators", "Marks on the rows of an agent's queue."
)


def message_prefetch() -> list[str]:
    return [name for part in message_parts for name in part.prefetch]
