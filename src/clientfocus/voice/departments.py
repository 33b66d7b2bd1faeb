"""The department scorecard (S1, S15): each department as a supplier of the others
(internal requests received, targets met, internal satisfaction), as a customer of the
others (requests filed, how fast others answered), and the customer-facing measures
its work touches (its queues' customer requests and their satisfaction, plus those
named for it in ``DEPARTMENT_MEASURES``: deliveries on time, complaints of a theme).
Visible to every employee."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from clientfocus.orders.models import Milestone, OrderMilestone
from clientfocus.people.models import Department
from clientfocus.service.models import Request
from clientfocus.voice.models import (
    FeedbackItem,
    Sentiment,
    SurveyResponse,
    Theme,
    normalised,
)

MAX_TIMES = 20_000  # first-response times read per department for the median


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _normalised_avg(rows) -> float | None:
    """The mean of scores of any kind on one scale, 0 (worst) to 1 (best)."""
    values = [normalised(kind, score) for kind, score in rows]
    return round(sum(values) / len(values), 3) if values else None


@dataclass
class Measure:
    key: str
    label: str
    value: float | None
    count: int


@dataclass
class Scorecard:
    department: Department
    received: int = 0
    received_resolved: int = 0
    received_met: float | None = None
    received_first_met: float | None = None
    internal_satisfaction: float | None = None  # 0–1
    internal_answers: int = 0
    filed: int = 0
    filed_answer_hours: float | None = None  # median to a first answer
    filed_met: float | None = None
    customer_requests: int = 0
    customer_met: float | None = None
    customer_satisfaction: float | None = None  # 0–1
    customer_answers: int = 0
    complaints: int = 0
    measures: list[Measure] = field(default_factory=list)


def _targets(requests) -> tuple[int, int, float | None, float | None]:
    row = requests.aggregate(
        n=Count("pk"),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        met=Count("pk", filter=Q(resolution_met=True)),
        judged=Count("pk", filter=Q(resolution_met__isnull=False)),
        first_met=Count("pk", filter=Q(first_response_met=True)),
        first_judged=Count("pk", filter=Q(first_response_met__isnull=False)),
    )
    return (
        row["n"],
        row["resolved"],
        _share(row["met"], row["judged"]),
        _share(row["first_met"], row["first_judged"]),
    )


def _extra(key: str, since: datetime) -> Measure | None:
    if key == "deliveries_on_time":
        delivered = OrderMilestone.objects.filter(kind=Milestone.DELIVERED, occurred_at__gte=since)
        late = OrderMilestone.objects.filter(order_id=OuterRef("order_id"), kind=Milestone.DELAYED)
        row = delivered.aggregate(n=Count("pk"), ok=Count("pk", filter=~Q(Exists(late))))
        return Measure(key, "", _share(row["ok"], row["n"]), row["n"])
    if key.startswith("theme:"):
        theme = Theme.objects.filter(code=key[6:]).first()
        if theme is None:
            return None
        items = FeedbackItem.objects.filter(
            created_at__gte=since, tags__theme=theme, tags__active=True
        )
        row = items.aggregate(
            n=Count("pk", distinct=True),
            negative=Count("pk", filter=Q(sentiment=Sentiment.NEGATIVE), distinct=True),
        )
        return Measure(key, theme.name, _share(row["negative"], row["n"]), row["n"])
    return None


def scorecard(department: Department, *, since: datetime) -> Scorecard:
    card = Scorecard(department)
    received = Request.objects.filter(
        queue__department=department, requesting_department__isnull=False, created_at__gte=since
    )
    card.received, card.received_resolved, card.received_met, card.received_first_met = _targets(
        received
    )
    answers = SurveyResponse.objects.filter(
        invitation__employee__isnull=False,
        invitation__request__queue__department=department,
        answered_at__gte=since,
    ).values_list("invitation__survey__kind", "score")
    answer_rows = list(answers[:MAX_TIMES])
    card.internal_satisfaction, card.internal_answers = (
        _normalised_avg(answer_rows),
        len(answer_rows),
    )
    filed = Request.objects.filter(requesting_department=department, created_at__gte=since)
    card.filed, _resolved, card.filed_met, _first = _targets(filed)
    times = [
        (answered - created).total_seconds() / 3600
        for created, answered in filed.filter(first_responded_at__isnull=False).values_list(
            "created_at", "first_responded_at"
        )[:MAX_TIMES]
        if answered is not None
    ]
    card.filed_answer_hours = round(median(times), 1) if times else None
    customer = Request.objects.filter(
        queue__department=department, customer__isnull=False, created_at__gte=since
    )
    card.customer_requests, _r, card.customer_met, _f = _targets(customer)
    scores = list(
        FeedbackItem.objects.filter(
            request__queue__department=department, created_at__gte=since, score__isnull=False
        )
        .exclude(score_kind="")
        .values_list("score_kind", "score")[:MAX_TIMES]
    )
    card.customer_satisfaction, card.customer_answers = _normalised_avg(scores), len(scores)
    card.complaints = FeedbackItem.objects.filter(
        request__queue__department=department, created_at__gte=since, sentiment=Sentiment.NEGATIVE
    ).count()
    for key in settings.DEPARTMENT_MEASURES.get(department.code, []):
        measure = _extra(key, since)
        if measure is not None:
            card.measures.append(measure)
    return card


def scorecards(*, now: datetime, days: int) -> list[Scorecard]:
    since = now - timedelta(days=days)
    return [scorecard(d, since=since) for d in Department.objects.order_by("name")]
