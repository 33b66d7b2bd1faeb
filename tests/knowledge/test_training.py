"""Courses: assigned by role, department or queue; acknowledged, quizzed, reopened when
a playbook changes materially; queues that require them warn on assignment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import services
from clientfocus.knowledge.models import Article, Enrolment
from clientfocus.knowledge.services.training import untrained_by_queue
from clientfocus.notify.models import Notification
from clientfocus.service.extensions import assignment_warnings
from clientfocus.service.models import AgentNotice
from clientfocus.service.services import open_request

pytestmark = pytest.mark.django_db

QUIZ = [
    {
        "question": {"en": "First thing to do?"},
        "options": [{"en": "Blame the carrier"}, {"en": "Check the tracking"}],
        "answer": 1,
    }
]


def _course(company, late, **extra):
    data = {
        "titles": {"en": "Late deliveries"},
        "playbooks": ["late"],
        "articles": ["late-delivery"],
        "quiz": QUIZ,
        "audiences": [{"role": "agent"}],
        "required_for": [company.care_queue.pk],
        **extra,
    }
    return services.save_course(actor=company.manager, code="late-course", data=data)


def test_a_course_is_assigned_completed_and_reopened_by_a_material_change(company, late):
    course = _course(company, late)
    enrolled = set(course.enrolments.values_list("user__username", flat=True))
    # Agents by role; the care queue's agents and managers because the queue requires it.
    assert enrolled == {"agent", "agent2", "other_agent", "manager"}
    mine = Enrolment.objects.get(course=course, user=company.agent)
    services.acknowledge(actor=company.agent, enrolment=mine, playbook=late)
    services.acknowledge(actor=company.agent, enrolment=mine, article=Article.objects.get())
    assert mine.completed_at is None  # the quiz is still to pass
    assert services.answer_quiz(actor=company.agent, enrolment=mine, answers=[0]) == 0
    assert services.answer_quiz(actor=company.agent, enrolment=mine, answers=[1]) == 100
    mine.refresh_from_db()
    assert mine.completed_at is not None
    # A material change: read it again.
    services.save_playbook(
        actor=company.manager,
        code="late",
        material=True,
        data={"titles": {"en": "Late delivery"}, "categories": ["Late delivery"]},
    )
    mine.refresh_from_db()
    assert mine.completed_at is None
    assert AgentNotice.objects.filter(recipient=company.agent, kind="training").exists()
    late.refresh_from_db()
    services.acknowledge(actor=company.agent, enrolment=mine, playbook=late)
    mine.refresh_from_db()
    assert mine.completed_at is not None
    # A change that is not material keeps everyone trained.
    services.save_playbook(
        actor=company.manager,
        code="late",
        material=False,
        data={"titles": {"en": "Late delivery!"}, "categories": ["Late delivery"]},
    )
    mine.refresh_from_db()
    assert mine.completed_at is not None


def test_only_the_employee_acknowledges_and_bad_courses_are_refused(company, late):
    course = _course(company, late)
    theirs = Enrolment.objects.get(course=course, user=company.agent2)
    with pytest.raises(NotAllowed):
        services.acknowledge(actor=company.agent, enrolment=theirs, playbook=late)
    with pytest.raises(ServiceError):
        services.answer_quiz(actor=company.agent2, enrolment=theirs, answers=[])
    with pytest.raises(NotAllowed):
        services.save_course(actor=company.agent, code="x", data={"titles": {"en": "x"}})
    for bad in (
        {"playbooks": [], "articles": []},
        {"quiz": [{"question": {"en": "?"}, "options": [{"en": "a"}], "answer": 0}]},
        {"audiences": [{"role": "pilot"}]},
        {"required_for": [999999]},
        {"pass_mark": 101},
        {"playbooks": ["nope"]},
    ):
        with pytest.raises(ServiceError):
            services.save_course(
                actor=company.manager,
                code="bad",
                data={"titles": {"en": "B"}, "playbooks": ["late"], **bad},
            )


def test_assigning_to_someone_untrained_warns_and_managers_see_who(company, late):
    course = _course(company, late)
    req = open_request(
        actor=company.agent, subject="Sofa", customer=company.customer, queue=company.care_queue
    )
    warnings = assignment_warnings(req, company.agent2)
    assert len(warnings) == 1 and "Late deliveries" in warnings[0]
    ((queue, rows),) = untrained_by_queue([company.care_queue])
    assert queue == company.care_queue
    assert {u.username for u, _c in rows} == {"agent", "agent2", "manager"}
    # The billing queue requires nothing.
    assert untrained_by_queue([company.billing_queue]) == []
    done = Enrolment.objects.get(course=course, user=company.agent2)
    Enrolment.objects.filter(pk=done.pk).update(completed_at=timezone.now())
    assert assignment_warnings(req, company.agent2) == []


def test_reminders_go_out_before_the_due_date_once_per_period(company, late):
    company.agent.email = "agent@example.com"
    company.agent.save()
    course = _course(company, late, due_days=2)
    assert services.daily()["reminded"] == 4
    mail = Notification.objects.get(recipient="agent@example.com")
    assert "Late deliveries" in mail.subject and mail.customer is None
    assert services.daily()["reminded"] == 0  # reminded already
    later = timezone.now() + timedelta(days=4)
    assert services.daily(now=later)["reminded"] == 4
    assert course.enrolments.filter(reminded_at__isnull=False).count() == 4
