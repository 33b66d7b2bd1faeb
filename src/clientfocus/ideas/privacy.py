"""The ideas app's part of erasure: what the customer wrote in comments goes; their
votes stay (anonymous counts, so rankings do not change) and they are told nothing more."""

from __future__ import annotations

from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import REDACTED
from clientfocus.ideas.models import Comment, Idea, Mute


def erase(customer: Customer) -> dict[str, int]:
    muted = [
        Mute(idea_id=pk, customer=customer)
        for pk in Idea.objects.filter(vote_set__customer=customer).values_list("pk", flat=True)
    ]
    Mute.objects.bulk_create(muted, ignore_conflicts=True)
    return {
        "idea comments": Comment.objects.filter(customer=customer).exclude(text=REDACTED)
        .update(text=REDACTED),
        "ideas": Idea.objects.filter(customer=customer).update(customer=None),
    }  # fmt: skip
