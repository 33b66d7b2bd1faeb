"""Writing the catalogue: new services, drafts of their next version (copied from the
one before), the draft's texts and fee lines. Only drafts change: a published version
is history."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clientfocus.catalogue.models import Fee, Service, Unit, Version, VersionState, text_in
from clientfocus.catalogue.permissions import can_edit_catalogue
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Tier

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
MAX_FEES = 200
MAX_AMOUNT = Decimal("1000000000")
NAME_LENGTH = 200
TEXT_LENGTH = 5000
CONDITION_LENGTH = 1000
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def check_editor(actor) -> None:
    if not can_edit_catalogue(actor):
        raise NotAllowed(_("Only managers and administrators change the catalogue."))


def _code(value: str, field: str) -> str:
    code = (value or "").strip().lower()
    if not code or len(code) > 60 or not _CODE.match(code):
        raise ServiceError(
            field, _("A code of up to 60 Latin letters, digits and hyphens, e.g. express-delivery.")
        )
    return code


def texts(value: Any, field: str, *, limit: int, required: bool = False) -> dict[str, str]:
    """A text per language: only the interface's languages, each at most ``limit``
    characters; empty translations are dropped."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ServiceError(field, _('Give the text per language, e.g. {"en": …}.'))
    result: dict[str, str] = {}
    for language, text in value.items():
        if language not in LANGUAGES:
            raise ServiceError(
                field,
                _("Unknown language %(code)s; one of %(all)s.")
                % {"code": str(language)[:10], "all": ", ".join(sorted(LANGUAGES))},
            )
        if not isinstance(text, str):
            raise ServiceError(field, _("Each translation is a text."))
        text = text.strip()
        if len(text) > limit:
            raise ServiceError(field, _("At most %(n)d characters.") % {"n": limit})
        if text:
            result[language] = text
    if required and not result:
        raise ServiceError(field, _("Give a name in at least one language."))
    return result


@transaction.atomic
def create_service(
    *, actor, code: str, names: dict[str, str], product_line: str = "", descriptions=None
) -> Version:
    """A new service and its first draft."""
    check_editor(actor)
    names = texts(names, "names", limit=NAME_LENGTH, required=True)
    code = _code(code or slugify(text_in(names, "en")), "code")
    if Service.objects.filter(code=code).exists():
        raise ServiceError("code", _("A service with this code exists."))
    product_line = (product_line or "").strip()
    if len(product_line) > 60:
        raise ServiceError("product_line", _("At most %(n)d characters.") % {"n": 60})
    service = Service.objects.create(
        code=code,
        product_line=product_line,
        created_by=actor,
        position=Service.objects.count(),
    )
    return Version.objects.create(
        service=service,
        number=1,
        names=names,
        descriptions=texts(descriptions, "descriptions", limit=TEXT_LENGTH),
    )


@transaction.atomic
def draft_of(*, actor, service: Service) -> Version:
    """The service's draft; a new one copied from the latest version when there is none."""
    check_editor(actor)
    Service.objects.select_for_update().get(pk=service.pk)
    draft = service.versions.filter(state=VersionState.DRAFT).first()
    if draft is not None:
        return draft
    latest = service.versions.order_by("-number").first()
    draft = Version.objects.create(
        service=service,
        number=(latest.number + 1) if latest else 1,
        names=dict(latest.names) if latest else {},
        descriptions=dict(latest.descriptions) if latest else {},
    )
    if latest is not None:
        Fee.objects.bulk_create(
            [
                Fee(version=draft, code=f.code, tier_id=f.tier_id, names=f.names,
                    amount=f.amount, currency=f.currency, unit=f.unit, triggers=f.triggers,
                    free=f.free, position=f.position)
                for f in latest.fees.all()
            ]
        )  # fmt: skip
    return draft


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(field, _("An amount like 12.50.")) from exc
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ServiceError(field, _("An amount from 0 to 999,999,999.99."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError(field, _("At most two decimals."))
    return amount.quantize(Decimal("0.01"))


def clean_fees(rows: Any, tiers: dict[str, int]) -> list[Fee]:
    """Fee lines from plain data (the API body, the form, an import), checked."""
    if not isinstance(rows, list):
        raise ServiceError("fees", _("A list of fee lines."))
    if len(rows) > MAX_FEES:
        raise ServiceError("fees", _("At most %(n)d fee lines.") % {"n": MAX_FEES})
    fees: list[Fee] = []
    seen: set[tuple[str, int | None]] = set()
    for index, row in enumerate(rows):
        field = f"fees.{index}"
        if not isinstance(row, dict):
            raise ServiceError(field, _("A fee line is an object."))
        code = _code(str(row.get("code") or ""), f"{field}.code")
        tier_code = row.get("tier") or None
        tier_id = None
        if tier_code is not None:
            tier_id = tiers.get(str(tier_code))
            if tier_id is None:
                raise ServiceError(
                    f"{field}.tier",
                    _("No tier %(code)s; one of %(all)s.")
                    % {"code": str(tier_code)[:30], "all": ", ".join(sorted(tiers))},
                )
        if (code, tier_id) in seen:
            raise ServiceError(field, _("This fee has two lines for the same tier."))
        seen.add((code, tier_id))
        currency = str(row.get("currency") or "").strip().upper()
        if not _CURRENCY.match(currency):
            raise ServiceError(f"{field}.currency", _("A currency code like EUR."))
        unit = str(row.get("unit") or "")
        if unit not in Unit.values:
            raise ServiceError(
                f"{field}.unit", _("One of %(all)s.") % {"all": ", ".join(Unit.values)}
            )
        fees.append(
            Fee(
                code=code,
                tier_id=tier_id,
                names=texts(row.get("names"), f"{field}.names", limit=NAME_LENGTH, required=True),
                amount=_amount(row.get("amount"), f"{field}.amount"),
                currency=currency,
                unit=unit,
                triggers=texts(row.get("triggers"), f"{field}.triggers", limit=CONDITION_LENGTH),
                free=texts(row.get("free"), f"{field}.free", limit=CONDITION_LENGTH),
                position=index,
            )
        )
    return fees


def tier_codes() -> dict[str, int]:
    return dict(Tier.objects.values_list("code", "pk"))


@transaction.atomic
def save_draft(
    *,
    actor,
    version: Version,
    names: Any = None,
    descriptions: Any = None,
    change_note: Any = None,
    fees: Any = None,
    product_line: str | None = None,
) -> Version:
    """Replace what is given of the draft (texts per language, the whole list of fee
    lines); what is not given stays. Everything is checked before anything is stored."""
    check_editor(actor)
    version = Version.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ServiceError("version", _("A published version is never changed: make a new one."))
    new_names = (
        texts(names, "names", limit=NAME_LENGTH, required=True) if names is not None else None
    )
    new_descriptions = (
        texts(descriptions, "descriptions", limit=TEXT_LENGTH) if descriptions is not None else None
    )
    new_note = (
        texts(change_note, "change_note", limit=TEXT_LENGTH) if change_note is not None else None
    )
    new_fees = clean_fees(fees, tier_codes()) if fees is not None else None
    if product_line is not None:
        product_line = product_line.strip()
        if len(product_line) > 60:
            raise ServiceError("product_line", _("At most %(n)d characters.") % {"n": 60})
        Service.objects.filter(pk=version.service_id).update(product_line=product_line)
    if new_names is not None:
        version.names = new_names
    if new_descriptions is not None:
        version.descriptions = new_descriptions
    if new_note is not None:
        version.change_note = new_note
    version.save(update_fields=["names", "descriptions", "change_note"])
    if new_fees is not None:
        version.fees.all().delete()
        for fee in new_fees:
            fee.version = version
        Fee.objects.bulk_create(new_fees)
    return version


@transaction.atomic
def discard_draft(*, actor, version: Version) -> None:
    check_editor(actor)
    if not version.is_draft:
        raise ServiceError("version", _("A published version is never changed: make a new one."))
    service = version.service
    version.delete()
    if not service.versions.exists():
        service.delete()


def fee_rows(version: Version) -> list[dict[str, Any]]:
    """A version's fee lines as plain data (what ``clean_fees`` reads back)."""
    return [
        {
            "code": f.code,
            "tier": f.tier.code if f.tier else None,
            "names": f.names,
            "amount": str(f.amount),
            "currency": f.currency,
            "unit": f.unit,
            "triggers": f.triggers,
            "free": f.free,
        }
        for f in version.fees.select_related("tier")
    ]
