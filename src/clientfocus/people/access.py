"""View access for employees."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest

from clientfocus.people.selectors import role_of


def employee_required(view):
    """Signed-in employees only; a signed-in non-employee gets 404, not a hint."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if role_of(request.user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
