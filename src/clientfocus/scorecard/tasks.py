"""Background work of the scorecard."""

from __future__ import annotations

from django_tasks import task

from clientfocus.scorecard import services


@task()
def scorecard_daily() -> dict:
    """Close last month (once), measure this month so far, send last month's e-mail to
    subscribers who have not had it: running it twice changes nothing more."""
    return services.daily()
