"""Reads of requests shared by the UI and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.utils import timezone

from clientfocus.core.statements import Lookup
from clientfocus.people.models import RoleCost
from clientfocus.service.extensions import message_prefetch
from clientfocus.service.models import (
    ACTIVE_STATES,
    AgentNotice,
    Message,
    MessageKind,
    Queue,
    Request,
    RequestEvent,
    SlaState,
    TimeEntry,
)
from clientfocus.service.permissions import requests_visible_to
from clientfocus.service.services import select_policy

# A queue by id: compiled once, prepared (opening requests; core.statements.get_each
# joins it with other lookups).
QUEUE_BY_ID = Lookup(lambda: Queue.objects.all(), "pk")


def queue_by_id(queue_id: int) -> Queue | None:
    """The queue with this id, or None (compiled once, prepared: opening requests)."""
    return QUEUE_BY_ID.get(queue_id)  # type: ignore[return-value]


def request_list(
    user,
    *,
    state: str | None = None,
    queue_id: int | None = None,
    assignee: str | None = None,
    tier: str | None = None,
    breached: bool | None = None,
    customer_id: int | None = None,
    active_only: bool = False,
) -> QuerySet[Request]:
    """Requests visible to ``user`` matching the filters, soonest due first
    (requests with no running clock last, newest first among them).

    ``assignee`` is a username, ``"me"`` or ``"none"`` (unassigned)."""
    requests = requests_visible_to(user).select_related(
        "customer", "requesting_department", "queue", "assignee", "tier", "category"
    )
    if state:
        requests = requests.filter(state=state)
    elif active_only:
        requests = requests.filter(state__in=ACTIVE_STATES)
    if queue_id is not None:
        requests = requests.filter(queue_id=queue_id)
    if assignee == "me":
        requests = requests.filter(assignee=user)
    elif assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee:
        requests = requests.filter(assignee__username=assignee)
    if tier:
        requests = requests.filter(tier__code=tier)
    if breached is True:
        requests = requests.filter(sla_state=SlaState.BREACHED)
    elif breached is False:
        requests = requests.exclude(sla_state=SlaState.BREACHED)
    if customer_id is not None:
        requests = requests.filter(customer_id=customer_id)
    return requests.order_by(F("due_at").asc(nulls_last=True), "id")


COUNT_CAP = 1000


def queue_counts(user) -> dict[str, int]:
    """How many active requests each tab of the agent queue holds, counted up to
    COUNT_CAP (a tab showing "999+" needs no exact figure, and each count stays an
    index walk of bounded length however large the backlog grows)."""
    active = requests_visible_to(user).filter(state__in=ACTIVE_STATES)
    tabs = {
        "mine": active.filter(assignee=user),
        "unassigned": active.filter(assignee__isnull=True),
        "breached": active.filter(sla_state=SlaState.BREACHED),
        "all": active,
    }
    return {name: tab.order_by()[:COUNT_CAP].count() for name, tab in tabs.items()}


def request_detail(user, reference: str) -> Request:
    """The request with ``reference`` if ``user`` may see it; DoesNotExist otherwise
    (a forbidden request is indistinguishable from a missing one)."""
    return (
        requests_visible_to(user)
        .select_related(
            "customer__tier",
            "requesting_department",
            "queue__department",
            "assignee",
            "tier",
            "category",
            "sla_policy",
        )
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author").prefetch_related(
                    "attachments", *message_prefetch()
                ),
            ),
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
        )
        .by_reference(reference)
    )


def unread_notice_count(user) -> int:
    return AgentNotice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_for(user, *, limit: int = 50) -> QuerySet[AgentNotice]:
    return AgentNotice.objects.filter(recipient=user).select_related("request")[:limit]


def cost_to_serve_by_customer(customers: Iterable[int] | None = None) -> dict[int, float]:
    """What serving each customer (or only ``customers``) has cost: logged time at the
    hourly cost of the employee's role; for requests without logged time, an estimate of
    MINUTES_PER_STAFF_MESSAGE per staff reply or note at the author's role cost."""
    if customers is not None:
        ids = list(customers)
        costs: dict[int, float] = {}
        for start in range(0, len(ids), 20_000):
            costs |= _cost_to_serve(ids[start : start + 20_000])
        return costs
    return _cost_to_serve(None)


def customers_served_since(since: datetime) -> set[int]:
    """Customers whose requests changed, got a staff reply or note, or had time logged
    since ``since`` (their cost to serve may have changed)."""
    changed = set(
        Request.objects.filter(updated_at__gte=since, customer__isnull=False)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    changed.update(
        Message.objects.filter(created_at__gte=since, request__customer__isnull=False)
        .values_list("request__customer_id", flat=True)
        .distinct()
    )
    changed.update(
        TimeEntry.objects.filter(created_at__gte=since, request__customer__isnull=False)
        .values_list("request__customer_id", flat=True)
        .distinct()
    )
    return changed


def _cost_to_serve(customers: list[int] | None) -> dict[int, float]:
    rates = {
        role: float(cost) for role, cost in RoleCost.objects.values_list("role", "hourly_cost")
    }
    default = settings.DEFAULT_HOURLY_COST
    costs: dict[int, float] = {}
    entries = TimeEntry.objects.filter(request__customer__isnull=False)
    messages = Message.objects.filter(request__customer__isnull=False)
    if customers is not None:
        entries = entries.filter(request__customer_id__in=customers)
        messages = messages.filter(request__customer_id__in=customers)
    logged = (
        entries.values_list("request__customer_id", "employee__employee__role")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for customer_id, role, minutes in logged:
        costs[customer_id] = costs.get(customer_id, 0.0) + minutes / 60 * rates.get(role, default)
    estimated = (
        messages.filter(kind__in=[MessageKind.REPLY, MessageKind.NOTE])
        .exclude(request_id__in=TimeEntry.objects.values("request_id"))
        .values_list("request__customer_id", "author__employee__role")
        .annotate(messages=Count("pk"))
        .order_by()
    )
    per_message = settings.MINUTES_PER_STAFF_MESSAGE / 60
    for customer_id, role, messages in estimated:
        costs[customer_id] = costs.get(customer_id, 0.0) + messages * per_message * rates.get(
            role, default
        )
    return costs


@dataclass(frozen=True)
class Promise:
    """When a customer can expect our answer: the due time of the running target, and
    the next moment the team is at work when it is not now."""

    due: datetime | None
    opens_at: datetime | None  # None: the team is at work now
    target: str
    overdue: bool = False  # the promised time has passed: we say so


def answer_promise(request: Request, *, now: datetime | None = None) -> Promise:
    """The promise for an existing request (what the portal and acknowledgements show)."""

    now = now or timezone.now()
    for target in ("next_response", "first_response"):
        due = request.due(target)
        if due is not None:
            return Promise(
                due=due,
                opens_at=_opens_at(request.sla_policy, now),
                target=target,
                overdue=due < now,
            )
    return Promise(due=None, opens_at=None, target="")


def promise_for_new(*, tier, now: datetime | None = None) -> Promise:
    """The promise for a request the customer is about to send (before sending)."""

    now = now or timezone.now()
    policy = select_policy(tier=tier, priority="normal")
    if policy is None:
        return Promise(due=None, opens_at=None, target="")
    calendar = policy.calendar.rules()
    due = calendar.add_business_minutes(now, policy.first_response_minutes)
    return Promise(due=due, opens_at=_opens_at(policy, now), target="first_response")


def _opens_at(policy, now: datetime) -> datetime | None:
    if policy is None:
        return None
    calendar = policy.calendar.rules()
    if calendar.is_open(now):
        return None
    return calendar.add_business_minutes(now, 0)


def recent_first_response(*, queue_id: int, tier_id: int, days: int = 30) -> dict[str, float]:
    """How long first answers actually took lately in this queue for this tier (hours):
    the median and the 90th percentile, from at most the last 500 answered requests."""

    since = timezone.now() - timedelta(days=days)
    rows = list(
        Request.objects.filter(
            queue_id=queue_id,
            tier_id=tier_id,
            first_responded_at__gte=since,
            customer__isnull=False,
        )
        .order_by("-first_responded_at")
        .values_list("created_at", "first_responded_at")[:500]
    )
    hours = sorted(
        (answered - opened).total_seconds() / 3600 for opened, answered in rows if answered
    )
    if not hours:
        return {}
    return {
        "count": len(hours),
        "median_hours": round(hours[len(hours) // 2], 1),
        "p90_hours": round(hours[min(len(hours) - 1, int(len(hours) * 0.9))], 1),
    }
