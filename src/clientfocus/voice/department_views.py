"""Departments as each other's customers: the internal surveys waiting for an employee,
and the department scorecard every employee may read."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import int_param
from clientfocus.people.access import employee_required
from clientfocus.people.models import Department
from clientfocus.voice import departments, services
from clientfocus.voice.models import SCORE_RANGES, SurveyInvitation
from clientfocus.voice.services.surveys import question, scale_labels


@employee_required
def internal_surveys(request: HttpRequest) -> HttpResponse:
    rows = []
    for invitation in services.open_for(request.user):
        low, high = SCORE_RANGES[invitation.survey.kind]
        rows.append(
            {
                "invitation": invitation,
                "question": question(invitation.survey.kind),
                "scale": list(range(low, high + 1)),
                "labels": scale_labels(invitation.survey.kind),
            }
        )
    return render(request, "voice/internal_surveys.html", {"rows": rows})


@require_POST
@employee_required
def answer_internal(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = SurveyInvitation.objects.filter(
        pk=invitation_id, employee_id=request.user.pk or 0
    ).first()
    if invitation is None:
        raise Http404
    score = int_param(request.POST, "score", -1, low=-1, high=100)
    try:
        services.answer_internal(
            actor=request.user,
            invitation=invitation,
            score=score,
            comment=request.POST.get("comment", ""),
        )
    except (ServiceError, NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("Thank you."))
    return redirect("voice:internal_surveys")


@employee_required
def scorecards(request: HttpRequest) -> HttpResponse:
    days = int_param(request.GET, "days", 90, low=1, high=3650)
    cards = departments.scorecards(now=timezone.now(), days=days)
    return render(request, "voice/departments.html", {"cards": cards, "days": days})


@employee_required
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    department = Department.objects.filter(code=code[:40]).first()
    if department is None:
        raise Http404
    days = int_param(request.GET, "days", 90, low=1, high=3650)
    since = timezone.now() - timedelta(days=days)
    card = departments.scorecard(department, since=since)
    return render(request, "voice/departments.html", {"cards": [card], "days": days, "one": True})
