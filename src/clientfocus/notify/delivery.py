"""The delivery loop that runs inside `clientfocus worker` (one thread per worker)."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from clientfocus.notify.services import deliver_due

logger = logging.getLogger(__name__)


class OutboxDeliverer(threading.Thread):
    def __init__(self, *, idle_seconds: float = 0.5, batch: int = 50) -> None:
        super().__init__(name="clientfocus-outbox", daemon=True)
        self.idle_seconds = idle_seconds
        self.batch = batch
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            try:
                delivered = deliver_due(limit=self.batch)
            except Exception:
                logger.exception("outbox delivery failed; trying again")
                delivered = 0
            if not delivered:
                self.stopping.wait(self.idle_seconds)
        # This thread's own database connection: closed when the thread ends.
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
