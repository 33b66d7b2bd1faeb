"""Reads for the decision makers' page, the digest and the feedback lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from clientfocus.voice.models import (
    DailyRollup,
    FeedbackItem,
    Sentiment,
    Theme,
    ThemeTag,
)

DIMENSIONS = {
    "all": None,
    "tier": "tier_code",
    "segment": "segment",
    "queue": "queue__name",
    "product_line": "product_line",
}


# -- scores -----------------------------------------------------------------------------------


def _score_aggregates(prefix: str = "") -> dict[str, Any]:
    kind, score = f"{prefix}score_kind", f"{prefix}score"
    return {
        "nps_n": Count("id", filter=Q(**{kind: "nps"})),
        "nps_promoters": Count("id", filter=Q(**{kind: "nps", f"{score}__gte": 9})),
        "nps_detractors": Count("id", filter=Q(**{kind: "nps", f"{score}__lte": 6})),
        "csat_n": Count("id", filter=Q(**{kind: "csat"})),
        "csat_satisfied": Count("id", filter=Q(**{kind: "csat", f"{score}__gte": 4})),
        "ces_n": Count("id", filter=Q(**{kind: "ces"})),
        "ces_sum": Sum(score, filter=Q(**{kind: "ces"})),
    }


def score_figures(row: dict[str, Any]) -> dict[str, Any]:
    """NPS (−100…100), CSAT (% satisfied, 4–5 of 5), CES (mean 1–7) from counts."""
    nps_n, csat_n, ces_n = row.get("nps_n") or 0, row.get("csat_n") or 0, row.get("ces_n") or 0
    return {
        "nps": round(
            100 * ((row.get("nps_promoters") or 0) - (row.get("nps_detractors") or 0)) / nps_n
        )
        if nps_n
        else None,
        "nps_n": nps_n,
        "csat": round(100 * (row.get("csat_satisfied") or 0) / csat_n) if csat_n else None,
        "csat_n": csat_n,
        "ces": round((row.get("ces_sum") or 0) / ces_n, 2) if ces_n else None,
        "ces_n": ces_n,
    }


def scores_between(start: datetime, end: datetime) -> dict[str, Any]:
    row = FeedbackItem.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        **_score_aggregates()
    )
    return score_figures(row)


def rising_themes(start: datetime, end: datetime, *, baseline_weeks: int = 4) -> list[dict]:
    """Themes by how much more they were mentioned than in an average earlier week."""
    span = end - start
    tags = ThemeTag.objects.filter(active=True, theme__active=True)
    now_counts = dict(
        tags.filter(created_at__gte=start, created_at__lt=end)
        .values_list("theme_id")
        .annotate(n=Count("id"))
    )
    before = dict(
        tags.filter(created_at__gte=start - baseline_weeks * span, created_at__lt=start)
        .values_list("theme_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for theme in Theme.objects.filter(active=True):
        count = now_counts.get(theme.pk, 0)
        usual = before.get(theme.pk, 0) / baseline_weeks
        rows.append(
            {
                "code": theme.code,
                "name": theme.name,
                "count": count,
                "usual": round(usual, 1),
                "change": round(count - usual),
            }
        )
    rows.sort(key=lambda r: (-r["change"], -r["count"]))
    return [r for r in rows if r["count"]]


# -- rollups ----------------------------------------------------------------------------------


def rebuild_rollups(*, start: date, end: date) -> int:
    """Recount the days [start, end] from the items and tags (idempotent)."""
    zone = timezone.get_current_timezone()
    begin = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    finish = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    items = FeedbackItem.objects.filter(created_at__gte=begin, created_at__lt=finish)
    tags = ThemeTag.objects.filter(active=True, created_at__gte=begin, created_at__lt=finish)
    rows: list[DailyRollup] = []
    has_text = ~Q(text="")
    for dimension, field in DIMENSIONS.items():
        keys = ["day"] + ([field] if field else [])
        for r in (
            items.annotate(day=TruncDate("created_at"))
            .values(*keys)
            .annotate(
                items=Count("id"),
                comments=Count("id", filter=has_text),
                negative=Count("id", filter=has_text & Q(sentiment=Sentiment.NEGATIVE)),
                positive=Count("id", filter=has_text & Q(sentiment=Sentiment.POSITIVE)),
                **_score_aggregates(),
            )
            .order_by()
        ):
            rows.append(_rollup(r, dimension, field, theme_id=None))
        item_field = f"item__{field}" if field else None
        keys = ["day", "theme_id"] + ([item_field] if item_field else [])
        for r in (
            tags.annotate(day=TruncDate("created_at"))
            .values(*keys)
            .annotate(
                items=Count("id"),
                comments=Count("id"),
                negative=Count("id", filter=Q(item__sentiment=Sentiment.NEGATIVE)),
                positive=Count("id", filter=Q(item__sentiment=Sentiment.POSITIVE)),
                **_score_aggregates("item__"),
            )
            .order_by()
        ):
            rows.append(_rollup(r, dimension, item_field, theme_id=r["theme_id"]))
    with transaction.atomic():
        DailyRollup.objects.filter(day__gte=start, day__lte=end).delete()
        DailyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _rollup(r: dict, dimension: str, field: str | None, *, theme_id: int | None) -> DailyRollup:
    value = r.get(field) if field else ""
    return DailyRollup(
        day=r["day"],
        dimension=dimension,
        value=str(value if value is not None else "")[:60],
        theme_id=theme_id,
        items=r["items"],
        comments=r["comments"],
        negative=r["negative"],
        positive=r["positive"],
        nps_n=r["nps_n"],
        nps_promoters=r["nps_promoters"],
        nps_detractors=r["nps_detractors"],
        csat_n=r["csat_n"],
        csat_satisfied=r["csat_satisfied"],
        ces_n=r["ces_n"],
        ces_sum=r["ces_sum"] or 0,
    )


def rebuild_all_rollups() -> int:
    first = FeedbackItem.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        DailyRollup.objects.all().delete()
        return 0
    zone = timezone.get_current_timezone()
    start = first.astimezone(zone).date()
    end = timezone.localdate()
    total = 0
    day = start
    while day <= end:  # a month at a time keeps each transaction small
        last = min(end, day + timedelta(days=30))
        total += rebuild_rollups(start=day, end=last)
        day = last + timedelta(days=1)
    return total


# -- the decision makers' page ----------------------------------------------------------------

COUNT_FIELDS = (
    "items", "comments", "negative", "positive", "nps_n", "nps_promoters", "nps_detractors",
    "csat_n", "csat_satisfied", "ces_n", "ces_sum",
)  # fmt: skip


def weeks_ending(today: date, weeks: int) -> list[date]:
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def dashboard(*, weeks: int = 12, dimension: str = "all", today: date | None = None) -> dict:
    """Weekly scores per breakdown value, weekly theme volumes and sentiment: all from
    the daily rollups."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown breakdown {dimension!r}")
    today = today or timezone.localdate()
    mondays = weeks_ending(today, weeks)
    first = mondays[0]
    # Scores per breakdown value; themes only overall (the per-value theme rows serve
    # the drill-down counts, not this page).
    rollups = DailyRollup.objects.filter(day__gte=first).filter(
        Q(dimension="all") | Q(dimension=dimension, theme__isnull=True)
    )
    score_rows: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    theme_rows: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rollups.values("day", "dimension", "value", "theme_id", *COUNT_FIELDS):
        week = r["day"] - timedelta(days=r["day"].weekday())
        if r["theme_id"] is None:
            if r["dimension"] == dimension:
                bucket = score_rows[(r["value"], week)]
                for f in COUNT_FIELDS:
                    bucket[f] += r[f]
            if r["dimension"] == "all" and dimension != "all":
                bucket = score_rows[("__all__", week)]
                for f in COUNT_FIELDS:
                    bucket[f] += r[f]
        elif r["dimension"] == "all":
            bucket = theme_rows[(r["theme_id"], week)]
            for f in ("items", "negative", "positive"):
                bucket[f] += r[f]
    values = sorted({v for v, _ in score_rows if v != "__all__"})
    series = []
    for value in values:
        points = [dict(score_figures(score_rows.get((value, m), {})), week=m) for m in mondays]
        totals: dict[str, int] = defaultdict(int)
        for m in mondays:
            for f in COUNT_FIELDS:
                totals[f] += score_rows.get((value, m), {}).get(f, 0)
        series.append(
            {
                "value": value,
                "points": points,
                "total": score_figures(totals),
                "items": totals["items"],
                "comments": totals["comments"],
                "negative": totals["negative"],
            }
        )
    overall_key = "__all__" if dimension != "all" else ""
    overall = [
        dict(
            score_figures(score_rows.get((overall_key, m), {})),
            week=m,
            items=score_rows.get((overall_key, m), {}).get("items", 0),
            comments=score_rows.get((overall_key, m), {}).get("comments", 0),
            negative=score_rows.get((overall_key, m), {}).get("negative", 0),
            positive=score_rows.get((overall_key, m), {}).get("positive", 0),
        )
        for m in mondays
    ]
    themes = []
    for theme in Theme.objects.filter(active=True):
        points = []
        for m in mondays:
            row = theme_rows.get((theme.pk, m), {})
            n = row.get("items", 0)
            points.append(
                {
                    "week": m,
                    "count": n,
                    "negative": row.get("negative", 0),
                    "negative_share": round(100 * row.get("negative", 0) / n) if n else None,
                }
            )
        themes.append(
            {
                "code": theme.code,
                "name": theme.name,
                "points": points,
                "total": sum(p["count"] for p in points),
            }
        )
    return {
        "weeks": mondays,
        "dimension": dimension,
        "overall": overall,
        "series": series,
        "themes": themes,
    }


# -- feedback lists ---------------------------------------------------------------------------


def feedback_list(
    *,
    theme: str = "",
    sentiment: str = "",
    language: str = "",
    source: str = "",
    score_kind: str = "",
    detractors: bool = False,
    customer_id: int | None = None,
    dimension: str = "",
    value: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    search: str = "",
) -> QuerySet[FeedbackItem]:
    items = FeedbackItem.objects.select_related("customer", "request", "order")
    if theme:
        # Through the (theme, created_at) index of the tags, bounded by the same window.
        tags = ThemeTag.objects.filter(theme__code=theme, active=True)
        if start:
            tags = tags.filter(created_at__gte=start)
        if end:
            tags = tags.filter(created_at__lt=end)
        items = items.filter(pk__in=tags.values("item_id"))
    if sentiment:
        items = items.filter(sentiment=sentiment)
    if language:
        items = items.filter(language=language)
    if source:
        items = items.filter(source=source)
    if score_kind:
        items = items.filter(score_kind=score_kind)
    if detractors:
        items = items.filter(
            Q(score_kind="nps", score__lte=6)
            | Q(score_kind="csat", score__lte=2)
            | Q(score_kind="ces", score__gte=6)
        )
    if customer_id:
        items = items.filter(customer_id=customer_id)
    field = DIMENSIONS.get(dimension)
    if field and value:
        items = items.filter(**{field: value})
    if start:
        items = items.filter(created_at__gte=start)
    if end:
        items = items.filter(created_at__lt=end)
    if search:
        items = items.filter(text__icontains=search)
    return items.prefetch_related("tags__theme").order_by("-created_at", "-id")
