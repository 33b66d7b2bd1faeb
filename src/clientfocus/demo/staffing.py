"""The demo staffing plan: Customer Care's phone and chat line and its roster."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from clientfocus.customers.models import Customer, Tier
from clientfocus.service.models import Request
from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift


def load_staffing(org: dict, now: datetime) -> None:
    """Customer Care's phone and chat line: hourly intervals, 4-minute calls, 30 %
    shrinkage, gold/platinum answered within 20 s, everyone else within 2 minutes; a
    roster for this week and next (weekdays 08:00-17:00 local, two agents till 20:00)."""

    staffing = QueueStaffing.objects.create(
        queue=org["queues"]["general"], interval_minutes=60, aht_seconds=240, shrinkage=0.3
    )
    for tier in Tier.objects.all():
        fast = tier.code in ("gold", "platinum")
        AnswerTarget.objects.create(
            staffing=staffing, tier=tier, service_level=0.8, target_seconds=20 if fast else 120
        )
    zone = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    agents = [org["people"][k] for k in ("agent", "agent2", "agent3", "agent4")]
    # Eight weeks of answered calls on the line (the switchboard's log): busy mornings,
    # a lunch dip, quieter evenings, fewer on Fridays.

    rng = random.Random(11)
    callers = list(Customer.objects.all()[:200])
    shape = {
        8: 6,
        9: 14,
        10: 18,
        11: 16,
        12: 10,
        13: 12,
        14: 15,
        15: 13,
        16: 10,
        17: 6,
        18: 4,
        19: 3,
    }
    calls = []
    for day in range(1, 57):
        date = today - timedelta(days=day)
        if date.weekday() >= 5:
            continue
        factor = 0.8 if date.weekday() == 4 else 1.0
        for hour, mean in shape.items():
            for _ in range(max(0, round(rng.gauss(mean * factor, mean**0.5)))):
                opened = datetime.combine(date, datetime.min.time(), tzinfo=zone) + timedelta(
                    hours=hour, seconds=rng.uniform(0, 3600)
                )
                answered = opened + timedelta(seconds=rng.expovariate(1 / 40))
                caller = rng.choice(callers)
                calls.append(
                    Request(
                        customer=caller,
                        subject="Phone call",
                        queue=staffing.queue,
                        tier=caller.tier,
                        channel="phone",
                        state="closed",
                        created_at=opened,
                        first_responded_at=answered,
                        first_response_met=True,
                        resolved_at=answered + timedelta(minutes=4),
                        closed_at=answered + timedelta(minutes=4),
                    )
                )
    Request.objects.bulk_create(calls, batch_size=1000)
    for day in range(14):
        date = monday + timedelta(days=day)
        if date.weekday() >= 5:
            continue
        for i, employee in enumerate(agents):
            end_hour = 20 if i < 2 else 17
            Shift.objects.create(
                employee=employee,
                queue=staffing.queue,
                start=datetime.combine(date, datetime.min.time(), tzinfo=zone)
                + timedelta(hours=8 + (i >= 2)),
                end=datetime.combine(date, datetime.min.time(), tzinfo=zone)
                + timedelta(hours=end_hour),
            )
