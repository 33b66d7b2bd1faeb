"""/healthz and /readyz as a load balancer and an orchestrator use them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clientfocus.core.models import WorkerHeartbeat
from clientfocus.core.scheduler import Heartbeat
from clientfocus.notify.models import Notification


def test_healthz_answers_without_the_database_and_for_any_host(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get("/healthz", HTTP_HOST="10.1.2.3")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert answer["Cache-Control"] == "no-store"


def test_readyz_wants_a_live_worker(client, db, settings):
    settings.WORKER_STALE_SECONDS = 60
    answer = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["checks"]["worker"] == "no worker seen in the last 60 s"

    heartbeat = Heartbeat()
    heartbeat.beat()
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "worker": "ok",
        "notify.outbox": "ok",
    }
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/readyz").status_code == 503


def test_readyz_sees_a_stuck_outbox(client, db, settings):
    settings.OUTBOX_STUCK_SECONDS = 600
    Heartbeat().beat()
    due_long_ago = timezone.now() - timedelta(minutes=30)
    Notification.objects.create(channel="email", recipient="a@example.com", body="x",
                                next_attempt_at=due_long_ago)  # fmt: skip
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["notify.outbox"].startswith("outbox stuck: a message")
    # Waiting for quiet hours to end is not stuck.
    Notification.objects.update(next_attempt_at=timezone.now() + timedelta(hours=8))
    assert client.get("/readyz").status_code == 200


def test_a_stopped_worker_removes_its_heartbeat(transactional_db):
    heartbeat = Heartbeat()
    heartbeat.start()
    for _ in range(100):
        if WorkerHeartbeat.objects.filter(worker=heartbeat.worker).exists():
            break
        heartbeat.stopping.wait(0.05)
    assert WorkerHeartbeat.objects.filter(worker=heartbeat.worker).exists()
    heartbeat.stop()
    heartbeat.join(5)
    assert not WorkerHeartbeat.objects.filter(worker=heartbeat.worker).exists()
