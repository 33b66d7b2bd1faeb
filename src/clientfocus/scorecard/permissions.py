"""Who sees the scorecard and the reports. One rule, read by the pages, the API, the
CLI and the exports:

- managers and administrators see the company's scorecard, every department's, the
  payback, the reports and the order cycle, and subscribe to the monthly e-mail;
- every other employee sees their own department's scorecard and the order cycle (the
  whole order cycle is shared by every department, S25);
- value columns (value, revenue, payback) follow the value rule: roles in
  VALUE_VISIBLE_TO and administrators;
- administrators tune the thresholds.
"""

from __future__ import annotations

from django.conf import settings

from clientfocus.people.models import Role
from clientfocus.people.selectors import department_of, role_of

LEADS = {Role.MANAGER, Role.ADMIN}


def is_lead(user) -> bool:
    return role_of(user) in LEADS


def can_see_scope(user, scope: str) -> bool:
    """``scope``: "" for the company, else a department's code."""
    if is_lead(user):
        return True
    if role_of(user) is None or not scope:
        return False
    department = department_of(user)
    return department is not None and department.code == scope


def can_see_reports(user) -> bool:
    return is_lead(user)


def can_see_order_cycle(user) -> bool:
    return role_of(user) is not None


def shows_value(user) -> bool:
    role = role_of(user)
    return role == Role.ADMIN or role in settings.VALUE_VISIBLE_TO


def can_tune(user) -> bool:
    return role_of(user) == Role.ADMIN
