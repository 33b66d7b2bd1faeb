"""The daily at-risk worklist: find valuable customers drifting away, open a case for
each with the signals and the value at stake, assign it to the customer's owner (else the
manager of the queue that last served them) with a due date, and record what was done."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer
from clientfocus.orders.models import Milestone, OrderMilestone
from clientfocus.people.models import Employee, Role
from clientfocus.people.selectors import managers_of
from clientfocus.retention import drift
from clientfocus.retention.models import Outcome, RiskCase
from clientfocus.retention.permissions import can_act, can_reassign
from clientfocus.service.models import AgentNotice, Request, SlaState
from clientfocus.value.models import CustomerValue, ValueMark
from clientfocus.voice.models import (
    Alert,
    AlertState,
    FeedbackItem,
    FollowUpState,
    Sentiment,
    ThemeTag,
    is_detractor,
)

HISTORY_MONTHS = 6
DELAY_DAYS = 180


@dataclass
class DetectResult:
    valuable: int = 0
    flagged: int = 0
    opened: int = 0
    refreshed: int = 0
    threshold: float = 0.0


def rules() -> drift.Rules:
    return drift.Rules(
        drop_share=settings.AT_RISK_DROP_SHARE,
        recent_days=settings.AT_RISK_RECENT_DAYS,
    )


def value_threshold() -> float:
    """The 12-month expected value from which a customer counts as valuable: the top
    AT_RISK_TOP_SHARE of customers with a value, and at least AT_RISK_MIN_VALUE."""
    valued = CustomerValue.objects.filter(lifetime_value_12m__gt=0)
    count = valued.count()
    if not count:
        return float("inf")
    rank = max(int(count * settings.AT_RISK_TOP_SHARE) - 1, 0)
    cut = (
        valued.order_by("-lifetime_value_12m")
        .values_list("lifetime_value_12m", flat=True)[rank : rank + 1]
        .first()
    )
    return max(float(cut or 0.0), settings.AT_RISK_MIN_VALUE)


def gather(threshold: float, now: datetime) -> dict[int, drift.Facts]:
    """The facts about every valuable customer, in a handful of grouped queries."""
    r = rules()
    facts: dict[int, drift.Facts] = {}
    today = now.date()
    for cid, p_alive, value, last, first, days in CustomerValue.objects.filter(
        lifetime_value_12m__gte=threshold, customer__erased_at__isnull=True
    ).values_list(
        "customer_id",
        "p_alive",
        "lifetime_value_12m",
        "last_order_at",
        "first_order_at",
        "purchase_days",
    ):
        f = facts[cid] = drift.Facts(p_alive=p_alive, value=value)
        if last is not None:
            f.days_since_order = (today - last.date()).days
            if first is not None and days > 1:
                f.usual_gap_days = (last - first).days / (days - 1)
    valuable = CustomerValue.objects.filter(
        lifetime_value_12m__gte=threshold, customer__erased_at__isnull=True
    ).values("customer_id")
    since_month = (today.replace(day=1) - timedelta(days=31 * HISTORY_MONTHS)).replace(day=1)
    for cid, p_alive, value in ValueMark.objects.filter(
        customer_id__in=valuable, month__gte=since_month
    ).values_list("customer_id", "p_alive", "lifetime_value_12m"):
        facts[cid].history.append((p_alive, value))

    recent = now - timedelta(days=r.recent_days)
    for item_id, cid, kind, score, angry, at in (
        FeedbackItem.objects.filter(customer_id__in=valuable, created_at__gte=recent)
        .filter(Q(score__isnull=False) | Q(angry=True))
        .values_list("pk", "customer_id", "score_kind", "score", "angry", "created_at")
    ):
        f = facts[cid]
        if score is not None and is_detractor(kind, score):
            f.low_scores.append(
                {"kind": kind, "score": score, "item": item_id, "at": str(at.date())}
            )
        if angry:
            f.angry.append({"item": item_id, "at": str(at.date())})

    for pk, cid in (
        Request.objects.filter(customer_id__in=valuable)
        .filter(Q(created_at__gte=recent) | Q(resolved_at__gte=recent))
        .filter(Q(breach_count__gt=0) | Q(sla_state=SlaState.BREACHED))
        .values_list("pk", "customer_id")
    ):
        facts[cid].breaches.append(f"REQ-{pk:06d}")

    open_alert_themes = set(
        Alert.objects.exclude(state=AlertState.CLOSED).values_list("theme_id", flat=True)
    )
    complaint_since = now - timedelta(days=r.complaint_days)
    for item_id, cid, theme_id, theme, follow_up in ThemeTag.objects.filter(
        active=True,
        item__customer_id__in=valuable,
        item__sentiment=Sentiment.NEGATIVE,
        item__created_at__gte=complaint_since,
    ).values_list(
        "item_id", "item__customer_id", "theme_id", "theme__name", "item__follow_up__state"
    ):
        if follow_up == FollowUpState.OPEN or theme_id in open_alert_themes:
            known = facts[cid].complaints
            if not any(c["theme"] == theme for c in known):
                known.append({"theme": theme, "item": item_id})

    delay_since = now - timedelta(days=DELAY_DAYS)
    for cid, order_id, at in (
        OrderMilestone.objects.filter(
            kind=Milestone.DELAYED, occurred_at__gte=delay_since, order__customer_id__in=valuable
        )
        .order_by("occurred_at")
        .values_list("order__customer_id", "order__order_id", "occurred_at")
    ):
        f = facts[cid]
        f.delay_days_ago, f.delayed_order = (today - at.date()).days, order_id
    return facts


def _assignees(customer_ids: list[int]) -> dict[int, int | None]:
    """The customer's owner if they still work here, else a manager of the department
    whose queue last served the customer, else the first manager or administrator."""
    active = set(Employee.objects.filter(user__is_active=True).values_list("user_id", flat=True))
    owners = dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "owner_id"))
    last_department: dict[int, int | None] = {}
    for cid, last in (
        Request.objects.filter(customer_id__in=customer_ids)
        .order_by("customer_id", "created_at")
        .values_list("customer_id", "queue__department_id")
    ):
        last_department[cid] = last
    fallback = (
        Employee.objects.filter(user__is_active=True, role__in=[Role.MANAGER, Role.ADMIN])
        .order_by("-role", "pk")  # managers before administrators
        .values_list("user_id", flat=True)
        .first()
    )
    chosen: dict[int, int | None] = {}
    managers: dict[int | None, int | None] = {}
    for cid in customer_ids:
        owner = owners.get(cid)
        if owner in active:
            chosen[cid] = owner
            continue
        dept = last_department.get(cid)
        if dept not in managers:
            found = managers_of(dept)
            managers[dept] = found[0].user_id if found else None
        chosen[cid] = managers[dept] or fallback
    return chosen


def detect(*, now: datetime | None = None) -> DetectResult:
    """The daily run: open a case for each newly drifting valuable customer, refresh the
    signals of the open ones. A customer whose case closed within AT_RISK_QUIET_DAYS is
    left alone (someone just acted)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    threshold = value_threshold()
    result = DetectResult(threshold=0.0 if threshold == float("inf") else threshold)
    if threshold == float("inf"):
        return result
    facts = gather(threshold, now)
    result.valuable = len(facts)
    found = {}
    for cid, f in facts.items():
        signals = drift.assess(f, rules())
        if signals:
            found[cid] = (signals, f)
    result.flagged = len(found)
    open_cases = {c.customer_id: c for c in RiskCase.objects.filter(outcome="")}
    quiet_since = today - timedelta(days=settings.AT_RISK_QUIET_DAYS)
    quiet = set(
        RiskCase.objects.exclude(outcome="")
        .filter(acted_at__date__gte=quiet_since)
        .values_list("customer_id", flat=True)
    )
    new_ids = [cid for cid in found if cid not in open_cases and cid not in quiet]
    assignees = _assignees(new_ids)
    due = today + timedelta(days=settings.AT_RISK_DUE_DAYS)
    with transaction.atomic():
        changed = []
        for cid, case in open_cases.items():
            if cid not in found:
                continue
            signals, f = found[cid]
            case.signals = [s.as_dict() for s in signals]
            case.value_at_stake = round(f.value or 0.0, 2)
            case.p_alive = f.p_alive
            case.priority = drift.priority(signals, f.value)
            case.refreshed_at = now
            changed.append(case)
        RiskCase.objects.bulk_update(
            changed, ["signals", "value_at_stake", "p_alive", "priority", "refreshed_at"], 1000
        )
        result.refreshed = len(changed)
        made = RiskCase.objects.bulk_create(
            [
                RiskCase(
                    customer_id=cid,
                    opened_on=today,
                    signals=[s.as_dict() for s in found[cid][0]],
                    value_at_stake=round(found[cid][1].value or 0.0, 2),
                    p_alive=found[cid][1].p_alive,
                    priority=drift.priority(found[cid][0], found[cid][1].value),
                    assignee_id=assignees.get(cid),
                    due_on=due,
                    refreshed_at=now,
                    created_at=now,
                )
                for cid in new_ids
            ],
            batch_size=1000,
        )
        result.opened = len(made)
        _tell_assignees(new_ids, assignees)
    if result.opened > 1000 and connection.vendor == "postgresql":
        # Thousands of new rows at once: let the planner know before the worklist is read
        # (autovacuum would, minutes later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE retention_riskcase")
    return result


def _tell_assignees(customer_ids: list[int], assignees: dict[int, int | None]) -> None:
    """One notice per assignee for the day's new cases (not one per case)."""
    counts: dict[int, int] = defaultdict(int)
    for cid in customer_ids:
        if assignees.get(cid):
            counts[assignees[cid]] += 1  # type: ignore[index]
    AgentNotice.objects.bulk_create(
        [
            AgentNotice(
                recipient_id=user_id,
                kind="at_risk",
                link="/customers/at-risk/?mine=1",
                text=(
                    ngettext(
                        "%(n)d valuable customer drifting away was assigned to you.",
                        "%(n)d valuable customers drifting away were assigned to you.",
                        n,
                    )
                    % {"n": n}
                )[:300],
            )
            for user_id, n in counts.items()
        ]
    )


def record_outcome(*, actor, case: RiskCase, outcome: str, note: str = "") -> RiskCase:
    """What was done: called, made an offer, no action, or the customer is lost."""
    if not can_act(actor, case):
        raise NotAllowed(_("Only the assignee or a manager records the outcome."))
    if outcome not in Outcome.values:
        raise ServiceError("outcome", _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(Outcome.values)})  # fmt: skip
    note = (note or "").strip()
    if len(note) > 500:
        raise ServiceError("note", _("The note is too long (500 characters at most)."))
    with transaction.atomic():
        locked = RiskCase.objects.select_for_update().get(pk=case.pk)
        if locked.outcome:
            raise ServiceError("outcome", _("The outcome of this case is already recorded."))
        locked.outcome, locked.note = outcome, note
        locked.acted_at, locked.acted_by = timezone.now(), actor
        locked.save(update_fields=["outcome", "note", "acted_at", "acted_by"])
    case.outcome, case.note, case.acted_at, case.acted_by = (
        locked.outcome, locked.note, locked.acted_at, actor)  # fmt: skip
    return case


def reassign(*, actor, case: RiskCase, username: str, due_on: date | None = None) -> RiskCase:
    """Give the case to another employee (managers), optionally with a new due date."""
    if not can_reassign(actor):
        raise NotAllowed(_("Only managers reassign at-risk cases."))
    if case.outcome:
        raise ServiceError("outcome", _("The case is closed."))
    user = (
        get_user_model()
        .objects.filter(username=username, is_active=True, employee__isnull=False)
        .first()
    )
    if user is None:
        raise ServiceError("assignee", _("No active employee %(name)s.") % {"name": username})
    if due_on is not None and due_on < timezone.localdate():
        raise ServiceError("due_on", _("The due date is in the past."))
    case.assignee = user
    if due_on is not None:
        case.due_on = due_on
    case.save(update_fields=["assignee", "due_on"])
    AgentNotice.objects.create(
        recipient=user,
        kind="at_risk",
        link=f"/customers/at-risk/{case.pk}/",
        text=(_("At-risk customer %(name)s was assigned to you.") % {"name": case.customer.name})[
            :300
        ],
    )
    return case
