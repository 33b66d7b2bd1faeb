"""Closing the loop: when an idea is planned, shipped or declined, every customer who
asked for it (voters, and customers linked through a request, a feedback item or a call)
is told on their channel, in their language, outside their quiet hours, unless they
unsubscribed from the idea; each gets a one-click unsubscribe link. Every person is
recorded as told, unreachable or unsubscribed: the close-the-loop figures read that."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.customers.models import Customer
from clientfocus.ideas import selectors
from clientfocus.ideas.models import Idea, Mute, Notice, NoticeState, Status, StatusChange
from clientfocus.notify import bulk
from clientfocus.notify.services import customer_address, quiet_until

UNSUBSCRIBE_SALT = "clientfocus.ideas.unsubscribe"
BATCH = 2000
_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)

_SIGNER = signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(idea: Idea, customer_id: int) -> str:
    return _SIGNER.sign(f"{idea.pk}.{customer_id}")


def unsubscribe_url(idea: Idea, customer_id: int) -> str:
    token = unsubscribe_token(idea, customer_id)
    return f"{settings.PUBLIC_BASE_URL}/portal/ideas/unsubscribe/{token}/"


def idea_url(idea: Idea) -> str:
    return f"{settings.PUBLIC_BASE_URL}/portal/ideas/{idea.public_id}/"


def from_unsubscribe_token(token: str) -> tuple[Idea, Customer]:
    """The idea and customer of a link; ``signing.BadSignature`` or ``DoesNotExist``
    when it is not one of ours."""
    idea_id, _dot, customer_id = _SIGNER.unsign(token).partition(".")
    return Idea.objects.get(pk=int(idea_id)), Customer.objects.get(pk=int(customer_id))


def unsubscribe(*, idea: Idea, customer: Customer) -> bool:
    """True when this is new (a second click changes nothing)."""
    _mute, created = Mute.objects.get_or_create(idea=idea, customer=customer)
    return created


def resubscribe(*, idea: Idea, customer: Customer) -> None:
    Mute.objects.filter(idea=idea, customer=customer).delete()


def _message(idea: Idea, change: StatusChange, language: str) -> tuple[str, str, str]:
    """(subject, body before the personal unsubscribe line, SMS body) in ``language``."""
    with translation.override(language):
        status = str(Status(change.new_status).label)
        subject = _("Your idea “%(title)s”: %(status)s") % {
            "title": idea.title[:120],
            "status": status,
        }
        head = {
            Status.PLANNED: _("Good news: an idea you asked for is planned."),
            Status.SHIPPED: _("An idea you asked for is now available."),
            Status.DECLINED: _("We have decided about an idea you asked for."),
        }[Status(change.new_status)]
        body = "\n".join(
            [
                head,
                "",
                f"“{idea.title}” — {status}",
                "",
                change.message,
                "",
                _("Details: %(url)s") % {"url": idea_url(idea)},
                "",
                _("Stop messages about this idea:"),
            ]
        )
        sms = f"{subject}. {change.message[:200]} {idea_url(idea)}"
    return subject, body, sms


def tell_askers(change: StatusChange, *, now: datetime | None = None) -> int:
    """In the caller's transaction: a notice (and, when they can be reached, an outbox
    message) for everybody who asked for the idea. Idempotent per change and customer.
    Returns how many messages were queued."""
    now = now or timezone.now()
    idea = change.idea
    asked = selectors.askers(idea)
    done = set(Notice.objects.filter(change=change).values_list("customer_id", flat=True))
    muted = set(Mute.objects.filter(idea=idea).values_list("customer_id", flat=True))
    pending = [c for c in asked if c not in done]
    frames: dict[str, tuple[str, str, str]] = {}
    zones: dict[str, datetime] = {}
    queued = 0
    for start in range(0, len(pending), BATCH):
        ids = pending[start : start + BATCH]
        notices: list[list] = []  # [customer id, state, reason, asked at, message index]
        messages: list[tuple] = []  # (customer id, channel, recipient, subject, body, send at)
        for customer in bulk.reachable(ids):
            notice = [customer.pk, NoticeState.QUEUED, "", asked[customer.pk], None]
            notices.append(notice)
            if customer.pk in muted:
                notice[1] = NoticeState.UNSUBSCRIBED
                continue
            channel, recipient, why = customer_address(customer)
            if customer.erased_at is not None:
                channel, recipient, why = "", "", "the customer's data was erased"
            if not recipient:
                notice[1], notice[2] = NoticeState.UNREACHABLE, why[:200]
                continue
            language = customer.language if customer.language in _LANGUAGES else "en"
            if language not in frames:
                frames[language] = _message(idea, change, language)
            subject, body, sms = frames[language]
            zone = customer.timezone or "UTC"
            if zone not in zones:
                zones[zone] = quiet_until(now, zone)
            notice[4] = len(messages)
            text = sms if channel == "sms" else f"{body}\n{unsubscribe_url(idea, customer.pk)}\n"
            messages.append(
                (customer.pk, str(channel), recipient, subject[:250], text, zones[zone])
            )
        with transaction.atomic():
            _write(change, messages, notices, now)
        queued += len(messages)
    cache.delete("ideas:loop")
    return queued


_NOTICE_COLUMNS = (
    "change_id", "idea_id", "customer_id", "state", "reason", "notification_id", "asked_at",
    "created_at",
)  # fmt: skip


def _write(change: StatusChange, messages: list[tuple], notices: list[list], now) -> None:
    """Store the batch: the outbox rows (``notify.bulk``: COPY on PostgreSQL), then the
    notices pointing at them (COPY, or bulk inserts elsewhere). Every message is
    sensitive: its unsubscribe link acts as the customer, so staff never see it."""
    ids = bulk.write_outbox(messages, now=now, sensitive=True)
    if connection.vendor != "postgresql":
        Notice.objects.bulk_create(
            [
                Notice(change=change, idea_id=change.idea_id, customer_id=c, state=state,
                       reason=reason, asked_at=asked_at, created_at=now,
                       notification_id=None if index is None else ids[index])
                for c, state, reason, asked_at, index in notices
            ],
            batch_size=BATCH,
        )  # fmt: skip
        return
    columns = ", ".join(_NOTICE_COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY ideas_notice ({columns}) FROM STDIN") as copy,
    ):
        for c, state, reason, asked_at, index in notices:
            copy.write_row(
                (change.pk, change.idea_id, c, str(state), reason,
                 None if index is None else ids[index], asked_at, now)
            )  # fmt: skip
