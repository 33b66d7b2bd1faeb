"""Internal customers (S1, S15): after an internal request is resolved, the employee of
the requesting department who filed it is asked one question in the app, with the same
survey machinery (which question, how often at most, how long the link is open) as
customers — but the answer is not customer feedback: it counts for the department
that served them, on the department scorecard."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.service.models import AgentNotice, Request, RequestEvent
from clientfocus.voice.models import (
    SCORE_RANGES,
    InvitationState,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Trigger,
)
from clientfocus.voice.services.feedback import _check_length


def filer_of(request: Request):
    """Who filed the request: the actor of its "opened" event."""
    event = (
        RequestEvent.objects.filter(request=request, kind="opened")
        .select_related("actor")
        .order_by("created_at")
        .first()
    )
    return event.actor if event is not None else None


def invite_internal(request: Request, *, now: datetime | None = None) -> SurveyInvitation | None:
    """In the caller's transaction: ask the employee who filed an internal request how
    satisfied they are, unless asked within the survey's minimum interval."""
    if request.requesting_department_id is None or request.customer_id is not None:
        return None
    survey = Survey.objects.filter(active=True, trigger=Trigger.INTERNAL_RESOLVED).first()
    employee = filer_of(request)
    if survey is None or employee is None or not employee.is_active:
        return None
    now = now or timezone.now()
    recent = SurveyInvitation.objects.filter(
        employee=employee, created_at__gte=now - timedelta(days=survey.min_days_between)
    )
    if recent.exists():
        return None
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        employee=employee,
        department_id=request.requesting_department_id,
        request=request,
        language=getattr(getattr(employee, "employee", None), "language", "") or "en",
        created_at=now,
        expires_at=now + timedelta(days=survey.valid_days),
    )
    AgentNotice.objects.create(
        recipient=employee,
        request=request,
        kind="internal_survey",
        link=reverse("voice:internal_surveys"),
        text=(
            _("How did %(dept)s handle %(ref)s? One question.")
            % {"dept": request.queue.department.name, "ref": request.reference}
        )[:300],
    )
    return invitation


def open_for(user, *, now: datetime | None = None):
    """The internal surveys waiting for this employee's answer."""
    return (
        SurveyInvitation.objects.filter(
            employee=user,
            state=InvitationState.SENT,
            expires_at__gt=now or timezone.now(),
        )
        .select_related("survey", "request", "request__queue__department")
        .order_by("-created_at")
    )


def answer_internal(
    *, actor, invitation: SurveyInvitation, score: int, comment: str = ""
) -> SurveyResponse:
    if invitation.employee_id != actor.pk:
        raise NotAllowed(_("This question was asked of someone else."))
    if invitation.expires_at < timezone.now():
        raise ServiceError("score", _("This survey has closed."))
    kind = invitation.survey.kind
    low, high = SCORE_RANGES[kind]
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ServiceError(
            "score", _("A score is from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    _check_length(comment)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation, score=score, comment=(comment or "").strip()
            )
            SurveyInvitation.objects.filter(pk=invitation.pk).update(state=InvitationState.ANSWERED)
    except IntegrityError as exc:
        raise ServiceError("score", _("This survey was answered already.")) from exc
    return response
