"""Background work of knowledge."""

from __future__ import annotations

from django_tasks import task

from clientfocus.knowledge import services


@task()
def knowledge_daily() -> dict[str, int]:
    """Every night: new staff enrolled in the courses meant for them; those whose
    training is due (or overdue) reminded by e-mail and in the app."""
    return services.daily()
