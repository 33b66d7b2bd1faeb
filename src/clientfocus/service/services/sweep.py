"""The SLA sweep (at risk, breached, notices to managers) and agents' notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clientfocus.people.models import Employee
from clientfocus.people.selectors import managers_of
from clientfocus.service.models import (
    CLOCK_RUNNING_STATES,
    TARGETS,
    AgentNotice,
    Request,
    SlaState,
)
from clientfocus.service.services.clocks import _record, _refresh_sla

# -- the sweep -----------------------------------------------------------------------


@dataclass
class SweepResult:
    checked: int = 0
    at_risk: int = 0
    breached: int = 0


TARGET_LABELS = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
}


def _notify_sla(request: Request, *, target: str, level: str, now: datetime) -> None:
    recipients = {}
    if request.assignee_id:
        recipients[request.assignee_id] = request.assignee
        assignee_department = (
            Employee.objects.filter(user_id=request.assignee_id)
            .values_list("department_id", flat=True)
            .first()
        )
        for manager in managers_of(assignee_department):
            recipients[manager.user_id] = manager.user
    for manager in managers_of(request.queue.department_id):
        recipients[manager.user_id] = manager.user
    due = request.due(target)
    verb = "is at risk" if level == SlaState.AT_RISK else "is breached"
    text = (
        f"{request.reference}: {TARGET_LABELS[target]} target {verb} (due {due:%Y-%m-%d %H:%M} UTC)"
    )
    AgentNotice.objects.bulk_create(
        AgentNotice(
            recipient=user,
            request=request,
            kind=f"sla_{level}",
            target=target,
            text=text[:300],
            created_at=now,
        )
        for user in recipients.values()
    )


def sweep_sla(*, now: datetime | None = None, batch_size: int = 200) -> SweepResult:
    """Mark running targets *at risk* (only the configured share left) and *breached*,
    record an event and notify the assignee and managers. Idempotent: what was already
    announced for a running clock is not announced again, so running it twice (or on
    several workers at once: rows are locked and skipped) does no harm."""
    now = now or timezone.now()
    result = SweepResult()
    while True:
        with transaction.atomic():
            batch = list(
                Request.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("queue", "assignee", "sla_policy")
                .filter(state__in=CLOCK_RUNNING_STATES, warn_at__lte=now)
                .order_by("warn_at")[:batch_size]
            )
            for request in batch:
                result.checked += 1
                for target in TARGETS:
                    due = request.due(target)
                    if due is None:
                        continue
                    flag = request.sla_flags.get(target)
                    warn_at = getattr(request, f"{target}_warn_at") or due
                    level = None
                    if due <= now and flag != SlaState.BREACHED:
                        level = SlaState.BREACHED
                    elif warn_at <= now and flag is None and due > now:
                        level = SlaState.AT_RISK
                    if level is None:
                        continue
                    request.sla_flags[target] = level
                    if level == SlaState.BREACHED:
                        request.breach_count += 1
                        result.breached += 1
                    else:
                        result.at_risk += 1
                    _record(request, f"sla_{level}", now=now, target=target, due=due.isoformat())
                    _notify_sla(request, target=target, level=level, now=now)
                _refresh_sla(request)
                request.save(
                    update_fields=[
                        "sla_flags",
                        "sla_state",
                        "warn_at",
                        "due_at",
                        "breach_count",
                        "updated_at",
                    ]
                )
        if len(batch) < batch_size:
            return result


@transaction.atomic
def mark_notices_read(*, user, notice_ids: list[int] | None = None) -> int:
    notices = AgentNotice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())
