"""Random sequences of what agents and customers do keep the clocks consistent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientfocus.core.errors import ServiceError
from clientfocus.service import services
from clientfocus.service.models import TARGETS, SlaState, State

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

actions = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "reply",
                "note",
                "customer",
                "sweep",
                "waiting_on_customer",
                "open",
                "resolved",
                "closed",
            ]
        ),
        st.integers(min_value=0, max_value=3000),
    ),
    max_size=12,
)


def check_invariants(request) -> None:
    dues = [request.due(t) for t in TARGETS if request.due(t) is not None]
    assert request.due_at == (min(dues) if dues else None)
    if request.state not in (State.NEW, State.OPEN):
        assert not dues, request.state
    else:
        assert request.resolution_due is not None
        assert (request.first_response_due is not None) == (request.first_responded_at is None)
    if request.state == State.CLOSED:
        assert request.paused_minutes == {}
    running_flags = {request.sla_flags.get(t) for t in TARGETS if request.due(t) is not None}
    expected = (
        SlaState.BREACHED
        if SlaState.BREACHED in running_flags
        else SlaState.AT_RISK
        if SlaState.AT_RISK in running_flags
        else SlaState.OK
    )
    assert request.sla_state == expected


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_clocks_stay_consistent(company, steps):
    now = T0
    request = services.open_request(
        actor=company.agent,
        customer=company.gold_customer,
        subject="Property",
        queue=company.care_queue,
        now=now,
    )
    for action, minutes in steps:
        now += timedelta(minutes=minutes)
        try:
            if action == "reply":
                services.add_message(request=request, actor=company.agent, body="r", now=now)
            elif action == "note":
                services.add_message(
                    request=request, actor=company.agent, body="n", kind="note", now=now
                )
            elif action == "customer":
                services.receive_customer_message(request=request, body="c", now=now)
            elif action == "sweep":
                services.sweep_sla(now=now)
                again = services.sweep_sla(now=now)
                assert again.at_risk == again.breached == 0
            else:
                services.change_state(request=request, actor=company.agent, state=action, now=now)
        except ServiceError:
            pass
        request.refresh_from_db()
        check_invariants(request)
