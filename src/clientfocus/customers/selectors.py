"""Reads of the customer record: search and contacts (the timeline: ``extensions``)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from clientfocus.core.filters import parse_uuid
from clientfocus.core.statements import Lookup
from clientfocus.customers.models import (
    PHONE_KEY_DIGITS,
    ContactKind,
    ContactPoint,
    Customer,
    normalise_contact,
)
from clientfocus.customers.permissions import can_view_customers

# A customer with their tier by public id: compiled once, prepared (opening requests;
# core.statements.get_each joins it with other lookups).
CUSTOMER_WITH_TIER = Lookup(lambda: Customer.objects.select_related("tier"), "public_id")


def customer_with_tier(public_id) -> Customer | None:
    """The customer with this public id (a UUID) and their tier, or None."""
    return CUSTOMER_WITH_TIER.get(public_id)  # type: ignore[return-value]


def customers_with_profile() -> QuerySet[Customer]:
    return Customer.objects.select_related("tier", "owner", "company").prefetch_related(
        Prefetch("contacts", queryset=ContactPoint.objects.order_by("position", "id"))
    )


def visible_customer(user, public_id) -> Customer:
    """The customer with this public id if ``user`` may open customer records;
    DoesNotExist otherwise (answered 404, like a missing one)."""
    if not can_view_customers(user):
        raise Customer.DoesNotExist
    return customers_with_profile().get(public_id=public_id)


def search_customers(query: str, *, limit: int = 25) -> QuerySet[Customer]:
    """Customers whose name starts with (or contains) ``query``, or who have the e-mail
    or phone number given. Phone numbers match on their digits in any notation."""
    query = (query or "").strip()
    customers = customers_with_profile()
    if not query:
        return customers.order_by("-created_at")[:limit]
    # Each way of matching uses its own index; the ids are merged here.
    ids = set(
        Customer.objects.filter(search_name__startswith=query.casefold())
        .order_by("search_name")
        .values_list("pk", flat=True)[:limit]
    )
    contacts = ContactPoint.objects.none()
    if "@" in query:
        contacts = ContactPoint.objects.filter(
            kind=ContactKind.EMAIL, normalised=normalise_contact(ContactKind.EMAIL, query)
        )
    else:
        digits = normalise_contact(ContactKind.PHONE, query).lstrip("+")
        if len(digits) >= PHONE_KEY_DIGITS:
            contacts = ContactPoint.objects.filter(
                kind=ContactKind.PHONE,
                search_key=digits[-PHONE_KEY_DIGITS:],
                normalised__endswith=digits,
            )
        elif len(digits) >= 5:
            contacts = ContactPoint.objects.filter(
                kind=ContactKind.PHONE, normalised__endswith=digits
            )
    ids.update(contacts.values_list("customer_id", flat=True)[:limit])
    found = customers.filter(pk__in=ids)
    if found.exists() or len(query) < 3:
        return found.order_by("name")
    # Fall back to a substring match on the name ("ivanov" finds "Pavel Ivanov").
    return customers.filter(search_name__contains=query.casefold()).order_by("name")[:limit]


def find_contact_by_email(address: str) -> ContactPoint | None:
    """The e-mail contact (with its customer) for this address; the oldest customer's
    when several share it."""
    normalised = normalise_contact(ContactKind.EMAIL, address)
    if not normalised:
        return None
    return (
        ContactPoint.objects.filter(kind=ContactKind.EMAIL, normalised=normalised)
        .select_related("customer__tier")
        .order_by("customer_id")
        .first()
    )


def find_by_email(address: str) -> Customer | None:
    """The customer with this e-mail address among their contacts (the oldest if several)."""
    contact = find_contact_by_email(address)
    return contact.customer if contact else None


def customer_by_reference(reference: str) -> Customer | None:
    """For the command line: a customer by public id (UUID) or external reference."""
    public_id = parse_uuid(reference)
    if public_id is not None:
        return Customer.objects.filter(public_id=public_id).first()
    return Customer.objects.filter(external_ref=reference).first() if reference else None
