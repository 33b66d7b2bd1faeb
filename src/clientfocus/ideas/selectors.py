"""Reading ideas: the full-text search behind "is yours already here?", the rankings
(raw, weighted by value, per tier and segment), who asked, and the close-the-loop figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet

from clientfocus.ideas.models import (
    TOLD_STATUSES,
    Idea,
    Link,
    Notice,
    NoticeState,
    Status,
    Tally,
    Visibility,
    Vote,
)
from clientfocus.ideas.permissions import ideas_for_customer
from clientfocus.value.rfm import SEGMENTS
from clientfocus.voice import textsearch as search

SORTS = ("weighted", "votes", "value", "newest")


def search_ids(
    text: str,
    language: str | None,
    *,
    limit: int = 5,
    listed_only: bool = True,
    exclude: int | None = None,
) -> list[int]:
    """Ids of the ideas most like ``text`` (stemmed in ``language``), best first; listed
    ideas that are not declined unless ``listed_only`` is False. Ideas with every term
    come first (few candidates to rank, so it stays fast over many ideas); ideas with
    any of them fill the rest."""
    terms = search.query_terms(text, language)
    if not terms:
        return []
    found = _matching(terms, every=True, limit=limit, listed_only=listed_only, exclude=exclude)
    if len(found) < limit and len(terms) > 1:
        more = _matching(
            terms, every=False, limit=limit + len(found), listed_only=listed_only, exclude=exclude
        )
        found += [i for i in more if i not in found][: limit - len(found)]
    return found


def _matching(
    terms: list[str], *, every: bool, limit: int, listed_only: bool, exclude: int | None
) -> list[int]:
    conditions = ["1=1"]
    params: list = []
    if listed_only:
        conditions.append("i.visibility = %s AND i.merged_into_id IS NULL AND i.status <> %s")
        params += [Visibility.PUBLIC, Status.DECLINED]
    if exclude is not None:
        conditions.append("i.id <> %s")
        params.append(exclude)
    where = " AND ".join(conditions)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.id FROM ideas_idea i, CAST(%s AS tsquery) q "  # noqa: S608 - fixed conditions
                f"WHERE i.search_tsv @@ q AND {where} "
                "ORDER BY ts_rank(i.search_tsv, q) DESC, i.weighted_votes DESC, i.id DESC "
                "LIMIT %s",
                [search.postgres_query(terms, every=every), *params, limit],
            )
        else:
            cursor.execute(
                "SELECT i.id FROM ideas_fts f JOIN ideas_idea i ON i.id = f.rowid "  # noqa: S608 - fixed conditions
                f"WHERE ideas_fts MATCH %s AND {where} "
                "ORDER BY bm25(ideas_fts, 2.0, 1.0), i.weighted_votes DESC, i.id DESC "
                "LIMIT %s",
                [search.sqlite_query(terms, every=every), *params, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def similar(
    text: str, language: str | None, *, limit: int = 5, exclude: int | None = None
) -> list[Idea]:
    ids = search_ids(text, language, limit=limit, exclude=exclude)
    found = Idea.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


@dataclass
class RankedIdea:
    idea: Idea
    votes: int
    weighted_votes: float
    value_at_stake: float
    rank_by_votes: int | None = None  # None: below the first RANKED
    rank_by_weight: int | None = None


def ranking(
    ideas: QuerySet[Idea],
    *,
    sort: str = "weighted",
    tier: int | None = None,
    segment: str = "",
    product_line: str = "",
    status: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[RankedIdea]:
    """Ideas by weighted votes (or raw votes, value at stake, newest) among all voters or
    the voters of one tier or one segment, with both ranks side by side."""
    ideas = ideas.filter(merged_into__isnull=True)
    if product_line:
        ideas = ideas.filter(product_line=product_line)
    if status:
        ideas = ideas.filter(status=status)
    sort = sort if sort in SORTS else "weighted"
    # The sort key of an idea; a tally sorts by its own totals, newest by its idea's date.
    field = {"weighted": "weighted_votes", "votes": "votes", "value": "value_at_stake"}.get(sort)
    dimension, key = (
        (Tally.TIER, str(tier))
        if tier is not None
        else (Tally.SEGMENT, segment)
        if segment
        else ("", "")
    )
    if dimension:
        tallies = Tally.objects.filter(dimension=dimension, key=key, idea__in=ideas)
        tallies = tallies.order_by(f"-{field or 'idea__created_at'}", "-idea_id")
        rows = [
            RankedIdea(t.idea, t.votes, t.weighted_votes, t.value_at_stake)
            for t in tallies.select_related("idea")[offset : offset + limit]
        ]
    else:
        rows = [
            RankedIdea(i, i.votes, i.weighted_votes, i.value_at_stake)
            for i in ideas.order_by(f"-{field or 'created_at'}", "-id")[offset : offset + limit]
        ]
    base = (
        Tally.objects.filter(dimension=dimension, key=key, idea__in=ideas) if dimension else ideas
    )
    pk = "idea_id" if dimension else "id"
    places = {
        field: _places(base, field, pk, offset + limit)
        for field, used in (("votes", sort == "votes"), ("weighted_votes", sort == "weighted"))
        if not used
    }
    for place, row in enumerate(rows, start=offset + 1):
        row.rank_by_votes = place if sort == "votes" else places["votes"].get(row.idea.pk)
        row.rank_by_weight = (
            place if sort == "weighted" else places["weighted_votes"].get(row.idea.pk)
        )
    return rows


RANKED = 1000  # places counted by the other measure; below them the page says "over 1000"


def _places(base, field: str, pk: str, at_least: int) -> dict[int, int]:
    """Idea id -> place (1 = first) by ``field`` among the first RANKED (or more, to cover
    the page shown): one index scan, not a count per row."""
    ids = base.order_by(f"-{field}", f"-{pk}").values_list(pk, flat=True)[: max(RANKED, at_least)]
    return {idea_id: place for place, idea_id in enumerate(ids, start=1)}


def customer_listing(
    customer, *, query: str = "", product_line: str = "", offset: int = 0, limit: int = 30
) -> list[Idea]:
    """What a customer's ideas page and app list: the ideas most like ``query`` (in the
    customer's language), else the most voted, optionally of one product line."""
    listed = ideas_for_customer(customer).filter(merged_into__isnull=True)
    if query.strip():
        ids = search_ids(query, customer.language, limit=limit)
        found = listed.in_bulk(ids)
        return [found[i] for i in ids if i in found]
    if product_line:
        listed = listed.filter(product_line=product_line)
    return list(listed.order_by("-votes", "-id")[offset : offset + limit])


def votes_of(customer, ideas: list[Idea]) -> dict[int, Vote]:
    """The customer's votes on these ideas, by idea id."""
    votes = Vote.objects.filter(customer=customer, idea__in=[i.pk for i in ideas])
    return {v.idea_id: v for v in votes}


def breakdown(idea_ids: list[int], dimension: str) -> dict[int, dict[str, tuple[int, float]]]:
    """Per idea: {tier id or segment: (votes, weighted votes)}."""
    result: dict[int, dict[str, tuple[int, float]]] = {i: {} for i in idea_ids}
    for tally in Tally.objects.filter(idea_id__in=idea_ids, dimension=dimension):
        result[tally.idea_id][tally.key] = (tally.votes, tally.weighted_votes)
    return result


CACHE_SECONDS = 300


def product_lines() -> list[str]:
    """The product lines ideas were filed under (kept five minutes: a filter's choices)."""
    return cache.get_or_set(  # type: ignore[return-value]
        "ideas:product-lines",
        lambda: list(
            Idea.objects.exclude(product_line="")
            .order_by("product_line")
            .values_list("product_line", flat=True)
            .distinct()
        ),
        CACHE_SECONDS,
    )


def segments() -> list[str]:
    """The value engine's segment names (a vote keeps its voter's)."""
    return [name for name, _rule in SEGMENTS]


def askers(idea: Idea) -> dict[int, datetime]:
    """Customer id -> when they asked (their vote, or the first link), for everybody who
    asked for this idea."""
    asked: dict[int, datetime] = {}
    for customer_id, at in Vote.objects.filter(idea=idea).values_list("customer_id", "created_at"):
        asked[customer_id] = at
    for customer_id, at in Link.objects.filter(idea=idea).values_list("customer_id", "created_at"):
        if customer_id not in asked or at < asked[customer_id]:
            asked[customer_id] = at
    return asked


@dataclass
class LoopFigures:
    asked: int  # people who asked, on ideas that reached an outcome
    told: int  # of them, told of the outcome on their channel
    unreachable: int
    unsubscribed: int
    median_days: float | None  # from asking to being told

    @property
    def rate(self) -> float | None:
        return self.told / self.asked if self.asked else None


def company_loop_figures() -> LoopFigures:
    """``loop_figures`` over every idea, kept until somebody is told again (or five
    minutes): the ranking page shows it on every visit."""
    return cache.get_or_set("ideas:loop", loop_figures, CACHE_SECONDS)  # type: ignore[return-value]


def loop_figures(ideas: QuerySet[Idea] | None = None) -> LoopFigures:
    """Close the loop: of the people who asked for an idea that was planned, shipped or
    declined, how many were told (a notice queued on their channel), and how long after
    they asked. One row per person and idea: the first outcome counts."""
    notices = Notice.objects.filter(change__new_status__in=TOLD_STATUSES)
    if ideas is not None:
        notices = notices.filter(idea__in=ideas)
    first: dict[tuple[int, int], tuple] = {}
    for idea_id, customer_id, state, asked_at, created_at in notices.order_by(
        "created_at"
    ).values_list("idea_id", "customer_id", "state", "asked_at", "created_at"):
        first.setdefault((idea_id, customer_id), (state, asked_at, created_at))
    told = [v for v in first.values() if v[0] == NoticeState.QUEUED]
    days = [(v[2] - v[1]).total_seconds() / 86400 for v in told]
    return LoopFigures(
        asked=len(first),
        told=len(told),
        unreachable=sum(1 for v in first.values() if v[0] == NoticeState.UNREACHABLE),
        unsubscribed=sum(1 for v in first.values() if v[0] == NoticeState.UNSUBSCRIBED),
        median_days=round(statistics.median(days), 1) if days else None,
    )


def voters_of(idea: Idea):
    return (
        Vote.objects.filter(idea=idea)
        .select_related("customer", "customer__tier")
        .order_by(F("weight").desc(), "-id")
    )


EXPORT_FIELDS = [
    "id", "title", "description", "product_line", "language", "status", "visibility",
    "votes", "weighted_votes", "value_at_stake", "critical_votes", "merged_into",
    "official_response", "created_at", "status_changed_at",
]  # fmt: skip


def export_rows(ideas: QuerySet[Idea]):
    """One dict per idea, oldest first (no personal data: who voted is not exported)."""
    for idea in ideas.select_related("merged_into").order_by("id").iterator(chunk_size=2000):
        yield {
            "id": str(idea.public_id),
            "title": idea.title,
            "description": idea.description,
            "product_line": idea.product_line,
            "language": idea.language,
            "status": idea.status,
            "visibility": idea.visibility,
            "votes": idea.votes,
            "weighted_votes": round(idea.weighted_votes, 2),
            "value_at_stake": round(idea.value_at_stake, 2),
            "critical_votes": idea.critical_votes,
            "merged_into": str(idea.merged_into.public_id) if idea.merged_into else "",
            "official_response": idea.official_response,
            "created_at": idea.created_at.isoformat(),
            "status_changed_at": idea.status_changed_at.isoformat()
            if idea.status_changed_at
            else "",
        }
