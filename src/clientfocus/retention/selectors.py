"""Reading the worklist and what it achieved, for the pages, the API, the CLI and the
scorecard (through the same permission rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.orders.models import PURCHASE_STATUSES, Order
from clientfocus.retention import drift
from clientfocus.retention.models import CONTACTED, Outcome, RiskCase
from clientfocus.retention.permissions import visible_cases

BUY_AGAIN_DAYS = 90
STATES = ("open", "overdue", "closed", "all")


def worklist(
    user, *, state: str = "open", mine: bool = False, signal: str = "", today: date | None = None
) -> QuerySet[RiskCase]:
    today = today or timezone.localdate()
    cases = visible_cases(user)
    if mine:
        cases = cases.filter(assignee=user)
    if state == "open":
        cases = cases.filter(outcome="")
    elif state == "overdue":
        cases = cases.filter(outcome="", due_on__lt=today)
    elif state == "closed":
        cases = cases.exclude(outcome="")
    if signal in drift.SIGNALS:
        # JSON containment is not on SQLite; the list of signals is short, match the code.
        cases = cases.filter(signals__icontains=f'"code": "{signal}"')
    return cases.order_by("-priority", "id") if state != "closed" else cases.order_by("-acted_at")


def case_for(user, case_id: int) -> RiskCase | None:
    return visible_cases(user).filter(pk=case_id).first()


def counts(user, *, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    cases = visible_cases(user).filter(outcome="")
    return {"open": cases.count(), "overdue": cases.filter(due_on__lt=today).count()}


@dataclass
class EffectReport:
    effect: drift.Effect
    by_outcome: list[tuple[str, int, int]]  # (outcome label, cases, bought again)
    since: date
    until: date
    open_cases: int
    contacted_in_time_share: float | None

    def statement(self) -> str:
        e = self.effect
        if not e.contacted and not e.not_contacted:
            return _(
                "No case is %(days)d days old yet: whether contacting helps cannot be told yet."
            ) % {"days": BUY_AGAIN_DAYS}
        if not e.enough:
            return _(
                "Too few cases to tell (%(a)d contacted in time, %(b)d not; at least 10 in "
                "each are needed)."
            ) % {"a": e.contacted, "b": e.not_contacted}
        rate_a = round(100 * (e.contacted_rate or 0))
        rate_b = round(100 * (e.not_contacted_rate or 0))
        if e.p_value is not None and e.p_value < 0.05:
            return _(
                "%(a)d%% of the customers contacted in time bought again within %(days)d days "
                "against %(b)d%% of the others: unlikely to be chance (p = %(p)s)."
            ) % {"a": rate_a, "b": rate_b, "days": BUY_AGAIN_DAYS, "p": e.p_value}
        return _(
            "%(a)d%% of the customers contacted in time bought again within %(days)d days "
            "against %(b)d%% of the others: the difference could be chance (p = %(p)s)."
        ) % {"a": rate_a, "b": rate_b, "days": BUY_AGAIN_DAYS, "p": e.p_value}


def effect_report(user, *, days: int = 365, today: date | None = None) -> EffectReport:
    """Of the cases opened at least 90 days ago (within ``days``): how many were contacted
    in time, and how many of those and of the others bought again within 90 days of the
    case opening."""
    today = today or timezone.localdate()
    until = today - timedelta(days=BUY_AGAIN_DAYS)
    since = today - timedelta(days=days)
    bought = Order.objects.filter(
        customer_id=OuterRef("customer_id"),
        status__in=PURCHASE_STATUSES,
        placed_at__gt=OuterRef("created_at"),
        placed_at__lte=ExpressionWrapper(
            OuterRef("created_at") + timedelta(days=BUY_AGAIN_DAYS),
            output_field=DateTimeField(),
        ),
    )
    cases = (
        visible_cases(user)
        .select_related(None)
        .filter(opened_on__gte=since, opened_on__lte=until)
        .annotate(bought=Exists(bought))
    )
    groups = {"in_time": [0, 0], "other": [0, 0]}
    by_outcome: dict[str, list[int]] = {}
    for case in cases.only("outcome", "acted_at", "due_on", "created_at", "customer_id"):
        bought_in_window = bool(case.bought)
        group = groups["in_time" if case.in_time() else "other"]
        group[0] += 1
        group[1] += int(bought_in_window)
        row = by_outcome.setdefault(case.outcome or "", [0, 0])
        row[0] += 1
        row[1] += int(bought_in_window)
    labels = dict(Outcome.choices)
    result = drift.effect(tuple(groups["in_time"]), tuple(groups["other"]))  # type: ignore[arg-type]
    total = result.contacted + result.not_contacted
    return EffectReport(
        effect=result,
        by_outcome=[
            (str(labels.get(code, _("still open"))), n, b)
            for code, (n, b) in sorted(by_outcome.items())
        ],
        since=since,
        until=until,
        open_cases=visible_cases(user).filter(outcome="").count(),
        contacted_in_time_share=round(result.contacted / total, 3) if total else None,
    )


def contacted_in_time(*, since: date, until: date, department_id: int | None = None):
    """(cases due in the period, of which contacted in time) — for the scorecard."""
    cases = RiskCase.objects.filter(due_on__gte=since, due_on__lte=until)
    if department_id is not None:
        cases = cases.filter(assignee__employee__department_id=department_id)
    total = done = 0
    for outcome, acted_at, due_on in cases.values_list("outcome", "acted_at", "due_on"):
        total += 1
        done += int(
            outcome in CONTACTED and acted_at is not None and timezone.localdate(acted_at) <= due_on
        )
    return total, done
