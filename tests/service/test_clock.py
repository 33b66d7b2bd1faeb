"""Business-calendar arithmetic: properties (hypothesis) and known cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from clientfocus.service.clock import BusinessCalendar, CalendarError, TargetClock

ZONES = [
    "Europe/Vilnius",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "UTC",
    "Australia/Lord_Howe",
]

OFFICE = {
    "timezone": "Europe/Vilnius",
    "hours": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": ["2026-12-24", "2026-12-25"],
}


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def calendars(draw) -> BusinessCalendar:
    hours = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        hours[day] = [[hhmm(cuts[i] * 15), hhmm(cuts[i + 1] * 15)] for i in range(0, len(cuts), 2)]
    assume(any(hours.values()))
    start = date(2026, 1, 1)
    holidays = [
        (start + timedelta(days=d)).isoformat()
        for d in draw(st.sets(st.integers(0, 700), max_size=20))
    ]
    return BusinessCalendar.from_dict(
        {"timezone": draw(st.sampled_from(ZONES)), "hours": hours, "holidays": holidays}
    )


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
minutes = st.integers(min_value=0, max_value=60 * 24 * 20)


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, minutes, minutes)
def test_due_time_is_monotone_in_minutes(calendar, start, a, b):
    low, high = sorted((a, b))
    assert calendar.add_business_minutes(start, low) <= calendar.add_business_minutes(start, high)


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, st.integers(min_value=1, max_value=60 * 24 * 20))
def test_due_time_never_lands_outside_opening_hours(calendar, start, n):
    due = calendar.add_business_minutes(start, n)
    assert calendar.is_open(due, include_close=True)
    # A due time's local date is never a holiday (unless it is the very end of the
    # previous day's window, i.e. midnight closing).
    local = due.astimezone(calendar.zone)
    if local.time() != datetime.min.time():
        assert local.date() not in calendar.holidays


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, minutes)
def test_business_minutes_between_inverts_adding(calendar, start, n):
    due = calendar.add_business_minutes(start, n)
    assert calendar.business_minutes_between(start, due) == pytest.approx(n, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, minutes, minutes)
def test_adding_in_two_steps_equals_adding_at_once(calendar, start, a, b):
    # Adding 0 at a closing instant moves to the next opening (a due time never
    # starts a clock at a closed moment), so the split point needs b > 0.
    assume(a > 0 and b > 0)
    middle = calendar.add_business_minutes(start, a)
    assert calendar.add_business_minutes(middle, b) == calendar.add_business_minutes(start, a + b)


def _walked_alone(calendar: BusinessCalendar, start: datetime, minutes: float) -> datetime:
    """One amount through the windows on its own (how the due time was first computed)."""
    remaining, start_utc = timedelta(minutes=minutes), start.astimezone(UTC)
    for window_start, window_end in calendar.windows(start_utc):
        begin = max(start_utc, window_start)
        if remaining <= window_end - begin:
            return (begin + remaining).astimezone(calendar.zone)
        remaining -= window_end - begin
    raise AssertionError


amounts = st.one_of(minutes, st.floats(min_value=0, max_value=60 * 24 * 20))


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, st.lists(amounts, min_size=1, max_size=4))
def test_several_amounts_in_one_walk_equal_each_walked_alone(calendar, start, several):
    found = calendar.add_business_minutes_each(start, several)
    assert found == [_walked_alone(calendar, start, minutes) for minutes in several]
    assert [f.utcoffset() for f in found] == [
        _walked_alone(calendar, start, m).utcoffset() for m in several
    ]


def test_negative_amounts_are_refused():
    calendar = BusinessCalendar.from_dict(OFFICE)
    with pytest.raises(ValueError):
        calendar.add_business_minutes_each(datetime(2026, 12, 1, tzinfo=UTC), (5, -1))


def test_weekend_and_evening_are_skipped():
    calendar = BusinessCalendar.from_dict(OFFICE)
    friday_late = datetime(2026, 11, 20, 17, 30, tzinfo=ZoneInfo("Europe/Vilnius"))
    due = calendar.add_business_minutes(friday_late, 60)
    assert due == datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Europe/Vilnius"))


def test_holidays_are_skipped():
    calendar = BusinessCalendar.from_dict(OFFICE)
    wednesday = datetime(2026, 12, 23, 17, 0, tzinfo=ZoneInfo("Europe/Vilnius"))
    due = calendar.add_business_minutes(wednesday, 120)
    # 60 minutes on the 23rd; the 24th and 25th are holidays, the 26th-27th a weekend.
    assert due.isoformat() == "2026-12-28T10:00:00+02:00"


def test_opened_before_opening_starts_at_opening():
    calendar = BusinessCalendar.from_dict(OFFICE)
    early = datetime(2026, 11, 23, 6, 0, tzinfo=ZoneInfo("Europe/Vilnius"))
    assert calendar.add_business_minutes(early, 0).isoformat() == "2026-11-23T09:00:00+02:00"


def test_spring_forward_day_keeps_local_opening_hours():
    # Europe/Vilnius jumps from 03:00 to 04:00 on 2026-03-29 (a Sunday).
    calendar = BusinessCalendar.from_dict(
        {
            "timezone": "Europe/Vilnius",
            "hours": {"sun": [["09:00", "18:00"]], "mon": [["09:00", "18:00"]]},
        }
    )
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    due = calendar.add_business_minutes(saturday, 8 * 60)
    assert due.isoformat() == "2026-03-29T17:00:00+03:00"


def test_a_window_across_the_autumn_change_counts_its_real_length():
    # Clocks go back from 04:00 to 03:00 on 2026-10-25: a 00:00-06:00 window lasts 7 hours.
    calendar = BusinessCalendar.from_dict(
        {"timezone": "Europe/Vilnius", "hours": {"sun": [["00:00", "06:00"]]}}
    )
    start = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    assert calendar.add_business_minutes(start, 7 * 60).isoformat() == "2026-10-25T06:00:00+02:00"
    later = calendar.add_business_minutes(start, 7 * 60 + 1)
    assert later.date() == date(2026, 11, 1)


def test_always_open_calendar_is_plain_addition():
    calendar = BusinessCalendar.always_open("Europe/London")
    start = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert calendar.add_business_minutes(start, 24 * 60) == start + timedelta(days=1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": "Mars/Base", "hours": {"mon": [["09:00", "17:00"]]}}, "unknown time zone"),
        ({"timezone": "UTC", "hours": {"mon": [["18:00", "09:00"]]}}, "must open before"),
        (
            {"timezone": "UTC", "hours": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}},
            "overlap",
        ),
        ({"timezone": "UTC", "hours": {"mon": [["9am", "12:00"]]}}, "HH:MM"),
        ({"timezone": "UTC", "hours": {"funday": [["09:00", "12:00"]]}}, "unknown weekday"),
        ({"timezone": "UTC", "hours": {}}, "never open"),
        (
            {"timezone": "UTC", "hours": {"mon": [["09:00", "12:00"]]}, "holidays": ["24.12.2026"]},
            "not a date",
        ),
        ({"hours": {"mon": [["09:00", "12:00"]]}}, "timezone"),
    ],
)
def test_invalid_calendars_are_refused_with_the_reason(data, message):
    with pytest.raises(CalendarError, match=message):
        BusinessCalendar.from_dict(data)


def test_target_clock_warns_when_the_share_is_left():
    calendar = BusinessCalendar.always_open()
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    clock = TargetClock.start(
        calendar, at=start, remaining_minutes=100, target_minutes=100, at_risk_share=0.25
    )
    assert clock.due == start + timedelta(minutes=100)
    assert clock.warn_at == start + timedelta(minutes=75)
    resumed = TargetClock.start(
        calendar, at=start, remaining_minutes=10, target_minutes=100, at_risk_share=0.25
    )
    assert resumed.warn_at == start


def test_a_calendars_rules_follow_its_fields_even_changed_in_place(db):
    """BusinessCalendar.rules is kept on the instance: a change of its fields (a new
    value, or the hours edited in place) gives new rules, no change the same ones."""
    from clientfocus.service.models import BusinessCalendar

    calendar = BusinessCalendar.objects.create(name="Kept", timezone="Europe/Vilnius")
    first = calendar.rules()
    assert calendar.rules() is first
    calendar.hours["sat"] = [["10:00", "14:00"]]  # edited in place
    saturday = calendar.rules()
    assert saturday is not first and saturday.hours[5] == ((600, 840),)
    calendar.timezone = "Asia/Kolkata"
    assert calendar.rules().zone.key == "Asia/Kolkata"
    calendar.holidays = ["2026-12-24"]
    assert calendar.rules() != saturday
