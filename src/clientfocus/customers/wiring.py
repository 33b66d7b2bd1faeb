"""What the customers app adds to core: the daily pruning of the access log and the daily
retention run. Wired in ``CustomersConfig.ready()``."""

from __future__ import annotations

from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.customers.tasks import apply_retention_task, prune_access_log_task


def wire() -> None:
    periodic_jobs.contribute(
        "customers.prune_access_log",
        PeriodicJob("customers.prune_access_log", 24 * 3600, prune_access_log_task.enqueue),
        order=60,
    )
    periodic_jobs.contribute(
        "customers.retention",
        PeriodicJob("customers.retention", 24 * 3600, apply_retention_task.enqueue),
        order=61,
    )
