"""Template context shared by every page: the signed-in employee's unread notices."""

from __future__ import annotations

from django.http import HttpRequest

from clientfocus.service.selectors import unread_notice_count


def notices(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": unread_notice_count(user)}
