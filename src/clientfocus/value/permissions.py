"""Who may read a customer's value figures (revenue, lifetime value, cost to serve,
profitability): the roles in VALUE_VISIBLE_TO (default managers and administrators) and
the customer's own owner. The one rule for the record, the API and exports."""

from __future__ import annotations

from django.conf import settings

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of


def can_see_value(user, customer) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if role == Role.ADMIN or role in settings.VALUE_VISIBLE_TO:
        return True
    return customer is not None and customer.owner_id == getattr(user, "pk", None)
