"""Business-calendar arithmetic for response and resolution targets.

Pure module: no Django. A calendar has a time zone, weekly opening hours in local
wall-clock time and holidays (local dates). Targets are counted in *business
minutes*: minutes during which the calendar is open.

Opening hours are interpreted in local time on each date, so a 09:00-18:00 day stays
09:00-18:00 across daylight-saving changes; the length of a window that spans a
transition is its real (absolute) length.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
# A calendar open at least once a week finds the next window within 8 days plus the
# longest run of holidays; a century bounds even a calendar open 15 minutes a week
# asked for months of business time, and still ends.
_SEARCH_DAYS = 36_600


class CalendarError(ValueError):
    """The calendar description is not valid; the message says what is wrong."""


def _minutes(value: Any, where: str) -> int:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise CalendarError(f"{where}: expected a time as HH:MM, got {value!r}")
    hours, minutes = int(value[:2]), int(value[3:])
    total = hours * 60 + minutes
    if total > 24 * 60:
        raise CalendarError(f"{where}: {value} is past 24:00")
    return total


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly opening hours in a time zone, minus holidays.

    ``hours[weekday]`` holds sorted, non-overlapping ``(open, close)`` pairs in
    minutes from local midnight (0..1440), Monday = 0.
    """

    timezone: str
    hours: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[date] = frozenset()

    def __hash__(self) -> int:
        # Hashed for every cached local instant: computed once (the fields are frozen).
        return self._hash  # type: ignore[attr-defined,no-any-return]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.timezone, self.hours, self.holidays)))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"timezone: unknown time zone {self.timezone!r}") from exc
        if len(self.hours) != 7:
            raise CalendarError("hours: exactly seven weekdays are needed")
        for day, windows in zip(WEEKDAYS, self.hours, strict=True):
            previous_close = -1
            for open_at, close_at in windows:
                if not 0 <= open_at < close_at <= 1440:
                    raise CalendarError(f"hours.{day}: a window must open before it closes")
                if open_at < previous_close:
                    raise CalendarError(f"hours.{day}: windows overlap")
                previous_close = close_at
        if not any(self.hours):
            raise CalendarError("hours: the calendar is never open")

    # -- construction -----------------------------------------------------------------

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        return cls(timezone=timezone, hours=tuple(((0, 1440),) for _ in WEEKDAYS))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Build from ``{"timezone": …, "hours": {"mon": [["09:00","18:00"]], …},
        "holidays": ["2026-12-24"]}``. Missing weekdays are closed."""
        if not isinstance(data, Mapping):
            raise CalendarError("calendar: expected a JSON object")
        timezone = data.get("timezone")
        if not isinstance(timezone, str) or not timezone:
            raise CalendarError("timezone: required, e.g. 'Europe/Vilnius'")
        raw_hours = data.get("hours")
        if not isinstance(raw_hours, Mapping):
            raise CalendarError("hours: required, an object keyed by mon..sun")
        unknown = set(raw_hours) - set(WEEKDAYS)
        if unknown:
            raise CalendarError(f"hours: unknown weekday {sorted(unknown)[0]!r}")
        hours = []
        for day in WEEKDAYS:
            windows = raw_hours.get(day) or []
            if not isinstance(windows, list):
                raise CalendarError(f"hours.{day}: expected a list of [open, close] pairs")
            parsed = []
            for window in windows:
                if not isinstance(window, list | tuple) or len(window) != 2:
                    raise CalendarError(f"hours.{day}: expected [open, close], got {window!r}")
                parsed.append(
                    (_minutes(window[0], f"hours.{day}"), _minutes(window[1], f"hours.{day}"))
                )
            hours.append(tuple(sorted(parsed)))
        holidays = set()
        raw_holidays = data.get("holidays") or []
        if not isinstance(raw_holidays, list):
            raise CalendarError("holidays: expected a list of dates")
        for value in raw_holidays:
            try:
                holidays.add(date.fromisoformat(str(value)))
            except ValueError as exc:
                raise CalendarError(f"holidays: {value!r} is not a date (YYYY-MM-DD)") from exc
        return cls(timezone=timezone, hours=tuple(hours), holidays=frozenset(holidays))

    def to_dict(self) -> dict[str, Any]:
        def hhmm(m: int) -> str:
            return f"{m // 60:02d}:{m % 60:02d}"

        return {
            "timezone": self.timezone,
            "hours": {
                day: [[hhmm(a), hhmm(b)] for a, b in windows]
                for day, windows in zip(WEEKDAYS, self.hours, strict=True)
            },
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }

    # -- queries ----------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _local_instant(self, day: date, minute: int) -> datetime:
        """The UTC instant of local wall time ``minute`` on ``day`` (1440 = next midnight).

        A wall time that does not exist (spring-forward gap) maps to the instant the
        clocks jump to; an ambiguous one (fall-back) to its first occurrence.
        """
        if minute >= 1440:
            day, minute = day + timedelta(days=1), minute - 1440
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        instant = local.astimezone(UTC)
        # For a time in the gap, fold=0 uses the offset before the jump, which lands
        # after the gap; that instant is right. Normalise to UTC either way.
        return instant

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - calendars are few, frozen, hashable
    def _day_windows(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The opening windows of ``day`` (UTC instants), none on a holiday; cached, so each
        local instant is worked out once."""
        if day in self.holidays:
            return ()
        return tuple(
            (self._local_instant(day, open_at), self._local_instant(day, close_at))
            for open_at, close_at in self.hours[day.weekday()]
        )

    def windows(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening windows (UTC, half-open) that end after ``start``, in order."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        first_day = start.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range(_SEARCH_DAYS):
            for window_start, window_end in self._day_windows(first_day + timedelta(days=offset)):
                if window_end > start and window_end > window_start:
                    yield window_start, window_end
        raise CalendarError("no opening hours found within a hundred years")

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The instant at which ``minutes`` business minutes have passed since ``start``.

        ``minutes`` = 0 gives ``start`` itself when open, else the next opening.
        The result is in the calendar's time zone.
        """
        return self.add_business_minutes_each(start, (minutes,))[0]

    def add_business_minutes_each(
        self, start: datetime, amounts: Sequence[float]
    ) -> list[datetime]:
        """`add_business_minutes` for each of ``amounts`` from the same ``start``, in one
        walk through the opening windows (a clock's due and warning instants)."""
        if any(minutes < 0 for minutes in amounts):
            raise ValueError("minutes must not be negative")
        wanted = sorted((timedelta(minutes=minutes), i) for i, minutes in enumerate(amounts))
        found: list[datetime] = [start] * len(amounts)
        start_utc = start.astimezone(UTC)
        passed = timedelta()  # business time in the windows before this one
        next_one = 0
        for window_start, window_end in self.windows(start_utc):
            begin = max(start_utc, window_start)
            available = window_end - begin
            while next_one < len(wanted) and wanted[next_one][0] - passed <= available:
                amount, index = wanted[next_one]
                found[index] = (begin + (amount - passed)).astimezone(self.zone)
                next_one += 1
            if next_one == len(wanted):
                return found
            passed += available
        raise AssertionError("unreachable: windows() raises when exhausted")

    def business_minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes in ``[start, end)``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.business_minutes_between(end, start)
        total = timedelta()
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        for window_start, window_end in self.windows(start_utc):
            if window_start >= end_utc:
                break
            total += min(window_end, end_utc) - max(window_start, start_utc)
        return total.total_seconds() / 60

    def is_open(self, moment: datetime, *, include_close: bool = False) -> bool:
        """Whether the calendar is open at ``moment`` (optionally counting closing instants)."""
        moment_utc = moment.astimezone(UTC)
        probe = moment_utc - timedelta(microseconds=1) if include_close else moment_utc
        for window_start, window_end in self.windows(probe):
            if window_start > moment_utc:
                return False
            if window_start <= moment_utc < window_end or (
                include_close and moment_utc == window_end
            ):
                return True
        return False


@dataclass(frozen=True)
class TargetClock:
    """Due and warning instants for one running target (first response, next response,
    resolution). ``warn_at`` is when only ``at_risk_share`` of the target is left."""

    due: datetime
    warn_at: datetime

    @classmethod
    def start(
        cls,
        calendar: BusinessCalendar,
        *,
        at: datetime,
        remaining_minutes: float,
        target_minutes: float,
        at_risk_share: float,
    ) -> TargetClock:
        """Start (or resume) a clock with ``remaining_minutes`` left of ``target_minutes``."""
        remaining = max(0.0, remaining_minutes)
        before_warning = remaining - at_risk_share * target_minutes
        if before_warning > 0:
            due, warn_at = calendar.add_business_minutes_each(at, (remaining, before_warning))
        else:
            due, warn_at = calendar.add_business_minutes(at, remaining), at
        return cls(due=due, warn_at=min(warn_at, due))
