"""The service desk's part of erasure and retention: the words of a request go (subject,
messages, quoted text, attachments, notes on time, notices that quote the subject); its
clocks, states, queue and category stay, so attainment and volumes do not change."""

from __future__ import annotations

import contextlib
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import REDACTED, RetentionSweep
from clientfocus.service.models import (
    AgentNotice,
    Attachment,
    Message,
    Request,
    State,
    TimeEntry,
)


def _remove_files(attachments: QuerySet[Attachment]) -> int:
    """Delete the rows now and the stored files once the transaction commits."""
    stored = [(a.file.storage, a.file.name) for a in attachments.only("file") if a.file.name]
    count, _ = attachments.delete()

    def remove() -> None:
        for storage, name in stored:
            with contextlib.suppress(OSError):  # already gone: nothing to remove
                storage.delete(name)

    transaction.on_commit(remove)
    return count


def anonymise_requests(requests: QuerySet[Request]) -> dict[str, int]:
    ids = list(requests.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return {}
    messages = Message.objects.filter(request_id__in=ids)
    removed = {
        "attachments": _remove_files(Attachment.objects.filter(message__request_id__in=ids)),
        "messages": messages.update(
            body_html=f"<p>{REDACTED}</p>", body_text=REDACTED, quoted_html="", author_name=""
        ),
        "time notes": TimeEntry.objects.filter(request_id__in=ids).exclude(note="")
        .update(note=""),
        "notices": AgentNotice.objects.filter(request_id__in=ids).update(text=REDACTED),
    }  # fmt: skip
    removed["requests"] = Request.objects.filter(pk__in=ids).update(
        subject=REDACTED, reply_address="", anonymised_at=timezone.now()
    )
    return removed


def erase(customer: Customer) -> dict[str, int]:
    return anonymise_requests(Request.objects.filter(customer=customer))


def _expired(cutoff: datetime) -> QuerySet[Request]:
    return Request.objects.filter(
        state=State.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    )


retention = RetentionSweep(
    "closed requests and their messages",
    _expired,
    "closed_at",
    lambda rows: anonymise_requests(rows).get("requests", 0),
)
