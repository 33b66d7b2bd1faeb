"""What notify adds to the apps below it: it tells customers about resolved requests and
order milestones (events), delivers the outbox (a background loop) and shows
notifications on the customer record, the order page and under each reply.
Wired in ``NotifyConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client.metrics_core import Metric

from clientfocus.core.events import subscribe
from clientfocus.core.extensions import Panel
from clientfocus.core.health import readiness_checks
from clientfocus.core.metrics import gauge, metric_collectors
from clientfocus.core.scheduler import BackgroundLoop, background_loops
from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.extensions import (
    TimelineItem,
    newest_first,
    record_panels,
    timeline_sources,
)
from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import erasers, retention_sweeps
from clientfocus.notify import privacy as notify_privacy
from clientfocus.notify.delivery import OutboxDeliverer
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.notify.permissions import notifications_visible_to
from clientfocus.notify.selectors import for_customer, for_order
from clientfocus.notify.services import notify_for_milestone, notify_for_resolved_request
from clientfocus.orders.events import MilestoneRecorded
from clientfocus.orders.extensions import order_panels
from clientfocus.orders.models import Order
from clientfocus.service.events import RequestResolved
from clientfocus.service.extensions import MessagePart, message_parts

DUE_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)


def on_request_resolved(event: RequestResolved) -> None:
    notify_for_resolved_request(event.request, now=event.at)


def on_milestone_recorded(event: MilestoneRecorded) -> None:
    notify_for_milestone(event.milestone)


def customer_notifications(request: HttpRequest, *, customer: Customer) -> dict:
    return {"notifications": list(for_customer(customer.pk, user=request.user, limit=20))}


def order_notifications(request: HttpRequest, *, order: Order) -> dict:
    return {"notifications": list(for_order(order.pk, user=request.user))}


def notifications(
    customer: Customer, *, user, limit: int, before: datetime | None
) -> list[TimelineItem]:
    # A notification about a request the reader may not see would name it: left out.
    rows = notifications_visible_to(user, Notification.objects.filter(customer=customer))
    return [
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
        for n in newest_first(rows.select_related("order"), before=before, limit=limit)
    ]


def outbox_problem() -> str | None:
    """The outbox is stuck when a message has been due for longer than
    OUTBOX_STUCK_SECONDS (quiet hours and retry back-off move the due time, not this)."""
    limit = timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_SECONDS)
    oldest = (
        Notification.objects.filter(state__in=DUE_STATES, next_attempt_at__lt=limit)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    return f"outbox stuck: a message has been due since {oldest:%Y-%m-%d %H:%M} UTC"


def outbox_metrics() -> Iterable[Metric]:
    now = timezone.now()
    waiting = (
        Notification.objects.filter(state__in=DUE_STATES)
        .order_by()
        .values("channel")
        .annotate(n=Count("id"), oldest=Min("next_attempt_at"))
    )
    rows = list(waiting)
    yield gauge("clientfocus_outbox_depth", "Messages waiting to be sent, by channel.",
                ["channel"], [(r["channel"], r["n"]) for r in rows])  # fmt: skip
    yield gauge(
        "clientfocus_outbox_oldest_due_seconds",
        "How long the oldest message that is due has waited, by channel (0: none due).",
        ["channel"],
        [(r["channel"], max((now - r["oldest"]).total_seconds(), 0.0)) for r in rows],
    )
    dead = (
        Notification.objects.filter(state=DeliveryState.DEAD)
        .order_by()
        .values_list("channel")
        .annotate(n=Count("id"))
    )
    yield gauge("clientfocus_notifications_dead", "Messages that failed for good, by channel.",
                ["channel"], dead)  # fmt: skip


def notifications_export(customer: Customer) -> Iterable[ExportSection]:
    """What we sent them; one-time codes and personal links are left out (they were
    secrets, and are expired or revoked by now)."""
    rows = Notification.objects.filter(customer=customer).order_by("created_at", "id")
    yield ExportSection("notifications", [
        {"at": n.created_at, "channel": n.channel, "to": n.recipient,
         "subject": n.subject_for_staff, "text": n.body_for_staff, "state": n.state,
         "sent_at": n.sent_at}
        for n in rows
    ])  # fmt: skip


def wire() -> None:
    erasers.contribute("notify.notifications", notify_privacy.erase, order=40)
    retention_sweeps.contribute("notify.notifications", notify_privacy.retention, order=40)
    export_sections.contribute("notify.notifications", notifications_export, order=40)
    metric_collectors.contribute("notify.outbox", outbox_metrics, order=30)
    # Inside the transaction: the outbox rows commit with the resolution or milestone.
    subscribe(RequestResolved, on_request_resolved)
    subscribe(MilestoneRecorded, on_milestone_recorded)
    background_loops.contribute("notify.outbox", BackgroundLoop("notify.outbox", OutboxDeliverer))
    readiness_checks.contribute("notify.outbox", outbox_problem)
    record_panels.contribute(
        "notify.notifications",
        Panel("notify/_customer_panel.html", customer_notifications),
        order=20,
    )
    order_panels.contribute(
        "notify.notifications", Panel("notify/_order_panel.html", order_notifications), order=10
    )
    timeline_sources.contribute("notify.notifications", notifications, order=40)
    message_parts.contribute(
        "notify.deliveries",
        MessagePart("notify/_message_deliveries.html", prefetch=("deliveries",)),
        order=10,
    )
