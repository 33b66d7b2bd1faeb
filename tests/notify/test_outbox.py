"""The outbox delivers at least once, retries with backoff, dead-letters, resends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientfocus.core.signing import sign
from clientfocus.notify import services
from clientfocus.notify.channels import DeliveryError, check_url
from clientfocus.notify.models import DeliveryState, Notification


def test_a_rolled_back_event_sends_nothing(company):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue(
            channel="email", recipient="a@example.com", body="x", customer=company.customer
        )
        raise RuntimeError("the event failed")
    assert Notification.objects.count() == 0


def test_email_reaches_a_real_smtp_server(company, smtp_server):
    note = services.enqueue(
        channel="email",
        recipient="ruta@example.lt",
        subject="Pristatymas",
        body="Kurjeris atvyks 10–12 val.",
        customer=company.customer,
    )
    assert services.deliver_due() == 1
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and note.attempts == 1
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert (
        message["to"] == ["ruta@example.lt"]
        and f"<{note.key}@{settings.MAIL_MESSAGE_ID_DOMAIN}>" in message["data"]
    )


def test_signed_webhook_and_sms_gateway(company, http_receiver, settings):
    settings.OUTBOUND_WEBHOOK_SECRET = "out-secret"
    settings.SMS_GATEWAY_URL = http_receiver.url + "/sms"
    settings.SMS_GATEWAY_TOKEN = "tok"
    hook = services.enqueue(channel="webhook", recipient=http_receiver.url + "/hook", body="hi")
    sms = services.enqueue(channel="sms", recipient="+37060000000", body="Jūsų užsakymas")
    assert services.deliver_due() == 2
    by_path = {r["path"]: r for r in http_receiver.requests}
    hook_request = by_path["/hook"]
    timestamp = hook_request["headers"]["X-Clientfocus-Timestamp"]
    assert hook_request["headers"]["X-Clientfocus-Signature"] == sign(
        "out-secret", timestamp, hook_request["body"]
    )
    assert hook_request["headers"]["Idempotency-Key"] == str(hook.key)
    assert by_path["/sms"]["headers"]["Authorization"] == "Bearer tok"
    assert by_path["/sms"]["json"] == {"to": "+37060000000", "text": "Jūsų užsakymas"}
    assert by_path["/sms"]["headers"]["Idempotency-Key"] == str(sms.key)


def test_failures_back_off_then_dead_letter_then_resend(company, http_receiver, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    http_receiver.statuses = [500, 503, 500]
    note = services.enqueue(channel="webhook", recipient=http_receiver.url, body="x")
    for attempt in range(1, 4):
        Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now())
        assert services.deliver_due() == 0
        note.refresh_from_db()
        assert note.attempts == attempt and "HTTP 5" in note.last_error
    assert note.state == DeliveryState.DEAD
    assert services.deliver_due() == 0  # dead letters wait for staff
    services.resend(notification=note)
    assert services.deliver_due() == 1
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and len(http_receiver.requests) == 4


def test_backoff_grows_and_is_capped(settings):
    settings.NOTIFY_BACKOFF_BASE_SECONDS = 2
    settings.NOTIFY_BACKOFF_CAP_SECONDS = 60
    assert all(services.backoff(1) <= timedelta(seconds=2) for _ in range(50))
    assert all(services.backoff(10) <= timedelta(seconds=60) for _ in range(50))
    assert max(services.backoff(5) for _ in range(200)) > timedelta(seconds=2)


def test_a_crashed_delivery_is_retried_after_its_lease(company, http_receiver):
    note = services.enqueue(channel="webhook", recipient=http_receiver.url, body="x")
    claimed = services.claim_due()
    assert [n.pk for n in claimed] == [note.pk]
    # The worker dies here. Nobody else may take it while the lease runs …
    assert services.claim_due() == []
    # … and after the lease it is delivered, with the same idempotency key.
    later = timezone.now() + services.lease() + timedelta(seconds=1)
    again = services.claim_due(now=later)
    assert [n.key for n in again] == [note.key]
    assert services.deliver(again[0])
    assert http_receiver.keys == {str(note.key)}


def test_internal_addresses_are_refused_unless_allowed(settings):
    settings.ALLOW_INTERNAL_URLS = False
    for url in (
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
    ):
        with pytest.raises(DeliveryError, match="internal address"):
            check_url(url)
    with pytest.raises(DeliveryError, match="http"):
        check_url("file:///etc/passwd")


def test_retry_dead_requeues_everything(company):
    Notification.objects.create(
        channel="email", recipient="x@example.com", body="b", state=DeliveryState.DEAD, attempts=8
    )
    assert services.retry_dead() == 1
    assert Notification.objects.get().state == DeliveryState.PENDING


def test_two_workers_never_claim_the_same_notification(transactional_db, company):
    """PostgreSQL: concurrent claims skip locked rows, so each row goes to one worker."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL")
    for i in range(60):
        services.enqueue(channel="email", recipient=f"c{i}@example.com", body="x")
    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def worker(index: int) -> None:
        barrier.wait()
        try:
            while batch := services.claim_due(limit=7):
                claimed[index] += [n.pk for n in batch]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed[0]) + len(claimed[1]) == 60
    assert not set(claimed[0]) & set(claimed[1])


def test_cli_deliver_and_retry_dead(company, smtp_server, capsys):
    from django.core.management import call_command

    services.enqueue(channel="email", recipient="a@example.com", body="x")
    Notification.objects.create(
        channel="email", recipient="b@example.com", body="y", state=DeliveryState.DEAD, attempts=8
    )
    call_command("notify", "deliver")
    assert "1 notification(s) delivered" in capsys.readouterr().out
    call_command("notify", "retry-dead")
    assert "1 notification(s) queued again" in capsys.readouterr().out
    call_command("notify", "deliver")
    assert len(smtp_server.messages) == 2


def test_the_worker_thread_delivers(transactional_db, company, smtp_server):
    import time

    from clientfocus.notify.delivery import OutboxDeliverer

    note = services.enqueue(channel="email", recipient="a@example.com", body="x")
    deliverer = OutboxDeliverer(idle_seconds=0.05)
    deliverer.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not smtp_server.messages:
            time.sleep(0.05)
    finally:
        deliverer.stop()
        deliverer.join(timeout=5)
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and len(smtp_server.messages) == 1
