"""Reading page filters from a query string: every value bounded, anything malformed
falls back to the default (a filter never answers 5xx, and never errors for a typo)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.http import QueryDict
from django.utils.dateparse import parse_datetime

FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def int_param(params: QueryDict, name: str, default: int, *, low: int, high: int) -> int:
    """An integer in [low, high]; ASCII digits only ("²" is not a number here)."""
    text = params.get(name, "").strip()
    if not text or len(text) > 12 or not text.lstrip("-").isascii():
        return default
    try:
        value = int(text)
    except ValueError:
        return default
    return max(low, min(value, high))


def date_param(params: QueryDict, name: str) -> date | None:
    """An ISO date (2026-11-30) or ISO week (2026-W48, its Monday) within 1970–2999."""
    text = params.get(name, "").strip()
    return parse_day(text)


def parse_day(text: str) -> date | None:
    if not text or len(text) > 10 or not text.isascii():
        return None
    try:
        day = (
            datetime.strptime(text + "-1", "%G-W%V-%u").date()
            if "W" in text.upper()
            else date.fromisoformat(text)
        )
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY - timedelta(days=400) else None


def datetime_param(params: QueryDict, name: str) -> datetime | None:
    """An ISO date and time (a page's "older than" cursor), or None when it is missing
    or malformed — "2026-13-45T00:00" included, which Django's parser raises for."""
    text = params.get(name, "").strip()
    if not text or len(text) > 64:
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def parse_uuid(text: str) -> uuid.UUID | None:
    """The UUID written in ``text``, or None when it is empty or not one."""
    text = (text or "").strip()
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def uuid_param(params: QueryDict, name: str) -> uuid.UUID | None:
    return parse_uuid(params.get(name, ""))
