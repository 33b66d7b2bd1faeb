"""Reads of the customer record: search and the 360° timeline (S18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from clientfocus.customers.models import (
    PHONE_KEY_DIGITS,
    ContactKind,
    ContactPoint,
    Customer,
    normalise_contact,
)


def customers_with_profile() -> QuerySet[Customer]:
    return Customer.objects.select_related("tier", "owner", "company").prefetch_related(
        Prefetch("contacts", queryset=ContactPoint.objects.order_by("position", "id"))
    )


def search_customers(query: str, *, limit: int = 25) -> QuerySet[Customer]:
    """Customers whose name starts with (or contains) ``query``, or who have the e-mail
    or phone number given. Phone numbers match on their digits in any notation."""
    query = (query or "").strip()
    customers = customers_with_profile()
    if not query:
        return customers.order_by("-created_at")[:limit]
    # Each way of matching uses its own index; the ids are merged here.
    ids = set(
        Customer.objects.filter(search_name__startswith=query.casefold())
        .order_by("search_name")
        .values_list("pk", flat=True)[:limit]
    )
    contacts = ContactPoint.objects.none()
    if "@" in query:
        contacts = ContactPoint.objects.filter(
            kind=ContactKind.EMAIL, normalised=normalise_contact(ContactKind.EMAIL, query)
        )
    else:
        digits = normalise_contact(ContactKind.PHONE, query).lstrip("+")
        if len(digits) >= PHONE_KEY_DIGITS:
            contacts = ContactPoint.objects.filter(
                kind=ContactKind.PHONE,
                search_key=digits[-PHONE_KEY_DIGITS:],
                normalised__endswith=digits,
            )
        elif len(digits) >= 5:
            contacts = ContactPoint.objects.filter(
                kind=ContactKind.PHONE, normalised__endswith=digits
            )
    ids.update(contacts.values_list("customer_id", flat=True)[:limit])
    found = customers.filter(pk__in=ids)
    if found.exists() or len(query) < 3:
        return found.order_by("name")
    # Fall back to a substring match on the name ("ivanov" finds "Pavel Ivanov").
    return customers.filter(search_name__contains=query.casefold()).order_by("name")[:limit]


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    source: str  # "customer" or "request"
    data: dict[str, Any]
    actor: str
    request_reference: str = ""
    request_subject: str = ""


def customer_timeline(
    customer: Customer,
    *,
    request_ids_visible,
    limit: int = 100,
    before: datetime | None = None,
) -> list[TimelineItem]:
    """Profile events and the events of the customer's requests visible to the reader,
    newest first, older than ``before`` when given (the next page starts at the last
    item's time). ``request_ids_visible`` is a queryset of request ids the reader may see."""
    from clientfocus.service.models import RequestEvent

    profile_events = customer.events.all()
    request_events = RequestEvent.objects.filter(
        customer=customer, request_id__in=request_ids_visible
    )
    if before is not None:
        profile_events = profile_events.filter(created_at__lt=before)
        request_events = request_events.filter(created_at__lt=before)

    items = [
        TimelineItem(
            at=event.created_at,
            kind=event.kind,
            source="customer",
            data=event.data,
            actor=str(event.actor or ""),
        )
        for event in profile_events.select_related("actor").order_by("-created_at")[:limit]
    ]
    request_events = request_events.select_related("request", "actor").order_by(
        "-created_at", "-id"
    )[:limit]
    items += [
        TimelineItem(
            at=event.created_at,
            kind=event.kind,
            source="request",
            data=event.data,
            actor=str(event.actor or ""),
            request_reference=event.request.reference,
            request_subject=event.request.subject,
        )
        for event in request_events
    ]
    from clientfocus.orders.models import OrderMilestone

    milestones = OrderMilestone.objects.filter(order__customer=customer)
    if before is not None:
        milestones = milestones.filter(occurred_at__lt=before)
    items += [
        TimelineItem(
            at=m.occurred_at,
            kind=f"milestone_{m.kind}",
            source="order",
            data={"order": m.order.order_id, "note": m.note},
            actor="",
            request_reference="",
            request_subject="",
        )
        for m in milestones.select_related("order").order_by("-occurred_at", "-id")[:limit]
    ]
    from django.db.models import Q

    from clientfocus.notify.models import Notification

    # A notification about a request the reader may not see would name it: left out.
    notifications = Notification.objects.filter(customer=customer).filter(
        Q(request__isnull=True) | Q(request_id__in=request_ids_visible)
    )
    if before is not None:
        notifications = notifications.filter(created_at__lt=before)
    items += [
        TimelineItem(
            at=n.created_at,
            kind="notification",
            source="notification",
            data={
                "channel": n.channel,
                "state": n.state,
                "subject": n.subject_for_staff or n.body_for_staff[:80],
                "order": n.order.order_id if n.order else "",
            },
            actor="",
        )
        for n in notifications.select_related("order").order_by("-created_at", "-id")[:limit]
    ]
    from clientfocus.voice.models import FeedbackItem

    feedback = FeedbackItem.objects.filter(customer=customer).filter(
        Q(request__isnull=True) | Q(request_id__in=request_ids_visible)
    )
    if before is not None:
        feedback = feedback.filter(created_at__lt=before)
    items += [
        TimelineItem(
            at=f.created_at,
            kind="feedback",
            source="feedback",
            data={
                "score": f"{f.score_kind.upper()} {f.score}" if f.score_kind else "",
                "text": f.text[:160],
                "language": f.language,
                "sentiment": f.sentiment,
            },
            actor=str(f.recorded_by or ""),
        )
        for f in feedback.select_related("recorded_by").order_by("-created_at", "-id")[:limit]
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def find_contact_by_email(address: str) -> ContactPoint | None:
    """The e-mail contact (with its customer) for this address; the oldest customer's
    when several share it."""
    normalised = normalise_contact(ContactKind.EMAIL, address)
    if not normalised:
        return None
    return (
        ContactPoint.objects.filter(kind=ContactKind.EMAIL, normalised=normalised)
        .select_related("customer__tier")
        .order_by("customer_id")
        .first()
    )


def find_by_email(address: str) -> Customer | None:
    """The customer with this e-mail address among their contacts (the oldest if several)."""
    contact = find_contact_by_email(address)
    return contact.customer if contact else None
