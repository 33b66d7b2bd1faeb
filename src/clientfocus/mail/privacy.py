"""The mail app's part of erasure and retention: the raw e-mail (bytes, sender, subject)
goes once it is processed; the row stays so a re-delivered Message-ID is still known."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from clientfocus.customers.models import ContactKind, Customer
from clientfocus.customers.privacy import REDACTED, RetentionSweep
from clientfocus.mail.models import InboundMail, InboundState

DONE = (InboundState.PROCESSED, InboundState.IGNORED)


def _anonymise(rows: QuerySet[InboundMail]) -> int:
    return rows.exclude(subject=REDACTED).update(raw=b"", size=0, sender="", subject=REDACTED)


def erase(customer: Customer) -> dict[str, int]:
    addresses = {
        a for c in customer.contacts.all() if c.kind == ContactKind.EMAIL
        for a in (c.value, c.normalised)
    }  # fmt: skip
    rows = InboundMail.objects.filter(Q(request__customer=customer) | Q(sender__in=addresses))
    return {"incoming e-mails": _anonymise(rows)}


def _expired(cutoff: datetime) -> QuerySet[InboundMail]:
    return InboundMail.objects.filter(received_at__lt=cutoff, state__in=DONE).exclude(
        subject=REDACTED
    )


retention = RetentionSweep("incoming e-mails", _expired, "received_at", _anonymise)
