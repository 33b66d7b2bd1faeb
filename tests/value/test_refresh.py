"""`value refresh`: figures per customer from the stored orders, shown and served."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clientfocus.orders.models import Order
from clientfocus.value.lifetime import BGNBD, GammaGamma, simulate_bgnbd, simulate_spend
from clientfocus.value.models import CustomerValue, ValueFit
from tests.factories import CustomerFactory


@pytest.fixture
def history(company):
    """120 customers whose purchases follow the CDNOW models over 52 weeks."""
    now = timezone.now()
    rng = np.random.default_rng(5)
    customers = [CustomerFactory(tier=company.standard) for _ in range(120)]
    ages = rng.uniform(20, 52, len(customers))
    x, t_x, T = simulate_bgnbd(BGNBD(0.5, 4.0, 0.8, 2.4), len(customers), ages, seed=5)
    spend = simulate_spend(GammaGamma(6.0, 3.7, 15.0), x, seed=5)
    orders = []
    for i, customer in enumerate(customers):
        first = now - timedelta(weeks=float(T[i]))
        orders.append(
            Order(order_id=f"H-{i}-0", customer=customer, placed_at=first, amount=Decimal("25.00"))
        )
        for k in range(int(x[i])):
            when = first + timedelta(weeks=float(t_x[i]) * (k + 1) / x[i])
            orders.append(
                Order(
                    order_id=f"H-{i}-{k + 1}",
                    customer=customer,
                    placed_at=when,
                    amount=Decimal(str(round(max(float(spend[i]), 1.0), 2))),
                )
            )
    Order.objects.bulk_create(orders)
    return customers, now


def test_refresh_stores_figures_for_every_buyer(history):
    customers, _ = history
    call_command("value", "refresh", "--no-progress")
    assert CustomerValue.objects.count() == len(customers)
    fit = ValueFit.objects.latest()
    assert fit.bgnbd and fit.customers == len(customers)
    figures = CustomerValue.objects.get(customer=customers[0])
    assert figures.orders >= 1 and figures.revenue > 0
    assert 0 <= figures.p_alive <= 1
    assert figures.segment and 1 <= figures.recency_score <= 5
    repeaters = CustomerValue.objects.filter(purchase_days__gt=1)
    if fit.gammagamma:
        assert all(v.lifetime_value_12m > 0 for v in repeaters)
    again = call_command("value", "refresh", "--no-progress")
    del again
    assert CustomerValue.objects.count() == len(customers)


def test_cancelled_and_future_orders_do_not_count(company):
    customer = CustomerFactory(tier=company.standard)
    now = timezone.now()
    Order.objects.create(
        order_id="X-1", customer=customer, placed_at=now - timedelta(days=30), amount=Decimal("10")
    )
    Order.objects.create(
        order_id="X-2",
        customer=customer,
        placed_at=now - timedelta(days=10),
        amount=Decimal("99"),
        status="cancelled",
    )
    from clientfocus.value.services import refresh_values

    result = refresh_values(now=now)
    figures = CustomerValue.objects.get(customer=customer)
    assert figures.orders == 1 and figures.revenue == Decimal("10.00")
    # One buyer without repeat purchases cannot identify the purchase model.
    assert figures.p_alive is None and "not identified" in result.fit.note


def test_value_on_the_record_and_the_api(history, web_as, api_as, company):
    customers, _ = history
    call_command("value", "refresh", "--no-progress")
    page = web_as(company.manager).get(f"/customers/{customers[0].public_id}/").content.decode()
    assert 'data-testid="value"' in page and "RFM" in page
    body = api_as(company.manager).get(f"/api/customers/{customers[0].public_id}/value").json()
    assert body["orders"] >= 1 and len(body["rfm"]) == 3
    nobody = CustomerFactory(tier=company.standard)
    assert (
        api_as(company.manager).get(f"/api/customers/{nobody.public_id}/value").status_code == 404
    )


def test_refresh_keeps_the_figures_indexes_and_exact_revenue(history):
    """The bulk path drops the figures' indexes (the primary key's too) while it writes
    and builds them again: afterwards they are the ones the migrations made; revenue is
    the exact sum of the orders (no round trip through floating point) and the first and
    last purchase the orders' own moments, to the microsecond."""
    customers, _ = history

    def indexes() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            return sorted(
                (index.name if hasattr(index, "name") else index, str(definition))
                for index, definition in connection.introspection.get_constraints(
                    cursor, CustomerValue._meta.db_table
                ).items()
            )

    before = indexes()
    call_command("value", "refresh", "--no-progress")
    call_command("value", "refresh", "--no-progress")
    assert indexes() == before
    assert {"value_clv_desc", "value_segment"} <= {name for name, _ in before}
    for customer in customers[:10]:
        total = sum(
            Order.objects.filter(customer=customer).values_list("amount", flat=True), Decimal(0)
        )
        figures = CustomerValue.objects.get(customer=customer)
        assert figures.revenue == total
        moments = Order.objects.filter(customer=customer).values_list("placed_at", flat=True)
        assert (figures.first_order_at, figures.last_order_at) == (min(moments), max(moments))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parts are PostgreSQL's")
@pytest.mark.parametrize("workers", [0, 1, 2, 5])
def test_the_full_aggregate_is_cut_into_contiguous_ranges_run_at_once(history, workers):
    """One range per process PostgreSQL may run a query's parts in; together they hold
    every customer with orders once, and the figures are those of one range."""
    from clientfocus.value import bulk

    with connection.cursor() as cursor:
        cursor.execute(f"SET max_parallel_workers_per_gather = {workers}")
    ranges = bulk.customer_ranges()
    assert len(ranges) == workers + 1
    ids = sorted(set(Order.objects.values_list("customer_id", flat=True)))
    if workers == 0:
        assert ranges == [("", [])]
    else:  # open-ended at both ends, each cut where the next range starts
        cuts = [values[-1] for _, values in ranges[:-1]]
        assert ranges[0] == ("AND customer_id < %s", cuts[:1])
        assert ranges[-1] == ("AND customer_id >= %s", cuts[-1:])
        middle = [values for _, values in ranges[1:-1]]
        assert middle == [list(pair) for pair in itertools.pairwise(cuts)]
        assert ids[0] < cuts[0] and cuts == sorted(set(cuts)) and cuts[-1] <= ids[-1]
    call_command("value", "refresh", "--no-progress")
    figures = sorted(CustomerValue.objects.values_list("customer_id", "purchase_days", "revenue"))
    assert len(figures) == len(ids)
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    call_command("value", "refresh", "--no-progress")
    again = sorted(CustomerValue.objects.values_list("customer_id", "purchase_days", "revenue"))
    assert again == figures


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the packed read is PostgreSQL's")
def test_the_summaries_read_in_many_packed_values_are_those_read_in_one(history, monkeypatch):
    """The aggregate comes back as one binary value per group of customer ids (a value
    is at most 1 GB): many small groups give the figures one group gives."""
    from clientfocus.value import bulk

    call_command("value", "refresh", "--no-progress")
    columns = [f.attname for f in CustomerValue._meta.concrete_fields if f.name != "computed_at"]
    figures = sorted(CustomerValue.objects.values_list(*columns))
    monkeypatch.setattr(bulk, "READ_GROUP", 3)
    call_command("value", "refresh", "--no-progress")
    assert sorted(CustomerValue.objects.values_list(*columns)) == figures


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parts are PostgreSQL's")
def test_an_order_stored_while_the_ranges_are_cut_still_counts(history, company, monkeypatch):
    """The outer ranges are open-ended: a new customer's order stored between cutting the
    ranges and aggregating (a higher id than any seen) is in the refresh."""
    from clientfocus.value import bulk

    cut = bulk.customer_ranges
    newcomer = CustomerFactory(tier=company.standard)

    def cut_then_order():
        ranges = cut()
        Order.objects.create(
            order_id="LATE-1",
            customer=newcomer,
            placed_at=timezone.now() - timedelta(days=2),
            amount=Decimal("12.34"),
        )
        return ranges

    monkeypatch.setattr(bulk, "customer_ranges", cut_then_order)
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 2")
    call_command("value", "refresh", "--no-progress")
    assert CustomerValue.objects.get(customer=newcomer).revenue == Decimal("12.34")
