"""Probes for load balancers and orchestrators, and the metrics endpoint.

``/healthz``: the process is up (no database touched). ``/readyz``: the installation can
do its work — the database answers, every migration is applied, a worker was seen
recently, and whatever the apps contribute to ``readiness_checks`` (notify: the outbox
is not stuck). ``/metrics``: ``core.metrics``. All three are answered by a middleware at
the top of the stack, before host validation and the HTTPS redirect, so a probe by IP
over plain HTTP gets an answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from clientfocus.core.extensions import ExtensionPoint
from clientfocus.core.metrics import metrics_response
from clientfocus.core.models import WorkerHeartbeat

# check() -> None when fine, else what is wrong (one line, no personal data).
readiness_checks: ExtensionPoint[Callable[[], str | None]] = ExtensionPoint(
    "core.readiness_checks", "What /readyz asks besides the database, migrations and workers."
)

_migrated = False


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "not reachable"
        return f"database not reachable ({type(exc).__name__})"
    return None


def migrations_problem() -> str | None:
    """Unapplied migrations; once all are applied this process remembers it (the code of
    a running process does not gain migrations)."""
    global _migrated
    if _migrated:
        return None
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"{len(pending)} migration(s) not applied: run `clientfocus migrate`"
    _migrated = True
    return None


def worker_problem() -> str | None:
    limit = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    if WorkerHeartbeat.objects.filter(seen_at__gte=limit).exists():
        return None
    return f"no worker seen in the last {settings.WORKER_STALE_SECONDS} s"


def readiness() -> dict[str, str]:
    """Each check's name and "ok" or its problem; stops after the database fails."""
    problem = database_problem()
    if problem:
        return {"database": problem}
    results = {"database": "ok"}
    checks: list[tuple[str, Callable[[], str | None]]] = [
        ("migrations", migrations_problem),
        ("worker", worker_problem),
        *((c.key, c.item) for c in readiness_checks.contributions()),
    ]
    for name, check in checks:
        try:
            results[name] = check() or "ok"
        except Exception as exc:  # a check that cannot run is a problem, not a 500
            results[name] = f"check failed ({type(exc).__name__})"
    return results


def _json(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return _json(200, {"status": "ok"})
        if request.path == "/metrics":
            return metrics_response(request)
        if request.path == "/readyz":
            started = time.perf_counter()
            checks = readiness()
            ready = all(v == "ok" for v in checks.values())
            body = {
                "status": "ready" if ready else "not ready",
                "checks": checks,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            return _json(200 if ready else 503, body)
        return self.get_response(request)
