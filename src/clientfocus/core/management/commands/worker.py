"""`clientfocus worker`: run background tasks and the periodic scheduler."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from clientfocus.core.scheduler import (
    Heartbeat,
    Scheduler,
    Stoppable,
    background_loops,
    claim_and_enqueue,
    default_jobs,
)


class RQTaskWorker:
    """The RQ backend's worker (TASK_BACKEND=rq): django-rq's SimpleWorker on the default
    queue, running each job in this process's main thread beside the heartbeat and the
    background loops (no fork of a threaded process)."""

    def __init__(self, *, burst: bool) -> None:
        # Imported here: django-rq is only needed when the RQ backend is chosen.
        import django_rq
        from django_tasks_rq import Job

        self.burst = burst
        self.worker = django_rq.get_worker(
            "default", job_class=Job, worker_class="rq.worker.SimpleWorker"
        )

    def configure_signals(self) -> None:
        """RQ installs its own SIGINT/SIGTERM handlers (finish the job, then stop)."""

    def run(self) -> None:
        self.worker.work(burst=self.burst, with_scheduler=False, logging_level="WARNING")


def task_worker(*, interval: float, batch: bool, startup_delay: bool) -> Worker | RQTaskWorker:
    """The worker of the configured task backend: django-tasks-db's on the default queue,
    or RQ's (TASK_BACKEND=rq)."""
    if settings.TASK_BACKEND == "rq":
        return RQTaskWorker(burst=batch)
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=startup_delay,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def companions() -> list[Stoppable]:
    """What runs beside the task workers of every worker process: the heartbeat and the
    background loops the apps registered (not started)."""
    return [Heartbeat(), *(loop.make() for loop in background_loops)]


def start_worker_threads(count: int = 1, interval: float = 1.0) -> list[Any]:
    """Worker threads in this process (the embedded demo mode), plus a scheduler, the
    heartbeat and the background loops the apps registered."""
    if settings.TASK_BACKEND != "database":
        raise ImproperlyConfigured(
            "the embedded worker runs tasks from the database: unset TASK_BACKEND for the "
            "demo, or run `clientfocus worker` beside it"
        )
    threads: list[Any] = [Scheduler(), *companions()]
    for _ in range(count):
        worker = task_worker(interval=interval, batch=False, startup_delay=False)
        threads.append(threading.Thread(target=worker.run, name="clientfocus-worker", daemon=True))
    for thread in threads:
        thread.start()
    return threads


class Command(BaseCommand):
    help = "Run background tasks (SLA sweep, …) and the periodic scheduler."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="only run tasks; another worker schedules periodic jobs",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the periodic jobs due now and every queued task, then exit",
        )

    def handle(self, *args, interval: float, no_scheduler: bool, batch: bool, **options) -> None:
        running: list[Stoppable] = []
        if batch:
            for loop in background_loops:
                if loop.run_once is not None:
                    loop.run_once()
            for job in default_jobs():
                claim_and_enqueue(job)
        else:
            running = companions() + ([] if no_scheduler else [Scheduler()])
            for thread in running:
                thread.start()
        worker = task_worker(interval=interval, batch=batch, startup_delay=not batch)
        if not batch:
            worker.configure_signals()
            self.stdout.write("clientfocus worker running (Ctrl+C to stop)")
        try:
            worker.run()
        finally:
            for thread in running:
                thread.stop()
