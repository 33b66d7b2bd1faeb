"""The at-risk worklist over the API: the cases the caller may see, one case, its outcome,
reassignment, and the effect of contacting. The same rules as the pages
(`retention.permissions`)."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from ninja import Query, Router, Schema
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import Input
from clientfocus.people.selectors import role_of
from clientfocus.retention import selectors, services
from clientfocus.retention.models import RiskCase
from clientfocus.retention.permissions import shows_value

router = Router(tags=["customers at risk"])


class CaseOut(Schema):
    id: int
    customer: UUID
    customer_name: str
    tier: str
    signals: list[dict]
    value_at_stake: float | None = Field(description="empty for readers who may not see value")
    p_alive: float | None
    priority: float | None
    assignee: str | None
    opened_on: date
    due_on: date
    outcome: str
    note: str
    acted_at: str | None
    in_time: bool


def case_out(user, case: RiskCase) -> dict:
    value = shows_value(user, case)
    return {
        "id": case.pk, "customer": case.customer.public_id, "customer_name": case.customer.name,
        "tier": case.customer.tier.code, "signals": case.signals,
        "value_at_stake": case.value_at_stake if value else None,
        "p_alive": case.p_alive, "priority": case.priority if value else None,
        "assignee": case.assignee.get_username() if case.assignee else None,
        "opened_on": case.opened_on, "due_on": case.due_on, "outcome": case.outcome,
        "note": case.note, "acted_at": case.acted_at.isoformat() if case.acted_at else None,
        "in_time": case.in_time(),
    }  # fmt: skip


def _staff(user) -> None:
    if role_of(user) is None:
        raise NotAllowed("employees only")


@router.get("/at-risk", response=list[CaseOut])
def at_risk(
    request,
    state: Literal["open", "overdue", "closed", "all"] = "open",
    mine: bool = False,
    signal: Literal[
        "", "value_falling", "detractor", "breached", "complaint", "stopped_after_delay"
    ] = "",
    limit: int = Query(100, ge=1, le=1000),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Today's worklist: valuable customers drifting away, highest value at stake times
    evidence first. Managers see every case; others the cases assigned to them."""
    _staff(request.auth)
    cases = selectors.worklist(request.auth, state=state, mine=mine, signal=signal)
    return [case_out(request.auth, c) for c in cases[offset : offset + limit]]


class EffectOut(Schema):
    since: date
    until: date
    contacted: int
    contacted_bought: int
    not_contacted: int
    not_contacted_bought: int
    p_value: float | None
    enough: bool
    statement: str
    open_cases: int


@router.get("/at-risk/effect", response=EffectOut)
def effect(request):
    """Of the cases at least 90 days old: customers contacted in time against the
    others, and how many of each bought again within 90 days."""
    _staff(request.auth)
    r = selectors.effect_report(request.auth)
    e = r.effect
    return {
        "since": r.since, "until": r.until, "contacted": e.contacted,
        "contacted_bought": e.contacted_bought, "not_contacted": e.not_contacted,
        "not_contacted_bought": e.not_contacted_bought, "p_value": e.p_value,
        "enough": e.enough, "statement": r.statement(), "open_cases": r.open_cases,
    }  # fmt: skip


def _case(user, case_id: int) -> RiskCase:
    case = selectors.case_for(user, case_id)
    if case is None:
        raise ObjectDoesNotExist(f"no at-risk case {case_id}")
    return case


@router.get("/at-risk/{case_id}", response=CaseOut)
def one(request, case_id: int):
    _staff(request.auth)
    return case_out(request.auth, _case(request.auth, case_id))


class OutcomeIn(Input):
    outcome: Literal["called", "offered", "no_action", "lost"]
    note: str = Field("", max_length=500)


@router.post("/at-risk/{case_id}/outcome", response=CaseOut)
def outcome(request, case_id: int, payload: OutcomeIn):
    _staff(request.auth)
    case = services.record_outcome(
        actor=request.auth, case=_case(request.auth, case_id), outcome=payload.outcome,
        note=payload.note,
    )  # fmt: skip
    return case_out(request.auth, case)


class AssignIn(Input):
    assignee: str = Field(min_length=1, max_length=150)
    due_on: date | None = None


@router.post("/at-risk/{case_id}/assign", response=CaseOut)
def assign(request, case_id: int, payload: AssignIn):
    _staff(request.auth)
    case = services.reassign(
        actor=request.auth, case=_case(request.auth, case_id), username=payload.assignee,
        due_on=payload.due_on,
    )  # fmt: skip
    return case_out(request.auth, case)
