"""What the value app adds to the apps below it: the nightly refresh and the value card
(with recent orders) on the customer record. Wired in ``ValueConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from clientfocus.core.extensions import Panel
from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.extensions import record_panels
from clientfocus.customers.models import Customer
from clientfocus.orders.selectors import customer_orders
from clientfocus.value.permissions import can_see_value
from clientfocus.value.services import value_of
from clientfocus.value.tasks import nightly_value_run


def customer_value(request: HttpRequest, *, customer: Customer) -> dict:
    shows_value = can_see_value(request.user, customer)
    return {
        "value": value_of(customer.pk) if shows_value else None,
        "value_hidden": not shows_value,
        "recent_orders": list(customer_orders(customer.pk, limit=10)),
    }


def value_export(customer: Customer) -> Iterable[ExportSection]:
    """The figures computed about them (profiling: GDPR art. 15 (1)(h) asks for it)."""
    figures = value_of(customer.pk)
    fields = ["orders", "revenue", "first_order_at", "last_order_at", "segment", "p_alive",
              "expected_purchases_12m", "expected_spend", "lifetime_value_12m",
              "cost_to_serve", "profitability", "computed_at"]  # fmt: skip
    records = [{f: getattr(figures, f) for f in fields}] if figures else []
    yield ExportSection("value", records)


def wire() -> None:
    export_sections.contribute("value.value", value_export, order=50)
    # Once per UTC day, at the first scheduler tick after midnight.
    periodic_jobs.contribute(
        "value.nightly",
        PeriodicJob("value.nightly", 24 * 3600, nightly_value_run.enqueue),
        order=20,
    )
    record_panels.contribute(
        "value.value",
        Panel("value/_customer_panel.html", customer_value, region="summary"),
        order=10,
    )
