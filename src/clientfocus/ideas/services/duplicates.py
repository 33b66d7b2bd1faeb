"""One idea asked twice: likely-duplicate pairs offered by the similarity search, and
the merge that moves votes (one per customer survives), comments, links and
unsubscriptions to the original, the merged idea pointing to it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.ideas import selectors
from clientfocus.ideas.models import (
    Comment,
    DuplicateCandidate,
    DuplicateState,
    Idea,
    Importance,
    Link,
    ModerationAction,
    ModerationEntry,
    Mute,
    Vote,
)
from clientfocus.ideas.permissions import can_decide
from clientfocus.ideas.services.votes import recount
from clientfocus.voice import textsearch as search

LIKELY = 0.5  # share of distinct terms two ideas have in common to be offered as one
_RANK = {"": 0, Importance.NICE: 1, Importance.IMPORTANT: 2, Importance.CRITICAL: 3}


def propose_duplicates(idea: Idea, *, threshold: float = LIKELY) -> list[DuplicateCandidate]:
    """Pending pairs for ``idea`` and the most similar older, open ideas."""
    ids = selectors.search_ids(
        f"{idea.title} {idea.description}", idea.language, limit=5, exclude=idea.pk
    )
    terms = set(f"{idea.search_title} {idea.search_body}".split())
    created = []
    for other in Idea.objects.filter(pk__in=ids, pk__lt=idea.pk):
        score = search.overlap(" ".join(terms), f"{other.search_title} {other.search_body}")
        title_score = search.overlap(idea.search_title, other.search_title)
        score = max(score, title_score)
        if score >= threshold:
            candidate, new = DuplicateCandidate.objects.get_or_create(
                idea=idea, original=other, defaults={"score": round(score, 3)}
            )
            if new:
                created.append(candidate)
    return created


def dismiss(*, actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    if not can_decide(actor):
        raise NotAllowed("managers and administrators decide about duplicates")
    if candidate.state != DuplicateState.PENDING:
        raise ServiceError("candidate", _("this pair was already decided"))
    candidate.state = DuplicateState.DISMISSED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save(update_fields=["state", "decided_by", "decided_at"])
    return candidate


def merge(*, actor, idea: Idea, into: Idea, reason: str = "") -> Idea:
    """Merge ``idea`` into ``into``: its votes move unless the customer already voted
    for the original (then the higher importance stays), comments, links and
    unsubscriptions move, pending pairs of the two are settled."""
    if not can_decide(actor):
        raise NotAllowed("managers and administrators merge ideas")
    if idea.pk == into.pk:
        raise ServiceError("into", _("an idea cannot be merged into itself"))
    if idea.merged_into_id is not None:
        raise ServiceError("idea", _("this idea was already merged"))
    if into.merged_into_id is not None:
        raise ServiceError("into", _("merge into the idea that one was merged into"))
    with transaction.atomic():
        there = {v.customer_id: v for v in Vote.objects.select_for_update().filter(idea=into)}
        for moving in Vote.objects.select_for_update().filter(idea=idea):
            kept = there.get(moving.customer_id)
            if kept is None:
                moving.idea = into
                moving.save(update_fields=["idea"])
                continue
            if _RANK[moving.importance] > _RANK[kept.importance]:
                kept.importance = moving.importance
                kept.save(update_fields=["importance"])
            moving.delete()
        Comment.objects.filter(idea=idea).update(idea=into)
        Link.objects.filter(idea=idea).update(idea=into)
        muted = set(Mute.objects.filter(idea=into).values_list("customer_id", flat=True))
        Mute.objects.filter(idea=idea).exclude(customer_id__in=muted).update(idea=into)
        idea.merged_into = into
        idea.save(update_fields=["merged_into", "updated_at"])
        ModerationEntry.objects.create(
            idea=idea,
            action=ModerationAction.MERGED,
            reason=(reason or _("merged into “%(title)s”") % {"title": into.title})[:300],
            actor=actor,
        )
        now = timezone.now()
        pairs = DuplicateCandidate.objects.filter(state=DuplicateState.PENDING)
        pairs.filter(idea=idea, original=into).update(
            state=DuplicateState.MERGED, decided_by=actor, decided_at=now
        )
        pairs.filter(idea=into, original=idea).update(
            state=DuplicateState.MERGED, decided_by=actor, decided_at=now
        )
        pairs.filter(idea=idea).update(state=DuplicateState.DISMISSED, decided_at=now)
        pairs.filter(original=idea).update(state=DuplicateState.DISMISSED, decided_at=now)
        recount([idea.pk, into.pk])
    return idea


def accept(*, actor, candidate: DuplicateCandidate) -> Idea:
    """Merge the newer idea of a pair into the older one."""
    if candidate.state != DuplicateState.PENDING:
        raise ServiceError("candidate", _("this pair was already decided"))
    return merge(actor=actor, idea=candidate.idea, into=candidate.original)
