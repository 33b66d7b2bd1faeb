"""What the voice app adds to the apps below it: a survey after a resolved request or a
delivered order (events), its periodic jobs, and what customers said on the customer
record, the request page and the timeline. Wired in ``VoiceConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import HttpRequest

from clientfocus.core.events import subscribe
from clientfocus.core.extensions import Panel
from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.extensions import (
    TimelineItem,
    newest_first,
    record_panels,
    timeline_sources,
)
from clientfocus.customers.models import Customer
from clientfocus.customers.permissions import can_edit_customers
from clientfocus.customers.privacy import erasers, retention_sweeps
from clientfocus.orders.events import MilestoneRecorded
from clientfocus.orders.models import Milestone
from clientfocus.service.events import RequestResolved
from clientfocus.service.extensions import request_panels
from clientfocus.service.models import Request
from clientfocus.voice import privacy as voice_privacy
from clientfocus.voice import services
from clientfocus.voice.models import FeedbackItem, SurveyInvitation
from clientfocus.voice.permissions import feedback_visible_to
from clientfocus.voice.selectors import feedback_list
from clientfocus.voice.tasks import voice_daily, voice_frequent, voice_hourly


def on_request_resolved(event: RequestResolved) -> None:
    request = event.request
    if request.customer_id:
        services.invite(
            trigger="request_resolved", customer=request.customer, request=request, now=event.at
        )
    elif request.requesting_department_id:
        services.invite_internal(request, now=event.at)


def on_milestone_recorded(event: MilestoneRecorded) -> None:
    if event.milestone.kind == Milestone.DELIVERED:
        services.invite(trigger="order_delivered", customer=event.order.customer, order=event.order)


def customer_feedback(request: HttpRequest, *, customer: Customer) -> dict:
    items = feedback_visible_to(request.user, feedback_list(customer_id=customer.pk))
    return {"feedback": list(items[:10]), "can_edit": can_edit_customers(request.user)}


def request_feedback(request: HttpRequest, *, req: Request) -> dict | None:
    if req.customer_id is None:
        return None
    return {"feedback": list(FeedbackItem.objects.filter(request=req))}


def feedback(
    customer: Customer, *, user, limit: int, before: datetime | None
) -> list[TimelineItem]:
    items = feedback_visible_to(user, FeedbackItem.objects.filter(customer=customer))
    return [
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
        for f in newest_first(items.select_related("recorded_by"), before=before, limit=limit)
    ]


def feedback_export(customer: Customer) -> Iterable[ExportSection]:
    items = (
        FeedbackItem.objects.filter(customer=customer)
        .prefetch_related("tags__theme")
        .order_by("created_at", "id")
    )
    yield ExportSection("feedback", [
        {"at": f.created_at, "source": f.source, "text": f.text, "language": f.language,
         "sentiment": f.sentiment, "score_kind": f.score_kind, "score": f.score,
         "themes": [t.theme.name for t in f.tags.all() if t.active]}
        for f in items
    ])  # fmt: skip
    invitations = SurveyInvitation.objects.filter(customer=customer).select_related("survey")
    yield ExportSection("survey_invitations", [
        {"at": i.created_at, "survey": i.survey.name, "state": i.state,
         "expires_at": i.expires_at}
        for i in invitations.order_by("created_at", "id")
    ])  # fmt: skip


def wire() -> None:
    erasers.contribute("voice.feedback", voice_privacy.erase, order=60)
    retention_sweeps.contribute("voice.feedback", voice_privacy.retention, order=60)
    export_sections.contribute("voice.feedback", feedback_export, order=60)
    # Inside the transaction: the invitation and its outbox row commit with the fact.
    subscribe(RequestResolved, on_request_resolved)
    subscribe(MilestoneRecorded, on_milestone_recorded)
    for order, (name, every, job) in enumerate(
        (
            ("voice.frequent", 300, voice_frequent),
            ("voice.hourly", 3600, voice_hourly),
            ("voice.daily", 24 * 3600, voice_daily),
        )
    ):
        periodic_jobs.contribute(name, PeriodicJob(name, every, job.enqueue), order=30 + order)
    record_panels.contribute(
        "voice.feedback", Panel("voice/_customer_panel.html", customer_feedback), order=10
    )
    request_panels.contribute(
        "voice.feedback", Panel("voice/_request_panel.html", request_feedback, region="side")
    )
    timeline_sources.contribute("voice.feedback", feedback, order=50)
