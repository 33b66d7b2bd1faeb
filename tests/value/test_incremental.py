"""The nightly value refresh looks again only at customers whose orders or requests
changed, and ends where a full refresh would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientfocus.orders.importing import import_orders_csv
from clientfocus.orders.models import Order
from clientfocus.orders.services import record_milestone
from clientfocus.service import services
from clientfocus.value.models import CustomerValue, ValueFit
from clientfocus.value.refresh import refresh_values
from tests.factories import CustomerFactory
from tests.value.test_refresh import history  # noqa: F401 - the fixture

FIGURES = (
    "orders", "purchase_days", "revenue", "repeat_revenue", "first_order_at", "last_order_at",
    "recency_score", "frequency_score", "monetary_score", "segment", "p_alive",
    "expected_purchases_12m", "expected_spend", "lifetime_value_12m", "staff_cost",
    "cost_to_serve", "margin", "profitability",
)  # fmt: skip


def figures() -> dict[int, tuple]:
    return {
        row[0]: tuple(round(v, 9) if isinstance(v, float) else v for v in row[1:])
        for row in CustomerValue.objects.values_list("customer_id", *FIGURES)
    }


def test_incremental_refresh_ends_where_a_full_one_would(history, company):  # noqa: F811
    customers, now = history
    first = refresh_values()
    assert first.fit.full and first.changed == len(customers)
    before = figures()

    # Changes: new orders for one customer (one of them on a day already counted),
    # a cancellation for another, staff time for a third.
    buyer, canceller, served = customers[0], customers[1], customers[2]
    last = Order.objects.filter(customer=buyer).order_by("-placed_at").first()
    text = (
        "order_id,customer,date,amount\n"
        f"N-1,{buyer.public_id},{(now - timedelta(hours=1)).isoformat()},40.00\n"
        f"N-2,{buyer.public_id},{last.placed_at.isoformat()},7.50\n"
    )
    assert import_orders_csv(text=text, now=now).created == 2
    cancelled = Order.objects.filter(customer=canceller).order_by("placed_at").last()
    record_milestone(order=cancelled, kind="cancelled")
    request = services.open_request(
        actor=company.agent, customer=served, subject="help", queue=company.care_queue
    )
    services.add_message(request=request, actor=company.agent, body="on it")

    later = timezone.now() + timedelta(minutes=1)
    result = refresh_values(now=later)
    assert not result.fit.full
    assert result.changed == 3 and result.customers == len(customers)
    incremental = figures()
    assert incremental[buyer.pk][0] == before[buyer.pk][0] + 2  # orders
    assert incremental[buyer.pk][1] == before[buyer.pk][1] + 1  # one new purchase day
    assert incremental[canceller.pk][2] < before[canceller.pk][2]  # revenue
    assert incremental[served.pk][14] > 0  # staff cost
    # Everybody's predictions moved with the new fit and the calendar.
    assert incremental[customers[5].pk][10] != before[customers[5].pk][10]

    refresh_values(now=later, full=True)
    assert figures() == incremental


def test_a_full_refresh_runs_when_the_last_one_is_old(history, settings):  # noqa: F811
    _customers, now = history
    settings.VALUE_FULL_REFRESH_DAYS = 7
    refresh_values(now=now - timedelta(days=9))
    assert refresh_values(now=now - timedelta(days=8)).fit.full is False
    assert refresh_values(now=now).fit.full is True
    assert ValueFit.objects.filter(full=False).count() == 1


def test_same_day_orders_are_one_purchase_and_the_first_day_is_not_repeat_spend(company):
    customer = CustomerFactory(tier=company.standard)
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for k, (when, amount) in enumerate(
        [(day, "10"), (day + timedelta(hours=5), "15"), (day + timedelta(days=20), "40")]
    ):
        Order.objects.create(
            order_id=f"D-{k}", customer=customer, placed_at=when, amount=Decimal(amount)
        )
    refresh_values(now=day + timedelta(days=60))
    row = CustomerValue.objects.get(customer=customer)
    assert (row.orders, row.purchase_days) == (3, 2)
    assert row.revenue == Decimal("65.00") and row.repeat_revenue == Decimal("40.00")


@pytest.mark.parametrize(("zone", "days"), [("UTC", 1), ("Europe/Vilnius", 2)])
def test_purchase_days_are_days_of_the_company_time_zone(company, zone, days):
    # 20:30 and 23:15 UTC on 2 March are one day in UTC; in Vilnius (UTC+2) the second
    # is already 01:15 on 3 March.
    customer = CustomerFactory(tier=company.standard)
    evening = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    for k, when in enumerate([evening - timedelta(hours=1), evening + timedelta(minutes=105)]):
        Order.objects.create(order_id=f"Z-{k}", customer=customer, placed_at=when, amount=5)
    with timezone.override(zone):
        refresh_values(now=evening + timedelta(days=30))
    assert CustomerValue.objects.get(customer=customer).purchase_days == days
