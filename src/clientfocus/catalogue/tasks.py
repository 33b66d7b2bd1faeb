"""Background work of the catalogue."""

from __future__ import annotations

from django_tasks import task

from clientfocus.catalogue import services


@task()
def catalogue_daily() -> dict[str, int]:
    """Every night: complaints about charges of the last year linked again to the fees
    they name (fees published or renamed since are found too)."""
    return {"complaints_linked": services.relink(days=365)}
