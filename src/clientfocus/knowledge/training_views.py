"""Training pages: my courses (read, acknowledge, quiz), an employee's training state,
who is not trained for the queues a manager runs, and the course editor."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import (
    Article,
    ArticleState,
    Course,
    Enrolment,
    Playbook,
    text_in,
)
from clientfocus.knowledge.permissions import can_edit_knowledge
from clientfocus.knowledge.services.training import missing, untrained_by_queue
from clientfocus.people.access import employee_required
from clientfocus.people.models import Department, Role
from clientfocus.service.permissions import queues_visible_to

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    return language if language in LANGUAGES else "en"


def _rows(user, language: str) -> list[dict]:
    rows = []
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("acks", "course__playbooks", "course__articles")
    )
    for enrolment in enrolments:
        todo = missing(enrolment)
        rows.append(
            {
                "enrolment": enrolment,
                "title": text_in(enrolment.course.titles, language) or enrolment.course.code,
                "todo": sum(len(v) for v in todo.values()),
                "total": enrolment.course.playbooks.count()
                + enrolment.course.articles.count()
                + (1 if enrolment.course.quiz else 0),
            }
        )
    return rows


@employee_required
def training(request: HttpRequest) -> HttpResponse:
    """My courses; for managers, who is not yet trained for the queues they run."""
    language = _language(request)
    manager = can_edit_knowledge(request.user)
    context = {
        "rows": _rows(request.user, language),
        "person": request.user,
        "untrained": untrained_by_queue(queues_visible_to(request.user)) if manager else None,
        "courses": Course.objects.all() if manager else None,
        "can_edit": manager,
        "ui_language": language,
    }
    return render(request, "knowledge/training.html", context)


@employee_required
def person(request: HttpRequest, username: str) -> HttpResponse:
    """An employee's training state: for themselves and for managers."""
    user = get_user_model().objects.filter(username=username[:150], employee__isnull=False).first()
    if user is None or not (user.pk == request.user.pk or can_edit_knowledge(request.user)):
        raise Http404
    language = _language(request)
    return render(
        request,
        "knowledge/person.html",
        {"person": user, "rows": _rows(user, language), "ui_language": language},
    )


def _enrolment(request: HttpRequest, code: str) -> Enrolment:
    found = (
        Enrolment.objects.filter(user_id=request.user.pk or 0, course__code=code[:80])
        .select_related("course")
        .first()
    )
    if found is None:
        raise Http404
    return found


@employee_required
def course(request: HttpRequest, code: str) -> HttpResponse:
    enrolment = _enrolment(request, code)
    language = _language(request)
    todo = missing(enrolment)
    playbooks = list(enrolment.course.playbooks.prefetch_related("steps"))
    for p in playbooks:
        p.title = text_in(p.titles, language)
        p.open = p in todo["playbooks"]
    articles = list(enrolment.course.articles.prefetch_related("texts"))
    for a in articles:
        a.shown = selectors.text_for(a, language)
        a.open = a in todo["articles"]
    quiz = [
        {
            "n": i,
            "question": text_in(q["question"], language),
            "options": [text_in(o, language) for o in q["options"]],
        }
        for i, q in enumerate(enrolment.course.quiz)
    ]
    return render(
        request,
        "knowledge/course.html",
        {
            "enrolment": enrolment,
            "title": text_in(enrolment.course.titles, language),
            "description": text_in(enrolment.course.descriptions, language),
            "playbooks": playbooks,
            "articles": articles,
            "quiz": quiz,
            "quiz_open": bool(todo["quiz"]),
            "ui_language": language,
        },
    )


@require_POST
@employee_required
def acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    enrolment = _enrolment(request, code)
    playbook = Playbook.objects.filter(code=request.POST.get("playbook", "")[:80]).first()
    article = Article.objects.filter(code=request.POST.get("article", "")[:80]).first()
    try:
        if request.POST.get("quiz"):
            answers = []
            for i in range(len(enrolment.course.quiz)):
                value = request.POST.get(f"q{i}", "")
                answers.append(int(value) if value.isascii() and value.isdigit() else None)
            score = services.answer_quiz(actor=request.user, enrolment=enrolment, answers=answers)
            messages.info(request, _("Quiz: %(score)s %%") % {"score": score})
        else:
            services.acknowledge(
                actor=request.user, enrolment=enrolment, playbook=playbook, article=article
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("knowledge:course", code=enrolment.course.code)


@employee_required
def course_edit(request: HttpRequest, code: str = "") -> HttpResponse:
    if not can_edit_knowledge(request.user):
        raise Http404
    found = None
    if code:
        try:
            found = Course.objects.get(code=code[:80])
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
    language = _language(request)
    queues = list(queues_visible_to(request.user))
    if request.method == "POST":
        post = request.POST
        titles = dict(found.titles) if found else {}
        titles[language] = post.get("title", "")
        descriptions = dict(found.descriptions) if found else {}
        descriptions[language] = post.get("description", "")
        try:
            quiz = json.loads(post.get("quiz") or "[]")
        except ValueError:
            quiz = None
        audiences: list[dict[str, Any]] = [{"role": r} for r in post.getlist("roles")]
        audiences += [{"department": d} for d in post.getlist("departments")]
        audiences += [{"queue": int(q)} for q in post.getlist("queues") if q.isdigit()]
        data = {
            "titles": titles,
            "descriptions": descriptions,
            "playbooks": post.getlist("playbooks"),
            "articles": post.getlist("articles"),
            "quiz": quiz,
            "pass_mark": int(post["pass_mark"]) if post.get("pass_mark", "").isdigit() else -1,
            "due_days": int(post["due_days"]) if post.get("due_days", "").isdigit() else 0,
            "audiences": audiences,
            "required_for": [int(q) for q in post.getlist("required_for") if q.isdigit()],
            "active": bool(post.get("active")),
        }
        try:
            if quiz is None:
                raise ServiceError("quiz", _("The quiz is not valid JSON."))
            services.save_course(
                actor=request.user, code=found.code if found else post.get("code", ""), data=data
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        except NotAllowed:
            raise Http404 from None
        else:
            messages.success(request, _("Saved."))
            return redirect("knowledge:training")
    chosen_audiences = list(found.audiences.all()) if found else []
    context = {
        "course": found,
        "ui_language": language,
        "text_languages": settings.LANGUAGES,
        "title": (found.titles or {}).get(language, "") if found else "",
        "description": (found.descriptions or {}).get(language, "") if found else "",
        "quiz": json.dumps(found.quiz, ensure_ascii=False, indent=1)
        if found and found.quiz
        else "",
        "playbooks": Playbook.objects.all(),
        "articles": Article.objects.exclude(state=ArticleState.ARCHIVED),
        "roles": Role.choices,
        "departments": Department.objects.all(),
        "queues": queues,
        "chosen": {
            "playbooks": {p.code for p in found.playbooks.all()} if found else set(),
            "articles": {a.code for a in found.articles.all()} if found else set(),
            "roles": {a.role for a in chosen_audiences if a.role},
            "departments": {a.department.code for a in chosen_audiences if a.department},
            "queues": {a.queue_id for a in chosen_audiences if a.queue_id},
            "required_for": {q.pk for q in found.required_for.all()} if found else set(),
        },
    }
    return render(request, "knowledge/course_edit.html", context)
