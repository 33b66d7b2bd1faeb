"""Background work of the service desk (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from clientfocus.service import services


@task()
def sweep_sla() -> dict[str, int]:
    """Mark requests at risk / breached and notify. On retry or a duplicate run nothing
    is announced twice: the sweep only acts on targets whose state moved on."""
    result = services.sweep_sla()
    return {"checked": result.checked, "at_risk": result.at_risk, "breached": result.breached}
