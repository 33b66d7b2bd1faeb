"""Training: courses assigned per role, department or queue; reading and acknowledging
their playbooks and articles; the quiz; acknowledging again when a playbook changes
materially; who is trained for a queue; reminders through the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import quiz as quizzes
from clientfocus.knowledge.models import (
    Acknowledgement,
    Article,
    Audience,
    Course,
    Enrolment,
    Playbook,
    text_in,
)
from clientfocus.knowledge.permissions import can_edit_knowledge
from clientfocus.knowledge.services.articles import check_code
from clientfocus.knowledge.services.playbooks import _lookup, _texts
from clientfocus.notify.models import Channel, DeliveryState, Notification
from clientfocus.people.models import Department, Employee, Role
from clientfocus.service.models import AgentNotice, Queue, Request

REMIND_BEFORE = timedelta(days=3)
REMIND_EVERY = timedelta(days=3)
QUEUE_ROLES = {Role.AGENT, Role.MANAGER}


def _audiences(value: object) -> list[Audience]:
    if not value:
        return []
    if not isinstance(value, list) or len(value) > 50:
        raise ServiceError("audiences", _("A list is expected."))
    found = []
    for item in value:
        if (
            not isinstance(item, dict)
            or len([k for k in ("role", "department", "queue") if item.get(k)]) != 1
        ):
            raise ServiceError("audiences", _("Each audience is one role, department or queue."))
        if item.get("role"):
            if item["role"] not in Role.values:
                raise ServiceError("audiences", _("Unknown role."))
            found.append(Audience(role=item["role"]))
        elif item.get("department"):
            department = Department.objects.filter(code=str(item["department"])[:40]).first()
            if department is None:
                raise ServiceError("audiences", _("Unknown department."))
            found.append(Audience(department=department))
        else:
            queue = Queue.objects.filter(
                pk=item["queue"] if isinstance(item["queue"], int) else -1
            ).first()
            if queue is None:
                raise ServiceError("audiences", _("Unknown queue."))
            found.append(Audience(queue=queue))
    return found


@transaction.atomic
def save_course(*, actor, code: str, data: dict) -> Course:
    if not can_edit_knowledge(actor):
        raise NotAllowed(_("Only managers write courses."))
    code = check_code(code)
    titles = _texts(data.get("titles"), "titles", required=True, limit=200)
    try:
        quiz = quizzes.check(data.get("quiz") or [])
    except quizzes.QuizError as exc:
        raise ServiceError("quiz", str(exc)) from exc
    pass_mark, due_days = data.get("pass_mark", 80), data.get("due_days", 14)
    if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        raise ServiceError("pass_mark", _("A pass mark is 0–100 %."))
    if not isinstance(due_days, int) or not 1 <= due_days <= 365:
        raise ServiceError("due_days", _("Days to complete: 1 to 365."))
    playbooks = _lookup(Playbook, "playbooks", data.get("playbooks"))
    articles = _lookup(Article, "articles", data.get("articles"))
    if not playbooks and not articles:
        raise ServiceError("playbooks", _("A course holds at least one playbook or article."))
    audiences = _audiences(data.get("audiences"))
    queue_ids = data.get("required_for") or []
    if not isinstance(queue_ids, list) or not all(isinstance(q, int) for q in queue_ids):
        raise ServiceError("required_for", _("Queues are given by their numbers."))
    queues = list(Queue.objects.filter(pk__in=queue_ids))
    if len(queues) != len(set(queue_ids)):
        raise ServiceError("required_for", _("Unknown queue."))
    course = Course.objects.select_for_update().filter(code=code).first() or Course(code=code)
    course.titles = titles
    course.descriptions = _texts(data.get("descriptions"), "descriptions", required=False)
    course.quiz, course.pass_mark, course.due_days = quiz, pass_mark, due_days
    course.active = bool(data.get("active", True))
    course.save()
    course.playbooks.set(playbooks)
    course.articles.set(articles)
    course.required_for.set(queues)
    course.audiences.all().delete()
    for audience in audiences:
        audience.course = course
        audience.save()
    enrol(course)
    for enrolment in course.enrolments.all():
        refresh(enrolment)
    return course


def audience_user_ids(course: Course) -> set[int]:
    """Everyone a course is for: by role, by department, or working a queue (its
    department's agents and managers); active users only."""
    condition = Q(pk__in=[])
    for audience in course.audiences.all():
        if audience.role:
            condition |= Q(role=audience.role)
        elif audience.department_id:
            condition |= Q(department_id=audience.department_id)
        elif audience.queue is not None:
            condition |= Q(department_id=audience.queue.department_id, role__in=QUEUE_ROLES)
    for queue in course.required_for.all():
        condition |= Q(department_id=queue.department_id, role__in=QUEUE_ROLES)
    return set(
        Employee.objects.filter(condition, user__is_active=True).values_list("user_id", flat=True)
    )


def enrol(course: Course, *, now: datetime | None = None) -> int:
    """Enrol everyone the course is for who is not enrolled yet; returns how many."""
    if not course.active:
        return 0
    now = now or timezone.now()
    have = set(course.enrolments.values_list("user_id", flat=True))
    new = [
        Enrolment(
            course=course,
            user_id=uid,
            assigned_at=now,
            due_at=now + timedelta(days=course.due_days),
        )
        for uid in sorted(audience_user_ids(course) - have)
    ]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def missing(enrolment: Enrolment) -> dict[str, list]:
    """What is still to do: playbooks not acknowledged at their current version,
    articles not acknowledged, and whether the quiz is passed."""
    acks = list(enrolment.acks.all())
    playbook_acks = {(a.playbook_id, a.version) for a in acks if a.playbook_id}
    article_acks = {a.article_id for a in acks if a.article_id}
    course = enrolment.course
    return {
        "playbooks": [p for p in course.playbooks.all() if (p.pk, p.version) not in playbook_acks],
        "articles": [a for a in course.articles.all() if a.pk not in article_acks],
        "quiz": [1] if course.quiz and (enrolment.quiz_score or 0) < course.pass_mark else [],
    }


def refresh(enrolment: Enrolment, *, now: datetime | None = None) -> Enrolment:
    done = not any(missing(enrolment).values())
    if done and enrolment.completed_at is None:
        enrolment.completed_at = now or timezone.now()
        enrolment.save(update_fields=["completed_at"])
    elif not done and enrolment.completed_at is not None:
        enrolment.completed_at = None
        enrolment.save(update_fields=["completed_at"])
    return enrolment


def _own(actor, enrolment: Enrolment) -> None:
    if enrolment.user_id != actor.pk:
        raise NotAllowed(_("Only the employee enrolled acknowledges their course."))


@transaction.atomic
def acknowledge(
    *, actor, enrolment: Enrolment, playbook: Playbook | None = None, article: Article | None = None
) -> Enrolment:
    _own(actor, enrolment)
    course = enrolment.course
    if playbook is not None and course.playbooks.filter(pk=playbook.pk).exists():
        Acknowledgement.objects.filter(enrolment=enrolment, playbook=playbook).delete()
        Acknowledgement.objects.create(
            enrolment=enrolment, playbook=playbook, version=playbook.version
        )
    elif article is not None and course.articles.filter(pk=article.pk).exists():
        Acknowledgement.objects.get_or_create(enrolment=enrolment, article=article)
    else:
        raise ServiceError("item", _("That is not part of this course."))
    return refresh(enrolment)


@transaction.atomic
def answer_quiz(*, actor, enrolment: Enrolment, answers: list) -> int:
    _own(actor, enrolment)
    quiz = enrolment.course.quiz
    if not quiz:
        raise ServiceError("answers", _("This course has no quiz."))
    if not isinstance(answers, list) or len(answers) != len(quiz):
        raise ServiceError("answers", _("Answer every question."))
    clean = [a if isinstance(a, int) and not isinstance(a, bool) else None for a in answers]
    score = quizzes.mark(quiz, clean)
    enrolment.quiz_score = max(score, enrolment.quiz_score or 0)
    enrolment.save(update_fields=["quiz_score"])
    refresh(enrolment)
    return score


def reopen_for(playbook: Playbook) -> int:
    """A playbook changed materially: everyone who completed a course holding it reads
    it again (their course is open until they acknowledge the new version)."""
    reopened = Enrolment.objects.filter(
        course__playbooks=playbook, completed_at__isnull=False
    ).select_related("course")
    link = reverse("knowledge:training")
    count = 0
    for enrolment in reopened:
        enrolment.completed_at = None
        enrolment.reminded_at = None
        enrolment.due_at = timezone.now() + timedelta(days=enrolment.course.due_days)
        enrolment.save(update_fields=["completed_at", "reminded_at", "due_at"])
        AgentNotice.objects.create(
            recipient_id=enrolment.user_id,
            kind="training",
            link=link,
            text=(_("Playbook changed, please read it again: %(code)s") % {"code": playbook.code})[
                :300
            ],
        )
        count += 1
    return count


# -- trained for a queue -------------------------------------------------------------------


def required_courses(queue_id: int) -> list[Course]:
    return list(Course.objects.filter(required_for__id=queue_id, active=True))


def untrained_courses(user_id: int, queue_id: int) -> list[Course]:
    required = required_courses(queue_id)
    if not required:
        return []
    done = set(
        Enrolment.objects.filter(
            user_id=user_id, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in done]


def assignment_warning(req: Request, assignee) -> str | None:
    """What the one assigning should know: the assignee has not completed a course the
    queue requires."""
    if assignee is None:
        return None
    missing_courses = untrained_courses(assignee.pk, req.queue_id)
    if not missing_courses:
        return None
    titles = ", ".join(text_in(c.titles, "en") or c.code for c in missing_courses)
    return _("%(name)s has not completed the training this queue requires: %(courses)s") % {
        "name": assignee.get_full_name() or assignee.get_username(),
        "courses": titles,
    }


def untrained_by_queue(queues) -> list[tuple[Queue, list[tuple]]]:
    """Per queue that requires a course: who works it (its department's agents and
    managers) without having completed each required course."""
    result = []
    for queue in queues:
        required = required_courses(queue.pk)
        if not required:
            continue
        staff = list(
            get_user_model()
            .objects.filter(
                is_active=True,
                employee__department_id=queue.department_id,
                employee__role__in=QUEUE_ROLES,
            )
            .order_by("username")
        )
        done = set(
            Enrolment.objects.filter(course__in=required, completed_at__isnull=False).values_list(
                "user_id", "course_id"
            )
        )
        rows = []
        for user in staff:
            lacking = [c for c in required if (user.pk, c.pk) not in done]
            if lacking:
                rows.append((user, lacking))
        result.append((queue, rows))
    return result


# -- reminders -----------------------------------------------------------------------------


def remind(*, now: datetime | None = None) -> int:
    """Open enrolments due within REMIND_BEFORE (or overdue), not reminded within
    REMIND_EVERY: an e-mail through the outbox and a notice in the app."""
    now = now or timezone.now()
    due = (
        Enrolment.objects.filter(
            completed_at__isnull=True, due_at__lte=now + REMIND_BEFORE, course__active=True
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_EVERY))
        .select_related("course", "user")
    )
    link = reverse("knowledge:training")
    count = 0
    for enrolment in due:
        title = text_in(enrolment.course.titles, "en") or enrolment.course.code
        text = _("Training due %(date)s: %(course)s") % {
            "date": timezone.localtime(enrolment.due_at).strftime("%Y-%m-%d"),
            "course": title,
        }
        AgentNotice.objects.create(
            recipient=enrolment.user, kind="training", link=link, text=text[:300]
        )
        if enrolment.user.email:
            Notification.objects.create(
                channel=Channel.EMAIL,
                recipient=enrolment.user.email,
                subject=text[:250],
                body=f"{text}\n\n{settings.PUBLIC_BASE_URL}{link}",
                state=DeliveryState.PENDING,
                next_attempt_at=now,
            )
        enrolment.reminded_at = now
        enrolment.save(update_fields=["reminded_at"])
        count += 1
    return count


def daily(*, now: datetime | None = None) -> dict[str, int]:
    """The nightly job: enrol new staff in their courses, then remind."""
    enrolled = sum(enrol(c, now=now) for c in Course.objects.filter(active=True))
    return {"enrolled": enrolled, "reminded": remind(now=now)}
