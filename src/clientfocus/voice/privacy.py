"""The voice app's part of erasure and retention: what the customer wrote goes (comments,
what staff noted on the follow-up); scores, sentiment and themes stay, so NPS, CSAT and
the trends do not change."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import REDACTED, RetentionSweep
from clientfocus.voice.models import FeedbackItem, FollowUp


def anonymise_feedback(items: QuerySet[FeedbackItem]) -> dict[str, int]:
    ids = list(items.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return {}
    return {
        "follow-up notes": FollowUp.objects.filter(item_id__in=ids).exclude(outcome="")
        .update(outcome=REDACTED),
        "feedback": FeedbackItem.objects.filter(pk__in=ids).update(
            text=REDACTED, anonymised_at=timezone.now()
        ),
    }  # fmt: skip


def erase(customer: Customer) -> dict[str, int]:
    return anonymise_feedback(FeedbackItem.objects.filter(customer=customer))


def _expired(cutoff: datetime) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(created_at__lt=cutoff, anonymised_at__isnull=True)


retention = RetentionSweep(
    "feedback comments",
    _expired,
    "created_at",
    lambda rows: anonymise_feedback(rows).get("feedback", 0),
)
