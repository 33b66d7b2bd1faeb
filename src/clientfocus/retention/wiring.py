"""The at-risk worklist's part in the apps below it: a daily job."""

from __future__ import annotations

from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.retention.tasks import retention_daily


def wire() -> None:
    periodic_jobs.contribute(
        "retention.daily",
        PeriodicJob("retention.daily", 86400, retention_daily.enqueue),
        order=95,
    )
