"""Votes and what they weigh: the voter's 12-month value (the value engine's figure,
at least ``IDEAS_VALUE_FLOOR`` so a new customer counts), tier and segment, kept on the
vote; the idea's totals and its per-tier and per-segment tallies recounted in the
database from the votes (never incremented, so they cannot drift)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, FloatField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer
from clientfocus.ideas.models import Idea, Importance, Tally, Vote
from clientfocus.ideas.permissions import can_act_for_customers
from clientfocus.value.models import CustomerValue


def voter_facts(customer: Customer) -> dict:
    """What a vote keeps of its voter: value, weight, tier, segment."""
    row = (
        CustomerValue.objects.filter(customer=customer)
        .values_list("lifetime_value_12m", "segment")
        .first()
    ) or (None, "")
    value = max(0.0, float(row[0] or 0.0))
    return {
        "value": value,
        "weight": max(value, settings.IDEAS_VALUE_FLOOR),
        "tier_id": customer.tier_id,
        "segment": row[1] or "",
    }


def _check_votable(idea: Idea) -> Idea:
    """Votes go to the idea a merged one points to; closed ideas take none."""
    if idea.merged_into_id is not None:
        idea = idea.merged_into  # type: ignore[assignment]
    if idea.closed:
        raise ServiceError("idea", _("this idea is closed for voting"))
    return idea


def vote(*, idea: Idea, customer: Customer, importance: str = "", actor=None) -> Vote:
    """Vote (or change the importance of the vote): one per customer per idea.
    ``actor``: the employee recording it for the customer."""
    if importance and importance not in Importance.values:
        raise ServiceError("importance", _("choose nice, important or critical"))
    if actor is not None and not can_act_for_customers(actor):
        raise NotAllowed("agents, managers and administrators record votes for customers")
    idea = _check_votable(idea)
    now = timezone.now()
    with transaction.atomic():
        existing = Vote.objects.select_for_update().filter(idea=idea, customer=customer).first()
        if existing is not None:
            existing.importance = importance
            existing.updated_at = now
            existing.save(update_fields=["importance", "updated_at"])
            recount([idea.pk])
            return existing
        created = Vote.objects.create(
            idea=idea,
            customer=customer,
            importance=importance,
            recorded_by=actor,
            created_at=now,
            updated_at=now,
            **voter_facts(customer),
        )
        recount([idea.pk])
    return created


def unvote(*, idea: Idea, customer: Customer) -> bool:
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(idea=idea, customer=customer).delete()
        if deleted:
            recount([idea.pk])
    return bool(deleted)


def recount(idea_ids: Iterable[int] | None = None) -> int:
    """Recount the totals and tallies of these ideas (all when None) from their votes."""
    ideas = Idea.objects.all() if idea_ids is None else Idea.objects.filter(pk__in=list(idea_ids))
    votes = Vote.objects.filter(idea=OuterRef("pk")).order_by().values("idea")
    zero = Value(0.0, output_field=FloatField())

    def total(expression):
        return Subquery(votes.annotate(x=expression).values("x")[:1])

    updated = ideas.update(
        votes=Coalesce(total(Count("id")), 0),
        weighted_votes=Coalesce(total(Sum("weight")), zero),
        value_at_stake=Coalesce(total(Sum("value")), zero),
        critical_votes=Coalesce(total(Count("id", filter=Q(importance=Importance.CRITICAL))), 0),
    )
    scope = Vote.objects.all() if idea_ids is None else Vote.objects.filter(idea__in=ideas)
    tallies = Tally.objects.all() if idea_ids is None else Tally.objects.filter(idea__in=ideas)
    tallies.delete()
    rows = []
    for dimension, field in ((Tally.TIER, "tier_id"), (Tally.SEGMENT, "segment")):
        grouped = (
            scope.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""})
            if field == "segment"
            else scope.exclude(**{f"{field}__isnull": True})
        )
        for row in (
            grouped.order_by()
            .values("idea_id", field)
            .annotate(n=Count("id"), w=Sum("weight"), v=Sum("value"))
        ):
            rows.append(
                Tally(
                    idea_id=row["idea_id"],
                    dimension=dimension,
                    key=str(row[field]),
                    votes=row["n"],
                    weighted_votes=row["w"] or 0.0,
                    value_at_stake=row["v"] or 0.0,
                )
            )
    Tally.objects.bulk_create(rows, batch_size=5000)
    return updated


def refresh_weights() -> int:
    """Nightly: every vote takes its voter's current value, tier and segment (the value
    engine refreshes them), then every idea is recounted. Returns the votes updated."""
    value = Subquery(
        CustomerValue.objects.filter(customer=OuterRef("customer")).values("lifetime_value_12m")[:1]
    )
    segment = Subquery(
        CustomerValue.objects.filter(customer=OuterRef("customer")).values("segment")[:1]
    )
    tier = Subquery(Customer.objects.filter(pk=OuterRef("customer")).values("tier_id")[:1])
    floor = Value(float(settings.IDEAS_VALUE_FLOOR), output_field=FloatField())
    with transaction.atomic():
        updated = Vote.objects.update(
            value=Greatest(Cast(Coalesce(value, 0.0), FloatField()), Value(0.0)),
            tier_id=tier,
            segment=Coalesce(segment, Value("")),
        )
        Vote.objects.update(weight=Greatest(F("value"), floor))
        recount(None)
    return updated
