"""The scorecard's part in the apps below it: a daily job that measures the month."""

from __future__ import annotations

from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.scorecard.tasks import scorecard_daily


def wire() -> None:
    periodic_jobs.contribute(
        "scorecard.daily",
        PeriodicJob("scorecard.daily", 86400, scorecard_daily.enqueue),
        order=100,
    )
