"""Background work of the at-risk worklist."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from clientfocus.retention import services


@task()
def retention_daily() -> dict:
    """Find the valuable customers drifting away today; running it twice the same day
    opens nothing more (a customer has at most one open case)."""
    return asdict(services.detect())
