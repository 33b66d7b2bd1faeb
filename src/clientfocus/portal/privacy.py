"""The portal's part of erasure: its sign-in records name the customer's address."""

from __future__ import annotations

from clientfocus.customers.models import Customer
from clientfocus.portal.models import PortalLogin


def erase(customer: Customer) -> dict[str, int]:
    deleted, _ = PortalLogin.objects.filter(customer=customer).delete()
    return {"portal sign-ins": deleted}
