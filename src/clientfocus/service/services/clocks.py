"""The request's clocks and its event log: which policy applies, starting, stopping
and resuming the response and resolution clocks over the business calendar."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db.models import Q

from clientfocus.core import statements
from clientfocus.core.instances import build
from clientfocus.customers.models import Tier
from clientfocus.service.clock import BusinessCalendar as CalendarRules
from clientfocus.service.clock import TargetClock
from clientfocus.service.models import (
    CLOCK_RUNNING_STATES,
    TARGETS,
    Request,
    RequestEvent,
    SlaPolicy,
    SlaState,
)

# -- policy and clocks ---------------------------------------------------------------


_POLICY_CACHE: dict[tuple[int | None, str], tuple[float, SlaPolicy | None]] = {}
POLICY_CACHE_SECONDS = 10.0


def clear_policy_cache(**_: object) -> None:
    _POLICY_CACHE.clear()


def select_policy(*, tier: Tier | None, priority: str) -> SlaPolicy | None:
    """The most specific active policy for ``tier`` and ``priority``.

    Opening requests is the hottest write path, so the choice is kept for a few seconds
    per process; a policy or calendar saved in this process clears it at once, other
    processes see the change within POLICY_CACHE_SECONDS."""
    key = (tier.pk if tier else None, priority)
    cached = _POLICY_CACHE.get(key)
    if cached is not None and time.monotonic() - cached[0] < POLICY_CACHE_SECONDS:
        return cached[1]
    policy = _select_policy(tier=tier, priority=priority)
    _POLICY_CACHE[key] = (time.monotonic(), policy)
    return policy


def _select_policy(*, tier: Tier | None, priority: str) -> SlaPolicy | None:
    candidates = (
        SlaPolicy.objects.filter(active=True)
        .filter(Q(tier=tier) | Q(tier__isnull=True), Q(priority=priority) | Q(priority=""))
        .select_related("calendar")
    )

    def specificity(policy: SlaPolicy) -> tuple[int, int]:
        return (policy.tier_id is not None, policy.priority != "")

    return max(candidates, key=specificity, default=None)


def _calendar(request: Request) -> CalendarRules | None:
    policy = request.sla_policy
    return policy.calendar.rules() if policy else None


def _target_minutes(policy: SlaPolicy, target: str) -> int:
    return int(getattr(policy, f"{target}_minutes"))


def _start_clock(request: Request, target: str, *, now: datetime, remaining: float | None) -> None:
    """Start a target's clock afresh (``remaining`` None) or resume it with the business
    minutes that were left. A target that was already overdue when it stopped resumes
    overdue by as much, and keeps what the sweep had announced, so it neither sinks in
    the queue nor is announced twice."""
    policy = request.sla_policy
    calendar = _calendar(request)
    if policy is None or calendar is None:
        return
    request.paused_minutes.pop(target, None)
    if remaining is None:
        request.sla_flags.pop(target, None)
    elif remaining <= 0:
        overdue = now + timedelta(minutes=remaining)
        setattr(request, f"{target}_due", overdue)
        setattr(request, f"{target}_warn_at", overdue)
        return
    total = _target_minutes(policy, target)
    clock = TargetClock.start(
        calendar,
        at=now,
        remaining_minutes=total if remaining is None else remaining,
        target_minutes=total,
        at_risk_share=policy.warn_share(),
    )
    setattr(request, f"{target}_due", clock.due)
    setattr(request, f"{target}_warn_at", clock.warn_at)


def _stop_clock(request: Request, target: str, *, now: datetime, keep_remaining: bool) -> None:
    """Stop a running clock. With ``keep_remaining`` the business minutes left (or, for
    an overdue target, the minutes it is overdue, as a negative number) are kept so that
    resuming continues where it stopped; otherwise the target is finished."""
    due = request.due(target)
    if due is not None and keep_remaining:
        calendar = _calendar(request)
        if due > now and calendar is not None:
            remaining = calendar.business_minutes_between(now, due)
        else:
            remaining = -(now - due).total_seconds() / 60
        request.paused_minutes[target] = round(remaining, 3)
    elif not keep_remaining:
        request.paused_minutes.pop(target, None)
        request.sla_flags.pop(target, None)
    setattr(request, f"{target}_due", None)
    setattr(request, f"{target}_warn_at", None)


def _paused_in_time(request: Request, target: str) -> bool:
    return float(request.paused_minutes.get(target, 0)) > 0


def _resume_clocks(request: Request, *, now: datetime) -> None:
    for target, remaining in list(request.paused_minutes.items()):
        _start_clock(request, target, now=now, remaining=float(remaining))


def _refresh_sla(request: Request) -> None:
    """Recompute the sort key, the next sweep check and the request's SLA state from
    what the sweep has already announced for the targets still running."""
    request.refresh_summary_fields()
    checks: list[datetime] = []
    flags = []
    for target in TARGETS:
        due = request.due(target)
        if due is None:
            continue
        flag = request.sla_flags.get(target)
        flags.append(flag)
        if flag is None:
            checks.append(getattr(request, f"{target}_warn_at") or due)
        elif flag == SlaState.AT_RISK:
            checks.append(due)
    running = request.state in CLOCK_RUNNING_STATES
    request.warn_at = min(checks) if checks and running else None
    if SlaState.BREACHED in flags:
        request.sla_state = SlaState.BREACHED
    elif SlaState.AT_RISK in flags:
        request.sla_state = SlaState.AT_RISK
    else:
        request.sla_state = SlaState.OK


def _record(request: Request, kind: str, *, actor=None, now: datetime, **data) -> RequestEvent:
    event = _event(request, kind, actor=actor, now=now, **data)
    statements.insert(event)
    return event


def _event(request: Request, kind: str, *, actor=None, now: datetime, **data) -> RequestEvent:
    """An event of ``request``, not yet written (`_record` writes it)."""
    return build(
        RequestEvent,
        request=request,
        customer_id=request.customer_id,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data,
        created_at=now,
    )


def _lock(request: Request) -> Request:
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("sla_policy__calendar", "queue", "customer", "tier")
        .get(pk=request.pk)
    )
