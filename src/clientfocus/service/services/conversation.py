"""Messages on a request: replies, notes, what the customer wrote, announced to the apps
above (``MessagePosted``)."""

from __future__ import annotations

import html
import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clientfocus.core import statements
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.events import publish
from clientfocus.core.html import sanitise_html, text_to_html
from clientfocus.core.instances import build
from clientfocus.service import attachments as attachment_files
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.events import MessagePosted
from clientfocus.service.models import (
    Message,
    MessageKind,
    Request,
    State,
)
from clientfocus.service.permissions import (
    can_handle_request,
    is_requester_side,
)
from clientfocus.service.services.clocks import (
    _lock,
    _paused_in_time,
    _record,
    _refresh_sla,
    _resume_clocks,
    _start_clock,
    _stop_clock,
)

MAX_BODY_CHARS = 100_000


def _body_html(body: str, *, is_html: bool, allow_empty: bool = False) -> str:
    if len(body) > MAX_BODY_CHARS:
        raise ServiceError("body", f"the message is longer than {MAX_BODY_CHARS} characters")
    cleaned = sanitise_html(body) if is_html else text_to_html(body)
    if not cleaned.strip() and not allow_empty:
        raise ServiceError("body", "the message is empty")
    return cleaned


def _plain(body_html: str) -> str:

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
    message = _new_message(
        request,
        kind=kind,
        author=author,
        author_name=author_name,
        body=body,
        body_is_html=body_is_html,
        now=now,
        quoted_html=quoted_html,
        channel=channel,
        has_files=bool(attachments),
    )
    statements.insert(message)
    _posted(message, request, attachments)
    return message


def _new_message(
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
    has_files: bool = False,
) -> Message:
    """A message of ``request``, sanitised, not yet written: `_write_message` writes it
    and then `_posted` stores its files and announces it."""
    body_html = _body_html(body, is_html=body_is_html, allow_empty=has_files)
    return build(
        Message,
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


def _posted(message: Message, request: Request, attachments: list[IncomingFile] | None) -> None:
    """A written message: its files are stored and the apps above hear of it."""
    stored = attachment_files.store(message, attachments or [])
    publish(MessagePosted(message=message, request=request, attachments=stored))


def _lock_open_request(request: Request) -> Request:
    """Lock the request row for this transaction; closed requests take no messages."""
    request = _lock(request)
    if request.state == State.CLOSED:
        raise ServiceError("state", "the request is closed; open a new request instead")
    return request


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
    channel the request came by (the apps above listen to ``MessagePosted``)."""
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
