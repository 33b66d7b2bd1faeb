"""The sweep warns before a breach, marks the breach, notifies, and never repeats itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clientfocus.service import services
from clientfocus.service.models import AgentNotice, RequestEvent, SlaState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def gold_request(company, **kwargs):
    request = services.open_request(
        actor=company.agent,
        customer=company.gold_customer,
        subject="Oven",
        queue=company.care_queue,
        now=T0,
        **kwargs,
    )
    return request


def test_at_risk_when_a_quarter_is_left_then_breached(company):
    request = gold_request(company, assignee=company.agent)  # first response: 60 min
    assert services.sweep_sla(now=T0 + timedelta(minutes=40)).at_risk == 0
    result = services.sweep_sla(now=T0 + timedelta(minutes=46))
    assert result.at_risk == 1
    request.refresh_from_db()
    assert request.sla_state == SlaState.AT_RISK
    result = services.sweep_sla(now=T0 + timedelta(minutes=61))
    assert result.breached == 1
    request.refresh_from_db()
    assert request.sla_state == SlaState.BREACHED
    assert request.breach_count == 1
    kinds = list(RequestEvent.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds.count("sla_at_risk") == 1 and kinds.count("sla_breached") == 1


def test_assignee_and_their_manager_are_notified(company):
    gold_request(company, assignee=company.agent)
    services.sweep_sla(now=T0 + timedelta(minutes=61))
    recipients = set(
        AgentNotice.objects.filter(kind="sla_breached").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"agent", "manager"}
    assert "other_manager" not in recipients


def test_running_the_sweep_twice_announces_nothing_new(company):
    gold_request(company, assignee=company.agent)
    services.sweep_sla(now=T0 + timedelta(minutes=61))
    before = AgentNotice.objects.count(), RequestEvent.objects.count()
    again = services.sweep_sla(now=T0 + timedelta(minutes=62))
    assert again.breached == 0 and again.at_risk == 0
    assert (AgentNotice.objects.count(), RequestEvent.objects.count()) == before


def test_a_reply_clears_the_warning_and_later_targets_are_still_watched(company):
    request = gold_request(company, assignee=company.agent)
    services.sweep_sla(now=T0 + timedelta(minutes=61))
    services.add_message(
        request=request, actor=company.agent, body="Here", now=T0 + timedelta(minutes=70)
    )
    request.refresh_from_db()
    assert request.sla_state == SlaState.OK
    # Resolution (480 min) breaches later and is announced on its own.
    result = services.sweep_sla(now=T0 + timedelta(minutes=481))
    assert result.breached == 1
    assert RequestEvent.objects.filter(
        request=request, kind="sla_breached", data__target="resolution"
    ).exists()


def test_waiting_requests_are_not_swept(company):
    request = gold_request(company)
    services.change_state(
        request=request,
        actor=company.agent,
        state="waiting_on_customer",
        now=T0 + timedelta(minutes=5),
    )
    assert services.sweep_sla(now=T0 + timedelta(days=3)).checked == 0


def test_concurrent_sweeps_announce_each_breach_once(transactional_db, company):
    """Two workers sweeping at the same moment (PostgreSQL: rows locked and skipped)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip("row locking is exercised on PostgreSQL")
    for i in range(40):
        services.open_request(
            actor=company.agent,
            customer=company.gold_customer,
            subject=f"r{i}",
            queue=company.care_queue,
            now=T0,
        )
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            services.sweep_sla(now=T0 + timedelta(minutes=61), batch_size=7)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    breached = RequestEvent.objects.filter(kind="sla_breached", data__target="first_response")
    assert breached.count() == 40
    assert breached.values("request").distinct().count() == 40


def test_an_overdue_request_stays_overdue_across_a_pause(company):
    request = gold_request(company, assignee=company.agent)  # resolution: 480 min
    services.add_message(
        request=request, actor=company.agent, body="Looking", now=T0 + timedelta(minutes=5)
    )
    services.sweep_sla(now=T0 + timedelta(minutes=500))  # resolution breached
    services.change_state(
        request=request,
        actor=company.agent,
        state="waiting_on_customer",
        now=T0 + timedelta(minutes=540),
    )
    request.refresh_from_db()
    assert request.due_at is None and request.sla_state == SlaState.OK
    answer = T0 + timedelta(days=2)
    services.receive_customer_message(request=request, body="Here you go", now=answer)
    request.refresh_from_db()
    # Still 60 minutes overdue: it sorts first, shows as breached, and is not re-announced.
    assert request.resolution_due == answer - timedelta(minutes=60)
    assert request.sla_state == SlaState.BREACHED
    before = RequestEvent.objects.filter(request=request, kind="sla_breached").count()
    services.sweep_sla(now=answer + timedelta(minutes=5))
    assert RequestEvent.objects.filter(request=request, kind="sla_breached").count() == before
    services.change_state(
        request=request, actor=company.agent, state="resolved", now=answer + timedelta(minutes=90)
    )
    request.refresh_from_db()
    assert request.resolution_met is False


def test_an_at_risk_warning_is_not_repeated_after_a_pause(company):
    request = gold_request(company, assignee=company.agent)  # first response: 60 min
    services.sweep_sla(now=T0 + timedelta(minutes=50))
    services.change_state(
        request=request,
        actor=company.agent,
        state="waiting_on_customer",
        now=T0 + timedelta(minutes=51),
    )
    services.receive_customer_message(request=request, body="?", now=T0 + timedelta(hours=5))
    services.sweep_sla(now=T0 + timedelta(hours=5, minutes=2))
    assert RequestEvent.objects.filter(request=request, kind="sla_at_risk").count() == 1
    request.refresh_from_db()
    assert request.sla_state == SlaState.AT_RISK
    assert request.first_response_due == T0 + timedelta(hours=5, minutes=9)
