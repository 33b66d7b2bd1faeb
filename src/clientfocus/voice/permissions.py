"""Who may read which feedback: everything an employee may see, except what was said
about a request they may not see (the comment and the reference would leak it). The one
rule for the feedback list, drill-downs, alert verbatims, the customer record and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of
from clientfocus.service.permissions import requests_visible_to
from clientfocus.voice.models import FeedbackItem


def feedback_visible_to(user, items: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    role = role_of(user)
    if role is None:
        return items.none()
    if role == Role.ADMIN:
        return items
    return items.filter(
        Q(request__isnull=True) | Q(request__in=requests_visible_to(user).values("pk"))
    )
