"""The delivery loop that runs inside `clientfocus worker` (one thread per worker)."""

from __future__ import annotations

from django.conf import settings

from clientfocus.core.scheduler import Ticking
from clientfocus.notify.services import deliver_due


class OutboxDeliverer(Ticking):
    """Delivers what is due, batch after batch, and rests ``idle_seconds`` when nothing
    was (or a batch failed)."""

    label = "outbox delivery"

    def __init__(self, *, idle_seconds: float = 0.5, batch: int | None = None) -> None:
        super().__init__("clientfocus-outbox")
        self.idle_seconds = idle_seconds
        self.batch = batch or settings.NOTIFY_BATCH
        self.delivered = 0

    def tick(self) -> None:
        self.delivered = 0
        self.delivered = deliver_due(limit=self.batch)

    def period(self) -> float:
        return 0.0 if self.delivered else self.idle_seconds
