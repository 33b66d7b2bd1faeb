"""E-mail out: staff replies and acknowledgements through the outbox, with the headers
mail clients thread by (Message-ID, In-Reply-To, References) and a Reply-To that comes
back to the request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from clientfocus.customers.models import Customer
from clientfocus.mail import parsing
from clientfocus.mail.models import (
    Mailbox,
    MailReference,
)
from clientfocus.notify.models import Channel as NotifyChannel
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.service.models import Attachment, Channel, Message, MessageKind, Request
from clientfocus.service.selectors import answer_promise

logger = logging.getLogger(__name__)


# -- sending --------------------------------------------------------------------------------


OUR_ID = re.compile(r"^r(\d{1,18})\.[0-9a-f]{32}@(.+)$")


def _new_message_id(request: Request) -> str:
    """Our Message-IDs name their request, so an answer finds it without a lookup table
    (the sender check still decides whether the answer may join it)."""
    return f"r{request.pk}.{uuid.uuid4().hex}@{settings.MAIL_MESSAGE_ID_DOMAIN}"


def _request_of_our_id(message_id: str) -> int | None:
    match = OUR_ID.match(message_id)
    if match is None or match.group(2).lower() != settings.MAIL_MESSAGE_ID_DOMAIN.lower():
        return None
    return int(match.group(1))


def _thread_headers(request: Request, in_reply_to: str = "", fresh: bool = False) -> dict[str, str]:
    """In-Reply-To and References for a message on ``request`` (``fresh``: the request
    was just opened by the message ``in_reply_to``, nothing else is in its thread)."""
    if fresh and in_reply_to:
        return {"In-Reply-To": f"<{in_reply_to}>", "References": f"<{in_reply_to}>"}
    ids = list(
        MailReference.objects.filter(request=request)
        .order_by("-created_at", "-id")
        .values_list("message_id", flat=True)[:20]
    )
    parent = in_reply_to or (ids[0] if ids else "")
    headers = {}
    if parent:
        headers["In-Reply-To"] = f"<{parent}>"
    chain = list(reversed(ids))
    if parent and parent not in chain:
        chain.append(parent)
    if chain:
        headers["References"] = " ".join(f"<{m}>" for m in chain)
    return headers


_REPLY_ADDRESSES: dict[int, tuple[float, str]] = {}


def _reply_to(request: Request, mailbox: Mailbox | None = None, *, fresh: bool = False) -> str:
    """The address customers answer to: the mailbox the request came in by, else the
    queue's mailbox, else MAIL_REPLY_ADDRESS (``fresh``: the request was just opened, no
    earlier mail of it to look at)."""
    if mailbox is not None:
        return mailbox.address
    if fresh:
        return _queue_address(request.queue_id)
    mailbox_id = (
        MailReference.objects.filter(request=request, mailbox__isnull=False)
        .order_by("-created_at")
        .values_list("mailbox__address", flat=True)
        .first()
    )
    if mailbox_id:
        return str(mailbox_id)
    return _queue_address(request.queue_id)


def _queue_address(queue_id: int) -> str:
    """Kept for a few seconds per process: every acknowledgement and reply asks."""
    cached = _REPLY_ADDRESSES.get(queue_id)
    if cached is not None and time.monotonic() - cached[0] < 10:
        return cached[1]
    box = Mailbox.objects.filter(queue_id=queue_id, active=True).first()
    address = box.address if box else settings.MAIL_REPLY_ADDRESS
    _REPLY_ADDRESSES[queue_id] = (time.monotonic(), address)
    return address


def address_of(request: Request) -> str:
    customer = request.customer
    if request.reply_address:
        return request.reply_address
    return customer.primary_email if customer is not None else ""


def _render(template: str, language: str, context: dict) -> str:
    with translation.override(language or "en"):
        return render_to_string(template, context).strip()


def portal_link(request: Request) -> str:
    return f"{settings.PUBLIC_BASE_URL}/portal/requests/{request.reference}/"


def local_time(moment: datetime | None, customer: Customer | None) -> str:
    """A moment as the customer reads it: their time zone, their language's format."""

    if moment is None:
        return ""
    try:
        zone = ZoneInfo(customer.timezone if customer else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


def send_reply(*, message: Message, attachments: list[Attachment]) -> Notification | None:
    """Put a public reply in the outbox on the request's channel, in the customer's
    language, threaded under the customer's mail (same transaction as the reply)."""
    request = message.request
    customer = request.customer
    if customer is None or message.kind != MessageKind.REPLY:
        return None
    language = customer.language
    if request.channel == Channel.SMS:
        phone = customer.primary_phone
        body = f"{message.body_text[:600]} ({request.reference})"
        return Notification.objects.create(
            channel=NotifyChannel.SMS,
            recipient=phone or "-",
            customer=customer,
            request=request,
            request_message=message,
            body=body,
            state=DeliveryState.PENDING if phone else DeliveryState.SKIPPED,
            last_error="" if phone else "no phone number",
        )
    recipient = address_of(request)
    message_id = _new_message_id(request)
    context = {
        "body": message.body_text,
        "reference": request.reference,
        "portal_url": portal_link(request),
        "author": message.author_name,
    }
    headers = {"Message-ID": f"<{message_id}>", **_thread_headers(request)}
    notification = Notification.objects.create(
        channel=NotifyChannel.EMAIL,
        recipient=recipient or "-",
        customer=customer,
        request=request,
        request_message=message,
        subject=f"[{request.reference}] {request.subject}"[:250],
        body=_render("mail/email/reply.txt", language, context),
        headers=headers,
        reply_to=_reply_to(request),
        attachments=[
            {"path": a.file.name, "filename": a.filename, "content_type": a.content_type}
            for a in attachments
        ],
        state=DeliveryState.PENDING if recipient else DeliveryState.SKIPPED,
        last_error="" if recipient else "no e-mail address",
    )
    return notification


def send_acknowledgement(
    *,
    request: Request,
    in_reply_to: str = "",
    mailbox: Mailbox | None = None,
    fresh: bool = False,
    now: datetime | None = None,
):
    """Confirm a new request to the customer: the reference and when to expect our
    answer (the next business moment when the team is not at work)."""
    customer = request.customer
    recipient = address_of(request)
    if customer is None or not recipient:
        return None
    promise = answer_promise(request, now=now)
    return _automatic_mail(
        request,
        recipient=recipient,
        subject=gettext_noop("[%(reference)s] We received your request: %(subject)s"),
        template="mail/email/acknowledgement.txt",
        context={
            "due": local_time(promise.due, customer),
            "opens_at": local_time(promise.opens_at, customer),
            "portal_url": portal_link(request),
        },
        in_reply_to=in_reply_to,
        mailbox=mailbox,
        fresh=fresh,
    )


def _tell_dropped(request: Request, parsed: parsing.ParsedMail, dropped) -> None:
    if request.customer is None:
        return
    _automatic_mail(
        request,
        recipient=parsed.sender,
        subject=gettext_noop("[%(reference)s] Some files were not received"),
        template="mail/email/dropped.txt",
        context={
            "files": [(f.filename, round(len(f.data) / 1024 / 1024, 1)) for f in dropped],
            "limit": round(settings.ATTACHMENT_MAX_BYTES / 1024 / 1024, 1),
            "total_limit": round(settings.MESSAGE_ATTACHMENTS_MAX_BYTES / 1024 / 1024, 1),
        },
        in_reply_to=parsed.message_id,
    )


def _automatic_mail(
    request: Request,
    *,
    recipient: str,
    subject: str,
    template: str,
    context: dict,
    in_reply_to: str,
    mailbox: Mailbox | None = None,
    fresh: bool = False,
) -> Notification:
    """An automatic message about ``request`` in the customer's language, threaded
    under the mail it answers and marked Auto-Submitted so auto-responders stay quiet."""
    customer = request.customer
    assert customer is not None
    language = customer.language or "en"
    values = {"reference": request.reference, "subject": request.subject}
    with translation.override(language):
        subject_text = translation.gettext(subject) % values
    return Notification.objects.create(
        channel=NotifyChannel.EMAIL,
        recipient=recipient,
        customer=customer,
        request=request,
        subject=subject_text[:250],
        body=_render(template, language, {**values, **context}),
        headers={
            "Message-ID": f"<{_new_message_id(request)}>",
            "Auto-Submitted": "auto-replied",
            **_thread_headers(request, in_reply_to, fresh=fresh),
        },
        reply_to=_reply_to(request, mailbox, fresh=fresh),
    )
