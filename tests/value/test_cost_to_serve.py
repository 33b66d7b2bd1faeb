"""Cost to serve and profitability per customer, segment and tier; the value page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientfocus.core.errors import ServiceError
from clientfocus.orders.models import Order
from clientfocus.people.models import RoleCost
from clientfocus.service import services
from clientfocus.service.selectors import cost_to_serve_by_customer
from clientfocus.value.models import CustomerValue
from clientfocus.value.services import refresh_values


@pytest.fixture
def served(company, settings):
    settings.MINUTES_PER_STAFF_MESSAGE = 6
    settings.DEFAULT_HOURLY_COST = 30
    settings.GROSS_MARGIN = 0.5
    RoleCost.objects.create(role="agent", hourly_cost=Decimal("40"))
    logged = services.open_request(
        actor=company.agent, customer=company.customer, subject="a", queue=company.care_queue
    )
    services.log_time(request=logged, actor=company.agent, minutes=90)
    services.add_message(request=logged, actor=company.agent, body="ignored: time was logged")
    estimated = services.open_request(
        actor=company.agent, customer=company.gold_customer, subject="b", queue=company.care_queue
    )
    services.add_message(request=estimated, actor=company.agent, body="one")
    services.add_message(request=estimated, actor=company.manager, body="two", kind="note")
    return logged, estimated


def test_logged_time_and_estimates_at_role_rates(company, served):
    costs = cost_to_serve_by_customer()
    assert costs[company.customer.pk] == pytest.approx(90 / 60 * 40)
    # 6 minutes at the agent rate (40/h) + 6 minutes at the default rate (30/h, managers).
    assert costs[company.gold_customer.pk] == pytest.approx(0.1 * 40 + 0.1 * 30)


def test_profitability_is_margin_minus_cost(company, served):
    Order.objects.create(
        order_id="M-1",
        customer=company.customer,
        amount=Decimal("200"),
        placed_at=timezone.now() - timedelta(days=20),
    )
    refresh_values()
    buyer = CustomerValue.objects.get(customer=company.customer)
    assert buyer.margin == 100 and buyer.cost_to_serve == 60 and buyer.profitability == 40
    non_buyer = CustomerValue.objects.get(customer=company.gold_customer)
    assert non_buyer.segment == "no purchases" and non_buyer.profitability == -7
    assert (non_buyer.orders, non_buyer.purchase_days, non_buyer.revenue) == (0, 0, 0)
    assert non_buyer.first_order_at is None and non_buyer.last_order_at is None
    assert non_buyer.p_alive is None and non_buyer.lifetime_value_12m is None


def test_time_must_be_whole_minutes_within_a_day(company, served):
    logged, _ = served
    for bad in (0, -5, 24 * 60 + 1):
        with pytest.raises(ServiceError, match="between 1 and"):
            services.log_time(request=logged, actor=company.agent, minutes=bad)


def test_time_through_the_api_and_the_page(company, served, api_as, web_as):
    logged, _ = served
    api = api_as(company.agent)
    assert api.post(f"/api/requests/{logged.reference}/time", {"minutes": 15}).status_code == 201
    assert api.post(f"/api/requests/{logged.reference}/time", {"minutes": 0}).status_code == 422
    outsider = api_as(company.other_agent)
    assert (
        outsider.post(f"/api/requests/{logged.reference}/time", {"minutes": 5}).status_code == 404
    )
    client = web_as(company.agent)
    client.post(f"/requests/{logged.reference}/time/", {"minutes": "20", "note": "call back"})
    assert sorted(logged.time_entries.values_list("minutes", flat=True)) == [15, 20, 90]


def test_value_page_and_summary_for_managers(company, served, web_as, api_as, client):
    Order.objects.create(
        order_id="M-2",
        customer=company.customer,
        amount=Decimal("80"),
        placed_at=timezone.now() - timedelta(days=3),
    )
    refresh_values()
    page = web_as(company.manager).get("/value/").content.decode()
    assert 'data-testid="rfm-grid"' in page and "no purchases" in page
    assert "<dt>Standard</dt><dd>1</dd>" in page and "<dt>Gold</dt><dd>1</dd>" in page
    summary = api_as(company.manager).get("/api/value/summary").json()
    assert {g["name"] for g in summary["segments"]} >= {"no purchases"}
    assert {g["name"] for g in summary["tiers"]} == {"Standard", "Gold"}
    assert summary["revenue_concentration"]["top 1 %"] == 100.0
    assert {t["tier"]: t["customers"] for t in summary["customers_per_tier"]} == {
        "Gold": 1,
        "Standard": 1,
    }
    assert sum(map(sum, summary["rfm_grid"])) == 1
    assert api_as(company.agent).get("/api/value/summary").status_code == 403
    client.force_login(company.agent)
    assert client.get("/value/").status_code == 404
