"""Forecast, plan, roster, expected wait and call-backs (pure and through the services)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from clientfocus.core.errors import ServiceError
from clientfocus.service.models import Request
from clientfocus.staffing import plan as pure
from clientfocus.staffing import services
from clientfocus.staffing.erlang import (
    Load,
    StaffingError,
    agents_needed,
    erlang_c_needed,
)
from clientfocus.staffing.forecast import forecast_week
from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift
from tests.factories import ContactFactory, CustomerFactory

UTC = ZoneInfo("UTC")
MONDAY = date(2026, 11, 23)  # ISO week 2026-W48


def test_forecast_weights_recent_weeks_and_measures_error():
    flat = np.full((8, 4), 10.0)
    result = forecast_week(flat)
    assert np.allclose(result.values, 10) and result.holdout_weeks == 4
    assert result.wape == pytest.approx(0, abs=1e-12)
    rising = np.array([[w * 1.0] * 2 for w in range(1, 9)])
    result = forecast_week(rising)
    assert 6 < result.values[0] < 8  # pulled towards recent weeks, below the last
    assert result.wape is not None and result.wape > 0
    assert forecast_week(np.ones((1, 3))).wape is None  # no week to hold out
    with pytest.raises(ValueError):
        forecast_week(np.array([[-1.0]]))


def test_fast_search_agrees_with_the_general_one():
    for calls, aht, t, level in [
        (360, 240, 15, 0.8),
        (40, 300, 20, 0.8),
        (2000, 180, 120, 0.9),
        (3, 600, 60, 0.5),
    ]:
        load = Load(calls, 1800, aht)
        assert (
            erlang_c_needed(load.erlangs, aht, t, level)
            == agents_needed(load, target_seconds=t, service_level=level).agents
        )


def test_plan_takes_the_strictest_tier_and_flags_gaps():
    targets = [pure.Target("gold", 0.8, 20), pure.Target("standard", 0.8, 120)]
    rows = pure.plan_intervals(
        [100, 0, 100],
        [20, 0, 5],
        interval_seconds=1800,
        aht_seconds=300,
        targets=targets,
        shrinkage=0.25,
    )
    gold_only = erlang_c_needed(100 * 300 / 1800, 300, 20, 0.8)
    assert rows[0].agents_needed == gold_only == rows[0].needed_by_tier["gold"]
    assert rows[0].needed_by_tier["standard"] < gold_only
    assert rows[0].staff_needed == -(-gold_only * 4 // 3)
    assert rows[0].gap == 20 - rows[0].staff_needed
    assert rows[1].agents_needed == 0 and rows[1].service_levels == {"gold": None, "standard": None}
    assert rows[2].gap < 0 and rows[2].service_levels["gold"] < 0.8
    assert rows[0].service_levels["standard"] >= rows[0].service_levels["gold"]


def test_plan_refuses_bad_input():
    target = [pure.Target("gold", 0.8, 20)]
    with pytest.raises(StaffingError):
        pure.plan_intervals(
            [1], [1, 2], interval_seconds=1800, aht_seconds=300, targets=target, shrinkage=0
        )
    with pytest.raises(StaffingError):
        pure.plan_intervals(
            [-1], [1], interval_seconds=1800, aht_seconds=300, targets=target, shrinkage=0
        )
    with pytest.raises(StaffingError):
        pure.Target("gold", 1.0, 20)


def test_expected_wait_formula():
    assert pure.expected_wait_seconds(ahead=3, agents=2, aht_seconds=300) == 600
    assert pure.expected_wait_seconds(ahead=0, agents=0, aht_seconds=300) is None


@pytest.fixture
def desk(company):
    staffing = QueueStaffing.objects.create(
        queue=company.care_queue, interval_minutes=60, aht_seconds=300, shrinkage=0.2
    )
    AnswerTarget.objects.create(
        staffing=staffing, tier=company.gold, service_level=0.8, target_seconds=20
    )
    AnswerTarget.objects.create(
        staffing=staffing, tier=company.standard, service_level=0.8, target_seconds=120
    )
    return staffing


def _calls(company, when: datetime, n: int, channel="phone", customer=None):
    for _ in range(n):
        Request.objects.create(
            customer=customer or company.customer,
            subject="call",
            queue=company.care_queue,
            tier=company.standard,
            channel=channel,
            created_at=when,
        )


def test_history_forecast_roster_and_plan(company, desk):
    # Every Monday 10:00-11:00 for 8 weeks: 12 calls (and e-mails that do not count).
    for week in range(1, 9):
        monday_ten = datetime(2026, 11, 23, 10, 15, tzinfo=UTC) - timedelta(weeks=week)
        _calls(company, monday_ten, 12)
        _calls(company, monday_ten, 5, channel="email")
    for person in (company.agent, company.agent2):
        Shift.objects.create(
            employee=person.employee,
            queue=company.care_queue,
            start=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
            end=datetime(2026, 11, 23, 17, 0, tzinfo=UTC),
        )
    result = services.week_plan(company.care_queue, MONDAY)
    assert result.week == "2026-W48" and len(result.rows) == 168
    ten = result.rows[10]
    assert ten.contacts == 12 and ten.staff_rostered == 2
    assert ten.agents_needed == erlang_c_needed(12 * 300 / 3600, 300, 20, 0.8)
    assert result.rows[9].contacts == 0 and result.rows[17].staff_rostered == 0
    assert result.forecast_wape == pytest.approx(0, abs=1e-12)


def test_plan_needs_settings_and_targets(company):
    with pytest.raises(ServiceError, match="no staffing settings"):
        services.week_plan(company.care_queue, MONDAY)
    QueueStaffing.objects.create(queue=company.care_queue)
    with pytest.raises(ServiceError, match="no answer-time targets"):
        services.week_plan(company.care_queue, MONDAY)
    with pytest.raises(ServiceError, match="ISO week"):
        services.parse_week("next week")
    with pytest.raises(ServiceError, match="no such week"):
        services.parse_week("2026-W60")


def test_expected_wait_now_and_callback_offer(company, desk):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    # Nobody on duty: no promise can be made, a call-back is offered.
    wait = services.expected_wait(queue=company.care_queue, tier=company.gold, now=now)
    assert wait.expected_wait_seconds is None and wait.callback_offered
    Shift.objects.create(
        employee=company.agent.employee, queue=company.care_queue,
        start=now - timedelta(hours=1), end=now + timedelta(hours=4),
    )  # fmt: skip
    assert (
        services.expected_wait(
            queue=company.care_queue, tier=company.gold, now=now
        ).expected_wait_seconds
        == 0
    )
    _calls(company, now - timedelta(minutes=2), 3)  # three standard callers waiting
    gold = services.expected_wait(queue=company.care_queue, tier=company.gold, now=now)
    standard = services.expected_wait(queue=company.care_queue, tier=company.standard, now=now)
    assert gold.ahead == 0 and gold.expected_wait_seconds == 300  # answered next
    assert standard.ahead == 3 and standard.expected_wait_seconds == 1200
    assert gold.callback_offered and standard.callback_offered  # 300 s > 20 s, 1200 > 120


def test_callback_becomes_a_request_with_targets(company, desk):
    customer = CustomerFactory(tier=company.gold)
    ContactFactory(customer=customer, kind="phone", value="+370 612 34567")
    created = services.request_callback(
        actor=company.agent, customer=customer, queue=company.care_queue
    )
    assert created.subject == "Call-back requested" and created.first_response_due is not None
    assert "+370 612 34567" in created.messages.get().body_text
    with pytest.raises(ServiceError, match="no phone"):
        services.request_callback(
            actor=company.agent, customer=company.customer, queue=company.care_queue
        )


def test_shift_import(company):
    text = (
        "employee,queue,start,end\n"
        "agent,Care,2026-11-23T09:00,2026-11-23T17:00\n"
        "ghost,Care,2026-11-23T09:00,2026-11-23T17:00\n"
        "agent2,Nowhere,2026-11-23T09:00,2026-11-23T17:00\n"
        "agent2,Care,2026-11-23T17:00,2026-11-23T09:00\n"
        "agent2,Care,tomorrow,2026-11-23T09:00\n"
    )
    report = services.import_shifts_csv(text, source="roster.csv")
    assert report.created == 1
    assert [e.split(": ")[0] for e in report.errors] == [
        "roster.csv:3", "roster.csv:4", "roster.csv:5", "roster.csv:6",
    ]  # fmt: skip
    again = services.import_shifts_csv(text, source="roster.csv")
    assert again.created == 0 and Shift.objects.count() == 1
