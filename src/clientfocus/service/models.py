"""Requests (external and internal), conversations, queues, calendars and SLA policies
(their choices: service/choices.py)."""

from __future__ import annotations

import copy
import functools
import json
import re
import time
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientfocus.core.models import AppendOnlyModel, TimeStampedModel
from clientfocus.service.choices import ACTIVE_STATES as ACTIVE_STATES
from clientfocus.service.choices import CLOCK_RUNNING_STATES as CLOCK_RUNNING_STATES
from clientfocus.service.choices import TARGETS as TARGETS
from clientfocus.service.choices import Channel as Channel
from clientfocus.service.choices import MessageKind as MessageKind
from clientfocus.service.choices import Priority as Priority
from clientfocus.service.choices import SlaState as SlaState
from clientfocus.service.choices import State as State
from clientfocus.service.clock import BusinessCalendar as CalendarRules
from clientfocus.service.clock import CalendarError


def default_hours() -> dict:
    weekday = [["09:00", "18:00"]]
    return {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday}


@functools.lru_cache(maxsize=256)
def _calendar_rules(description: str) -> CalendarRules:
    return CalendarRules.from_dict(json.loads(description))


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Vilnius")
    hours = models.JSONField(
        _("opening hours"),
        default=default_hours,
        help_text=_('Per weekday, e.g. {"mon": [["09:00", "18:00"]], "sat": []}'),
    )
    holidays = models.JSONField(_("holidays"), default=list, blank=True)

    class Meta:
        verbose_name = _("business calendar")

    def __str__(self) -> str:
        return self.name

    def rules(self) -> CalendarRules:
        """The calendar's rules for the clocks (service/clock.py). Kept on the instance
        with a copy of the fields they came from (every request's clocks ask twice;
        writing the fields out as the cache key was most of the cost): fields changed
        since, even in place, give new rules."""
        state = (self.timezone, self.hours, self.holidays)
        kept = self.__dict__.get("_rules")
        if kept is not None and kept[0] == state:
            return kept[1]
        rules = _calendar_rules(
            json.dumps(
                {"timezone": self.timezone, "hours": self.hours, "holidays": self.holidays},
                sort_keys=True,
            )
        )
        self.__dict__["_rules"] = (copy.deepcopy(state), rules)
        return rules

    def clean(self) -> None:
        try:
            self.rules()
        except CalendarError as exc:
            raise ValidationError({"hours": str(exc)}) from exc


class SlaPolicy(models.Model):
    """Targets in business minutes for a tier and priority (either may be blank = any).

    The most specific active policy wins: tier+priority, then tier, then priority,
    then the catch-all."""

    name = models.CharField(_("name"), max_length=100)
    tier = models.ForeignKey(
        "customers.Tier", verbose_name=_("tier"), on_delete=models.CASCADE, null=True, blank=True
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    at_risk_share = models.FloatField(
        _("warn when this share of a target is left"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("response-target policy")
        verbose_name_plural = _("response-target policies")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "priority"],
                condition=models.Q(active=True),
                name="one_active_policy_per_tier_priority",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0)
                & models.Q(next_response_minutes__gt=0)
                & models.Q(resolution_minutes__gt=0),
                name="policy_targets_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(at_risk_share__isnull=True)
                | (models.Q(at_risk_share__gt=0) & models.Q(at_risk_share__lt=1)),
                name="policy_at_risk_share_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def warn_share(self) -> float:
        return self.at_risk_share if self.at_risk_share is not None else settings.SLA_AT_RISK_SHARE


_DEFAULT_QUEUE: dict[str, tuple[float, Queue | None]] = {}


def forget_default_queue(**_: object) -> None:
    _DEFAULT_QUEUE.clear()


class Queue(models.Model):
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        "people.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="queues",
    )
    is_default = models.BooleanField(
        _("default queue"),
        default=False,
        db_default=False,
        help_text=_(
            "Requests that arrive without a queue (e-mail, portal, contact form) land here."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="unique_queue_name"),
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_queue"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> Queue | None:
        """The queue for requests nobody routed: the one marked default, else the oldest
        (kept for a few seconds per process: every e-mail and portal request asks)."""
        cached = _DEFAULT_QUEUE.get("queue")
        if cached is not None and time.monotonic() - cached[0] < 10:
            return cached[1]
        queue = cls.objects.filter(is_default=True).first() or cls.objects.order_by("pk").first()
        _DEFAULT_QUEUE["queue"] = (time.monotonic(), queue)
        return queue


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    default_queue = models.ForeignKey(
        Queue, verbose_name=_("default queue"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


REFERENCE_PATTERN = re.compile(r"^REQ-(\d{1,18})$", re.IGNORECASE)


class RequestQuerySet(models.QuerySet["Request"]):
    def by_reference(self, reference: str) -> Request:
        """The request with public reference ``REQ-000123``; DoesNotExist otherwise."""
        match = REFERENCE_PATTERN.match(reference.strip())
        if not match:
            raise self.model.DoesNotExist(f"no request {reference!r}")
        return self.get(pk=int(match.group(1)))

    def active(self) -> RequestQuerySet:
        return self.filter(state__in=ACTIVE_STATES)


class Request(TimeStampedModel):
    """A customer's (or a department's) request and its service clocks."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        db_index=False,  # covered by a composite index below
    )
    requesting_department = models.ForeignKey(
        "people.Department",
        verbose_name=_("requesting department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_requests",
        db_index=False,  # covered by a composite index below
    )
    subject = models.CharField(_("subject"), max_length=250)
    # Tier, policy and category are few and rarely deleted: no index of their own,
    # which keeps inserts (the hottest write) cheaper.
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.NEW)
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        db_index=False,  # request_assignee: the assigned ones only
    )
    # The tier and policy in force when the request was opened: targets follow them.
    tier = models.ForeignKey(
        "customers.Tier",
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    first_response_due = models.DateTimeField(null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    next_response_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    # Business minutes left on each target while its clock is stopped (waiting on the
    # customer, resolved); {"resolution": 123.5}.
    paused_minutes = models.JSONField(default=dict, blank=True)
    # What the sweep already announced for each running target: {"first_response": "at_risk"}.
    sla_flags = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_state = models.CharField(
        max_length=10, choices=SlaState.choices, default=SlaState.OK, editable=False
    )

    first_responded_at = models.DateTimeField(null=True, blank=True)
    first_response_met = models.BooleanField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_met = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    breach_count = models.PositiveIntegerField(default=0)
    # Where replies go when the customer wrote from an address of their own (e-mail in,
    # contact form); empty: the customer's primary address.
    reply_address = models.CharField(max_length=254, blank=True, db_default="")
    # When its text was removed (retention or erasure on request); figures stay.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A customer who answers a request closed long ago opens a new one linked here.
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False)
                | models.Q(requesting_department__isnull=False),
                name="request_has_customer_or_department",
            )
        ]
        indexes = [
            models.Index(
                fields=["queue", "due_at"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="request_active_queue_due",
            ),
            models.Index(
                fields=["assignee", "due_at"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="request_active_assignee_due",
            ),
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="request_active_due",
            ),
            models.Index(
                fields=["warn_at"],
                condition=models.Q(state__in=CLOCK_RUNNING_STATES),
                name="request_running_warn",
            ),
            models.Index(fields=["customer", "-created_at"], name="request_customer_recent"),
            # Live contacts nobody has answered yet (expected waits, S4).
            models.Index(
                fields=["queue", "channel", "tier"],
                condition=models.Q(state="new", first_responded_at__isnull=True),
                name="request_live_waiting",
            ),
            # Indexes of a column most rows leave empty hold only the rows that fill it:
            # smaller, and nothing to write for the others (a lookup by a value uses them).
            models.Index(
                fields=["requesting_department", "-created_at"],
                condition=models.Q(requesting_department__isnull=False),
                name="request_dept",
            ),
            models.Index(
                fields=["assignee"],
                condition=models.Q(assignee__isnull=False),
                name="request_assignee",
            ),
            models.Index(
                fields=["first_responded_at"],
                condition=models.Q(first_responded_at__isnull=False),
                name="request_first_responded",
            ),
            models.Index(
                fields=["resolved_at"],
                condition=models.Q(resolved_at__isnull=False),
                name="request_resolved",
            ),
            # Deleting a request finds the ones that follow it (SET NULL, and PostgreSQL's
            # check at commit): without this, one read of all requests per deleted one.
            models.Index(
                fields=["follows"],
                condition=models.Q(follows__isnull=False),
                name="request_follows",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:06d}" if self.pk else "REQ-?"

    @property
    def is_internal(self) -> bool:
        return self.requesting_department_id is not None and self.customer_id is None

    @property
    def requester_name(self) -> str:
        if self.customer_id:
            return self.customer.name  # type: ignore[union-attr]
        return str(self.requesting_department)

    def due(self, target: str) -> datetime | None:
        return getattr(self, f"{target}_due")  # type: ignore[no-any-return]

    def refresh_summary_fields(self) -> None:
        """Recompute ``due_at``/``warn_at`` (soonest running target) for sorting."""
        dues = [d for d in (self.due(t) for t in TARGETS) if d is not None]
        warns = [w for w in (getattr(self, f"{t}_warn_at") for t in TARGETS) if w is not None]
        self.due_at = min(dues) if dues else None
        self.warn_at = min(warns) if warns else None


class Message(models.Model):
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="messages", db_index=False
    )  # covered by message_request_time
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )  # message_author: staff messages only (a customer's have no author)
    author_name = models.CharField(max_length=200, blank=True)
    body_html = models.TextField()
    body_text = models.TextField(blank=True)
    # The earlier conversation a mail client quoted below the answer (cut off the body,
    # shown collapsed) and the signature, when recognised.
    quoted_html = models.TextField(blank=True, db_default="")
    # How it came or goes: email, sms, portal, web, phone, api (empty: the staff UI).
    channel = models.CharField(max_length=10, blank=True, db_default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="message_request_time"),
            models.Index(
                fields=["author"], condition=models.Q(author__isnull=False), name="message_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.request_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


class RequestEvent(AppendOnlyModel):
    """Append-only history of a request; also the request part of the customer timeline."""

    # Both covered by the composite indexes below.
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="request_events",
        db_index=False,
    )
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="request_event_customer"),
            models.Index(fields=["request", "created_at"], name="request_event_request"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.request_id}"


class AgentNotice(models.Model):
    """An in-app notice to an employee (at risk, breached, assigned)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="notices", null=True, blank=True
    )
    # Notices about other things (a feedback follow-up, a trend alert) link here instead.
    link = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=30)
    target = models.CharField(max_length=20, blank=True)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread",
            )
        ]

    def __str__(self) -> str:
        return self.text


class TimeEntry(models.Model):
    """Time an employee spent on a request (S7: what serving a customer costs)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="time_entries")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("time entry")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0) & models.Q(minutes__lte=24 * 60),
                name="time_entry_minutes_in_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.request_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the sender's file name never reaches the file system."""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}"


# Served inline (shown in the page); everything else is a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class Attachment(models.Model):
    """A file sent with a message (e-mail, portal, staff reply)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    # What the content is (detected from its bytes), which is what it is served as; the
    # sender's claim is kept beside it.
    content_type = models.CharField(max_length=100)
    declared_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def shown_inline(self) -> bool:
        return self.content_type in INLINE_TYPES
