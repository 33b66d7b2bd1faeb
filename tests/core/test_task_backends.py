"""The same periodic jobs run through either task backend: django-tasks-db (the default)
or RQ on Redis through django-tasks-rq (TASK_BACKEND=rq)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clientfocus.core import scheduler
from clientfocus.core.models import TaskRun
from clientfocus.core.scheduler import periodic_jobs
from clientfocus.service import services
from clientfocus.service.models import Request

BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}


@pytest.fixture
def backend(request, settings):
    name = request.param
    settings.TASK_BACKEND = name
    settings.TASKS = {"default": {"BACKEND": BACKENDS[name], "QUEUES": ["default"]}}
    if name == "rq":
        import django_rq
        from redis.exceptions import ConnectionError as RedisDown

        connection = django_rq.get_connection("default")
        try:
            connection.flushdb()
        except RedisDown:
            pytest.fail(f"Redis is not reachable at {settings.RQ_QUEUES['default']['URL']}")
        yield name
        connection.flushdb()
    else:
        yield name


def task_paths() -> set[str]:
    return {job.enqueue.__self__.module_path for job in periodic_jobs}


@pytest.mark.parametrize("backend", ["database", "rq"], indirect=True)
def test_worker_batch_runs_every_periodic_job(transactional_db, company, backend, monkeypatch):
    # Both batch runs below happen "in the same minute" whatever the jobs cost (the
    # scorecard's month and the at-risk detection made the first run long enough to
    # cross a minute now and then, and the per-minute sweep ran twice).
    fixed = time.time()

    class SameMinute:
        def __getattr__(self, name):
            return getattr(time, name)

        def time(self) -> float:
            return fixed

    monkeypatch.setattr(scheduler, "time", SameMinute())
    request = services.open_request(
        actor=company.agent,
        customer=company.gold_customer,
        subject="Oven",
        queue=company.care_queue,
        now=timezone.now() - timedelta(hours=3),
    )

    call_command("worker", "--batch", "--interval", "0")

    # The minute's SLA sweep, the day's value run, the three voice jobs, the access-log
    # pruning and the retention run: each ran once, successfully, on this backend.
    assert set(TaskRun.objects.values_list("task_path", flat=True)) == task_paths()
    assert Request.objects.get(pk=request.pk).sla_state == "breached"
    if backend == "database":
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == len(task_paths())
    else:
        import django_rq
        from rq.registry import FailedJobRegistry, FinishedJobRegistry

        queue = django_rq.get_queue("default")
        assert queue.count == 0
        assert FinishedJobRegistry(queue=queue).count == len(task_paths())
        assert FailedJobRegistry(queue=queue).count == 0
        # The same slot is not enqueued twice: a second batch run in the same minute
        # leaves the per-minute sweep alone.
        call_command("worker", "--batch", "--interval", "0")
        assert FinishedJobRegistry(queue=queue).count == len(task_paths())


@pytest.mark.parametrize("backend", ["rq"], indirect=True)
def test_metrics_read_the_rq_queue(db, client, backend, settings):
    from clientfocus.customers.tasks import prune_access_log_task

    settings.METRICS_TOKEN = "t" * 32
    prune_access_log_task.enqueue()
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "t" * 32).content.decode()
    assert "clientfocus_tasks_ready 1.0" in text
