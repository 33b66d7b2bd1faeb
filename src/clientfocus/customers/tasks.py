"""Background work of the customers app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from clientfocus.customers.access import prune_access_log
from clientfocus.customers.privacy import apply_retention


@task()
def prune_access_log_task() -> dict[str, int]:
    return {"deleted": prune_access_log()}


@task()
def apply_retention_task() -> dict[str, int]:
    return apply_retention()
