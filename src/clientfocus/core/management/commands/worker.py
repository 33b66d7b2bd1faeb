"""`clientfocus worker`: run background tasks and the periodic scheduler."""

from __future__ import annotations

import threading
from typing import Any

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


def start_worker_threads(count: int = 1, interval: float = 1.0) -> list[Any]:
    """Worker threads in this process (the embedded demo mode), plus a scheduler and the
    background loops the apps registered."""
    threads: list[Any] = [
        Scheduler(),
        Heartbeat(),
        *(loop.make() for loop in background_loops),
    ]
    for _ in range(count):
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
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
        scheduler = None
        loops: list[Stoppable] = []
        if batch:
            for loop in background_loops:
                if loop.run_once is not None:
                    loop.run_once()
        else:
            loops = [Heartbeat(), *(loop.make() for loop in background_loops)]
            for running in loops:
                running.start()
        if batch:
            for job in default_jobs():
                claim_and_enqueue(job)
        elif not no_scheduler:
            scheduler = Scheduler()
            scheduler.start()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not batch:
            worker.configure_signals()
            self.stdout.write("clientfocus worker running (Ctrl+C to stop)")
        try:
            worker.run()
        finally:
            if scheduler:
                scheduler.stop()
            for running in loops:
                running.stop()
