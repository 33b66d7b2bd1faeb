"""Periodic jobs and background loops inside `clientfocus worker`.

Each app registers its own (``periodic_jobs``, ``background_loops``, in its ``wiring``
module); core runs what is registered and knows none of them.

Every worker runs a scheduler thread. For each job and each time slot (e.g. each
minute for the SLA sweep) the schedulers race to insert one ScheduledSlot row; the
unique constraint lets exactly one win and enqueue the task, however many workers run
on however many machines.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from clientfocus.core.extensions import ExtensionPoint
from clientfocus.core.models import ScheduledSlot, UsedSignature, WorkerHeartbeat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    enqueue: Callable[[], object]


periodic_jobs: ExtensionPoint[PeriodicJob] = ExtensionPoint(
    "core.periodic_jobs", "Tasks enqueued once per period by exactly one scheduler."
)


class Stoppable(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class BackgroundLoop:
    """A thread the worker keeps running beside the task workers (outbox delivery,
    mailbox fetching); ``run_once`` is what `worker --batch` does instead, if anything."""

    name: str
    make: Callable[[], Stoppable]
    run_once: Callable[[], object] | None = None


background_loops: ExtensionPoint[BackgroundLoop] = ExtensionPoint(
    "core.background_loops", "Threads every worker process runs beside its task workers."
)


def default_jobs() -> list[PeriodicJob]:
    return list(periodic_jobs)


def claim_and_enqueue(job: PeriodicJob, *, now_ts: float | None = None) -> bool:
    """Enqueue ``job`` for the current slot unless another scheduler already did."""
    slot = int((now_ts if now_ts is not None else time.time()) // job.every_seconds)
    try:
        with transaction.atomic():
            ScheduledSlot.objects.create(job=job.name, slot=slot, enqueued_at=timezone.now())
            job.enqueue()
    except IntegrityError:
        return False
    return True


def prune_slots() -> None:
    """Keep the bookkeeping small: slot rows older than any job's period, and finished
    task results older than two weeks (failed ones stay for inspection)."""
    cutoff = timezone.now() - timedelta(days=2)
    ScheduledSlot.objects.filter(enqueued_at__lt=cutoff).delete()
    # Signatures older than the freshness window can no longer be replayed anyway.
    UsedSignature.objects.filter(used_at__lt=cutoff).delete()
    WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        call_command("prune_db_task_results", min_age_days=14, verbosity=0)


class Ticking(threading.Thread):
    """A daemon thread that calls ``tick()`` every ``period()`` seconds until stopped,
    with fresh database connections each time, and ``finish()`` once at the end."""

    label = "background work"

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()

    def tick(self) -> None:
        raise NotImplementedError

    def period(self) -> float:
        raise NotImplementedError

    def finish(self) -> None:
        """What the thread does when it stops (nothing by default)."""

    def run(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            try:
                self.tick()
            except Exception:
                logger.exception("%s failed; trying again", self.label)
            self.stopping.wait(self.period())
        try:
            self.finish()
        except Exception:
            logger.exception("%s could not finish", self.label)
        # This thread's own database connection: closed when the thread ends.
        connection.close()

    def stop(self) -> None:
        self.stopping.set()


class Scheduler(Ticking):
    label = "the scheduler"

    def __init__(self, jobs: list[PeriodicJob] | None = None, tick_seconds: float = 5.0) -> None:
        super().__init__("clientfocus-scheduler")
        self.jobs = jobs if jobs is not None else default_jobs()
        self.tick_seconds = tick_seconds
        self.last_prune = 0.0

    def period(self) -> float:
        return self.tick_seconds

    def tick(self) -> None:
        for job in self.jobs:
            try:
                claim_and_enqueue(job)
            except Exception:
                logger.exception("could not schedule %s", job.name)
        if time.time() - self.last_prune > 3600:
            try:
                prune_slots()
                self.last_prune = time.time()
            except Exception:
                logger.exception("could not prune scheduler slots")


class Heartbeat(Ticking):
    """Tells /readyz this worker process is alive: one row, touched every
    WORKER_HEARTBEAT_SECONDS, removed when the worker stops."""

    label = "the worker's heartbeat"

    def __init__(self) -> None:
        super().__init__("clientfocus-heartbeat")
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:120]

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker=self.worker, defaults={"seen_at": timezone.now()}
        )

    def tick(self) -> None:
        self.beat()

    def period(self) -> float:
        return settings.WORKER_HEARTBEAT_SECONDS

    def finish(self) -> None:
        WorkerHeartbeat.objects.filter(worker=self.worker).delete()
