"""Background work of the value app."""

from __future__ import annotations

from django_tasks import task

from clientfocus.value import services


@task()
def nightly_value_run() -> dict[str, int]:
    """Refresh value figures, then re-apply the active tier policy. Running it twice
    recomputes the same figures and finds no further tier moves."""
    return services.nightly_value_run()
