"""Working a request: its state (announcing ``RequestResolved``), its assignment, the
time spent on it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.events import publish
from clientfocus.people.models import Role
from clientfocus.people.selectors import department_of, role_of
from clientfocus.service.events import RequestResolved
from clientfocus.service.models import (
    TARGETS,
    AgentNotice,
    Queue,
    Request,
    State,
    TimeEntry,
)
from clientfocus.service.permissions import (
    can_handle_request,
)
from clientfocus.service.services.clocks import (
    _lock,
    _paused_in_time,
    _record,
    _refresh_sla,
    _resume_clocks,
    _stop_clock,
)
from clientfocus.service.services.opening import _check_assignee

MAX_MINUTES_PER_ENTRY = 24 * 60

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    State.NEW: {State.OPEN, State.WAITING_ON_CUSTOMER, State.RESOLVED, State.CLOSED},
    State.OPEN: {State.WAITING_ON_CUSTOMER, State.RESOLVED, State.CLOSED},
    State.WAITING_ON_CUSTOMER: {State.OPEN, State.RESOLVED, State.CLOSED},
    State.RESOLVED: {State.OPEN, State.CLOSED},
    State.CLOSED: set(),
}


@transaction.atomic
def change_state(*, request: Request, actor, state: str, now: datetime | None = None) -> Request:
    """Move a request to ``state``. Waiting on the customer pauses the clocks; opening
    again resumes them; resolving records whether the resolution target was met."""
    if state not in State.values:
        raise ServiceError("state", f"unknown state {state!r}")
    if not can_handle_request(actor, request):
        raise NotAllowed("you may not change the state of this request")
    return _change_state(request=request, actor=actor, state=state, now=now)


@transaction.atomic
def resolve_for_customer(*, request: Request, now: datetime | None = None) -> Request:
    """The customer says their request is done (portal). It is resolved, not closed:
    answering it within the reopen window opens it again."""
    if request.state not in (State.NEW, State.OPEN, State.WAITING_ON_CUSTOMER):
        raise ServiceError("state", "the request is already resolved or closed")
    return _change_state(
        request=request, actor=None, state=State.RESOLVED, now=now, reason="closed by the customer"
    )


def _change_state(
    *, request: Request, actor, state: str, now: datetime | None, reason: str = ""
) -> Request:
    now = now or timezone.now()
    request = _lock(request)
    old = request.state
    if state == old:
        return request
    if state not in ALLOWED_TRANSITIONS[old]:
        raise ServiceError("state", f"a {old} request cannot become {state}")
    if state == State.WAITING_ON_CUSTOMER:
        for target in TARGETS:
            _stop_clock(request, target, now=now, keep_remaining=True)
    elif state == State.OPEN:
        request.resolved_at = None
        request.resolution_met = None
        _resume_clocks(request, now=now)
    elif state == State.RESOLVED:
        request.resolved_at = now
        due = request.resolution_due
        if due is not None:
            request.resolution_met = now <= due
        elif request.sla_policy is not None:
            request.resolution_met = _paused_in_time(request, "resolution")
        for target in TARGETS:
            _stop_clock(request, target, now=now, keep_remaining=True)
    elif state == State.CLOSED:
        if old != State.RESOLVED and request.resolved_at is None:
            request.resolved_at = now
            due = request.resolution_due
            if due is not None:
                request.resolution_met = now <= due
        request.closed_at = now
        for target in TARGETS:
            _stop_clock(request, target, now=now, keep_remaining=False)
        request.paused_minutes = {}
    request.state = state
    _refresh_sla(request)
    request.save()
    extra = {"reason": reason} if reason else {}
    _record(request, "state_changed", actor=actor, now=now, old=old, new=state, **extra)
    if state == State.RESOLVED:
        # The customer is told and asked for feedback by the apps above (notify, voice).
        publish(RequestResolved(request=request, previous_state=old, at=now))
    return request


@transaction.atomic
def assign_request(
    *, request: Request, actor, assignee, queue: Queue | None = None, now: datetime | None = None
) -> Request:
    """Give the request to ``assignee`` (None = unassigned), optionally moving it to
    another queue. Agents may take requests themselves; managers and admins assign anyone
    in the handling department."""
    if not can_handle_request(actor, request):
        raise NotAllowed("you may not assign this request")
    now = now or timezone.now()
    request = _lock(request)
    if request.state == State.CLOSED:
        raise ServiceError("state", "the request is closed")
    role = role_of(actor)
    target_queue = queue or request.queue
    if (
        queue is not None
        and queue.pk != request.queue_id
        and role
        not in (
            Role.ADMIN,
            Role.MANAGER,
            Role.AGENT,
        )
    ):
        raise NotAllowed("you may not move requests between queues")
    if role == Role.AGENT and assignee is not None and assignee.pk != actor.pk:
        own = department_of(actor)
        if own is None or own.pk != target_queue.department_id:
            raise NotAllowed("agents assign within their own department")
    _check_assignee(assignee, target_queue)
    changes: dict[str, str | None] = {}
    if queue is not None and queue.pk != request.queue_id:
        changes["queue"] = queue.name
        request.queue = queue
    if (assignee.pk if assignee else None) != request.assignee_id:
        changes["assignee"] = assignee.get_username() if assignee else None
        request.assignee = assignee
    if not changes:
        return request
    request.save()
    _record(request, "assigned", actor=actor, now=now, **changes)
    if assignee is not None and assignee.pk != getattr(actor, "pk", None):
        AgentNotice.objects.create(
            recipient=assignee,
            request=request,
            kind="assigned",
            text=f"{request.reference} was assigned to you: {request.subject}"[:300],
            created_at=now,
        )
    return request


@transaction.atomic
def log_time(
    *, request: Request, actor, minutes: int, note: str = "", now: datetime | None = None
) -> TimeEntry:
    """Record time spent on a request; it feeds the customer's cost to serve."""
    if not can_handle_request(actor, request):
        raise NotAllowed("you may not log time on this request")
    if not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES_PER_ENTRY:
        raise ServiceError("minutes", f"give whole minutes between 1 and {MAX_MINUTES_PER_ENTRY}")
    now = now or timezone.now()
    entry = TimeEntry.objects.create(
        request=request, employee=actor, minutes=minutes, note=note.strip()[:200], created_at=now
    )
    _record(request, "time_logged", actor=actor, now=now, minutes=minutes)
    return entry
