"""What customers see of the voice app: the survey answered from a personal link and the
feedback page of a customer's own link (no sign-in; the signed token is the key)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from clientfocus.core.errors import ServiceError
from clientfocus.voice import services
from clientfocus.voice.analysis import MAX_CHARS
from clientfocus.voice.models import (
    SCORE_RANGES,
    Source,
    SurveyResponse,
)

PAGE = 50


def _link_problem_page(request: HttpRequest, exc: services.LinkProblem) -> HttpResponse:
    return render(request, "voice/public_problem.html", {"reason": exc.reason}, status=exc.status)


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the survey message. With ``?score=N`` (one click from the message)
    the page shows the chosen score in a form that the browser sends at once (a button
    without JavaScript); only that POST records the answer, so a link scanner's GET
    answers nothing. Then a comment box; without a score, the scale."""
    try:
        invitation = services.invitation_from_token(token)
    except services.LinkProblem as exc:
        return _link_problem_page(request, exc)

    translation.activate(invitation.language)
    kind = invitation.survey.kind
    low, high = SCORE_RANGES[kind]
    response = SurveyResponse.objects.filter(invitation=invitation).first()
    error = ""
    status = 200
    if request.method == "POST":
        comment = request.POST.get("comment", "")
        score_text = request.POST.get("score", "")
        try:
            if response is None:
                if not score_text.isdigit() or len(score_text) > 3:
                    raise ServiceError("score", _("Choose a score."))
                response = services.answer_survey(
                    token=token, score=int(score_text), comment=comment
                )
                if not comment.strip():
                    # Answered in one click: offer the comment box next.
                    return render(
                        request,
                        "voice/public_survey.html",
                        {"response": response, "token": token, "max_chars": MAX_CHARS},
                    )
            else:
                response = services.comment_on_answer(token=token, comment=comment)
            return render(request, "voice/public_thanks.html", {"commented": bool(comment)})
        except services.LinkProblem as exc:
            return _link_problem_page(request, exc)
        except ServiceError as exc:
            error, status = exc.message, 422
    elif "score" in request.GET:
        if response is not None:
            return _link_problem_page(request, services.LinkProblem("used"))
        score_text = request.GET["score"]
        if not score_text.isdigit() or len(score_text) > 3 or not low <= int(score_text) <= high:
            error, status = (
                _("Choose a score from %(low)s to %(high)s.")
                % {
                    "low": low,
                    "high": high,
                },
                422,
            )
        else:
            return render(
                request,
                "voice/public_survey_confirm.html",
                {"question": services.question(kind), "score": int(score_text)},
            )
    elif response is not None:
        return _link_problem_page(request, services.LinkProblem("used"))
    low_label, high_label = services.scale_labels(kind)
    return render(
        request,
        "voice/public_survey.html",
        {
            "question": services.question(kind),
            "scale": list(range(low, high + 1)),
            "low_label": low_label,
            "high_label": high_label,
            "response": response,
            "token": token,
            "error": error,
            "max_chars": MAX_CHARS,
        },
        status=status,
    )


def customer_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's own feedback form (a signed personal link, no account needed)."""
    try:
        customer = services.customer_from_feedback_token(token)
    except services.LinkProblem as exc:
        return _link_problem_page(request, exc)

    translation.activate(customer.language if customer.language else "en")
    error, text = "", ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.check_feedback_link_rate(customer)
        except services.LinkProblem as exc:
            return _link_problem_page(request, exc)
        try:
            item = services.record_feedback(text=text, source=Source.CUSTOMER, customer=customer)
            return render(
                request,
                "voice/public_thanks.html",
                {"commented": True, "truncated": item.truncated, "max_chars": MAX_CHARS},
            )
        except ServiceError as exc:
            error = exc.message
    return render(
        request,
        "voice/public_feedback.html",
        {"customer": customer, "error": error, "text": text, "max_chars": MAX_CHARS},
        status=422 if error else 200,
    )
