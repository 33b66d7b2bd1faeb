"""Prometheus metrics at /metrics, for the monitoring system (prometheus-client).

Two kinds: what each process measures as it serves (HTTP latency by view; with several
gunicorn workers they share PROMETHEUS_MULTIPROC_DIR, which `clientfocus serve` sets up),
and what the database says at scrape time, contributed by the apps to
``metric_collectors`` (open requests per queue and tier, the outbox, mailboxes) and by
core itself (task queue lag, the last successful run of each periodic job, live workers).

Who may read them: a request bearing METRICS_TOKEN, or one from METRICS_ALLOWED_NETWORKS
(default: this machine only). Everyone else gets a 404. No personal data is exported.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from clientfocus.core.extensions import ExtensionPoint
from clientfocus.core.models import TaskRun, WorkerHeartbeat
from clientfocus.core.scheduler import periodic_jobs
from clientfocus.core.views import client_address

HTTP_LATENCY = Histogram(
    "clientfocus_http_request_duration_seconds",
    "Time to answer an HTTP request, by view (URL name), method and status class.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

metric_collectors: ExtensionPoint[Callable[[], Iterable[Metric]]] = ExtensionPoint(
    "core.metric_collectors", "Gauges read from the database when /metrics is scraped."
)


def gauge(name: str, documentation: str, labels: list[str], rows: Iterable) -> Metric:
    """A gauge family from (label values..., value) rows."""
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for *values, value in rows:
        family.add_metric([str(v) for v in values], float(value))
    return family


def core_metrics() -> Iterable[Metric]:
    now = timezone.now()
    alive = WorkerHeartbeat.objects.filter(
        seen_at__gte=now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    ).count()
    yield gauge("clientfocus_workers_alive", "Worker processes with a fresh heartbeat.", [],
                [(alive,)])  # fmt: skip
    ready, lag = _task_queue(now)
    yield gauge("clientfocus_tasks_ready", "Background tasks waiting for a worker.", [],
                [(ready,)])  # fmt: skip
    yield gauge("clientfocus_task_queue_lag_seconds", "How long the oldest due task has waited.",
                [], [(lag,)])  # fmt: skip
    paths = {
        job.name: getattr(getattr(job.enqueue, "__self__", None), "module_path", "")
        for job in periodic_jobs
    }
    finished = dict(
        TaskRun.objects.filter(task_path__in=[p for p in paths.values() if p]).values_list(
            "task_path", "last_success_at"
        )
    )
    yield gauge(
        "clientfocus_job_last_success_timestamp_seconds",
        "When each periodic job last finished successfully (Unix time; 0 = never).",
        ["job"],
        [(name, finished[p].timestamp() if finished.get(p) else 0) for name, p in paths.items()],
    )


def _task_queue(now) -> tuple[int, float]:
    """(tasks waiting, seconds the oldest has waited) on the configured backend."""
    if settings.TASK_BACKEND == "rq":
        # Imported here: django-rq is only needed when the RQ backend is chosen.
        import django_rq

        queue = django_rq.get_queue("default")
        oldest = queue.get_jobs(0, 1)
        enqueued = oldest[0].enqueued_at if oldest else None
        lag = (now - enqueued).total_seconds() if enqueued else 0.0
        return queue.count, max(lag, 0.0)
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lte=now
    ).aggregate(n=Count("id"), oldest=Min("run_after"))
    lag = (now - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    return waiting["n"], lag


def record_task_run(sender, task_result, **kwargs) -> None:
    """django-tasks ``task_finished`` receiver: remember the last success of each task."""
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        TaskRun.objects.update_or_create(
            task_path=task_result.task.module_path,
            defaults={"last_success_at": task_result.finished_at or timezone.now()},
        )


metric_collectors.contribute("core", core_metrics, order=10)


class _Database:
    """A collector that asks every contributed function at scrape time."""

    def collect(self) -> Iterable[Metric]:
        for collect in metric_collectors:
            yield from collect()


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def exposition() -> bytes:
    served = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        served = CollectorRegistry()
        multiprocess.MultiProcessCollector(served)
    database = CollectorRegistry()
    database.register(_Database())
    return generate_latest(served) + generate_latest(database)


def metrics_response(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# Methods a request is counted under; any other (a client may send any token) is "other",
# so a stranger cannot add label sets, each a series held in memory, at will.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsMiddleware:
    """Times every request by the view that answered it (after routing). The histogram's
    children are kept per label set (views, methods and status classes are few), saving
    the registry's look-up and lock on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.children: dict[tuple[str, str, int], Any] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        method = request.method if request.method in _METHODS else "other"
        key = (view, method, response.status_code // 100)
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = HTTP_LATENCY.labels(view, method, f"{key[2]}xx")
        child.observe(time.perf_counter() - started)
        return response
