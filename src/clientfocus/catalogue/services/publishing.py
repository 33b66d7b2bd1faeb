"""Publishing a version, and telling customers before a new or raised fee applies.

Publishing compares the draft with the version before it, tier by tier
(``catalogue.changes``). Where a customer could pay more, the version may start no
sooner than its notice period (at least ``CATALOGUE_NOTICE_DAYS``) after publishing, and
every customer of those tiers is told now, on their channel, in their language, outside
their quiet hours, with what changes for their tier. A customer who cannot be reached is
recorded as such; for them the earlier terms stand until they are told (``selectors.
terms_for``), and an editor may tell them again once they have an address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from clientfocus.catalogue import changes, selectors
from clientfocus.catalogue.models import (
    Fee,
    Notice,
    NoticeState,
    Unit,
    Version,
    VersionState,
    text_in,
)
from clientfocus.catalogue.services.editing import check_editor
from clientfocus.core.errors import ServiceError
from clientfocus.customers.models import Customer, Tier
from clientfocus.notify import bulk
from clientfocus.notify.models import DeliveryState
from clientfocus.notify.services import customer_address, quiet_until

BATCH = 2000
MAX_LEAD_DAYS = 3650
_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


@dataclass
class Preview:
    """What publishing a draft would do."""

    previous: Version | None
    # tier → the changes that need notice for it
    to_tell: dict[Tier, list[changes.Change]]
    customers: int
    lead_days: int
    earliest: datetime


def previous_of(version: Version) -> Version | None:
    return (
        Version.objects.filter(service=version.service_id, state=VersionState.PUBLISHED)
        .order_by("-valid_from", "-number")
        .prefetch_related("fees")
        .first()
    )


def _to_tell(previous: Version | None, version: Version, tiers) -> dict[int, list]:
    """Tier id → the changes from ``previous`` to ``version`` its customers must be told."""
    if previous is None:
        return {}
    return changes.tiers_to_tell(
        selectors.lines(previous.fees.all()), selectors.lines(version.fees.all()), tiers
    )


def preview(version: Version, *, now: datetime | None = None) -> Preview:
    now = now or timezone.now()
    previous = previous_of(version)
    tiers = {t.pk: t for t in Tier.objects.all()}
    told = _to_tell(previous, version, tiers)
    minimum = settings.CATALOGUE_NOTICE_DAYS if told else 0
    customers = (
        Customer.objects.filter(tier__in=told.keys(), erased_at__isnull=True).count() if told else 0
    )
    earliest = now + timedelta(days=minimum)
    if previous is not None and previous.valid_from and previous.valid_from > earliest:
        earliest = previous.valid_from
    return Preview(previous, {tiers[k]: v for k, v in told.items()}, customers, minimum, earliest)


@transaction.atomic
def publish(
    *,
    actor,
    version: Version,
    valid_from: datetime | None = None,
    lead_days: int | None = None,
    valid_to: datetime | None = None,
    now: datetime | None = None,
) -> tuple[Version, int, int]:
    """Publish a draft. Returns (version, messages queued, customers unreachable)."""
    check_editor(actor)
    now = now or timezone.now()
    version = Version.objects.select_for_update().select_related("service").get(pk=version.pk)
    if not version.is_draft:
        raise ServiceError("version", _("This version is already published."))
    if not version.names:
        raise ServiceError("names", _("Give a name in at least one language."))
    plan = preview(version, now=now)
    if lead_days is not None and not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise ServiceError("lead_days", _("From 0 to %(n)d days.") % {"n": MAX_LEAD_DAYS})
    lead = max(lead_days or 0, plan.lead_days)
    earliest = max(plan.earliest, now + timedelta(days=lead))
    if valid_from is None:
        valid_from = earliest
    elif valid_from < earliest - timedelta(minutes=1):
        if plan.to_tell:
            message = _(
                "A new or raised fee needs %(days)d days' notice: the earliest start is %(date)s."
            )
        else:
            message = _("The version cannot start before %(date)s.")
        raise ServiceError(
            "valid_from",
            message
            % {
                "days": lead,
                "date": formats.date_format(timezone.localtime(earliest), "DATETIME_FORMAT"),
            },
        )
    if valid_to is not None and valid_to <= valid_from:
        raise ServiceError("valid_to", _("The end must be after the start."))
    version.state = VersionState.PUBLISHED
    version.valid_from = valid_from
    version.valid_to = valid_to
    version.lead_days = lead
    version.raises = bool(plan.to_tell)
    version.published_at = now
    version.published_by = actor
    version.save()
    if not plan.to_tell:
        return version, 0, 0
    queued, unreachable = tell(version, plan.to_tell, now=now)
    return version, queued, unreachable


def _fee_text(line: changes.Line | None, fee: Fee | None, language: str) -> str:
    if line is None:
        return "—"
    unit = str(Unit(line.unit).label) if line.unit in Unit.values else line.unit
    amount = formats.number_format(line.amount, 2, use_l10n=True)
    text = f"{amount} {line.currency} {unit}"
    if fee is not None:
        extra = "; ".join(
            t for t in (text_in(fee.triggers, language), text_in(fee.free, language)) if t
        )
        if extra:
            text += f" ({extra})"
    return text


def message(version: Version, found: list[changes.Change], language: str) -> tuple[str, str, str]:
    """(subject, body, SMS) telling a customer what changes for their tier."""
    by_key = {(f.code, f.tier_id): f for f in version.fees.all()}
    with translation.override(language):
        name = version.name_in(language)
        start = formats.date_format(version.valid_from or timezone.now(), "DATE_FORMAT")
        subject = _("Prices of %(service)s change on %(date)s") % {"service": name, "date": start}
        lines = [
            _("From %(date)s these conditions of %(service)s change for you:")
            % {"date": start, "service": name},
            "",
        ]
        for change in found:
            fee = by_key.get((change.after.code, change.after.tier)) if change.after else None
            label = fee.name_in(language) if fee else change.code
            lines.append(
                f"- {label}: {_fee_text(change.before, None, language)} → "
                f"{_fee_text(change.after, fee, language)}"
            )
        note = text_in(version.change_note, language)
        if note:
            lines += ["", note]
        url = f"{settings.PUBLIC_BASE_URL}/portal/fees/"
        lines += ["", _("All prices and conditions that apply to you: %(url)s") % {"url": url}]
        sms = f"{subject}. {url}"
    return subject, "\n".join(lines), sms


def tell(
    version: Version,
    to_tell: dict,
    *,
    now: datetime,
    only: list[int] | None = None,
) -> tuple[int, int]:
    """Notices (and outbox messages) for the customers of the tiers in ``to_tell``
    (Tier or tier id → changes); ``only``: just these customers. Returns (queued,
    unreachable). Customers are read and the outbox written in batches of plain rows
    (``notify.bulk``): 100k customers take seconds, not minutes."""
    per_tier = {getattr(t, "pk", t): found for t, found in to_tell.items()}
    customers = Customer.objects.filter(tier__in=per_tier.keys(), erased_at__isnull=True)
    if only is not None:
        customers = customers.filter(pk__in=only)
    ids = list(customers.order_by("pk").values_list("pk", flat=True))
    frames: dict[tuple[str, int], tuple[str, str, str]] = {}
    zones: dict[str, datetime] = {}
    queued = unreachable = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        Notice.objects.filter(version=version, customer_id__in=batch).delete()
        messages: list[bulk.Message] = []
        notices: list[tuple[int, str, str, int | None]] = []
        for customer in bulk.reachable(batch):
            channel, recipient, why = customer_address(customer)
            if not recipient:
                notices.append((customer.pk, NoticeState.UNREACHABLE, why[:200], None))
                continue
            language = customer.language if customer.language in _LANGUAGES else "en"
            key = (language, customer.tier_id)
            if key not in frames:
                frames[key] = message(version, per_tier[customer.tier_id], language)
            subject, body, sms = frames[key]
            zone = customer.timezone or "UTC"
            if zone not in zones:
                zones[zone] = quiet_until(now, zone)
            notices.append((customer.pk, NoticeState.QUEUED, "", len(messages)))
            text = sms if channel == "sms" else body
            messages.append((customer.pk, str(channel), recipient, subject, text, zones[zone]))
        written = bulk.write_outbox(messages, now=now)
        _store_notices(version, notices, written, now)
        queued += len(messages)
        unreachable += len(notices) - len(messages)
    return queued, unreachable


def _store_notices(version: Version, notices: list, written: list[int], now: datetime) -> None:
    rows = [
        (version.pk, c, str(state), reason, None if index is None else written[index], now)
        for c, state, reason, index in notices
    ]
    if connection.vendor != "postgresql":
        Notice.objects.bulk_create(
            [Notice(version_id=v, customer_id=c, state=st, reason=r, notification_id=n,
                    created_at=at) for v, c, st, r, n, at in rows],
            batch_size=BATCH,
        )  # fmt: skip
        return
    columns = "version_id, customer_id, state, reason, notification_id, created_at"
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY catalogue_notice ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


@transaction.atomic
def tell_again(*, actor, version: Version, now: datetime | None = None) -> tuple[int, int]:
    """Tell the customers of the version's tiers who have not been told: unreachable
    before, their message failed for good, or in such a tier now and never told."""
    check_editor(actor)
    now = now or timezone.now()
    if version.is_draft or not version.raises:
        raise ServiceError("version", _("This version did not need customers to be told."))
    previous = (
        Version.objects.filter(
            service=version.service_id,
            state=VersionState.PUBLISHED,
            valid_from__lt=version.valid_from,
        )
        .order_by("-valid_from", "-number")
        .first()
    )
    to_tell = _to_tell(previous, version, Tier.objects.values_list("pk", flat=True))
    if not to_tell:
        return 0, 0
    told = Notice.objects.filter(version=version, state=NoticeState.QUEUED).exclude(
        notification__state=DeliveryState.DEAD
    )
    pending = list(
        Customer.objects.filter(
            tier__in=to_tell.keys(),
            erased_at__isnull=True,
            created_at__lt=version.published_at,
        )
        .exclude(pk__in=told.values("customer_id"))
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0, 0
    return tell(version, to_tell, now=now, only=pending)
