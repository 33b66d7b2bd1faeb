"""What grants add below them: the grants on the customer record, on a request and in
the customer's timeline and export, their cost in the value engine's cost to serve, and
the erasure of their free text. Wired in ``GrantsConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.http import HttpRequest

from clientfocus.core.extensions import Panel
from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.extensions import TimelineItem, record_panels, timeline_sources
from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import erasers
from clientfocus.grants import selectors, services
from clientfocus.grants.models import Grant, GrantState, Kind
from clientfocus.grants.permissions import can_grant, can_see_grants
from clientfocus.service.extensions import request_panels
from clientfocus.service.models import Request
from clientfocus.value.extensions import cost_sources

REDACTED = "—"
SHOWN = 20  # grants listed on the record


def customer_grants(request: HttpRequest, *, customer: Customer) -> dict | None:
    if not can_see_grants(request.user):
        return None
    grants = list(selectors.for_customer(customer.pk)[: SHOWN + 1])
    if len(grants) <= SHOWN:  # all of them: the total needs no second query
        total = sum((g.amount for g in grants if g.state == GrantState.APPROVED), Decimal(0))
    else:
        total = Grant.objects.filter(customer=customer, state=GrantState.APPROVED).aggregate(
            s=Sum("amount")
        )["s"]
        grants = grants[:SHOWN]
    return {
        "grants": grants,
        "total": total,
        "kinds": Kind.choices,
        "can_grant": can_grant(request.user),
    }


def request_grants(request: HttpRequest, *, req: Request) -> dict | None:
    if req.customer_id is None or not can_see_grants(request.user):
        return None
    return {
        "grants": list(selectors.for_request(req.pk)),
        "customer": req.customer,
        "kinds": Kind.choices,
        "can_grant": can_grant(request.user),
    }


def timeline(
    customer: Customer, *, user, limit: int, before: datetime | None
) -> list[TimelineItem]:
    if not can_see_grants(user):
        return []
    rows = selectors.for_customer(customer.pk)
    if before is not None:
        rows = rows.filter(created_at__lt=before)
    return [
        TimelineItem(
            at=g.created_at,
            kind=f"grant_{g.state}",
            source="grant",
            data={
                "kind": g.kind,
                "amount": str(g.amount),
                "currency": g.currency,
                "reason": g.reason,
            },
            actor=str(g.granted_by or ""),
            request_reference=g.request.reference if g.request else "",
            request_subject=g.request.subject if g.request else "",
        )
        for g in rows.order_by("-created_at", "-id")[:limit]
    ]


def export(customer: Customer) -> Iterable[ExportSection]:
    yield ExportSection("grants", [
        {"at": g.created_at, "kind": g.kind, "amount": str(g.amount), "currency": g.currency,
         "reason": g.reason, "state": g.state}
        for g in Grant.objects.filter(customer=customer).order_by("created_at", "id")
    ])  # fmt: skip


def erase(customer: Customer) -> dict[str, int]:
    """Amounts stay (the books and the cost to serve need them); the words go."""
    return {
        "grant reasons": Grant.objects.filter(customer=customer)
        .exclude(reason=REDACTED)
        .update(reason=REDACTED, decision_note="")
    }


def wire() -> None:
    cost_sources.contribute("grants", services.costs_by_customer)
    record_panels.contribute(
        "grants", Panel("grants/_customer_panel.html", customer_grants), order=27
    )
    request_panels.contribute(
        "grants", Panel("grants/_request_panel.html", request_grants, region="side"), order=105
    )
    timeline_sources.contribute("grants", timeline, order=70)
    export_sections.contribute("grants", export, order=70)
    erasers.contribute("grants", erase, order=70)
