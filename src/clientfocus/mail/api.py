"""E-mail over the API: hand in a raw message (MTA integrations), list and retry the
messages that failed or are held."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.mail import services
from clientfocus.mail.models import InboundMail, InboundState, Mailbox
from clientfocus.mail.permissions import can_receive_mail, can_review_mail

router = Router(tags=["mail"])


class OutcomeOut(Schema):
    action: Literal["created", "appended", "ignored", "held", "failed"]
    reference: str | None
    customer: str | None
    text: str
    attachments: list[str]
    reason: str


class InboundOut(Schema):
    id: int
    mailbox: str | None
    sender: str
    subject: str
    size: int
    state: str
    reason: str
    reference: str | None
    received_at: AwareDateTime
    attempts: int

    @staticmethod
    def resolve_mailbox(obj: InboundMail) -> str | None:
        return obj.mailbox.address if obj.mailbox else None

    @staticmethod
    def resolve_reference(obj: InboundMail) -> str | None:
        return obj.request.reference if obj.request else None


class InboundFilters(Input):
    state: Literal["received", "processed", "ignored", "held", "failed"] | None = None
    limit: int = Field(default=50, ge=1, le=500)


class MailboxOut(Schema):
    address: str
    queue: str
    imap_host: str
    folder: str
    after_import: str
    active: bool
    last_fetch_at: AwareDateTime | None
    last_error: str

    @staticmethod
    def resolve_queue(obj: Mailbox) -> str:
        return obj.queue.name


class RetryIn(Input):
    release: bool = Field(default=False, description="also process a held message")


@router.post(
    "/receive",
    response={201: OutcomeOut, 200: OutcomeOut, 503: OutcomeOut},
    summary="Hand in one raw RFC 822 message",
)
def receive(request: HttpRequest, mailbox: str = ""):
    """The request body is the message as it arrived (``Content-Type: message/rfc822``).
    201 created or appended, 200 ignored or held, 422 unreadable (kept for an
    administrator), 503 temporary failure (try again)."""
    if not can_receive_mail(request.auth):  # type: ignore[attr-defined]
        raise NotAllowed("administrators' tokens only")
    box = Mailbox.objects.get(address__iexact=mailbox) if mailbox else None
    outcome = services.receive(request.body, mailbox=box)
    if outcome.unreadable:  # kept raw and listed for an administrator
        raise ServiceError("body", f"cannot read the message: {outcome.reason}")
    status = 201 if outcome.action in ("created", "appended") else 200
    if outcome.temporary:
        status = 503
    return Status(status, outcome.as_dict())


@router.get("/inbound", response=list[InboundOut])
def list_inbound(request: HttpRequest, filters: Query[InboundFilters]):
    """Incoming messages, newest first (by default the ones needing attention)."""
    if not can_review_mail(request.auth):  # type: ignore[attr-defined]
        raise NotAllowed("managers and administrators only")
    rows = InboundMail.objects.select_related("mailbox", "request").defer("raw")
    if filters.state:
        rows = rows.filter(state=filters.state)
    else:
        rows = rows.filter(state__in=[InboundState.FAILED, InboundState.HELD])
    return list(rows.order_by("-received_at")[: filters.limit])


@router.post("/inbound/{inbound_id}/retry", response=OutcomeOut)
def retry(request: HttpRequest, inbound_id: int, payload: RetryIn):
    """Process a failed message again (or release a held one)."""
    if not can_review_mail(request.auth):  # type: ignore[attr-defined]
        raise NotAllowed("managers and administrators only")
    inbound = InboundMail.objects.get(pk=inbound_id)
    return services.retry(inbound=inbound, release=payload.release).as_dict()


@router.get("/mailboxes", response=list[MailboxOut])
def list_mailboxes(request: HttpRequest):
    if not can_review_mail(request.auth):  # type: ignore[attr-defined]
        raise NotAllowed("managers and administrators only")
    return list(Mailbox.objects.select_related("queue"))
