"""Template context shared by every page: the signed-in employee and their role."""

from __future__ import annotations

from django.http import HttpRequest

from clientfocus.people.selectors import employee_of, role_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        "employee": employee_of(user),
        "role": role,
        "is_manager": role in ("manager", "admin"),
    }
