"""Who may read and change customer records. Every employee may open any customer
record (S18); agents, managers and admins may create and change them."""

from __future__ import annotations

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of


def can_view_customers(user) -> bool:
    return role_of(user) is not None


def can_import_customers(user) -> bool:
    return role_of(user) in {Role.MANAGER, Role.ADMIN}


def can_edit_customers(user) -> bool:
    return role_of(user) in {Role.AGENT, Role.MANAGER, Role.ADMIN}


def can_export_customers(user) -> bool:
    """Exports of everything held about a customer answer their access requests (GDPR
    art. 15): administrators make them."""
    return role_of(user) == Role.ADMIN
