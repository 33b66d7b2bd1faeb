"""Staffing plans from the company's own history and roster; honest waiting times."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from clientfocus.core.errors import ServiceError
from clientfocus.core.spreadsheets import dict_reader
from clientfocus.customers.models import Tier
from clientfocus.people.models import Employee
from clientfocus.service.models import Channel, Priority, Queue, Request, State
from clientfocus.service.services import open_request
from clientfocus.staffing import plan as pure
from clientfocus.staffing.erlang import StaffingError
from clientfocus.staffing.forecast import forecast_week
from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift

WEEK_PATTERN = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


def zone() -> ZoneInfo:
    """Intervals are the company's local time (TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def parse_week(text: str) -> date:
    """'2026-W48' → the Monday of ISO week 48 of 2026."""
    match = WEEK_PATTERN.match(text.strip())
    if not match:
        raise ServiceError("week", f"expected an ISO week like 2026-W48, got {text!r}")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise ServiceError("week", f"no such week: {text}") from exc


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def find_queue(ref: str) -> Queue | None:
    """A queue by id or by name."""
    ref = ref.strip()
    if ref.isdigit():
        return Queue.objects.filter(pk=int(ref)).first()
    return Queue.objects.filter(name=ref).first()


def staffing_of(queue: Queue) -> QueueStaffing:
    found = QueueStaffing.objects.filter(queue=queue).prefetch_related("targets__tier").first()
    if found is None:
        raise ServiceError("queue", f"the queue {queue.name!r} has no staffing settings")
    return found


def targets_of(staffing: QueueStaffing) -> list[pure.Target]:
    return [
        pure.Target(t.tier.code, t.service_level, t.target_seconds) for t in staffing.targets.all()
    ]


def _week_start(monday: date) -> datetime:
    return datetime.combine(monday, datetime.min.time(), tzinfo=zone())


def slots_per_week(staffing: QueueStaffing) -> int:
    return 7 * 24 * 60 // staffing.interval_minutes


def history(staffing: QueueStaffing, *, before: date, weeks: int | None = None) -> np.ndarray:
    """Contacts per interval for the ``weeks`` full weeks before ``before`` (oldest
    first): live-channel requests opened in the queue."""
    weeks = weeks or staffing.history_weeks
    slots = slots_per_week(staffing)
    first = _week_start(before) - timedelta(weeks=weeks)
    stamps = Request.objects.filter(
        queue_id=staffing.queue_id,
        channel__in=staffing.channel_list,
        created_at__gte=first,
        created_at__lt=_week_start(before),
    ).values_list("created_at", flat=True)
    counts = np.zeros((weeks, slots))
    interval = staffing.interval_minutes * 60
    for stamp in stamps:
        offset = (stamp.astimezone(zone()) - first).total_seconds()
        week, rest = divmod(int(offset), 7 * 86400)
        counts[week, min(rest // interval, slots - 1)] += 1
    return counts


def rostered(staffing: QueueStaffing, monday: date) -> list[int]:
    """People on duty per interval (counted at each interval's midpoint)."""
    slots = slots_per_week(staffing)
    start = _week_start(monday)
    interval = timedelta(minutes=staffing.interval_minutes)
    counts = np.zeros(slots, dtype=int)
    for shift_start, shift_end in Shift.objects.filter(
        queue_id=staffing.queue_id, start__lt=start + timedelta(weeks=1), end__gt=start
    ).values_list("start", "end"):
        first = (shift_start - start - interval / 2) / interval
        last = (shift_end - start - interval / 2) / interval
        lo = max(0, int(np.ceil(first)))
        hi = min(slots, int(np.ceil(last)))
        if hi > lo:
            counts[lo:hi] += 1
    return counts.tolist()


@dataclass
class WeekPlan:
    queue: str
    week: str
    interval_minutes: int
    starts: list[datetime]
    rows: list[pure.IntervalPlan]
    forecast_wape: float | None
    forecast_mae: float | None
    history_weeks: int
    targets: list[pure.Target] = field(default_factory=list)
    model: str = "Erlang C"
    aht_seconds: int = 0
    shrinkage: float = 0.0

    @property
    def short_intervals(self) -> int:
        return sum(1 for r in self.rows if r.gap < 0)


def week_plan(queue: Queue, monday: date) -> WeekPlan:
    staffing = staffing_of(queue)
    targets = targets_of(staffing)
    if not targets:
        raise ServiceError("queue", f"the queue {queue.name!r} has no answer-time targets")
    past = history(staffing, before=monday)
    predicted = forecast_week(past)
    interval = staffing.interval_minutes * 60
    try:
        rows = pure.plan_intervals(
            predicted.values.tolist(),
            rostered(staffing, monday),
            interval_seconds=interval,
            aht_seconds=staffing.aht_seconds,
            targets=targets,
            shrinkage=staffing.shrinkage,
            patience_seconds=staffing.patience_seconds,
        )
    except StaffingError as exc:
        raise ServiceError("queue", str(exc)) from exc
    start = _week_start(monday)
    return WeekPlan(
        queue=queue.name,
        week=week_label(monday),
        interval_minutes=staffing.interval_minutes,
        starts=[start + timedelta(seconds=interval * i) for i in range(len(rows))],
        rows=rows,
        forecast_wape=predicted.wape,
        forecast_mae=predicted.mae,
        history_weeks=predicted.weeks_used,
        targets=targets,
        model="Erlang A" if staffing.patience_seconds else "Erlang C",
        aht_seconds=staffing.aht_seconds,
        shrinkage=staffing.shrinkage,
    )


def plan_as_dict(result: WeekPlan) -> dict:
    """A week's plan as JSON-ready data (API and CLI)."""
    return {
        "queue": result.queue,
        "week": result.week,
        "interval_minutes": result.interval_minutes,
        "aht_seconds": result.aht_seconds,
        "shrinkage": result.shrinkage,
        "model": result.model,
        "forecast": {
            "history_weeks": result.history_weeks,
            "wape": result.forecast_wape,
            "mae": result.forecast_mae,
            "method": "exponentially weighted seasonal average, alpha 0.3",
        },
        "targets": [
            {"tier": t.tier, "service_level": t.service_level, "target_seconds": t.target_seconds}
            for t in result.targets
        ],
        "intervals": [
            {
                "start": start.isoformat(),
                "contacts": row.contacts,
                "erlangs": row.erlangs,
                "agents_needed": row.agents_needed,
                "agents_needed_by_tier": row.needed_by_tier,
                "staff_needed": row.staff_needed,
                "staff_rostered": row.staff_rostered,
                "gap": row.gap,
                "service_levels": row.service_levels,
                "asa_seconds": row.asa_seconds,
                "p_abandon": row.p_abandon,
            }
            for start, row in zip(result.starts, result.rows, strict=True)
        ],
    }


# -- live waiting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    queue: str
    tier: str
    waiting: int
    ahead: int
    agents_on_duty: int
    expected_wait_seconds: float | None
    target_seconds: int | None
    within_target: bool | None
    callback_offered: bool


def waiting_contacts(staffing: QueueStaffing):
    """Live contacts nobody has answered yet, in this queue."""
    return Request.objects.filter(
        queue_id=staffing.queue_id,
        channel__in=staffing.channel_list,
        state=State.NEW,
        first_responded_at__isnull=True,
    )


def on_duty(queue_id: int, now: datetime) -> int:
    return Shift.objects.filter(queue_id=queue_id, start__lte=now, end__gt=now).count()


def expected_wait(*, queue: Queue, tier, now: datetime | None = None) -> Wait:
    """What a contact of ``tier`` joining ``queue`` now can expect: higher tiers are
    answered first, so only waiting contacts of the same or a higher tier are ahead."""

    now = now or timezone.now()
    staffing = QueueStaffing.objects.filter(queue=queue).first()
    if staffing is None:
        raise ServiceError("queue", f"the queue {queue.name!r} has no staffing settings")
    # Counted per tier from the partial index of live contacts, ranks compared here.
    per_tier = dict(
        waiting_contacts(staffing).values_list("tier_id").annotate(n=Count("id")).order_by()
    )
    ranks = dict(Tier.objects.filter(pk__in=per_tier).values_list("pk", "rank"))
    total = sum(per_tier.values())
    ahead = sum(n for tier_id, n in per_tier.items() if ranks.get(tier_id, 0) >= tier.rank)
    agents = on_duty(queue.pk, now)
    if total == 0 and agents > 0:
        seconds: float | None = 0.0  # nobody waiting: an agent is free or about to be
    else:
        seconds = pure.expected_wait_seconds(
            ahead=ahead, agents=agents, aht_seconds=staffing.aht_seconds
        )
    target_seconds = (
        AnswerTarget.objects.filter(staffing=staffing, tier=tier)
        .values_list("target_seconds", flat=True)
        .first()
    )
    within = None if seconds is None or target_seconds is None else seconds <= target_seconds
    return Wait(
        queue=queue.name,
        tier=tier.code,
        waiting=total,
        ahead=ahead,
        agents_on_duty=agents,
        expected_wait_seconds=None if seconds is None else round(seconds, 1),
        target_seconds=target_seconds,
        within_target=within,
        callback_offered=seconds is None or within is False,
    )


def answer_targets(queue_ids) -> dict[tuple[int, int], int]:
    """(queue id, tier id) → target seconds, for the queue view."""
    return {
        (queue_id, tier_id): seconds
        for queue_id, tier_id, seconds in AnswerTarget.objects.filter(
            staffing__queue_id__in=queue_ids
        ).values_list("staffing__queue_id", "tier_id", "target_seconds")
    }


@transaction.atomic
def request_callback(*, actor, customer, queue: Queue, phone: str = "", note: str = ""):
    """Instead of holding: a request to call the customer back, with its own targets."""

    if customer is None:
        raise ServiceError("customer", "a call-back needs the customer")
    phone = phone.strip() or customer.primary_phone
    if not phone:
        raise ServiceError("phone", "no phone number to call back")
    body = f"Call back on {phone}." + (f"\n\n{note.strip()[:2000]}" if note.strip() else "")
    return open_request(
        actor=actor,
        customer=customer,
        subject="Call-back requested",
        body=body,
        queue=queue,
        channel=Channel.PHONE,
        priority=Priority.HIGH,
    )


# -- roster import ----------------------------------------------------------------------------


@dataclass
class ShiftImport:
    created: int = 0
    errors: list[str] = field(default_factory=list)


def import_shifts_csv(text: str, *, source: str = "file") -> ShiftImport:
    """Columns: employee (username), queue (name or id), start, end (ISO 8601; without
    an offset, the company's time zone). Idempotent per employee, queue and start. Each
    bad row is reported as ``source:LINE: field: reason``; the good rows are kept."""

    report = ShiftImport()
    reader = dict_reader(text)
    missing = {"employee", "queue", "start", "end"} - set(reader.fieldnames or [])
    if missing:
        report.errors.append(f"{source}:1: missing columns: {', '.join(sorted(missing))}")
        return report
    users = get_user_model()
    for row in reader:
        line = reader.line_num
        try:
            user = users.objects.filter(username=(row["employee"] or "").strip()).first()
            employee = Employee.objects.filter(user=user).first() if user else None
            if employee is None:
                raise ValueError(f"employee: unknown employee {row['employee']!r}")
            name = (row["queue"] or "").strip()
            queue = find_queue(name)
            if queue is None:
                raise ValueError(f"queue: unknown queue {name!r}")
            times = []
            for column in ("start", "end"):
                value = parse_datetime((row[column] or "").strip())
                if value is None:
                    raise ValueError(f"{column}: expected a date and time, got {row[column]!r}")
                if timezone.is_naive(value):
                    value = value.replace(tzinfo=zone())
                times.append(value)
            if times[1] <= times[0]:
                raise ValueError("end: the shift must end after it starts")
            if times[1] - times[0] > timedelta(hours=24):
                raise ValueError("end: a shift cannot last more than 24 hours")
            _, made = Shift.objects.update_or_create(
                employee=employee, queue=queue, start=times[0], defaults={"end": times[1]}
            )
            report.created += made
        except ValueError as exc:
            report.errors.append(f"{source}:{line}: {exc}")
    return report
