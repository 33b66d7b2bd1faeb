"""The customer record, composed (S18): the apps above contribute its cards and the
sources of its one timeline; the customers app draws them without knowing the apps.

Each contribution applies its own app's permission rule for the reader, so the record,
the API timeline and anything else drawn from here show only what the reader may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from clientfocus.core.extensions import ExtensionPoint, Panel
from clientfocus.customers.models import Customer
from clientfocus.customers.services import IMPORT_COLUMNS, import_customers_csv


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    source: str  # "customer", "request", "order", "notification", "feedback", …
    data: dict[str, Any]
    actor: str
    request_reference: str = ""
    request_subject: str = ""


# source(customer, user=…, limit=…, before=…) -> the newest ``limit`` items older than
# ``before`` that ``user`` may see.
TimelineSource = Callable[..., list[TimelineItem]]

record_panels: ExtensionPoint[Panel] = ExtensionPoint(
    "customers.record_panels",
    "Cards on the customer record: region 'summary' beside the profile, 'main' below it.",
)
timeline_sources: ExtensionPoint[TimelineSource] = ExtensionPoint(
    "customers.timeline_sources", "What happened with a customer, newest first, per app."
)


@dataclass(frozen=True)
class Importer:
    """A kind of CSV file `clientfocus import KIND FILE` reads: ``run(text, progress)``
    stores the good rows and returns a one-line summary and the rejected rows as
    (line number, reason)."""

    help: str
    run: Callable[..., tuple[str, list[tuple[int, str]]]]


importers: ExtensionPoint[Importer] = ExtensionPoint(
    "customers.importers", "Kinds of CSV file `clientfocus import` reads (customers, orders)."
)


def customer_timeline(
    customer: Customer, *, user, limit: int = 100, before: datetime | None = None
) -> list[TimelineItem]:
    """Everything that happened with the customer that ``user`` may see, newest first,
    older than ``before`` when given (the next page starts at the last item's time)."""
    items: list[TimelineItem] = []
    for source in timeline_sources:
        items += source(customer, user=user, limit=limit, before=before)
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def newest_first(rows: QuerySet, *, before: datetime | None, limit: int, at: str = "created_at"):
    """A timeline source's page of ``rows``: older than ``before``, newest first."""
    if before is not None:
        rows = rows.filter(**{f"{at}__lt": before})
    return rows.order_by(f"-{at}", "-id")[:limit]


def profile_events(
    customer: Customer, *, user, limit: int, before: datetime | None
) -> list[TimelineItem]:
    events = customer.events.select_related("actor")
    return [
        TimelineItem(
            at=event.created_at,
            kind=event.kind,
            source="customer",
            data=event.data,
            actor=str(event.actor or ""),
        )
        for event in newest_first(events, before=before, limit=limit)
    ]


timeline_sources.contribute("customers.profile", profile_events, order=10)


def import_customers(text: str, progress: Callable[[int], None]) -> tuple[str, list]:
    result = import_customers_csv(text=text, progress=progress)
    summary = f"{result.created} created, {result.updated} updated, {len(result.errors)} rejected"
    return summary, result.errors


importers.contribute(
    "customers",
    Importer(
        "`import customers FILE.csv`: header row with columns "
        + ", ".join(IMPORT_COLUMNS)
        + " (name required; several e-mails or phones separated by ';').",
        import_customers,
    ),
    order=10,
)
