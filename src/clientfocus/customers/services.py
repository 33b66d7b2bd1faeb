"""Writes on the customer record: create, update, import."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.spreadsheets import dict_reader
from clientfocus.customers.models import (
    ContactKind,
    ContactPoint,
    Customer,
    CustomerEvent,
    CustomerKind,
    Tier,
    contact_search_key,
    normalise_contact,
)
from clientfocus.customers.permissions import can_edit_customers
from clientfocus.people.selectors import employee_of

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES} | {
    "de", "fr", "es", "it", "pl", "lv", "et", "uk", "hr", "sr", "bn", "ta", "te", "mr", "ur",
}  # fmt: skip
VALID_TIMEZONES = zoneinfo.available_timezones()
EDITABLE_FIELDS = (
    "name", "kind", "language", "country", "timezone", "tier", "owner", "consent_email",
    "consent_sms", "consent_marketing", "notes", "external_ref", "company", "tier_locked",
    "preferred_channel",
)  # fmt: skip


def _validate_email(value: str) -> str:

    value = value.strip()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ServiceError("emails", f"{value!r} is not a valid e-mail address") from exc
    return value


def _validate_phone(value: str) -> str:
    value = value.strip()
    digits = normalise_contact(ContactKind.PHONE, value).lstrip("+")
    if not 5 <= len(digits) <= 15:
        raise ServiceError("phones", f"{value!r} is not a phone number (5 to 15 digits)")
    return value


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise ServiceError("name", "a name is required")
        if len(cleaned["name"]) > 200:
            raise ServiceError("name", "the name is longer than 200 characters")
    if "kind" in cleaned and cleaned["kind"] not in CustomerKind.values:
        raise ServiceError("kind", "kind must be 'person' or 'company'")
    if "language" in cleaned:
        language = (cleaned["language"] or "en").strip().lower()
        if language not in LANGUAGE_CODES:
            raise ServiceError("language", f"unknown language code {language!r}")
        cleaned["language"] = language
    if "country" in cleaned:
        country = (cleaned["country"] or "").strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise ServiceError("country", "use a two-letter ISO country code, e.g. LT")
        cleaned["country"] = country
    if "timezone" in cleaned:
        tz = (cleaned["timezone"] or "UTC").strip()
        if tz not in VALID_TIMEZONES:
            raise ServiceError("timezone", f"unknown time zone {tz!r}")
        cleaned["timezone"] = tz
    if "preferred_channel" in cleaned and cleaned["preferred_channel"] not in ("", "email", "sms"):
        raise ServiceError("preferred_channel", "choose 'email', 'sms' or '' (no preference)")
    owner = cleaned.get("owner")
    if owner is not None and (not getattr(owner, "is_active", False) or employee_of(owner) is None):
        raise ServiceError("owner", "the owner must be an active employee")
    company = cleaned.get("company")
    if company is not None and company.kind != CustomerKind.COMPANY:
        raise ServiceError("company", "the company must be a customer of kind 'company'")
    return cleaned


def _set_contacts(customer: Customer, kind: str, values: Iterable[str]) -> None:
    check = _validate_email if kind == ContactKind.EMAIL else _validate_phone
    cleaned, seen = [], set()
    for value in values:
        if not value or not value.strip():
            continue
        value = check(value)
        key = normalise_contact(kind, value)
        if key not in seen:
            seen.add(key)
            cleaned.append(value)
    customer.contacts.filter(kind=kind).delete()
    ContactPoint.objects.bulk_create(
        ContactPoint(
            customer=customer,
            kind=kind,
            value=value,
            normalised=normalise_contact(kind, value),
            search_key=contact_search_key(kind, normalise_contact(kind, value)),
            position=position,
        )
        for position, value in enumerate(cleaned)
    )


def default_tier() -> Tier:
    tier = Tier.objects.filter(is_default=True).first() or Tier.objects.order_by("rank").first()
    if tier is None:
        raise ServiceError("tier", "no tier is configured; create one in the admin")
    return tier


@transaction.atomic
def create_customer(
    *,
    actor,
    name: str,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    **values: Any,
) -> Customer:
    """Create a customer record with its contacts and record it on the timeline."""
    if actor is not None and not can_edit_customers(actor):
        raise NotAllowed("you may not create customers")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(sorted(unknown)[0], "unknown field")
    values = _clean({"name": name, **values})
    values.setdefault("tier", None)
    if values["tier"] is None:
        values["tier"] = default_tier()
    if (
        values.get("external_ref")
        and Customer.objects.filter(external_ref=values["external_ref"]).exists()
    ):
        raise ServiceError("external_ref", "another customer has this external reference")
    customer = Customer.objects.create(**values)
    _set_contacts(customer, ContactKind.EMAIL, emails)
    _set_contacts(customer, ContactKind.PHONE, phones)
    CustomerEvent.objects.create(
        customer=customer,
        kind="created",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data={"tier": customer.tier.code},
    )
    return customer


@transaction.atomic
def update_customer(
    *,
    customer: Customer,
    actor,
    emails: Iterable[str] | None = None,
    phones: Iterable[str] | None = None,
    **values: Any,
) -> Customer:
    """Change profile fields and contacts; tier and owner changes go on the timeline."""
    if not can_edit_customers(actor):
        raise NotAllowed("you may not change customers")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(sorted(unknown)[0], "unknown field")
    values = _clean(values)
    if values.get("company") is not None and values["company"].pk == customer.pk:
        raise ServiceError("company", "a customer cannot belong to itself")
    if (
        values.get("external_ref")
        and Customer.objects.filter(external_ref=values["external_ref"])
        .exclude(pk=customer.pk)
        .exists()
    ):
        raise ServiceError("external_ref", "another customer has this external reference")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    old_tier, old_owner = customer.tier, customer.owner
    if "tier" in values and values["tier"] is None:
        raise ServiceError("tier", "a tier is required")
    for name, value in values.items():
        setattr(customer, name, value)
    customer.save()
    if emails is not None:
        _set_contacts(customer, ContactKind.EMAIL, emails)
    if phones is not None:
        _set_contacts(customer, ContactKind.PHONE, phones)
    actor_or_none = actor if getattr(actor, "is_authenticated", False) else None
    if customer.tier_id != old_tier.pk:
        CustomerEvent.objects.create(
            customer=customer,
            kind="tier_changed",
            actor=actor_or_none,
            data={"old": old_tier.code, "new": customer.tier.code},
        )
    if customer.owner_id != (old_owner.pk if old_owner else None):
        CustomerEvent.objects.create(
            customer=customer,
            kind="owner_changed",
            actor=actor_or_none,
            data={"owner": customer.owner.get_username() if customer.owner else None},
        )
    if values or emails is not None or phones is not None:
        CustomerEvent.objects.create(
            customer=customer,
            kind="profile_updated",
            actor=actor_or_none,
            data={"fields": sorted(set(values) - {"tier", "owner"})},
        )
    return customer


# -- CSV import ----------------------------------------------------------------------

IMPORT_COLUMNS = (
    "name", "kind", "email", "phone", "language", "country", "timezone", "tier", "owner",
    "external_ref", "consent_email", "consent_sms", "consent_marketing", "notes",
)  # fmt: skip
TRUE_WORDS = {"1", "true", "yes", "y", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "off", ""}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split_multi(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


def _bool(value: str, column: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ServiceError(column, f"expected yes/no, got {value!r}")


def decode_csv(data: bytes) -> str:
    """Decode an uploaded CSV as UTF-8 (with or without BOM); anything else is refused
    rather than guessed, so names are never silently garbled."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ServiceError(
            "file", f"line {line}: the file is not UTF-8 encoded; save it as UTF-8 CSV"
        ) from exc


def import_customers_csv(
    *, text: str, actor=None, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Import customers from CSV text (header row required; columns in IMPORT_COLUMNS,
    ``name`` mandatory; columns separated by ',', ';' or tabs; several e-mails/phones
    in one cell separated by ';' or ','). Rows with an
    ``external_ref`` already known update that customer. Each row is saved in its own
    transaction: valid rows are kept, each bad row is reported with its line number and
    reason and leaves nothing half-written."""
    report = ImportReport()
    reader = dict_reader(text)
    header = list(reader.fieldnames or [])
    if not header:
        report.errors.append((1, "the file is empty or has no header row"))
        return report
    if "name" not in header:
        report.errors.append((1, "the header has no 'name' column"))
        return report
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    if unknown:
        report.errors.append(
            (1, f"unknown column {unknown[0]!r}; known: {', '.join(IMPORT_COLUMNS)}")
        )
        return report
    tiers = {t.code: t for t in Tier.objects.all()}
    users = get_user_model()
    for row in reader:
        line = reader.line_num
        try:
            if None in row:
                raise ServiceError("row", "more values than columns")
            values = {k: (v or "").strip() for k, v in row.items() if k}
            with transaction.atomic():
                created = _import_row(values, tiers=tiers, users=users, actor=actor)
            if created:
                report.created += 1
            else:
                report.updated += 1
        except ServiceError as exc:
            report.errors.append((line, f"{exc.field}: {exc.message}"))
        except IntegrityError as exc:
            report.errors.append((line, f"conflicts with stored data ({exc})"))
        if progress:
            progress(1)
    return report


def _import_row(values: dict[str, str], *, tiers: dict[str, Tier], users, actor) -> bool:
    fields: dict[str, Any] = {}
    for column in ("kind", "language", "country", "timezone", "notes", "external_ref"):
        if values.get(column):
            fields[column] = values[column]
    if values.get("tier"):
        tier = tiers.get(values["tier"].lower())
        if tier is None:
            raise ServiceError("tier", f"unknown tier {values['tier']!r}")
        fields["tier"] = tier
    if values.get("owner"):
        owner = users.objects.filter(username=values["owner"]).first()
        if owner is None:
            raise ServiceError("owner", f"unknown user {values['owner']!r}")
        fields["owner"] = owner
    for column in ("consent_email", "consent_sms", "consent_marketing"):
        if column in values and values[column] != "":
            fields[column] = _bool(values[column], column)
    emails = _split_multi(values.get("email", ""))
    phones = _split_multi(values.get("phone", ""))
    existing = None
    if fields.get("external_ref"):
        existing = Customer.objects.filter(external_ref=fields["external_ref"]).first()
    if existing is not None:
        update_customer(
            customer=existing,
            actor=actor or _system_editor(),
            name=values.get("name", ""),
            emails=emails or None,
            phones=phones or None,
            **fields,
        )
        return False
    create_customer(actor=None, name=values.get("name", ""), emails=emails, phones=phones, **fields)
    return True


class _SystemEditor:
    """The import acting as an administrator when no user is given (CLI)."""

    is_authenticated = False
    is_superuser = True
    pk = None


def _system_editor() -> _SystemEditor:
    return _SystemEditor()


def mark_bouncing(addresses: Iterable[str], *, now=None) -> int:
    """Mail to these addresses bounced: flag the contacts (shown on the record)."""

    normalised = [normalise_contact(ContactKind.EMAIL, a) for a in addresses if a]
    if not normalised:
        return 0
    return ContactPoint.objects.filter(
        kind=ContactKind.EMAIL, normalised__in=normalised, bouncing_since__isnull=True
    ).update(bouncing_since=now or timezone.now())


def clear_bouncing(address: str) -> None:
    """The customer wrote from this address: it works again."""
    ContactPoint.objects.filter(
        kind=ContactKind.EMAIL,
        normalised=normalise_contact(ContactKind.EMAIL, address),
        bouncing_since__isnull=False,
    ).update(bouncing_since=None)


PREFERENCE_FIELDS = ("language", "preferred_channel", "consent_email", "consent_sms",
                     "consent_marketing", "timezone")  # fmt: skip


@transaction.atomic
def update_own_preferences(*, customer: Customer, **values: Any) -> Customer:
    """The customer changes their own language, channels and consent (portal)."""
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ServiceError(sorted(unknown)[0], "not a preference the customer sets")
    if values.get("preferred_channel") not in (None, "", "email", "sms"):
        raise ServiceError("preferred_channel", "choose e-mail, SMS or no preference")
    for name in ("consent_email", "consent_sms", "consent_marketing"):
        if name in values and not isinstance(values[name], bool):
            raise ServiceError(name, "true or false")
    cleaned = _clean(dict(values))
    changed = {k: v for k, v in cleaned.items() if getattr(customer, k) != v}
    if not changed:
        return customer
    for key, value in changed.items():
        setattr(customer, key, value)
    customer.save(update_fields=[*changed, "updated_at"])
    CustomerEvent.objects.create(
        customer=customer,
        kind="preferences_changed",
        data={k: str(v) for k, v in changed.items()},
    )
    return customer
