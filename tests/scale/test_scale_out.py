"""Scale out: two `clientfocus serve` and two `clientfocus worker` processes share one
PostgreSQL. Requests are opened and resolved through both web processes; every
resolution's webhook reaches the receiver (no notification lost, each idempotency key
once), and the periodic jobs both schedulers race for run once per slot (no job twice)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from clientfocus.core.models import ApiToken, ScheduledSlot, WorkerHeartbeat
from clientfocus.notify.models import DeliveryState, Notification, NotificationRule
from tests.processes import child_env, database_url, webhook_receiver

REQUESTS = 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def post(url: str, token: str, data: dict) -> tuple[int, dict]:
    sent = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
    })  # fmt: skip
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {"error": exc.read().decode()}


@pytest.fixture
def receiver():
    with webhook_receiver() as found:
        yield found


def test_two_web_and_two_worker_processes_share_one_database(
    transactional_db, company, receiver, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: PostgreSQL")
    url, received = receiver
    rule = NotificationRule.objects.create(
        name="Resolved", event="request_resolved", channel="webhook", webhook_url=url
    )
    for language in ("en", "lt"):
        rule.templates.create(language=language, subject="{{ request_reference }}",
                              body="{{ request_reference }} resolved")  # fmt: skip
    _, token = ApiToken.issue(user=company.agent)
    env = child_env(
        DATABASE_URL=database_url(),
        SECRET_KEY="scale-out-test",
        ALLOW_INTERNAL_URLS="1",
        OUTBOUND_WEBHOOK_SECRET="s",
        TASK_BACKEND="database",
        CLIENTFOCUS_DATA_DIR=str(tmp_path),
    )
    ports = [free_port(), free_port()]
    logs = tmp_path / "logs"
    logs.mkdir()

    def spawn(name: str, *args: str) -> subprocess.Popen:
        log = (logs / f"{name}.log").open("w")
        return subprocess.Popen([sys.executable, "-m", "clientfocus.cli", *args], env=env,
                                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip

    processes = [spawn(f"web{n}", "serve", "--port", str(p), "--workers", "1")
                 for n, p in enumerate(ports)]  # fmt: skip
    processes += [spawn(f"worker{n}", "worker", "--interval", "0.2") for n in (1, 2)]
    try:
        for port in ports:
            wait_until(lambda port=port: answers(port), 60, f"the web process on {port}")
        references = []
        for i in range(REQUESTS):
            base = f"http://127.0.0.1:{ports[i % 2]}/api/requests"
            status, created = post(base, token, {
                "subject": f"Oven {i}", "customer": str(company.customer.public_id),
                "queue": company.care_queue.pk, "body": "Neveikia",
            })  # fmt: skip
            assert status == 201, created
            references.append(created["reference"])
        for i, reference in enumerate(references):
            # Resolved through the other web process than the one that opened it.
            base = f"http://127.0.0.1:{ports[(i + 1) % 2]}/api/requests"
            status, resolved = post(f"{base}/{reference}/state", token, {"state": "resolved"})
            assert status == 200, resolved
        try:
            wait_until(
                lambda: Notification.objects.filter(state=DeliveryState.SENT).count() == REQUESTS,
                90, "every notification to be sent",
            )  # fmt: skip
        except AssertionError:
            states = Counter(Notification.objects.values_list("state", "last_error"))
            tails = {p.name: p.read_text()[-2000:] for p in logs.iterdir()}
            raise AssertionError(f"{states}\n{tails}") from None
        # Both schedulers have ticked a few times, racing for the same slots.
        wait_until(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() >= 7, 90,
                   "the periodic jobs")  # fmt: skip
        time.sleep(6)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    notes = Notification.objects.all()
    assert notes.count() == REQUESTS
    assert not notes.exclude(state=DeliveryState.SENT).exists()
    # No notification lost, none delivered twice (nobody was killed here).
    assert set(received) == {str(n.key) for n in notes}
    assert set(received.values()) == {1}
    # No job ran twice: one task per claimed slot, each by one worker.
    slots = dict(ScheduledSlot.objects.values_list("job").annotate(n=Count("id")))
    assert slots["service.sweep_sla"] >= 1
    tasks = Counter(DBTaskResult.objects.values_list("task_path", flat=True))
    assert sum(tasks.values()) == sum(slots.values())
    assert tasks["clientfocus.service.tasks.sweep_sla"] == slots["service.sweep_sla"]
    assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())
    # Both worker processes were alive throughout (each beat its own heartbeat).
    assert WorkerHeartbeat.objects.count() == 2
