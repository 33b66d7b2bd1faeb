"""Departments as each other's customers: the internal survey after an internal
request, and the scorecard (page, API) every employee reads."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.service.models import AgentNotice, State
from clientfocus.service.services import change_state, open_request
from clientfocus.voice import departments, services
from clientfocus.voice.models import Survey, SurveyInvitation

pytestmark = pytest.mark.django_db


def _internal(company):
    Survey.objects.get_or_create(
        trigger="internal_resolved", defaults={"name": "I", "kind": "csat"}
    )
    req = open_request(
        actor=company.logistics_staff,
        subject="Invoice for pallet",
        requesting_department=company.logistics,
        queue=company.billing_queue,
    )
    change_state(request=req, actor=company.other_agent, state=State.RESOLVED)
    return req


def test_the_employee_who_filed_an_internal_request_is_asked(company):
    req = _internal(company)
    invitation = SurveyInvitation.objects.get()
    assert invitation.employee == company.logistics_staff and invitation.customer is None
    assert invitation.department == company.logistics and invitation.request == req
    assert AgentNotice.objects.filter(
        recipient=company.logistics_staff, kind="internal_survey"
    ).exists()
    with pytest.raises(NotAllowed):
        services.answer_internal(actor=company.agent, invitation=invitation, score=4)
    with pytest.raises(ServiceError):
        services.answer_internal(actor=company.logistics_staff, invitation=invitation, score=9)
    services.answer_internal(
        actor=company.logistics_staff, invitation=invitation, score=4, comment="Quick, thanks"
    )
    with pytest.raises(ServiceError):
        services.answer_internal(actor=company.logistics_staff, invitation=invitation, score=5)
    cards = departments.scorecards(now=timezone.now(), days=1)
    billing = next(c for c in cards if c.department == company.billing)
    assert (
        billing.received == 1
        and billing.internal_satisfaction == 0.75
        and billing.internal_answers == 1
    )
    logistics = departments.scorecard(company.logistics, since=req.created_at.replace(year=2000))
    assert logistics.filed == 1 and logistics.filed_answer_hours is None
    # A customer's survey link never opens an internal invitation.
    with pytest.raises(services.LinkProblem):
        services.answer_survey(token=services.survey_token(invitation), score=5)


def test_pages_and_api(company, web_as, api_as):
    _internal(company)
    staff = web_as(company.logistics_staff)
    page = staff.get("/voice/internal/").content.decode()
    assert 'data-testid="internal-survey"' in page
    invitation = SurveyInvitation.objects.get()
    staff.post(f"/voice/internal/{invitation.pk}/", {"score": "5", "comment": ""})
    assert SurveyInvitation.objects.get().state == "answered"
    board = web_as(company.agent).get("/departments/").content.decode()
    assert 'data-testid="dept-billing"' in board and "Deliveries on time" in board
    assert web_as(company.agent).get("/departments/billing/").status_code == 200
    assert web_as(company.agent).get("/departments/nope/").status_code == 404
    cards = api_as(company.agent).get("/api/departments/scorecard").json()
    billing = next(c for c in cards if c["department"] == "billing")
    assert billing["received"] == 1 and billing["internal_satisfaction"] == 1.0
    assert api_as(company.agent).get("/api/departments/scorecard?days=0").status_code == 422
    assert (
        api_as(company.agent).get("/api/departments/scorecard?department=nope").status_code == 404
    )
    assert (
        web_as(company.agent).post(f"/voice/internal/{invitation.pk}/", {"score": "5"}).status_code
        == 404
    )
    assert SurveyInvitation.objects.get().response.score == 5
