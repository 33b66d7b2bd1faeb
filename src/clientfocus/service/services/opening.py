"""Opening requests: by staff, by customers themselves (e-mail, portal, contact form),
and what a customer's later message does to a resolved or closed request."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientfocus.core import statements
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.events import publish
from clientfocus.core.instances import build
from clientfocus.customers.models import Customer, Tier
from clientfocus.people.models import Department, Employee, Role
from clientfocus.people.selectors import department_of, employee_of, role_of
from clientfocus.service import attachments as attachment_files
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.events import CustomerRequestOpened
from clientfocus.service.models import (
    Category,
    Channel,
    Message,
    MessageKind,
    Priority,
    Queue,
    Request,
    State,
)
from clientfocus.service.permissions import (
    can_file_external_requests,
)
from clientfocus.service.services.clocks import (
    _event,
    _record,
    _refresh_sla,
    _start_clock,
    select_policy,
)
from clientfocus.service.services.conversation import (
    _new_message,
    _posted,
    receive_customer_message,
)

# -- opening -------------------------------------------------------------------------

# The choices' values, once (Django builds the list, labels and all, on every .values).
_PRIORITIES, _CHANNELS = frozenset(Priority.values), frozenset(Channel.values)


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
    if priority not in _PRIORITIES:
        raise ServiceError("priority", f"unknown priority {priority!r}")
    if channel not in _CHANNELS:
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
    request = build(
        Request,
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
    extra = {"follows": follows.reference} if follows is not None else {}
    opened = _event(
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
        message = _new_message(
            request,
            kind=MessageKind.CUSTOMER,
            author=actor if requesting_department is not None else None,
            author_name=request.requester_name,
            body=body,
            body_is_html=body_is_html,
            quoted_html=quoted_html,
            channel=channel if channel != Channel.INTERNAL else "",
            has_files=bool(attachments),
            now=now,
        )
    # The request, its opening and its first message: one statement on PostgreSQL.
    statements.insert_together(request, opened, *([message] if message is not None else []))
    if message is not None:
        _posted(message, request, attachments)
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
    publish(CustomerRequestOpened(request=request, message=message, acknowledge=acknowledge))
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
