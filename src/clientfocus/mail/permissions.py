"""Who may see incoming mail that did not become a request (failed, held, ignored):
administrators and managers, whose staff answer it."""

from __future__ import annotations

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of


def can_review_mail(user) -> bool:
    return role_of(user) in {Role.ADMIN, Role.MANAGER}


def can_receive_mail(user) -> bool:
    """Pipe a raw message in over the API (an MTA integration's token)."""
    return role_of(user) == Role.ADMIN
