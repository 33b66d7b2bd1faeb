"""Departments as each other's customers over the API: the scorecard (every employee)
and the internal surveys waiting for the caller."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.people.models import Department
from clientfocus.people.selectors import role_of
from clientfocus.voice import departments, services
from clientfocus.voice.departments import Scorecard
from clientfocus.voice.models import SurveyInvitation

router = Router(tags=["departments"])


class MeasureOut(Schema):
    key: str
    label: str
    value: float | None
    count: int


class ScorecardOut(Schema):
    department: str
    name: str
    received: int = Field(description="internal requests other departments filed with it")
    received_resolved: int
    received_met: float | None = Field(description="share resolved within target")
    received_first_met: float | None
    internal_satisfaction: float | None = Field(description="0 (worst) to 1 (best)")
    internal_answers: int
    filed: int = Field(description="internal requests it filed with others")
    filed_answer_hours: float | None = Field(description="median hours to a first answer")
    filed_met: float | None
    customer_requests: int
    customer_met: float | None
    customer_satisfaction: float | None
    customer_answers: int
    complaints: int
    measures: list[MeasureOut]


def card_out(card: Scorecard) -> dict:
    data = {k: v for k, v in card.__dict__.items() if k not in {"department", "measures"}}
    return {
        **data,
        "department": card.department.code,
        "name": card.department.name,
        "measures": [m.__dict__ for m in card.measures],
    }


def _staff(user) -> None:
    if role_of(user) is None:
        raise NotAllowed("employees only")


@router.get("/scorecard", response=list[ScorecardOut])
def scorecard(
    request, days: int = Query(90, ge=1, le=3650), department: str = Query("", max_length=40)
):  # type: ignore[type-arg]
    """Every department's scorecard over the last ``days`` (or one department's)."""
    _staff(request.auth)
    if department:
        found = Department.objects.get(code=department)
        return [card_out(departments.scorecard(found, since=timezone.now() - timedelta(days=days)))]
    return [card_out(c) for c in departments.scorecards(now=timezone.now(), days=days)]


class InternalSurveyOut(Schema):
    id: int
    request: str
    department: str
    kind: str
    expires_at: AwareDateTime


@router.get("/surveys", response=list[InternalSurveyOut])
def my_surveys(request):
    """The internal surveys waiting for the caller's answer."""
    _staff(request.auth)
    return [
        {
            "id": i.pk,
            "request": i.request.reference if i.request else "",
            "department": i.request.queue.department.code if i.request else "",
            "kind": i.survey.kind,
            "expires_at": i.expires_at,
        }
        for i in services.open_for(request.auth)
    ]


class AnswerIn(Input):
    score: int = Field(ge=0, le=10)
    comment: str = Field("", max_length=5000)


@router.post("/surveys/{invitation_id}", response={201: dict})
def answer(request, invitation_id: int, payload: AnswerIn):
    _staff(request.auth)
    invitation = SurveyInvitation.objects.select_related("survey").get(
        pk=invitation_id if 0 < invitation_id < 2**63 else 0, employee=request.auth
    )
    response = services.answer_internal(
        actor=request.auth, invitation=invitation, score=payload.score, comment=payload.comment
    )
    return 201, {"score": response.score}
