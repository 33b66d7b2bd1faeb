"""Background work of the ideas app."""

from __future__ import annotations

from django_tasks import task

from clientfocus.ideas import services


@task()
def ideas_daily() -> dict[str, int]:
    """Every night, after the value refresh: votes weigh their voters' current value,
    tier and segment; every idea's totals and tallies are recounted."""
    return {"votes_reweighed": services.refresh_weights()}
