"""Who sees and acts on the at-risk worklist. One rule, read by the pages, the API, the
CLI and the exports:

- managers and administrators see every case and may reassign it;
- any other employee sees the cases assigned to them, and records their outcome;
- the value at stake follows the value rule (`value.permissions.can_see_value`): the
  customer's owner and the roles in VALUE_VISIBLE_TO see it, others see the signals only.

A case the reader may not see answers 404 wherever it is looked up.
"""

from __future__ import annotations

from django.db.models import QuerySet

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of
from clientfocus.retention.models import RiskCase
from clientfocus.value.permissions import can_see_value

LEADS = {Role.MANAGER, Role.ADMIN}


def sees_all(user) -> bool:
    return role_of(user) in LEADS


def visible_cases(user) -> QuerySet[RiskCase]:
    cases = RiskCase.objects.select_related("customer", "customer__tier", "assignee")
    if role_of(user) is None:
        return cases.none()
    if sees_all(user):
        return cases
    return cases.filter(assignee=user)


def can_act(user, case: RiskCase) -> bool:
    return sees_all(user) or (case.assignee_id is not None and case.assignee_id == user.pk)


def can_reassign(user) -> bool:
    return sees_all(user)


def shows_value(user, case: RiskCase) -> bool:
    return can_see_value(user, case.customer)
