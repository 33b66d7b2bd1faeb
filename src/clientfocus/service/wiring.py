"""What the service desk adds to the apps below it: its periodic sweep, its card and its
events on the customer record. Wired in ``ServiceConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Prefetch
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from prometheus_client.metrics_core import Metric

from clientfocus.core.extensions import Panel
from clientfocus.core.metrics import gauge, metric_collectors
from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.extensions import (
    TimelineItem,
    newest_first,
    record_panels,
    timeline_sources,
)
from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import erasers, retention_sweeps
from clientfocus.service import privacy as service_privacy
from clientfocus.service.models import (
    ACTIVE_STATES,
    BusinessCalendar,
    Message,
    Queue,
    Request,
    RequestEvent,
    SlaPolicy,
    forget_default_queue,
)
from clientfocus.service.permissions import requests_visible_to
from clientfocus.service.selectors import request_list
from clientfocus.service.services import clear_policy_cache
from clientfocus.service.tasks import sweep_sla


def customer_requests(request: HttpRequest, *, customer: Customer) -> dict:
    """The customer's requests the reader may see, and how many others exist."""
    visible = requests_visible_to(request.user).filter(customer=customer)
    hidden = customer.requests.count() - visible.count()
    return {
        "requests": list(request_list(request.user, customer_id=customer.pk)[:50]),
        "hidden_requests": max(hidden, 0),
    }


def request_events(
    customer: Customer, *, user, limit: int, before: datetime | None
) -> list[TimelineItem]:
    events = RequestEvent.objects.filter(
        customer=customer, request_id__in=requests_visible_to(user).values("pk")
    ).select_related("request", "actor")
    return [
        TimelineItem(
            at=event.created_at,
            kind=event.kind,
            source="request",
            data=event.data,
            actor=str(event.actor or ""),
            request_reference=event.request.reference,
            request_subject=event.request.subject,
        )
        for event in newest_first(events, before=before, limit=limit)
    ]


def request_metrics() -> Iterable[Metric]:
    rows = (
        Request.objects.filter(state__in=ACTIVE_STATES)
        .order_by()
        .values_list("queue__name", "tier__code", "sla_state")
        .annotate(n=Count("id"))
    )
    yield gauge(
        "clientfocus_requests_open",
        "Open requests (new, open, waiting on the customer) by queue, tier and target state.",
        ["queue", "tier", "sla"],
        rows,
    )


def requests_export(customer: Customer) -> Iterable[ExportSection]:
    """Every request with its conversation (internal notes included: held data), its
    history and the files, each request's files under attachments/<reference>/."""
    records, files = [], []
    requests = (
        Request.objects.filter(customer=customer)
        .select_related("queue", "tier")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.order_by("created_at", "id").prefetch_related(
                    "attachments"
                ),
            ),
            Prefetch("events", queryset=RequestEvent.objects.order_by("created_at", "id")),
        )
        .order_by("created_at", "id")
    )
    for r in requests:
        messages = []
        for m in r.messages.all():
            names = []
            for a in m.attachments.all():
                path = f"attachments/{r.reference}/{a.public_id}-{a.filename}"
                files.append((path, a.file.open))
                names.append({"filename": a.filename, "size": a.size, "path": path})
            messages.append({"at": m.created_at, "kind": m.kind, "author": m.author_name,
                             "channel": m.channel, "text": m.body_text,
                             "files": names})  # fmt: skip
        records.append({
            "reference": r.reference, "subject": r.subject, "state": r.state,
            "channel": r.channel, "queue": r.queue.name, "tier": r.tier.code if r.tier else None,
            "opened_at": r.created_at, "resolved_at": r.resolved_at, "closed_at": r.closed_at,
            "messages": messages,
            "history": [{"at": e.created_at, "what": e.kind, "data": e.data}
                        for e in r.events.all()],
        })  # fmt: skip
    yield ExportSection("requests", records, files)


def wire() -> None:
    erasers.contribute("service.requests", service_privacy.erase, order=20)
    retention_sweeps.contribute("service.requests", service_privacy.retention, order=20)
    export_sections.contribute("service.requests", requests_export, order=20)
    metric_collectors.contribute("service.requests", request_metrics, order=20)
    # Cached lookups forget what changed.
    post_save.connect(forget_default_queue, sender=Queue, dispatch_uid="default-queue")
    post_delete.connect(forget_default_queue, sender=Queue, dispatch_uid="default-queue-d")
    for model in (SlaPolicy, BusinessCalendar):
        post_save.connect(clear_policy_cache, sender=model, dispatch_uid=f"policy-{model.__name__}")
        post_delete.connect(
            clear_policy_cache, sender=model, dispatch_uid=f"policy-d-{model.__name__}"
        )
    periodic_jobs.contribute(
        "service.sweep_sla", PeriodicJob("service.sweep_sla", 60, sweep_sla.enqueue), order=10
    )
    record_panels.contribute(
        "service.requests",
        Panel("service/_customer_requests.html", customer_requests, region="summary"),
        order=20,
    )
    timeline_sources.contribute("service.request_events", request_events, order=20)
