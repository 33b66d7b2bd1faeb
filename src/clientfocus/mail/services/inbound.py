"""E-mail in: store every incoming message raw, then thread it onto its request or open
a new one; failed messages are kept for `mail retry`."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from clientfocus.core.errors import ServiceError
from clientfocus.core.html import sanitise_html, text_to_html
from clientfocus.customers import selectors as customer_selectors
from clientfocus.customers import services as customers
from clientfocus.customers.models import Customer
from clientfocus.mail import parsing, quotes
from clientfocus.mail.models import (
    InboundMail,
    InboundState,
    Mailbox,
    MailReference,
)
from clientfocus.mail.services.outbound import (
    _request_of_our_id,
    _tell_dropped,
    send_acknowledgement,
)
from clientfocus.service import services as desk
from clientfocus.service.attachments import IncomingFile, beyond_limits, clean_filename
from clientfocus.service.models import Channel, Message, Request
from clientfocus.voice.services import detector

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What became of one incoming message (printed by `clientfocus mail receive --json`)."""

    action: str  # created | appended | ignored | held | failed
    reference: str | None = None
    customer: str | None = None
    text: str = ""
    attachments: list[str] = field(default_factory=list)
    reason: str = ""
    inbound_id: int | None = None
    temporary: bool = False  # the MTA should try again later
    unreadable: bool = False

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "reference": self.reference,
            "customer": self.customer,
            "text": self.text,
            "attachments": self.attachments,
            "reason": self.reason,
        }


# -- receiving ------------------------------------------------------------------------------


def _key(parsed: parsing.ParsedMail | None, raw: bytes) -> str:
    if parsed is not None and parsed.message_id:
        return parsed.message_id[:520]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


class _Duplicate(Exception):
    """Another delivery of the same Message-ID committed first."""


def receive(raw: bytes, *, mailbox: Mailbox | None = None, now: datetime | None = None) -> Outcome:
    """Take one RFC 822 message: process it and store it raw, in one transaction (the
    same Message-ID twice is stored once). A processing failure is rolled back to a
    savepoint and the raw message is stored as failed, for an administrator to retry; a
    crash before the commit leaves the message with the MTA or on the IMAP server, which
    deliver it again."""
    now = now or timezone.now()
    if len(raw) > settings.MAIL_MAX_MESSAGE_BYTES:
        return Outcome(
            action="failed",
            reason=f"the message is larger than {settings.MAIL_MAX_MESSAGE_BYTES} bytes",
            unreadable=True,
        )
    parsed: parsing.ParsedMail | None
    problem = ""
    try:
        parsed = parsing.parse(raw)
    except parsing.UnreadableMail as exc:
        parsed, problem = None, str(exc)
    key = _key(parsed, raw)
    inbound = InboundMail(
        mailbox=mailbox,
        message_id=key,
        sender=parsed.sender if parsed else "",
        subject=(parsed.subject if parsed else "")[:1000],
        raw=raw,
        size=len(raw),
        state=InboundState.FAILED,
        reason=problem[:500],
        received_at=now,
    )
    duplicate = Outcome(action="ignored", reason="duplicate: this Message-ID was already received")
    try:
        with transaction.atomic():
            seen = _seen(key, parsed.sender if parsed else "", now)
            if seen["duplicate"]:
                return duplicate
            if parsed is None:
                _save(inbound)
                return Outcome(
                    action="failed", reason=problem, inbound_id=inbound.pk, unreadable=True
                )
            return _process_stored(inbound, parsed, now=now, release=False, recent=seen["recent"])
    except _Duplicate:
        return duplicate
    except (OperationalError, DatabaseError) as exc:
        logger.warning("mail: cannot store an incoming message: %s", exc)
        return Outcome(
            action="failed",
            reason=f"database unavailable: {exc} (a new installation: run `clientfocus migrate`)",
            temporary=True,
        )


def _save(inbound: InboundMail) -> None:
    """Write the row last: a concurrent delivery of the same message that committed
    first makes this one a duplicate, and the exception rolls back everything it did
    (no savepoint: the whole transaction goes)."""
    try:
        inbound.save()
    except IntegrityError as exc:
        raise _Duplicate from exc


def process(inbound: InboundMail, *, now: datetime | None = None, release: bool = False) -> Outcome:
    """Process a stored message again (retry, release); one that was processed in the
    meantime is not processed twice."""
    now = now or timezone.now()
    try:
        parsed = parsing.parse(bytes(inbound.raw))
    except parsing.UnreadableMail as exc:
        InboundMail.objects.filter(pk=inbound.pk).update(
            attempts=inbound.attempts + 1, reason=str(exc)[:500]
        )
        return Outcome(action="failed", reason=str(exc), inbound_id=inbound.pk, unreadable=True)
    try:
        with transaction.atomic():
            locked = InboundMail.objects.select_for_update().get(pk=inbound.pk)
            if locked.state == InboundState.PROCESSED:
                return Outcome(action="ignored", reason="already processed", inbound_id=inbound.pk)
            return _process_stored(locked, parsed, now=now, release=release)
    except (OperationalError, DatabaseError) as exc:
        return Outcome(action="failed", reason=str(exc), inbound_id=inbound.pk, temporary=True)


def _seen(key: str, sender: str, now: datetime) -> dict[str, int]:
    """In one query: whether this Message-ID was stored, and how many messages this
    sender had processed or held within the hour (the flood guard)."""
    recent = Q(
        sender=sender,
        received_at__gte=now - timedelta(hours=1),
        state__in=[InboundState.PROCESSED, InboundState.HELD],
    )
    return InboundMail.objects.filter(Q(message_id=key) | recent).aggregate(
        duplicate=Count("pk", filter=Q(message_id=key)), recent=Count("pk", filter=recent)
    )


def _process_stored(
    inbound: InboundMail,
    parsed: parsing.ParsedMail,
    *,
    now: datetime,
    release: bool,
    recent: int | None = None,
) -> Outcome:
    """Inside the caller's transaction: process, and record the outcome on the row."""
    inbound.attempts += 1
    inbound.processed_at = now
    try:
        with transaction.atomic():  # a savepoint: a failure keeps the stored message
            result = _process(inbound, parsed, now=now, release=release, recent=recent)
    except OperationalError:
        raise  # the database itself: the caller reports a temporary failure
    except Exception as exc:  # kept raw and listed; one bad message must not stop the rest
        logger.exception("mail: cannot process incoming message %s", inbound.message_id)
        reason = f"{type(exc).__name__}: {exc}"
        inbound.state, inbound.reason = InboundState.FAILED, reason[:500]
        _save(inbound)
        return Outcome(action="failed", reason=reason[:500], inbound_id=inbound.pk)
    inbound.state, inbound.reason = result.state, result.reason[:500]
    inbound.request, inbound.request_message = result.request, result.message
    _save(inbound)
    return result.public(inbound.pk)


@dataclass
class _Result:
    state: str
    action: str
    reason: str = ""
    request: Request | None = None
    message: Message | None = None
    customer: Customer | None = None
    text: str = ""
    attachments: list[str] = field(default_factory=list)

    def public(self, inbound_id: int) -> Outcome:
        return Outcome(
            action=self.action,
            reference=self.request.reference if self.request else None,
            customer=str(self.customer.public_id) if self.customer else None,
            text=self.text,
            attachments=self.attachments,
            reason=self.reason,
            inbound_id=inbound_id,
        )


def _own_message(parsed: parsing.ParsedMail) -> bool:
    domain = "@" + settings.MAIL_MESSAGE_ID_DOMAIN.lower()
    return parsed.message_id.lower().endswith(domain) or "x-clientfocus-key" in parsed.headers


def _too_many(sender: str, inbound: InboundMail, now: datetime, recent: int | None) -> bool:
    if recent is not None:
        return recent >= settings.MAIL_SENDER_HOURLY_LIMIT
    recent = (
        InboundMail.objects.filter(
            sender=sender,
            received_at__gte=now - timedelta(hours=1),
            state__in=[InboundState.PROCESSED, InboundState.HELD],
        )
        .exclude(pk=inbound.pk)
        .count()
    )
    return recent >= settings.MAIL_SENDER_HOURLY_LIMIT


def _process(
    inbound: InboundMail,
    parsed: parsing.ParsedMail,
    *,
    now: datetime,
    release: bool,
    recent: int | None = None,
) -> _Result:
    if _own_message(parsed):
        return _Result(InboundState.IGNORED, "ignored", "our own message came back")
    if parsed.is_bounce:
        marked = customers.mark_bouncing(parsed.bounced, now=now)
        return _Result(
            InboundState.IGNORED,
            "ignored",
            f"bounce: {', '.join(parsed.bounced) or 'no recipient named'}"
            f" ({marked} address(es) marked as bouncing)",
        )
    if parsed.auto_reply:
        return _Result(InboundState.IGNORED, "ignored", f"automatic message: {parsed.auto_reply}")
    if not parsed.sender:
        return _Result(InboundState.HELD, "held", "no sender address (From)")
    if not release and _too_many(parsed.sender, inbound, now, recent):
        return _Result(
            InboundState.HELD,
            "held",
            f"more than {settings.MAIL_SENDER_HOURLY_LIMIT} messages from this sender within "
            "an hour: held for review",
        )
    body_html, body_text, quoted_html = _bodies(parsed)
    kept, dropped = _sizes(parsed.files)
    files = [
        IncomingFile(
            filename=f.filename,
            data=f.data,
            declared_type=f.content_type,
            inline=f.inline,
            content_id=f.content_id,
        )
        for f in kept
    ]
    author = parsed.sender_name or parsed.sender
    contact = customer_selectors.find_contact_by_email(parsed.sender)
    if contact is not None and contact.bouncing_since is not None:
        customers.clear_bouncing(parsed.sender)
    known = contact.customer if contact is not None else None
    target = _thread(parsed, known)
    if target is not None:
        message = desk.customer_writes(
            request=target,
            body=body_html,
            body_is_html=True,
            channel=Channel.EMAIL,
            quoted_html=quoted_html,
            attachments=files,
            author_name=author,
            reply_address=parsed.sender,
            now=now,
        )
        request = message.request
        action = "appended" if request.pk == target.pk else "created"
        reason = (
            ""
            if action == "appended"
            else f"{target.reference} is closed; a new request follows it"
        )
    else:
        customer = known or _new_customer(parsed, body_text)
        request = desk.open_customer_request(
            customer=customer,
            subject=parsed.subject,
            body=body_html,
            body_is_html=True,
            channel=Channel.EMAIL,
            queue=inbound.mailbox.queue if inbound.mailbox else None,
            quoted_html=quoted_html,
            attachments=files,
            reply_address=parsed.sender,
            acknowledge=False,
            now=now,
        )
        message = request.opening_message  # type: ignore[attr-defined]
        action, reason = "created", ""
    if parsed.message_id:
        MailReference.objects.bulk_create(
            [
                MailReference(
                    message_id=parsed.message_id[:520],
                    request=request,
                    mailbox=inbound.mailbox,
                    created_at=now,
                )
            ],
            ignore_conflicts=True,
        )
    if action == "created":
        send_acknowledgement(
            request=request,
            in_reply_to=parsed.message_id,
            mailbox=inbound.mailbox,
            fresh=target is None,
            now=now,
        )
    if dropped:
        _tell_dropped(request, parsed, dropped)
    return _Result(
        InboundState.PROCESSED,
        action,
        reason,
        request=request,
        message=message,
        customer=request.customer,
        text=body_text,
        attachments=[clean_filename(f.filename) for f in files],
    )


def _bodies(parsed: parsing.ParsedMail) -> tuple[str, str, str]:
    """(safe HTML of the new part, its plain text, safe HTML of the quoted history)."""
    split = quotes.split_reply(parsed.text)
    quoted_text = "\n\n".join(p for p in (split.signature, split.quoted) if p)
    html_split = quotes.split_html_reply(parsed.html) if parsed.html else None
    if html_split is not None and sanitise_html(html_split[0]).strip():
        body_html = sanitise_html(html_split[0])
        quoted_html = sanitise_html(html_split[1])
    elif parsed.html and not split.quoted and not split.signature:
        body_html, quoted_html = sanitise_html(parsed.html), ""
    else:
        body_html, quoted_html = text_to_html(split.reply), text_to_html(quoted_text)
    if not body_html.strip():
        body_html = text_to_html(split.reply or parsed.text or "(no text)")
    return body_html, split.reply or parsed.text, quoted_html


def _sizes(files: list[parsing.MailFile]) -> tuple[list[parsing.MailFile], list[parsing.MailFile]]:
    """(kept, dropped) by the attachment limits, in the order the mail has them."""
    refused = beyond_limits([len(f.data) for f in files])
    kept = [f for i, f in enumerate(files) if i not in refused]
    return kept, [f for i, f in enumerate(files) if i in refused]


def _thread(parsed: parsing.ParsedMail, known: Customer | None) -> Request | None:
    """The request this message answers: by our Message-IDs it quotes, else by the
    reference in the subject; only when the sender is the requester or one of their
    known contacts (a forged In-Reply-To never attaches a stranger's mail)."""
    candidates: list[Request] = []
    ids = parsed.thread_ids
    ours = [pk for pk in (_request_of_our_id(i) for i in ids) if pk is not None]
    if ours:
        found = {r.pk: r for r in Request.objects.filter(pk__in=ours).select_related("customer")}
        candidates.extend(found[pk] for pk in ours if pk in found)
    ids = [i for i in ids if _request_of_our_id(i) is None]
    if ids:
        references = {
            r.message_id: r.request
            for r in MailReference.objects.filter(message_id__in=ids).select_related(
                "request__customer"
            )
        }
        candidates.extend(references[i] for i in ids if i in references)
    if parsed.subject_reference:
        with contextlib.suppress(Request.DoesNotExist):
            candidates.append(
                Request.objects.select_related("customer").by_reference(parsed.subject_reference)
            )
    for request in candidates:
        if _sender_may_write(parsed.sender, known, request):
            return request
    return None


def _sender_may_write(sender: str, known: Customer | None, request: Request) -> bool:
    if request.customer_id is None:
        return False
    if request.reply_address and request.reply_address.lower() == sender:
        return True
    if known is None:
        return False
    return request.customer_id in (known.pk, known.company_id)


def _new_customer(parsed: parsing.ParsedMail, text: str) -> Customer:
    return customers.create_customer(
        actor=None,
        name=parsed.sender_name or parsed.sender.split("@")[0],
        emails=[parsed.sender],
        language=detect_language(f"{parsed.subject}\n{text}"),
    )


def detect_language(text: str) -> str:
    """The customer's language guessed from what they wrote (a UI language, else English)."""

    if len(text.strip()) < 3:
        return "en"
    try:
        found = detector().detect_many([text[:2000]])[0]
    except Exception:
        return "en"
    ui = {code for code, _ in settings.LANGUAGES}
    return found if found in ui else "en"


# -- administration -------------------------------------------------------------------------


def retry(*, inbound: InboundMail, release: bool = False) -> Outcome:
    """Process a failed (or, with ``release``, a held) message again."""
    allowed = {InboundState.FAILED, InboundState.RECEIVED}
    if release:
        allowed.add(InboundState.HELD)
    if inbound.state not in allowed:
        raise ServiceError(
            "state",
            f"only failed{' or held' if release else ''} messages can be processed again "
            f"(this one is {inbound.state})",
        )
    return process(inbound, release=release)
