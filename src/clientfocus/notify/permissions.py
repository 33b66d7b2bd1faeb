"""Who may see and resend notifications: the one rule for pages, API and timelines.

A notification about a request is visible to whoever may see that request (its text may
name the request); resending a reply needs the right to handle the request. Order
notifications are everyone's (every department shares the order cycle, S25); anything
else (sign-in codes, digests) is resent by managers and admins.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clientfocus.notify.models import Notification
from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of
from clientfocus.service.permissions import (
    can_handle_request,
    can_see_request,
    requests_visible_to,
)


def notifications_visible_to(user, notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    role = role_of(user)
    if role is None:
        return notifications.none()
    if role == Role.ADMIN:
        return notifications
    return notifications.filter(
        Q(request__isnull=True) | Q(request__in=requests_visible_to(user).values("pk"))
    )


def can_resend(user, notification: Notification) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if role == Role.ADMIN:
        return True
    if notification.request_message_id is not None:
        request = notification.request_message.request  # type: ignore[union-attr]
        return can_handle_request(user, request)
    if notification.request_id is not None:
        return can_see_request(user, notification.request) and role != Role.DEPARTMENT_STAFF  # type: ignore[arg-type]
    if notification.order_id is not None:
        return True  # every department sees every order
    return role == Role.MANAGER
