"""Everything held about one customer, in one ZIP (GDPR art. 15 and 20): a JSON file per
kind of data and the files they sent or were sent. Each app contributes its section
(``export_sections``), so the export grows with the product; customers knows none of
them. Every export is written to the access log."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from clientfocus.core.extensions import ExtensionPoint
from clientfocus.customers.access import record_access
from clientfocus.customers.models import AccessAction, Customer

# Exports are built in memory up to this size, on disk beyond it.
SPOOL_BYTES = 16 * 1024 * 1024


@dataclass
class ExportSection:
    """``records`` become ``<name>.json``; each file is (path in the ZIP, opener)."""

    name: str
    records: list[dict[str, Any]]
    files: Sequence[tuple[str, Callable[[], IO[bytes]]]] = field(default_factory=list)


export_sections: ExtensionPoint[Callable[[Customer], Iterable[ExportSection]]] = ExtensionPoint(
    "customers.export_sections", "What each app holds about a customer, for the export ZIP."
)


def profile(customer: Customer) -> Iterable[ExportSection]:
    yield ExportSection(
        "customer",
        [
            {
                "id": customer.public_id,
                "kind": customer.kind,
                "name": customer.name,
                "company": customer.company.public_id if customer.company else None,
                "language": customer.language,
                "country": customer.country,
                "timezone": customer.timezone,
                "tier": customer.tier.code,
                "consent_email": customer.consent_email,
                "consent_sms": customer.consent_sms,
                "consent_marketing": customer.consent_marketing,
                "preferred_channel": customer.preferred_channel,
                "notes": customer.notes,
                "external_ref": customer.external_ref,
                "created_at": customer.created_at,
                "contacts": [
                    {"kind": c.kind, "value": c.value} for c in customer.contacts.order_by("id")
                ],
                "history": [
                    {"at": e.created_at, "what": e.kind, "data": e.data}
                    for e in customer.events.order_by("created_at", "id")
                ],
            }
        ],
    )


export_sections.contribute("customers.profile", profile, order=10)


def export_filename(customer: Customer) -> str:
    return f"customer-{customer.public_id}-{timezone.now():%Y%m%d}.zip"


def export_customer(customer: Customer, *, actor, via: str) -> IO[bytes]:
    """The ZIP (a file object at position 0); the export is logged as done by ``actor``."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    contents: list[dict[str, Any]] = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for make in export_sections:
            for section in make(customer):
                text = json.dumps(section.records, cls=DjangoJSONEncoder, ensure_ascii=False,
                                  indent=1)  # fmt: skip
                archive.writestr(f"{section.name}.json", text)
                for path, opener in section.files:
                    try:
                        with opener() as source, archive.open(path, "w") as target:
                            shutil.copyfileobj(source, target, 1 << 20)
                    except OSError:
                        path = f"{path} (missing from storage)"
                    contents.append({"file": path})
                contents.append({"file": f"{section.name}.json", "records": len(section.records)})
        archive.writestr(
            "README.json",
            json.dumps(
                {"customer": customer.public_id, "made_at": timezone.now(), "contents": contents},
                cls=DjangoJSONEncoder,
                indent=1,
            ),
        )
    record_access(actor=actor, customer=customer, action=AccessAction.EXPORTED, via=via)
    spool.seek(0)
    return spool  # type: ignore[return-value]
