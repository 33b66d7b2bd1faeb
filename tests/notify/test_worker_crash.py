"""Real worker processes deliver in parallel; one is killed with SIGKILL mid-delivery.
Nothing is lost, and a receiver that honours the idempotency key sees each message once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from clientfocus.notify import services
from clientfocus.notify.models import DeliveryState, Notification
from tests.processes import child_env, database_url, webhook_receiver


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "clientfocus.cli", "worker", "--no-scheduler", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_a_worker_loses_nothing(transactional_db, company):
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes need PostgreSQL")
    # A slow receiver, so the kill lands mid-delivery.
    with webhook_receiver(delay=0.05) as (url, received):
        notes = [services.enqueue(channel="webhook", recipient=url, body=str(i))
                 for i in range(60)]  # fmt: skip
        env = child_env(
            DATABASE_URL=database_url(),
            SECRET_KEY="crash-test",
            ALLOW_INTERNAL_URLS="1",
            NOTIFY_LEASE_SECONDS="2",
            OUTBOUND_WEBHOOK_SECRET="s",
        )
        workers = [start_worker(env), start_worker(env)]
        try:
            deadline = time.monotonic() + 60
            while sum(received.values()) < 10 and time.monotonic() < deadline:
                time.sleep(0.02)
            workers[0].send_signal(signal.SIGKILL)  # mid-delivery: it holds claimed rows
            workers[0].wait(timeout=10)
            while time.monotonic() < deadline:
                if not Notification.objects.exclude(state=DeliveryState.SENT).exists():
                    break
                time.sleep(0.2)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
                    worker.wait(timeout=10)
    assert not Notification.objects.exclude(state=DeliveryState.SENT).exists()
    keys = {str(n.key) for n in notes}
    # At least once: every notification reached the receiver …
    assert set(received) == keys
    # … and only what the killed worker had in hand could arrive twice; a receiver that
    # honours the idempotency key (counts distinct keys) shows each exactly once.
    assert sum(received.values()) - len(keys) <= 50
