"""Reads of requests shared by the UI and the API."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from clientfocus.service.models import (
    ACTIVE_STATES,
    AgentNotice,
    Message,
    Request,
    RequestEvent,
    SlaState,
)
from clientfocus.service.permissions import requests_visible_to


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
            Prefetch("messages", queryset=Message.objects.select_related("author")),
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
        )
        .by_reference(reference)
    )


def unread_notice_count(user) -> int:
    return AgentNotice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_for(user, *, limit: int = 50) -> QuerySet[AgentNotice]:
    return AgentNotice.objects.filter(recipient=user).select_related("request")[:limit]


def cost_to_serve_by_customer() -> dict[int, float]:
    """What serving each customer has cost: logged time at the hourly cost of the
    employee's role; for requests without logged time, an estimate of
    MINUTES_PER_STAFF_MESSAGE per staff reply or note at the author's role cost."""
    from django.conf import settings
    from django.db.models import Count, Sum

    from clientfocus.people.models import RoleCost
    from clientfocus.service.models import MessageKind, TimeEntry

    rates = {
        role: float(cost) for role, cost in RoleCost.objects.values_list("role", "hourly_cost")
    }
    default = settings.DEFAULT_HOURLY_COST
    costs: dict[int, float] = {}
    logged = (
        TimeEntry.objects.filter(request__customer__isnull=False)
        .values_list("request__customer_id", "employee__employee__role")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for customer_id, role, minutes in logged:
        costs[customer_id] = costs.get(customer_id, 0.0) + minutes / 60 * rates.get(role, default)
    estimated = (
        Message.objects.filter(
            kind__in=[MessageKind.REPLY, MessageKind.NOTE], request__customer__isnull=False
        )
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
