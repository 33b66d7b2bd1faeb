"""The scorecard over the API: the level reached and every criterion for a month and
scope, the thresholds, and the month's report figures. The same rules as the pages
(`scorecard.permissions`)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from ninja import Query, Router, Schema
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import Input
from clientfocus.people.selectors import department_of, role_of
from clientfocus.scorecard import levels, selectors, services
from clientfocus.scorecard.permissions import (
    can_see_order_cycle,
    can_see_reports,
    can_see_scope,
    is_lead,
    shows_value,
)

router = Router(tags=["scorecard"])


class LineOut(Schema):
    code: str
    level: str
    name: str
    unit: str
    value: float | None
    part: int
    whole: int
    threshold_then: float
    met_then: bool | None
    threshold_now: float
    met_now: bool | None
    history: list[float | None]
    trend_per_month: float | None
    improving: bool | None
    data: str


class CardOut(Schema):
    month: str
    scope: str
    final: bool
    measured: bool
    level_then: str | None
    level_now: str | None
    next_steps: list[str]
    criteria: list[LineOut]


def card_out(card: selectors.Card) -> dict:
    return {
        "month": f"{card.month:%Y-%m}", "scope": card.scope, "final": card.final,
        "measured": card.measured, "level_then": card.level_then, "level_now": card.level_now,
        "next_steps": [x.code for x in card.steps],
        "criteria": [
            {"code": x.code, "level": x.level, "name": x.name, "unit": x.unit, "value": x.value,
             "part": x.part, "whole": x.whole, "threshold_then": x.threshold_then,
             "met_then": x.met_then, "threshold_now": x.threshold_now, "met_now": x.met_now,
             "history": x.history, "trend_per_month": x.slope, "improving": x.improving,
             "data": x.link}
            for x in card.lines
        ],
    }  # fmt: skip


MonthText = Query(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; the latest by default")


def _month(text: str | None) -> date | None:
    return services.parse_month(text) if text else None


@router.get("", response=CardOut)
def scorecard(
    request,
    month: str | None = MonthText,  # type: ignore[assignment]
    department: str = Query("", max_length=40, description="a department's code"),  # type: ignore[type-arg]
):
    """The level reached, each criterion with its value, the threshold it was measured
    against and today's, 12 months of history, and what would move the company (or the
    department) to the next level soonest. Employees who are not managers see their own
    department's."""
    user = request.auth
    if role_of(user) is None:
        raise NotAllowed("employees only")
    scope = department
    if not scope and not is_lead(user):
        own = department_of(user)
        if own is None:
            raise NotAllowed("managers see the company's scorecard")
        scope = own.code
    if not can_see_scope(user, scope):
        raise ObjectDoesNotExist(f"no department {scope!r}")
    card = selectors.card(user, month=_month(month), scope=scope)
    if scope and not card.scope_name:
        raise ObjectDoesNotExist(f"no department {scope!r}")
    return card_out(card)


class ThresholdOut(Schema):
    code: str
    level: str
    direction: str
    unit: str
    default: float
    value: float
    why: str


@router.get("/thresholds", response=list[ThresholdOut])
def thresholds(request):
    if not is_lead(request.auth):
        raise NotAllowed("managers and administrators only")
    current = services.thresholds()
    return [
        {"code": c.code, "level": c.level, "direction": c.direction, "unit": c.unit,
         "default": c.default, "value": current[c.code], "why": c.why}
        for c in levels.CRITERIA
    ]  # fmt: skip


class ThresholdIn(Input):
    value: float = Field(ge=-3650, le=3650, description="shares as 0–1")


Code = Literal[tuple(c.code for c in levels.CRITERIA)]  # type: ignore[valid-type]


@router.put("/thresholds/{code}", response=ThresholdOut)
def set_threshold(request, code: Code, payload: ThresholdIn):  # type: ignore[valid-type]
    """Tune a threshold (administrators). Closed months keep the one they were measured
    against."""
    services.set_threshold(actor=request.auth, code=code, value=payload.value)
    c = levels.BY_CODE[code]
    return {"code": c.code, "level": c.level, "direction": c.direction, "unit": c.unit,
            "default": c.default, "value": payload.value, "why": c.why}  # fmt: skip


class FiguresOut(Schema):
    month: str
    final: bool
    measured: bool
    data: dict[str, Any]


VALUE_KEYS = {"value", "revenue", "value_then", "value_now", "value_change", "value_gained",
              "payback"}  # fmt: skip


def _figures(request, kind: str, month: str | None) -> dict:
    found_month, data, final = selectors.figures_of(kind, _month(month))
    if data and not shows_value(request.auth):
        data = {**data, "rows": [{k: v for k, v in r.items() if k not in VALUE_KEYS}
                                 for r in data.get("rows", [])]}  # fmt: skip
    return {"month": f"{found_month:%Y-%m}", "final": final, "measured": bool(data), "data": data}


@router.get("/payback", response=FiguresOut)
def payback(request, month: str | None = MonthText):  # type: ignore[assignment]
    """Per tier and segment: the cost of service (time, grants) against the change in
    P(alive) and 12-month value since the tier policy first applied, with a verdict per
    row (``measured``, ``too_early``, ``too_few``, ``no_history``, ``no_policy``)."""
    if not can_see_reports(request.auth):
        raise NotAllowed("managers and administrators only")
    return _figures(request, "payback", month)


@router.get("/reports/{dimension}", response=FiguresOut)
def report(request, dimension: Literal["product_line", "tier", "segment"],
           month: str | None = MonthText):  # type: ignore[assignment]  # fmt: skip
    """Per product line, tier or segment: volumes, targets met, satisfaction, complaint
    themes, value, customers whose P(alive) is falling, ideas and their weight."""
    if not can_see_reports(request.auth):
        raise NotAllowed("managers and administrators only")
    return _figures(request, dimension, month)


@router.get("/order-cycle", response=FiguresOut)
def order_cycle(request, month: str | None = MonthText):  # type: ignore[assignment]
    """Orders by stage, late ones, delays and complaints per stage (every employee)."""
    if not can_see_order_cycle(request.auth):
        raise NotAllowed("employees only")
    return _figures(request, "order_cycle", month)
