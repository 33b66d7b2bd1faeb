"""The figures behind the reports (S7, S8, S23, S25), computed by the worker for a month
and stored (`MonthFigures`), so that pages, exports and the monthly e-mail read one row:

- ``payback``: per tier and per segment, the cost of service (time and grants) against
  the change in P(alive) and 12-month value since the tier policy first applied;
- ``product_line`` / ``tier`` / ``segment``: volumes, targets met, satisfaction, themes,
  value, churn risk, ideas and their weight per group;
- ``order_cycle``: orders by stage, late ones, delays and complaints per stage.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum

from clientfocus.customers.models import Customer, Tier
from clientfocus.grants.models import Grant, GrantState
from clientfocus.ideas.models import Idea, Status, Tally
from clientfocus.orders.models import (
    FINAL_MILESTONES,
    PURCHASE_STATUSES,
    Milestone,
    Order,
    OrderMilestone,
)
from clientfocus.service.models import Request
from clientfocus.value.models import CustomerValue, TierPolicyVersion, ValueMark
from clientfocus.voice.models import FeedbackItem, Sentiment, ThemeTag

DIMENSIONS = ("product_line", "tier", "segment")
MIN_GROUP = 30  # customers in a group before a change is read as more than noise
MIN_DAYS = 90  # days a policy must have applied before retention can show a change
FALL_POINTS = 0.15  # P(alive) falling: at least this much below three months earlier
OPEN_IDEAS = [Status.OPEN, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS]
NONE = "—"


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


# -- payback -----------------------------------------------------------------------------


def policy_since() -> datetime | None:
    return (
        TierPolicyVersion.objects.filter(applied_at__isnull=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def payback(now: datetime) -> dict:
    since = policy_since()
    base_month = since.date().replace(day=1) if since else None
    tiers = dict(Tier.objects.values_list("pk", "code"))
    grants: dict[int, float] = defaultdict(float)
    for cid, amount in (
        Grant.objects.filter(state=GrantState.APPROVED)
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    ):
        grants[cid] = float(amount or 0)
    before: dict[int, tuple[float | None, float | None]] = {}
    if base_month is not None:
        before = {
            cid: (p, v)
            for cid, p, v in ValueMark.objects.filter(month=base_month).values_list(
                "customer_id", "p_alive", "lifetime_value_12m"
            )
        }
    groups: dict[tuple[str, str], dict] = {}
    for cid, tier_id, segment, cost, p_alive, value in CustomerValue.objects.values_list(
        "customer_id",
        "customer__tier_id",
        "segment",
        "cost_to_serve",
        "p_alive",
        "lifetime_value_12m",
    ).iterator(chunk_size=10000):
        for key in (("tier", tiers.get(tier_id, NONE)), ("segment", segment or NONE)):
            g = groups.setdefault(
                key, {"customers": 0, "cost": 0.0, "grants": 0.0, "now": [], "then": [],
                      "value_now": [], "value_then": []})  # fmt: skip
            g["customers"] += 1
            g["cost"] += cost or 0.0
            g["grants"] += grants.get(cid, 0.0)
            old = before.get(cid)
            if old is not None:
                if p_alive is not None and old[0] is not None:
                    g["now"].append(p_alive)
                    g["then"].append(old[0])
                if value is not None and old[1] is not None:
                    g["value_now"].append(value)
                    g["value_then"].append(old[1])
    rows = []
    age = (now - since).days if since else None
    for (dimension, group_key), g in sorted(groups.items()):
        p_now, p_then = _mean(g["now"]), _mean(g["then"])
        v_now, v_then = _mean(g["value_now"]), _mean(g["value_then"])
        value_change = None if v_now is None or v_then is None else v_now - v_then
        cost = round(g["cost"], 2)
        gained = None if value_change is None else round(value_change * len(g["value_now"]), 2)
        if since is None:
            verdict = "no_policy"
        elif age is not None and age < MIN_DAYS:
            verdict = "too_early"
        elif not g["then"]:
            verdict = "no_history"
        elif len(g["then"]) < MIN_GROUP:
            verdict = "too_few"
        else:
            verdict = "measured"
        rows.append({
            "dimension": dimension, "key": group_key, "customers": g["customers"],
            "cost_time": round(g["cost"] - g["grants"], 2), "cost_grants": round(g["grants"], 2),
            "cost": cost, "compared": len(g["then"]),
            "p_alive_then": p_then, "p_alive_now": p_now,
            "p_alive_change": None if p_now is None or p_then is None else round(p_now - p_then, 4),
            "value_then": v_then, "value_now": v_now,
            "value_change": None if value_change is None else round(value_change, 2),
            "value_gained": gained,
            "payback": round(gained / cost, 2) if gained is not None and cost > 0 else None,
            "verdict": verdict,
        })  # fmt: skip
    return {
        "since": since.isoformat() if since else None,
        "base_month": base_month.isoformat() if base_month else None,
        "days": age,
        "rows": rows,
    }


# -- reports per product line, tier, segment ----------------------------------------------


def _groups_of_customers(dimension: str) -> dict[int, str]:
    if dimension == "tier":
        return {
            cid: code for cid, code in Customer.objects.values_list("pk", "tier__code").iterator()
        }
    if dimension == "segment":
        return dict(CustomerValue.objects.exclude(segment="").values_list("customer_id", "segment"))
    latest: dict[int, str] = {}
    for cid, line in (
        Order.objects.exclude(product_line="")
        .order_by("customer_id", "placed_at")
        .values_list("customer_id", "product_line")
        .iterator(chunk_size=20000)
    ):
        latest[cid] = line
    return latest


def report(dimension: str, since: datetime, until: datetime) -> dict:
    """One row per group: what a decision maker needs to choose where to act."""
    group_of = _groups_of_customers(dimension)
    rows: dict[str, dict] = defaultdict(lambda: defaultdict(float))

    def row(key: str | None) -> dict:
        return rows[key or NONE]

    requests = Request.objects.filter(customer__isnull=False)
    for cid, n in (
        requests.filter(created_at__gte=since, created_at__lt=until)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    ):
        row(group_of.get(cid))["requests"] += n
    for cid, n, met in (
        requests.filter(resolved_at__gte=since, resolved_at__lt=until, resolution_met__isnull=False)
        .values("customer_id")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(resolution_met=True)))
        .values_list("customer_id", "n", "met")
    ):
        r = row(group_of.get(cid))
        r["resolved"] += n
        r["resolved_met"] += met
    orders = Order.objects.filter(
        placed_at__gte=since, placed_at__lt=until, status__in=PURCHASE_STATUSES
    )
    if dimension == "product_line":
        order_rows = orders.values("product_line").annotate(n=Count("pk"), total=Sum("amount"))
        for o in order_rows:
            r = row(o["product_line"])
            r["orders"] += o["n"]
            r["revenue"] += float(o["total"] or 0)
    else:
        for cid, n, total in (
            orders.values("customer_id")
            .annotate(n=Count("pk"), total=Sum("amount"))
            .values_list("customer_id", "n", "total")
        ):
            r = row(group_of.get(cid))
            r["orders"] += n
            r["revenue"] += float(total or 0)
    column = {"product_line": "product_line", "tier": "tier_code", "segment": "segment"}[dimension]
    items = FeedbackItem.objects.filter(created_at__gte=since, created_at__lt=until)
    for f in items.values(column).annotate(
        n=Count("pk"),
        negative=Count("pk", filter=Q(sentiment=Sentiment.NEGATIVE)),
        csat_n=Count("pk", filter=Q(score_kind="csat", score__isnull=False)),
        csat_good=Count("pk", filter=Q(score_kind="csat", score__gte=4)),
        nps_n=Count("pk", filter=Q(score_kind="nps", score__isnull=False)),
        promoters=Count("pk", filter=Q(score_kind="nps", score__gte=9)),
        detractors=Count("pk", filter=Q(score_kind="nps", score__lte=6)),
    ):
        r = row(f[column])
        for k in ("n", "negative", "csat_n", "csat_good", "nps_n", "promoters", "detractors"):
            r["feedback" if k == "n" else k] += f[k]
    themes: dict[str, Counter] = defaultdict(Counter)
    for key, theme, n in (
        ThemeTag.objects.filter(
            active=True,
            item__created_at__gte=since,
            item__created_at__lt=until,
            item__sentiment=Sentiment.NEGATIVE,
        )
        .values("item__" + column, "theme__name")
        .annotate(n=Count("pk"))
        .values_list("item__" + column, "theme__name", "n")
    ):
        themes[key or NONE][theme] += n
    three_months_ago = (until.date().replace(day=1) - timedelta(days=62)).replace(day=1)
    then = dict(
        ValueMark.objects.filter(month=three_months_ago, p_alive__isnull=False).values_list(
            "customer_id", "p_alive"
        )
    )
    for cid, value, p_alive in CustomerValue.objects.values_list(
        "customer_id", "lifetime_value_12m", "p_alive"
    ).iterator(chunk_size=20000):
        r = row(group_of.get(cid))
        r["customers"] += 1
        r["value"] += value or 0.0
        old = then.get(cid)
        if old is not None and p_alive is not None:
            r["compared"] += 1
            r["falling"] += int(old - p_alive >= FALL_POINTS)
    _ideas(dimension, row)
    out = []
    for key, r in rows.items():
        out.append({
            "key": key,
            "customers": int(r["customers"]), "requests": int(r["requests"]),
            "resolved_met": _ratio(r["resolved_met"], r["resolved"]),
            "orders": int(r["orders"]), "revenue": round(r["revenue"], 2),
            "feedback": int(r["feedback"]), "negative": _ratio(r["negative"], r["feedback"]),
            "csat": _ratio(r["csat_good"], r["csat_n"]),
            "nps": round(100 * (r["promoters"] - r["detractors"]) / r["nps_n"], 1)
            if r["nps_n"] else None,
            "themes": [name for name, _ in themes[key].most_common(3)],
            "value": round(r["value"], 2),
            "falling": int(r["falling"]), "falling_share": _ratio(r["falling"], r["compared"]),
            "ideas": int(r["ideas"]), "idea_weight": round(r["idea_weight"], 2),
        })  # fmt: skip
    out.sort(key=lambda x: (-x["value"], x["key"]))
    return {"dimension": dimension, "rows": out}


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _ideas(dimension: str, row) -> None:
    open_ideas = Idea.objects.filter(status__in=OPEN_IDEAS, merged_into__isnull=True)
    if dimension == "product_line":
        for line, n, weight in (
            open_ideas.values("product_line")
            .annotate(n=Count("pk"), w=Sum("weighted_votes"))
            .values_list("product_line", "n", "w")
        ):
            r = row(line)
            r["ideas"] += n
            r["idea_weight"] += weight or 0.0
        return
    tally_dimension = Tally.TIER if dimension == "tier" else Tally.SEGMENT
    tiers = {str(pk): code for pk, code in Tier.objects.values_list("pk", "code")}
    for key, n, weight in (
        Tally.objects.filter(dimension=tally_dimension, idea__in=open_ideas)
        .values("key")
        .annotate(n=Count("idea_id", distinct=True), w=Sum("weighted_votes"))
        .values_list("key", "n", "w")
    ):
        r = row(tiers.get(key, key) if dimension == "tier" else key)
        r["ideas"] += n
        r["idea_weight"] += weight or 0.0


# -- the order cycle ------------------------------------------------------------------------

STAGES = [m for m in Milestone.values if m != Milestone.DELAYED]


def order_cycle(since: datetime, until: datetime, today: date) -> dict:
    """One view every department shares (S25): where orders are, which are late, where the
    complaints come from."""
    rows = {s: {"stage": s, "open": 0, "late": 0, "delays": 0, "complaints": 0} for s in STAGES}
    rows[NONE] = {"stage": NONE, "open": 0, "late": 0, "delays": 0, "complaints": 0}
    open_orders = Order.objects.exclude(stage__in=FINAL_MILESTONES).filter(
        placed_at__gte=until - timedelta(days=365)
    )
    for stage, n in open_orders.values("stage").annotate(n=Count("pk")).values_list("stage", "n"):
        rows.get(stage, rows[NONE])["open"] += n
    late_ids = OrderMilestone.objects.filter(window_end__lt=until, order__in=open_orders).values(
        "order_id"
    )
    for stage, n in (
        open_orders.filter(Q(pk__in=late_ids) | Q(stage=Milestone.DELAYED))
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    ):
        rows.get(stage, rows[NONE])["late"] += n
    for stage, n in (
        OrderMilestone.objects.filter(
            kind=Milestone.DELAYED, occurred_at__gte=since, occurred_at__lt=until
        )
        .values("order__stage")
        .annotate(n=Count("pk"))
        .values_list("order__stage", "n")
    ):
        rows.get(stage, rows[NONE])["delays"] += n
    for stage, n in (
        FeedbackItem.objects.filter(
            created_at__gte=since,
            created_at__lt=until,
            order__isnull=False,
            sentiment=Sentiment.NEGATIVE,
        )
        .values("order__stage")
        .annotate(n=Count("pk"))
        .values_list("order__stage", "n")
    ):
        rows.get(stage, rows[NONE])["complaints"] += n
    out = [r for r in rows.values() if r["stage"] != NONE or any(r[k] for k in r if k != "stage")]
    return {"rows": out, "as_of": today.isoformat()}
