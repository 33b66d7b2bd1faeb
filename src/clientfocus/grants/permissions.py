"""Who may do what with grants. One rule per object, read by the pages, the API, the
CLI, the panels on the customer record and the request, and the timeline:

- every employee who may change customer records (agents, managers, administrators)
  grants within their role's limit; above it the grant waits;
- a waiting grant is decided by another employee whose limit covers it (administrators
  always may), never by the one who asked;
- every employee sees the grants on a customer's record and requests (cost to serve is
  part of the record); managers and administrators see the report and set limits.
"""

from __future__ import annotations

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of

GRANTERS = {Role.AGENT, Role.MANAGER, Role.ADMIN}
STAFF = GRANTERS | {Role.DEPARTMENT_STAFF}


def can_see_grants(user) -> bool:
    return role_of(user) in STAFF


def can_grant(user) -> bool:
    return role_of(user) in GRANTERS


def can_see_report(user) -> bool:
    return role_of(user) in {Role.MANAGER, Role.ADMIN}


def can_set_limits(user) -> bool:
    return role_of(user) == Role.ADMIN
