"""Periodic jobs inside `clientfocus worker`.

Every worker runs a scheduler thread. For each job and each time slot (e.g. each
minute for the SLA sweep) the schedulers race to insert one ScheduledSlot row; the
unique constraint lets exactly one win and enqueue the task, however many workers run
on however many machines.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from clientfocus.core.models import ScheduledSlot, UsedSignature

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    enqueue: Callable[[], object]


def default_jobs() -> list[PeriodicJob]:
    from clientfocus.service.tasks import sweep_sla
    from clientfocus.value.tasks import nightly_value_run
    from clientfocus.voice.tasks import voice_daily, voice_frequent, voice_hourly

    return [
        PeriodicJob("service.sweep_sla", 60, sweep_sla.enqueue),
        # Once per UTC day, at the first scheduler tick after midnight.
        PeriodicJob("value.nightly", 24 * 3600, nightly_value_run.enqueue),
        PeriodicJob("voice.frequent", 300, voice_frequent.enqueue),
        PeriodicJob("voice.hourly", 3600, voice_hourly.enqueue),
        PeriodicJob("voice.daily", 24 * 3600, voice_daily.enqueue),
    ]


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
    from django.conf import settings

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django.core.management import call_command

        call_command("prune_db_task_results", min_age_days=14, verbosity=0)


class Scheduler(threading.Thread):
    def __init__(self, jobs: list[PeriodicJob] | None = None, tick_seconds: float = 5.0) -> None:
        super().__init__(name="clientfocus-scheduler", daemon=True)
        self.jobs = jobs if jobs is not None else default_jobs()
        self.tick_seconds = tick_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        last_prune = 0.0
        while not self.stopping.is_set():
            close_old_connections()
            for job in self.jobs:
                try:
                    claim_and_enqueue(job)
                except Exception:
                    logger.exception("could not schedule %s", job.name)
            if time.time() - last_prune > 3600:
                try:
                    prune_slots()
                    last_prune = time.time()
                except Exception:
                    logger.exception("could not prune scheduler slots")
            self.stopping.wait(self.tick_seconds)
        # This thread's own database connection: closed when the thread ends.
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
