"""Votes and what they weigh: the voter's 12-month value (the value engine's figure,
at least ``IDEAS_VALUE_FLOOR`` so a new customer counts), tier and segment, kept on the
vote; the idea's totals and its per-tier and per-segment tallies recounted in the
database from the votes (never incremented, so they cannot drift)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
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
    """Recount the totals and tallies of these ideas (all when None) from their votes, in
    the database: one grouped UPDATE, one INSERT … SELECT per dimension."""
    ids = None if idea_ids is None else sorted(set(idea_ids))
    if ids == []:
        return 0
    scope, params = ("", []) if ids is None else (
        f" AND idea_id IN ({', '.join(['%s'] * len(ids))})", ids
    )  # fmt: skip
    idea_scope = scope.replace("idea_id", "id")
    critical = Importance.CRITICAL
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ideas_idea SET votes = t.n, weighted_votes = t.w, value_at_stake = t.v, "  # noqa: S608 - placeholders only
            "critical_votes = t.c FROM (SELECT idea_id, COUNT(*) AS n, SUM(weight) AS w, "
            "SUM(value) AS v, SUM(CASE WHEN importance = %s THEN 1 ELSE 0 END) AS c "
            f"FROM ideas_vote WHERE 1 = 1{scope} GROUP BY idea_id) AS t "
            "WHERE ideas_idea.id = t.idea_id",
            [critical, *params],
        )
        updated = cursor.rowcount
        cursor.execute(
            "UPDATE ideas_idea SET votes = 0, weighted_votes = 0, value_at_stake = 0, "  # noqa: S608 - placeholders only
            f"critical_votes = 0 WHERE votes <> 0{idea_scope} AND NOT EXISTS "
            "(SELECT 1 FROM ideas_vote WHERE ideas_vote.idea_id = ideas_idea.id)",
            params,
        )
        updated += cursor.rowcount
        cursor.execute(f"DELETE FROM ideas_tally WHERE 1 = 1{scope}", params)  # noqa: S608
        for dimension, column, present in (
            (Tally.TIER, "tier_id", "tier_id IS NOT NULL"),
            (Tally.SEGMENT, "segment", "segment <> ''"),
        ):
            key = "CAST(tier_id AS TEXT)" if column == "tier_id" else "segment"
            cursor.execute(
                "INSERT INTO ideas_tally (idea_id, dimension, key, votes, weighted_votes, "  # noqa: S608 - fixed columns
                f"value_at_stake) SELECT idea_id, %s, {key}, COUNT(*), SUM(weight), SUM(value) "
                f"FROM ideas_vote WHERE {present}{scope} GROUP BY idea_id, {key}",
                [dimension, *params],
            )
    return updated


def refresh_weights() -> int:
    """Nightly: every vote takes its voter's current value, tier and segment (the value
    engine refreshes them) in one joined UPDATE, then every idea is recounted. Returns
    the votes updated."""
    value = "COALESCE(cv.lifetime_value_12m, 0)"
    positive = f"CASE WHEN {value} > 0 THEN {value} ELSE 0 END"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE ideas_vote SET value = {positive}, "  # noqa: S608 - fixed expressions
            f"weight = CASE WHEN {positive} > %s THEN {positive} ELSE %s END, "
            "tier_id = c.tier_id, segment = COALESCE(cv.segment, '') "
            "FROM customers_customer c LEFT JOIN value_customervalue cv ON cv.customer_id = c.id "
            "WHERE ideas_vote.customer_id = c.id",
            [settings.IDEAS_VALUE_FLOOR, settings.IDEAS_VALUE_FLOOR],
        )
        updated = cursor.rowcount
        recount(None)
    return updated
