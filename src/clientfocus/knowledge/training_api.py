"""Training over the API: courses (managers write them), my courses (acknowledge, quiz),
and who is not trained for the queues a manager runs (``knowledge.permissions``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from ninja import Query, Router, Schema
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.knowledge import services
from clientfocus.knowledge.api import Texts, _staff
from clientfocus.knowledge.models import Article, Course, Enrolment, Playbook
from clientfocus.knowledge.permissions import can_edit_knowledge
from clientfocus.knowledge.services.training import missing, untrained_by_queue
from clientfocus.service.permissions import queues_visible_to

router = Router(tags=["knowledge"])


# -- training ------------------------------------------------------------------------------


class AudienceIn(Input):
    role: str | None = Field(None, max_length=20)
    department: str | None = Field(None, max_length=40)
    queue: int | None = Field(None, ge=1, le=2**31 - 1)


class CourseIn(Input):
    titles: Texts
    descriptions: Texts = Field(default_factory=dict)
    playbooks: list[str] = Field(default_factory=list, max_length=100)
    articles: list[str] = Field(default_factory=list, max_length=100)
    quiz: list[dict] = Field(default_factory=list, max_length=20)
    pass_mark: int = Field(80, ge=0, le=100)
    due_days: int = Field(14, ge=1, le=365)
    audiences: list[AudienceIn] = Field(default_factory=list, max_length=50)
    required_for: list[int] = Field(default_factory=list, max_length=100)
    active: bool = True


class CourseOut(Schema):
    code: str
    titles: Texts
    playbooks: list[str]
    articles: list[str]
    questions: int
    pass_mark: int
    due_days: int
    required_for: list[int]
    enrolled: int
    completed: int


def course_out(c: Course) -> dict:
    return {
        "code": c.code,
        "titles": c.titles,
        "playbooks": [p.code for p in c.playbooks.all()],
        "articles": [a.code for a in c.articles.all()],
        "questions": len(c.quiz),
        "pass_mark": c.pass_mark,
        "due_days": c.due_days,
        "required_for": [q.pk for q in c.required_for.all()],
        "enrolled": c.enrolments.count(),
        "completed": c.enrolments.filter(completed_at__isnull=False).count(),
    }


@router.get("/courses", response=list[CourseOut])
def courses(request):
    _staff(request.auth)
    return [
        course_out(c)
        for c in Course.objects.prefetch_related("playbooks", "articles", "required_for")
    ]


@router.put("/courses/{code}", response=CourseOut)
def write_course(request, code: str, payload: CourseIn):
    _staff(request.auth)
    data = payload.dict()
    data["audiences"] = [{k: v for k, v in a.items() if v} for a in data["audiences"]]
    return course_out(services.save_course(actor=request.auth, code=code, data=data))


class EnrolmentOut(Schema):
    course: str
    user: str
    due_at: AwareDateTime
    completed_at: AwareDateTime | None
    quiz_score: int | None
    playbooks_to_acknowledge: list[str]
    articles_to_acknowledge: list[str]
    quiz_to_pass: bool


def enrolment_out(e: Enrolment) -> dict:
    todo = missing(e)
    return {
        "course": e.course.code,
        "user": e.user.get_username(),
        "due_at": e.due_at,
        "completed_at": e.completed_at,
        "quiz_score": e.quiz_score,
        "playbooks_to_acknowledge": [p.code for p in todo["playbooks"]],
        "articles_to_acknowledge": [a.code for a in todo["articles"]],
        "quiz_to_pass": bool(todo["quiz"]),
    }


@router.get("/training", response=list[EnrolmentOut])
def training(request, user: str = Query("", max_length=150)):  # type: ignore[type-arg]
    """My courses, or (managers) another employee's."""
    _staff(request.auth)
    whom = request.auth
    if user and user != request.auth.get_username():
        if not can_edit_knowledge(request.auth):
            raise NotAllowed("managers only")
        whom = get_user_model().objects.get(username=user, employee__isnull=False)
    found = Enrolment.objects.filter(user=whom).select_related("course", "user")
    return [enrolment_out(e) for e in found]


class AckIn(Input):
    playbook: str | None = Field(None, max_length=80)
    article: str | None = Field(None, max_length=80)


def _mine(user, code: str) -> Enrolment:
    _staff(user)
    return Enrolment.objects.select_related("course", "user").get(user=user, course__code=code[:80])


@router.post("/training/{code}/acknowledge", response=EnrolmentOut)
def acknowledge(request, code: str, payload: AckIn):
    enrolment = _mine(request.auth, code)
    services.acknowledge(
        actor=request.auth,
        enrolment=enrolment,
        playbook=Playbook.objects.filter(code=payload.playbook).first()
        if payload.playbook
        else None,
        article=Article.objects.filter(code=payload.article).first() if payload.article else None,
    )
    return enrolment_out(enrolment)


class QuizIn(Input):
    answers: list[int | None] = Field(max_length=20)


@router.post("/training/{code}/quiz", response=dict)
def quiz(request, code: str, payload: QuizIn):
    enrolment = _mine(request.auth, code)
    score = services.answer_quiz(actor=request.auth, enrolment=enrolment, answers=payload.answers)
    enrolment.refresh_from_db()
    return {
        "score": score,
        "passed": score >= enrolment.course.pass_mark,
        "completed": enrolment.completed_at is not None,
    }


class UntrainedOut(Schema):
    queue: int
    queue_name: str
    user: str
    courses: list[str]


@router.get("/untrained", response=list[UntrainedOut])
def untrained(request):
    """Who works a queue of the manager's without a course it requires."""
    _staff(request.auth)
    if not can_edit_knowledge(request.auth):
        raise NotAllowed("managers only")
    return [
        {
            "queue": q.pk,
            "queue_name": q.name,
            "user": u.get_username(),
            "courses": [c.code for c in lacking],
        }
        for q, rows in untrained_by_queue(queues_visible_to(request.auth))
        for u, lacking in rows
    ]
