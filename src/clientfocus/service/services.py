"""Every write on requests: one function per business action, one transaction each."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.html import sanitise_html, text_to_html
from clientfocus.customers.models import Customer, Tier
from clientfocus.people.models import Department, Employee, Role
from clientfocus.people.selectors import department_of, employee_of, managers_of, role_of
from clientfocus.service import attachments as attachment_files
from clientfocus.service import events
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.clock import BusinessCalendar as CalendarRules
from clientfocus.service.clock import TargetClock
from clientfocus.service.models import (
    CLOCK_RUNNING_STATES,
    TARGETS,
    AgentNotice,
    Category,
    Channel,
    Message,
    MessageKind,
    Priority,
    Queue,
    Request,
    RequestEvent,
    SlaPolicy,
    SlaState,
    State,
    TimeEntry,
)
from clientfocus.service.permissions import (
    can_file_external_requests,
    can_handle_request,
    is_requester_side,
)

logger = logging.getLogger(__name__)

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    State.NEW: {State.OPEN, State.WAITING_ON_CUSTOMER, State.RESOLVED, State.CLOSED},
    State.OPEN: {State.WAITING_ON_CUSTOMER, State.RESOLVED, State.CLOSED},
    State.WAITING_ON_CUSTOMER: {State.OPEN, State.RESOLVED, State.CLOSED},
    State.RESOLVED: {State.OPEN, State.CLOSED},
    State.CLOSED: set(),
}
MAX_BODY_CHARS = 100_000


# -- policy and clocks ---------------------------------------------------------------


_POLICY_CACHE: dict[tuple[int | None, str], tuple[float, SlaPolicy | None]] = {}
POLICY_CACHE_SECONDS = 10.0


def clear_policy_cache(**_: object) -> None:
    _POLICY_CACHE.clear()


def select_policy(*, tier: Tier | None, priority: str) -> SlaPolicy | None:
    """The most specific active policy for ``tier`` and ``priority``.

    Opening requests is the hottest write path, so the choice is kept for a few seconds
    per process; a policy or calendar saved in this process clears it at once, other
    processes see the change within POLICY_CACHE_SECONDS."""
    key = (tier.pk if tier else None, priority)
    cached = _POLICY_CACHE.get(key)
    if cached is not None and time.monotonic() - cached[0] < POLICY_CACHE_SECONDS:
        return cached[1]
    policy = _select_policy(tier=tier, priority=priority)
    _POLICY_CACHE[key] = (time.monotonic(), policy)
    return policy


def _select_policy(*, tier: Tier | None, priority: str) -> SlaPolicy | None:
    candidates = (
        SlaPolicy.objects.filter(active=True)
        .filter(Q(tier=tier) | Q(tier__isnull=True), Q(priority=priority) | Q(priority=""))
        .select_related("calendar")
    )

    def specificity(policy: SlaPolicy) -> tuple[int, int]:
        return (policy.tier_id is not None, policy.priority != "")

    return max(candidates, key=specificity, default=None)


def _calendar(request: Request) -> CalendarRules | None:
    policy = request.sla_policy
    return policy.calendar.rules() if policy else None


def _target_minutes(policy: SlaPolicy, target: str) -> int:
    return int(getattr(policy, f"{target}_minutes"))


def _start_clock(request: Request, target: str, *, now: datetime, remaining: float | None) -> None:
    """Start a target's clock afresh (``remaining`` None) or resume it with the business
    minutes that were left. A target that was already overdue when it stopped resumes
    overdue by as much, and keeps what the sweep had announced, so it neither sinks in
    the queue nor is announced twice."""
    policy = request.sla_policy
    calendar = _calendar(request)
    if policy is None or calendar is None:
        return
    request.paused_minutes.pop(target, None)
    if remaining is None:
        request.sla_flags.pop(target, None)
    elif remaining <= 0:
        overdue = now + timedelta(minutes=remaining)
        setattr(request, f"{target}_due", overdue)
        setattr(request, f"{target}_warn_at", overdue)
        return
    total = _target_minutes(policy, target)
    clock = TargetClock.start(
        calendar,
        at=now,
        remaining_minutes=total if remaining is None else remaining,
        target_minutes=total,
        at_risk_share=policy.warn_share(),
    )
    setattr(request, f"{target}_due", clock.due)
    setattr(request, f"{target}_warn_at", clock.warn_at)


def _stop_clock(request: Request, target: str, *, now: datetime, keep_remaining: bool) -> None:
    """Stop a running clock. With ``keep_remaining`` the business minutes left (or, for
    an overdue target, the minutes it is overdue, as a negative number) are kept so that
    resuming continues where it stopped; otherwise the target is finished."""
    due = request.due(target)
    if due is not None and keep_remaining:
        calendar = _calendar(request)
        if due > now and calendar is not None:
            remaining = calendar.business_minutes_between(now, due)
        else:
            remaining = -(now - due).total_seconds() / 60
        request.paused_minutes[target] = round(remaining, 3)
    elif not keep_remaining:
        request.paused_minutes.pop(target, None)
        request.sla_flags.pop(target, None)
    setattr(request, f"{target}_due", None)
    setattr(request, f"{target}_warn_at", None)


def _paused_in_time(request: Request, target: str) -> bool:
    return float(request.paused_minutes.get(target, 0)) > 0


def _resume_clocks(request: Request, *, now: datetime) -> None:
    for target, remaining in list(request.paused_minutes.items()):
        _start_clock(request, target, now=now, remaining=float(remaining))


def _refresh_sla(request: Request) -> None:
    """Recompute the sort key, the next sweep check and the request's SLA state from
    what the sweep has already announced for the targets still running."""
    request.refresh_summary_fields()
    checks: list[datetime] = []
    flags = []
    for target in TARGETS:
        due = request.due(target)
        if due is None:
            continue
        flag = request.sla_flags.get(target)
        flags.append(flag)
        if flag is None:
            checks.append(getattr(request, f"{target}_warn_at") or due)
        elif flag == SlaState.AT_RISK:
            checks.append(due)
    running = request.state in CLOCK_RUNNING_STATES
    request.warn_at = min(checks) if checks and running else None
    if SlaState.BREACHED in flags:
        request.sla_state = SlaState.BREACHED
    elif SlaState.AT_RISK in flags:
        request.sla_state = SlaState.AT_RISK
    else:
        request.sla_state = SlaState.OK


def _record(request: Request, kind: str, *, actor=None, now: datetime, **data) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        customer_id=request.customer_id,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data,
        created_at=now,
    )


def _lock(request: Request) -> Request:
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("sla_policy__calendar", "queue", "customer", "tier")
        .get(pk=request.pk)
    )


def _body_html(body: str, *, is_html: bool, allow_empty: bool = False) -> str:
    if len(body) > MAX_BODY_CHARS:
        raise ServiceError("body", f"the message is longer than {MAX_BODY_CHARS} characters")
    cleaned = sanitise_html(body) if is_html else text_to_html(body)
    if not cleaned.strip() and not allow_empty:
        raise ServiceError("body", "the message is empty")
    return cleaned


def _plain(body_html: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", body_html)).strip()


def _write_message(
    request: Request,
    *,
    kind: str,
    author,
    author_name: str,
    body: str,
    body_is_html: bool,
    now: datetime,
    quoted_html: str = "",
    channel: str = "",
    attachments: list[IncomingFile] | None = None,
) -> Message:
    """Store a message with its files and announce it to the apps above (inside the
    caller's transaction: a reply's outbox row commits with it). A message of files
    alone may have no text."""
    body_html = _body_html(body, is_html=body_is_html, allow_empty=bool(attachments))
    message = Message.objects.create(
        request=request,
        kind=kind,
        author=author,
        author_name=author_name,
        body_html=body_html,
        body_text=_plain(body_html),
        quoted_html=quoted_html,
        channel=channel,
        created_at=now,
    )
    stored = attachment_files.store(message, attachments or [])
    events.message_posted.send(sender=Message, message=message, request=request, attachments=stored)
    return message


def _lock_open_request(request: Request) -> Request:
    """Lock the request row for this transaction; closed requests take no messages."""
    request = _lock(request)
    if request.state == State.CLOSED:
        raise ServiceError("state", "the request is closed; open a new request instead")
    return request


# -- opening -------------------------------------------------------------------------


def _check_assignee(assignee, queue: Queue) -> None:
    if assignee is None:
        return
    employee: Employee | None = employee_of(assignee)
    if employee is None or not assignee.is_active:
        raise ServiceError("assignee", "the assignee is not an active employee")
    if employee.is_admin:
        return
    if employee.department_id != queue.department_id:
        raise ServiceError(
            "assignee", f"{assignee.get_username()} does not work in {queue.department.name}"
        )


def _pick_queue(*, queue: Queue | None, category: Category | None, actor) -> Queue:
    if queue is not None:
        return queue
    if category is not None and category.default_queue_id is not None:
        return category.default_queue  # type: ignore[return-value]
    department = department_of(actor)
    fallback = Queue.objects.filter(department=department).first() if department else None
    if fallback is None:
        raise ServiceError("queue", "choose a queue for this request")
    return fallback


@transaction.atomic
def open_request(
    *,
    actor,
    subject: str,
    customer: Customer | None = None,
    requesting_department: Department | None = None,
    body: str = "",
    body_is_html: bool = False,
    category: Category | None = None,
    priority: str = Priority.NORMAL,
    channel: str = Channel.PHONE,
    queue: Queue | None = None,
    assignee=None,
    now: datetime | None = None,
) -> Request:
    """Open a request for an external customer or, as an internal request, for a
    department (S1). The tier (customer's, or the requesting department's) and the
    priority pick the response-target policy; its clocks start now."""
    now = now or timezone.now()
    subject = (subject or "").strip()
    if not subject:
        raise ServiceError("subject", "a subject is required")
    if len(subject) > 250:
        raise ServiceError("subject", "the subject is longer than 250 characters")
    if priority not in Priority.values:
        raise ServiceError("priority", f"unknown priority {priority!r}")
    if channel not in Channel.values:
        raise ServiceError("channel", f"unknown channel {channel!r}")
    if (customer is None) == (requesting_department is None):
        raise ServiceError(
            "customer", "give either a customer or a requesting department (internal request)"
        )
    role = role_of(actor)
    if role is None:
        raise NotAllowed("only employees can open requests")
    if customer is not None and not can_file_external_requests(actor):
        raise NotAllowed("department staff file internal requests only")
    if requesting_department is not None and role != Role.ADMIN:
        own = department_of(actor)
        if own is None or own.pk != requesting_department.pk:
            raise NotAllowed("you can file internal requests for your own department only")
    if (
        requesting_department is not None
        and queue is None
        and (category is None or category.default_queue_id is None)
    ):
        raise ServiceError("queue", "choose the queue of the department that should handle it")
    queue = _pick_queue(queue=queue, category=category, actor=actor)
    _check_assignee(assignee, queue)
    if role == Role.AGENT and assignee is not None and assignee.pk != actor.pk:
        # The same rule as assigning later: agents give work within their own department.
        own = department_of(actor)
        if own is None or own.pk != queue.department_id:
            raise NotAllowed("agents assign within their own department")

    tier: Tier | None
    if customer is not None:
        tier = customer.tier
        channel = channel if channel != Channel.INTERNAL else Channel.PHONE
    else:
        tier = requesting_department.tier or Tier.objects.filter(is_default=True).first()  # type: ignore[union-attr]
        channel = Channel.INTERNAL
    if tier is None:
        raise ServiceError("tier", "no default tier is configured; create one in the admin")
    request, _message = _create(
        actor=actor,
        customer=customer,
        requesting_department=requesting_department,
        subject=subject,
        category=category,
        priority=priority,
        channel=channel,
        queue=queue,
        assignee=assignee,
        tier=tier,
        body=body,
        body_is_html=body_is_html,
        now=now,
    )
    return request


def _create(
    *,
    actor,
    customer: Customer | None,
    requesting_department: Department | None,
    subject: str,
    category: Category | None,
    priority: str,
    channel: str,
    queue: Queue,
    assignee,
    tier: Tier,
    body: str,
    body_is_html: bool,
    now: datetime,
    quoted_html: str = "",
    attachments: list[IncomingFile] | None = None,
    reply_address: str = "",
    follows: Request | None = None,
) -> tuple[Request, Message | None]:
    """Write the request, start its clocks, record the opening and the first message."""
    request = Request(
        customer=customer,
        requesting_department=requesting_department,
        subject=subject,
        category=category,
        priority=priority,
        channel=channel,
        state=State.NEW,
        queue=queue,
        assignee=assignee,
        tier=tier,
        sla_policy=select_policy(tier=tier, priority=priority),
        reply_address=reply_address[:254],
        follows=follows,
        created_at=now,
    )
    request.paused_minutes, request.sla_flags = {}, {}
    _start_clock(request, "first_response", now=now, remaining=None)
    _start_clock(request, "resolution", now=now, remaining=None)
    _refresh_sla(request)
    request.save()
    extra = {"follows": follows.reference} if follows is not None else {}
    _record(
        request,
        "opened",
        actor=actor,
        now=now,
        channel=channel,
        priority=priority,
        tier=tier.code,
        queue=queue.name,
        subject=subject,
        **extra,
    )
    message = None
    if body.strip() or attachments:
        message = _write_message(
            request,
            kind=MessageKind.CUSTOMER,
            author=actor if requesting_department is not None else None,
            author_name=request.requester_name,
            body=body,
            body_is_html=body_is_html,
            quoted_html=quoted_html,
            channel=channel if channel != Channel.INTERNAL else "",
            attachments=attachments,
            now=now,
        )
    if assignee is not None:
        _record(request, "assigned", actor=actor, now=now, assignee=assignee.get_username())
    return request, message


CUSTOMER_CHANNELS = (Channel.EMAIL, Channel.WEB, Channel.PORTAL, Channel.SMS, Channel.API)


@transaction.atomic
def open_customer_request(
    *,
    customer: Customer,
    subject: str,
    body: str = "",
    channel: str,
    category: Category | None = None,
    queue: Queue | None = None,
    body_is_html: bool = False,
    quoted_html: str = "",
    attachments: list[IncomingFile] | None = None,
    reply_address: str = "",
    follows: Request | None = None,
    acknowledge: bool = True,
    now: datetime | None = None,
) -> Request:
    """The customer opens a request themselves (e-mail, portal, contact form, SMS):
    no employee acts, the customer's tier picks the targets, the category (else the
    default queue) picks the queue. ``acknowledge`` asks the apps above to confirm it to
    the customer with the promised answer time."""
    now = now or timezone.now()
    subject = " ".join((subject or "").split())[:250] or "(no subject)"
    if channel not in CUSTOMER_CHANNELS:
        raise ServiceError("channel", f"customers do not write by {channel!r}")
    if attachments:
        attachment_files.check_sizes(attachments)
    if queue is None and category is not None and category.default_queue_id is not None:
        queue = category.default_queue
    queue = queue or Queue.default()
    if queue is None:
        raise ServiceError("queue", "no queue exists yet; create one in the admin")
    request, message = _create(
        actor=None,
        customer=customer,
        requesting_department=None,
        subject=subject,
        category=category,
        priority=Priority.NORMAL,
        channel=channel,
        queue=queue,
        assignee=None,
        tier=customer.tier,
        body=body,
        body_is_html=body_is_html,
        now=now,
        quoted_html=quoted_html,
        attachments=attachments,
        reply_address=reply_address,
        follows=follows,
    )
    events.customer_request_opened.send(
        sender=Request, request=request, message=message, acknowledge=acknowledge
    )
    request.opening_message = message  # type: ignore[attr-defined]
    return request


def within_reopen_window(request: Request, *, now: datetime) -> bool:
    """Whether the customer's answer reopens ``request`` (else it opens a new one)."""
    if request.state == State.CLOSED:
        return False
    if request.state != State.RESOLVED or request.resolved_at is None:
        return True
    return now - request.resolved_at <= timedelta(days=settings.REQUEST_REOPEN_DAYS)


def customer_writes(
    *,
    request: Request,
    body: str,
    channel: str,
    body_is_html: bool = False,
    quoted_html: str = "",
    attachments: list[IncomingFile] | None = None,
    author_name: str = "",
    reply_address: str = "",
    now: datetime | None = None,
) -> Message:
    """The customer answers on ``request``: it reopens within the reopen window and its
    next-response clock starts; an answer to a request closed (or resolved longer ago
    than REQUEST_REOPEN_DAYS) opens a new request that follows it."""
    now = now or timezone.now()
    if within_reopen_window(request, now=now):
        return receive_customer_message(
            request=request,
            body=body,
            author_name=author_name,
            body_is_html=body_is_html,
            channel=channel,
            quoted_html=quoted_html,
            attachments=attachments,
            now=now,
        )
    customer = request.customer
    if customer is None:
        raise ServiceError("request", "internal requests take no customer messages")
    follow_up = open_customer_request(
        customer=customer,
        subject=request.subject,
        body=body,
        channel=channel,
        category=request.category,
        queue=request.queue,
        body_is_html=body_is_html,
        quoted_html=quoted_html,
        attachments=attachments,
        reply_address=reply_address,
        follows=request,
        now=now,
    )
    message = follow_up.opening_message  # type: ignore[attr-defined]
    assert message is not None
    return message


# -- conversation --------------------------------------------------------------------


@transaction.atomic
def add_message(
    *,
    request: Request,
    actor,
    body: str,
    kind: str = MessageKind.REPLY,
    body_is_html: bool = False,
    attachments: list[IncomingFile] | None = None,
    now: datetime | None = None,
) -> Message:
    """A staff member writes on a request: a public reply to the requester or an
    internal note. On an internal request, a message from the requesting department
    counts as the requester's message. A public reply to a customer goes out on the
    channel the request came by (the apps above listen to ``message_posted``)."""
    if kind not in (MessageKind.REPLY, MessageKind.NOTE):
        raise ServiceError("kind", "kind must be 'reply' or 'note'")
    if kind == MessageKind.REPLY and is_requester_side(actor, request):
        return receive_customer_message(
            request=request,
            body=body,
            actor=actor,
            now=now,
            body_is_html=body_is_html,
            attachments=attachments,
        )
    if not can_handle_request(actor, request):
        raise NotAllowed("you may not write on this request")
    if attachments:
        attachment_files.check_sizes(attachments)
    now = now or timezone.now()
    request = _lock_open_request(request)
    message = _write_message(
        request,
        kind=kind,
        author=actor,
        author_name=actor.get_full_name() or actor.get_username(),
        body=body,
        body_is_html=body_is_html,
        attachments=attachments,
        now=now,
    )
    if kind == MessageKind.NOTE:
        _record(request, "note_added", actor=actor, now=now, message_id=message.pk)
        return message
    if request.first_responded_at is None:
        request.first_responded_at = now
        due = request.first_response_due
        if due is not None:
            request.first_response_met = now <= due
        elif "first_response" in request.paused_minutes:
            request.first_response_met = _paused_in_time(request, "first_response")
        elif request.sla_policy is not None:
            request.first_response_met = False
        request.paused_minutes.pop("first_response", None)
        _stop_clock(request, "first_response", now=now, keep_remaining=False)
    _stop_clock(request, "next_response", now=now, keep_remaining=False)
    request.paused_minutes.pop("next_response", None)
    if request.state == State.NEW:
        request.state = State.OPEN
    _refresh_sla(request)
    request.save()
    _record(request, "replied", actor=actor, now=now, message_id=message.pk)
    return message


@transaction.atomic
def receive_customer_message(
    *,
    request: Request,
    body: str,
    actor=None,
    author_name: str = "",
    body_is_html: bool = False,
    channel: str = "",
    quoted_html: str = "",
    attachments: list[IncomingFile] | None = None,
    now: datetime | None = None,
) -> Message:
    """The requester writes (e-mail, portal, phone logged by an agent, API). A request
    waiting on the customer or resolved opens again and its clocks resume; the
    next-response clock starts."""
    now = now or timezone.now()
    if attachments:
        attachment_files.check_sizes(attachments)
    request = _lock_open_request(request)
    message = _write_message(
        request,
        kind=MessageKind.CUSTOMER,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        author_name=author_name or request.requester_name,
        body=body,
        body_is_html=body_is_html,
        quoted_html=quoted_html,
        channel=channel,
        attachments=attachments,
        now=now,
    )
    if request.state in (State.WAITING_ON_CUSTOMER, State.RESOLVED):
        previous = request.state
        request.state = State.OPEN
        request.resolved_at = None
        request.resolution_met = None
        _resume_clocks(request, now=now)
        _record(
            request,
            "state_changed",
            actor=actor,
            now=now,
            old=previous,
            new=State.OPEN,
            reason="customer replied",
        )
    if request.first_responded_at is not None and request.next_response_due is None:
        _start_clock(request, "next_response", now=now, remaining=None)
    _refresh_sla(request)
    request.save()
    _record(request, "customer_message", actor=actor, now=now, message_id=message.pk)
    return message


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
        from clientfocus.notify.services import notify_for_resolved_request
        from clientfocus.voice.services import invite

        notify_for_resolved_request(request, now=now)
        if request.customer_id and old != State.RESOLVED:
            invite(trigger="request_resolved", customer=request.customer, request=request, now=now)
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


# -- the sweep -----------------------------------------------------------------------


@dataclass
class SweepResult:
    checked: int = 0
    at_risk: int = 0
    breached: int = 0


TARGET_LABELS = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
}


def _notify_sla(request: Request, *, target: str, level: str, now: datetime) -> None:
    recipients = {}
    if request.assignee_id:
        recipients[request.assignee_id] = request.assignee
        assignee_department = (
            Employee.objects.filter(user_id=request.assignee_id)
            .values_list("department_id", flat=True)
            .first()
        )
        for manager in managers_of(assignee_department):
            recipients[manager.user_id] = manager.user
    for manager in managers_of(request.queue.department_id):
        recipients[manager.user_id] = manager.user
    due = request.due(target)
    verb = "is at risk" if level == SlaState.AT_RISK else "is breached"
    text = (
        f"{request.reference}: {TARGET_LABELS[target]} target {verb} (due {due:%Y-%m-%d %H:%M} UTC)"
    )
    AgentNotice.objects.bulk_create(
        AgentNotice(
            recipient=user,
            request=request,
            kind=f"sla_{level}",
            target=target,
            text=text[:300],
            created_at=now,
        )
        for user in recipients.values()
    )


def sweep_sla(*, now: datetime | None = None, batch_size: int = 200) -> SweepResult:
    """Mark running targets *at risk* (only the configured share left) and *breached*,
    record an event and notify the assignee and managers. Idempotent: what was already
    announced for a running clock is not announced again, so running it twice (or on
    several workers at once: rows are locked and skipped) does no harm."""
    now = now or timezone.now()
    result = SweepResult()
    while True:
        with transaction.atomic():
            batch = list(
                Request.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("queue", "assignee", "sla_policy")
                .filter(state__in=CLOCK_RUNNING_STATES, warn_at__lte=now)
                .order_by("warn_at")[:batch_size]
            )
            for request in batch:
                result.checked += 1
                for target in TARGETS:
                    due = request.due(target)
                    if due is None:
                        continue
                    flag = request.sla_flags.get(target)
                    warn_at = getattr(request, f"{target}_warn_at") or due
                    level = None
                    if due <= now and flag != SlaState.BREACHED:
                        level = SlaState.BREACHED
                    elif warn_at <= now and flag is None and due > now:
                        level = SlaState.AT_RISK
                    if level is None:
                        continue
                    request.sla_flags[target] = level
                    if level == SlaState.BREACHED:
                        request.breach_count += 1
                        result.breached += 1
                    else:
                        result.at_risk += 1
                    _record(request, f"sla_{level}", now=now, target=target, due=due.isoformat())
                    _notify_sla(request, target=target, level=level, now=now)
                _refresh_sla(request)
                request.save(
                    update_fields=[
                        "sla_flags",
                        "sla_state",
                        "warn_at",
                        "due_at",
                        "breach_count",
                        "updated_at",
                    ]
                )
        if len(batch) < batch_size:
            return result


@transaction.atomic
def mark_notices_read(*, user, notice_ids: list[int] | None = None) -> int:
    notices = AgentNotice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


MAX_MINUTES_PER_ENTRY = 24 * 60


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
