"""Opening, answering, pausing and resolving requests: the clocks follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.service import services
from clientfocus.service.models import Message, Request, RequestEvent, State
from tests.factories import CalendarFactory, PolicyFactory

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


def open_for(company, customer=None, **kwargs):
    defaults = dict(
        actor=company.agent,
        customer=customer or company.customer,
        subject="Fridge",
        body="It does not cool",
        queue=company.care_queue,
        now=T0,
    )
    defaults.update(kwargs)
    return services.open_request(**defaults)


def test_targets_follow_the_customers_tier(company):
    standard = open_for(company)
    gold = open_for(company, customer=company.gold_customer)
    assert standard.first_response_due == T0 + timedelta(minutes=240)
    assert gold.first_response_due == T0 + timedelta(minutes=60)
    assert gold.resolution_due == T0 + timedelta(minutes=480)
    assert gold.next_response_due is None
    assert gold.tier == company.gold
    assert Request.objects.get(pk=gold.pk).reference == f"REQ-{gold.pk:06d}"


def test_the_most_specific_policy_wins(company):
    PolicyFactory(
        tier=company.gold, priority="urgent", first_response_minutes=15, calendar=CalendarFactory()
    )
    PolicyFactory(tier=None, priority="", first_response_minutes=999, calendar=CalendarFactory())
    urgent = open_for(company, customer=company.gold_customer, priority="urgent")
    normal = open_for(company, customer=company.gold_customer, priority="normal")
    assert urgent.first_response_due == T0 + timedelta(minutes=15)
    assert normal.first_response_due == T0 + timedelta(minutes=60)


def test_opening_records_the_event_and_the_customers_message(company):
    request = open_for(company)
    assert list(RequestEvent.objects.filter(request=request).values_list("kind", flat=True)) == [
        "opened"
    ]
    message = Message.objects.get(request=request)
    assert message.kind == "customer" and "does not cool" in message.body_text
    assert RequestEvent.objects.get(request=request).customer == company.customer


def test_first_reply_stops_the_first_response_clock_and_records_it_met(company):
    request = open_for(company)
    services.add_message(
        request=request, actor=company.agent, body="We are on it", now=T0 + timedelta(minutes=30)
    )
    request.refresh_from_db()
    assert request.state == State.OPEN
    assert request.first_response_due is None
    assert request.first_response_met is True
    assert request.due_at == request.resolution_due


def test_a_late_first_reply_is_recorded_as_missed(company):
    request = open_for(company, customer=company.gold_customer)
    services.add_message(
        request=request, actor=company.agent, body="Sorry", now=T0 + timedelta(minutes=61)
    )
    request.refresh_from_db()
    assert request.first_response_met is False


def test_internal_note_leaves_the_clocks_alone(company):
    request = open_for(company)
    services.add_message(
        request=request,
        actor=company.agent,
        body="call back later",
        kind="note",
        now=T0 + timedelta(minutes=5),
    )
    request.refresh_from_db()
    assert request.first_response_due == T0 + timedelta(minutes=240)
    assert request.state == State.NEW


def test_waiting_on_customer_pauses_and_the_answer_resumes(company):
    request = open_for(company, customer=company.gold_customer)  # resolution 480 min
    services.add_message(
        request=request, actor=company.agent, body="Which model?", now=T0 + timedelta(minutes=10)
    )
    services.change_state(
        request=request,
        actor=company.agent,
        state="waiting_on_customer",
        now=T0 + timedelta(minutes=100),
    )
    request.refresh_from_db()
    assert request.resolution_due is None and request.due_at is None
    assert request.paused_minutes["resolution"] == pytest.approx(380)
    # The customer answers two days later: 380 minutes are left from then on.
    answer = T0 + timedelta(days=2)
    services.receive_customer_message(request=request, body="Model X", now=answer)
    request.refresh_from_db()
    assert request.state == State.OPEN
    assert request.resolution_due == answer + timedelta(minutes=380)
    assert request.next_response_due == answer + timedelta(minutes=60)


def test_resolving_in_time_is_met_and_a_reply_from_the_customer_reopens(company):
    request = open_for(company)
    services.add_message(
        request=request, actor=company.agent, body="Fixed", now=T0 + timedelta(minutes=10)
    )
    services.change_state(
        request=request, actor=company.agent, state="resolved", now=T0 + timedelta(minutes=20)
    )
    request.refresh_from_db()
    assert request.resolution_met is True and request.resolved_at is not None
    assert request.due_at is None
    services.receive_customer_message(
        request=request, body="Still broken", now=T0 + timedelta(minutes=50)
    )
    request.refresh_from_db()
    assert request.state == State.OPEN
    assert request.resolved_at is None
    assert request.resolution_due == T0 + timedelta(minutes=50 + 2400 - 20)


def test_closed_requests_take_no_more_messages_or_states(company):
    request = open_for(company)
    services.change_state(
        request=request, actor=company.agent, state="closed", now=T0 + timedelta(minutes=5)
    )
    with pytest.raises(ServiceError, match="closed"):
        services.add_message(request=request, actor=company.agent, body="hello")
    with pytest.raises(ServiceError, match="cannot become"):
        services.change_state(request=request, actor=company.agent, state="open")
    assert Message.objects.filter(request=request).count() == 1


def test_unknown_states_and_empty_messages_are_refused(company):
    request = open_for(company)
    with pytest.raises(ServiceError, match="unknown state"):
        services.change_state(request=request, actor=company.agent, state="done")
    with pytest.raises(ServiceError, match="empty"):
        services.add_message(request=request, actor=company.agent, body="   ")
    with pytest.raises(ServiceError, match="empty"):
        services.add_message(
            request=request, actor=company.agent, body="<script>x</script>", body_is_html=True
        )


def test_internal_request_gets_the_same_targets(company):
    request = services.open_request(
        actor=company.logistics_staff,
        requesting_department=company.logistics,
        subject="Carrier instructions",
        body="Couriers do not call ahead",
        queue=company.billing_queue,
        now=T0,
    )
    assert request.channel == "internal"
    assert request.tier == company.standard
    assert request.first_response_due == T0 + timedelta(minutes=240)
    # The receiving department's staff answer it like agents do.
    services.add_message(
        request=request, actor=company.billing_staff, body="Checked", now=T0 + timedelta(minutes=30)
    )
    request.refresh_from_db()
    assert request.first_response_met is True
    # The requesting department's reply is the requester's message: the next-response clock runs.
    services.add_message(
        request=request,
        actor=company.logistics_staff,
        body="Thanks, one more",
        now=T0 + timedelta(minutes=40),
    )
    request.refresh_from_db()
    assert request.next_response_due == T0 + timedelta(minutes=280)


def test_department_staff_may_file_only_for_their_department(company):
    with pytest.raises(NotAllowed):
        services.open_request(
            actor=company.logistics_staff,
            requesting_department=company.billing,
            subject="x",
            queue=company.care_queue,
        )
    with pytest.raises(NotAllowed):
        services.open_request(
            actor=company.logistics_staff,
            customer=company.customer,
            subject="x",
            queue=company.care_queue,
        )


def test_a_request_needs_exactly_one_requester(company):
    with pytest.raises(ServiceError) as both:
        services.open_request(
            actor=company.agent,
            customer=company.customer,
            requesting_department=company.care,
            subject="x",
            queue=company.care_queue,
        )
    assert both.value.field == "customer"
    with pytest.raises(ServiceError):
        services.open_request(actor=company.agent, subject="x", queue=company.care_queue)


def test_assigning_to_someone_outside_the_queue_department_is_refused(company):
    request = open_for(company)
    with pytest.raises(ServiceError, match="does not work in"):
        services.assign_request(
            request=request, actor=company.manager, assignee=company.other_agent
        )
    services.assign_request(request=request, actor=company.manager, assignee=company.agent2)
    request.refresh_from_db()
    assert request.assignee == company.agent2
    assert request.notices.filter(recipient=company.agent2, kind="assigned").exists()


def test_request_events_are_append_only(company):
    event = RequestEvent.objects.filter(request=open_for(company)).first()
    event.kind = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_no_policy_means_no_clocks(company):
    from clientfocus.service.models import SlaPolicy

    SlaPolicy.objects.all().delete()
    request = open_for(company)
    assert request.first_response_due is None and request.due_at is None
    services.add_message(request=request, actor=company.agent, body="hi")
    request.refresh_from_db()
    assert request.first_response_met is None
