"""Empowerment: grants within a role's limit at once, above it waiting for someone whose
limit covers it; on the record, the request, the timeline and the cost to serve."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.grants import limits, selectors, services
from clientfocus.grants.models import Grant
from clientfocus.orders.models import Order
from clientfocus.service.models import AgentNotice
from clientfocus.service.services import open_request
from clientfocus.value.extensions import other_costs

pytestmark = pytest.mark.django_db


def test_the_tiers_own_limit_wins_and_no_limit_means_asking():
    general = limits.Limit(Decimal("20"), Decimal("50"), 30)
    gold = limits.Limit(Decimal("100"), None, 30)
    assert limits.pick([(None, general), ("gold", gold)], "gold") is gold
    assert limits.pick([(None, general), ("gold", gold)], "standard") is general
    assert limits.pick([], "gold") is None
    assert limits.judge(general, Decimal("20"), Decimal("30")).within
    assert "per customer" in limits.judge(general, Decimal("20"), Decimal("31")).reason
    assert "per grant" in limits.judge(general, Decimal("21"), Decimal("0")).reason
    assert not limits.judge(None, Decimal("1"), Decimal("0")).within
    assert limits.judge(gold, Decimal("100"), Decimal("1000")).within


@pytest.fixture
def rules(company):
    services.set_limit(
        actor=company.admin, role="agent", kind="goodwill", per_grant=20, per_customer=30
    )
    services.set_limit(
        actor=company.admin, role="agent", kind="goodwill", tier=company.gold, per_grant=50
    )
    services.set_limit(
        actor=company.admin, role="manager", kind="goodwill", per_grant=200, per_customer=500
    )


def test_within_the_limit_at_once_above_it_waits_for_an_approver(company, rules):
    req = open_request(
        actor=company.agent, subject="Late", customer=company.customer, queue=company.care_queue
    )
    first = services.grant(
        actor=company.agent,
        customer=company.customer,
        kind="goodwill",
        amount="15",
        reason="Late delivery",
        request=req,
    )
    assert first.state == "approved" and first.tier_code == "standard"
    second = services.grant(
        actor=company.agent,
        customer=company.customer,
        kind="goodwill",
        amount="16",
        reason="Late again",
    )
    assert second.state == "pending" and "per customer" in second.exceeds
    assert AgentNotice.objects.filter(recipient=company.manager, kind="grant").exists()
    assert not AgentNotice.objects.filter(recipient=company.agent2, kind="grant").exists()
    assert services.pending_for(company.manager) == [second]
    assert services.pending_for(company.agent2) == []  # their limit does not cover it
    with pytest.raises(NotAllowed):
        services.decide(actor=company.agent, grant=second, approve=True)  # not one's own
    with pytest.raises(ServiceError):
        services.decide(actor=company.manager, grant=second, approve=False, note="")
    services.decide(actor=company.manager, grant=second, approve=True, note="fine")
    second.refresh_from_db()
    assert second.state == "approved" and second.decided_by == company.manager
    assert AgentNotice.objects.filter(
        recipient=company.agent, text__startswith="Grant approved"
    ).exists()
    with pytest.raises(ServiceError):
        services.decide(actor=company.manager, grant=second, approve=True)
    # The gold tier's own limit.
    gold = services.grant(
        actor=company.agent,
        customer=company.gold_customer,
        kind="goodwill",
        amount="45",
        reason="Gold goodwill",
    )
    assert gold.state == "approved"
    # No limit for this kind: every refund an agent gives waits.
    refund = services.grant(
        actor=company.agent, customer=company.customer, kind="refund", amount="1", reason="Refund"
    )
    assert refund.state == "pending" and refund.exceeds == "no limit for this role"
    assert (
        services.grant(
            actor=company.admin,
            customer=company.customer,
            kind="refund",
            amount="900",
            reason="Admin",
        ).state
        == "approved"
    )


def test_bad_grants_are_refused_and_nothing_is_stored(company, rules):
    for bad in (
        {"amount": "-1"},
        {"amount": "abc"},
        {"amount": "1.001"},
        {"amount": "NaN"},
        {"amount": "1e9"},
        {"kind": "cash"},
        {"reason": "x"},
        {"currency": "€€€"},
    ):
        kwargs = {"kind": "goodwill", "amount": "5", "reason": "Because", **bad}
        with pytest.raises(ServiceError):
            services.grant(actor=company.agent, customer=company.customer, **kwargs)
    with pytest.raises(NotAllowed):
        services.grant(
            actor=company.logistics_staff,
            customer=company.customer,
            kind="goodwill",
            amount="5",
            reason="Because",
        )
    other = open_request(
        actor=company.agent, subject="x", customer=company.gold_customer, queue=company.care_queue
    )
    with pytest.raises(ServiceError):
        services.grant(
            actor=company.agent,
            customer=company.customer,
            kind="goodwill",
            amount="5",
            reason="Because",
            request=other,
        )
    with pytest.raises(NotAllowed):
        services.set_limit(actor=company.manager, role="agent", kind="refund", per_grant=1)
    assert not Grant.objects.exists()


def test_grants_count_in_the_cost_to_serve_and_the_report_compares(company, rules):
    services.grant(
        actor=company.agent, customer=company.customer, kind="goodwill", amount="15", reason="Late"
    )
    services.grant(
        actor=company.agent, customer=company.customer, kind="refund", amount="5", reason="Waits"
    )
    assert other_costs() == {company.customer.pk: 15.0}
    Order.objects.create(
        order_id="A-1",
        customer=company.customer,
        amount=100,
        placed_at=timezone.now() + timedelta(minutes=1),
    )
    now = timezone.now() + timedelta(days=1)
    found = selectors.report(since=now - timedelta(days=30), until=now, now=now)
    goodwill = next(g for g in found.by_kind_tier if g.key == ("goodwill", "standard"))
    assert goodwill.grants == 1 and goodwill.amount == Decimal("15.00")
    assert goodwill.bought_again_share == 1.0
    assert not found.mature
    (employee,) = found.by_employee
    assert employee.key == ("agent",) and employee.grants == 2 and employee.pending == 1
