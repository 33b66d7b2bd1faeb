"""Reading the catalogue: a version's price list, what applies to a customer (and what
is announced for them), who was told of a change, and the complaints per fee."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from clientfocus.catalogue import changes
from clientfocus.catalogue.models import (
    Complaint,
    Fee,
    Notice,
    NoticeState,
    Service,
    Version,
    VersionState,
)
from clientfocus.notify.models import DeliveryState
from clientfocus.voice.models import FeedbackItem
from clientfocus.voice.permissions import feedback_visible_to

# A customer told within this long of the publication counts as told on time.
ON_TIME = timedelta(days=1)
RECENT_DAYS = 90


def lines(fees) -> list[changes.Line]:
    return [
        changes.Line(
            code=f.code,
            tier=f.tier_id,
            amount=f.amount,
            currency=f.currency,
            unit=f.unit,
            conditions=changes.conditions(f.triggers, f.free),
        )
        for f in fees
    ]


def published(services: QuerySet[Service] | None = None) -> list[Service]:
    """Services with their published versions (oldest first) and their fee lines."""
    services = Service.objects.all() if services is None else services
    versions = (
        Version.objects.filter(state=VersionState.PUBLISHED)
        .order_by("valid_from", "number")
        .prefetch_related(Prefetch("fees", queryset=Fee.objects.select_related("tier")))
    )
    return list(services.prefetch_related(Prefetch("versions", versions, to_attr="timeline")))


_lock = threading.Lock()
_snapshot: tuple[tuple, list[Service]] | None = None


def _stamp() -> tuple:
    found = Version.objects.filter(state=VersionState.PUBLISHED).aggregate(
        n=Count("id"), last=Max("published_at"), top=Max("id")
    )
    return (found["n"], found["last"], found["top"])


def snapshot() -> tuple[tuple, list[Service]]:
    """(stamp, ``published()`` for every service with each version's comparable lines),
    kept per process until a version is published (one aggregate query checks). The
    panels on every customer record and request and the complaint matcher read it; the
    stamp tells a cache built from it when to rebuild."""
    global _snapshot
    stamp = _stamp()
    with _lock:
        if _snapshot is not None and _snapshot[0] == stamp:
            return _snapshot
    services = published()
    for service in services:
        for version in service.timeline:  # type: ignore[attr-defined]
            version.lines = lines(version.fees.all())
    with _lock:
        _snapshot = (stamp, services)
    return _snapshot


def catalogue_now() -> list[Service]:
    return snapshot()[1]


def _lines(version: Version | None) -> list[changes.Line]:
    if version is None:
        return []
    cached = getattr(version, "lines", None)
    return cached if cached is not None else lines(version.fees.all())


def in_effect(service: Service, now: datetime | None = None) -> Version | None:
    """The version that applies now to customers not waiting to be told (``published``
    must have read the service)."""
    now = now or timezone.now()
    current = None
    for version in service.timeline:  # type: ignore[attr-defined]
        if version.valid_from and version.valid_from <= now:
            current = version
    if current is not None and current.valid_to and current.valid_to <= now:
        return None
    return current


def told_at(notice: Notice | None) -> datetime | None:
    """When the customer was told: their message was sent (not only queued)."""
    if notice is None or notice.notification is None:
        return None
    if notice.notification.state != DeliveryState.SENT:
        return None
    return notice.notification.sent_at


def effective_for(version: Version, notice: Notice | None) -> datetime | None:
    """When a version that raises a fee applies to a customer who had to be told: its
    start when they were told on time, else its notice period after they were told;
    None while they have not been told."""
    moment = told_at(notice)
    if moment is None or version.valid_from is None:
        return None
    if version.published_at and moment <= version.published_at + ON_TIME:
        return version.valid_from
    return max(version.valid_from, moment + timedelta(days=version.lead_days))


@dataclass
class Terms:
    """What one service costs one customer now, and what is announced."""

    service: Service
    version: Version | None
    fees: list[Fee]
    # Versions started but not for this customer yet: (version, when it will, or None).
    waiting: list[tuple[Version, datetime | None]] = field(default_factory=list)
    # Versions published to start later, with what they change for the customer's tier.
    announced: list[tuple[Version, list[changes.Change]]] = field(default_factory=list)


def _fees_for(version: Version, tier_id: int | None) -> list[Fee]:
    applying = changes.effective(_lines(version), tier_id)
    chosen = {(line.code, line.tier) for line in applying.values()}
    return [f for f in version.fees.all() if (f.code, f.tier_id) in chosen]


def terms_for(customer, now: datetime | None = None) -> list[Terms]:
    """Every service's fees for the customer's tier. A version that raises a fee for
    that tier applies to a customer who was a customer when it was published only once
    they have been told (``effective_for``); until then their earlier terms stand."""
    now = now or timezone.now()
    found: dict[int, Notice] | None = None

    def notice_of(version: Version) -> Notice | None:
        # Read once, and only when a version had to be told to this customer.
        nonlocal found
        if found is None:
            found = {
                n.version_id: n
                for n in Notice.objects.filter(customer=customer).select_related("notification")
            }
        return found.get(version.pk)

    result = []
    for service in catalogue_now():
        current: Version | None = None
        entry = Terms(service, None, [])
        for version in service.timeline:  # type: ignore[attr-defined]
            if version.valid_from is None:
                continue
            new = _lines(version)
            before = _lines(current)
            if version.valid_from > now:
                compared = [c for c in changes.compare(before, new, customer.tier_id)]
                if compared or current is None:
                    entry.announced.append((version, compared))
                continue
            must_tell = (
                current is not None
                and version.raises
                and version.published_at is not None
                and customer.created_at < version.published_at
                and changes.needs_notice(before, new, customer.tier_id)
            )
            if must_tell:
                starts = effective_for(version, notice_of(version))
                if starts is None or starts > now:
                    entry.waiting.append((version, starts))
                    continue
            current = version
        if current is not None and current.valid_to and current.valid_to <= now:
            current = None
        entry.version = current
        entry.fees = _fees_for(current, customer.tier_id) if current else []
        if entry.version or entry.announced or entry.waiting:
            result.append(entry)
    return result


@dataclass
class NoticeFigures:
    customers: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    unreachable: int = 0


def notice_figures(versions: list[Version]) -> dict[int, NoticeFigures]:
    """Per version: how many customers had to be told, and where their messages are."""
    rows = (
        Notice.objects.filter(version__in=versions)
        .values("version_id", "state", "notification__state")
        .annotate(n=Count("id"))
    )
    figures: dict[int, NoticeFigures] = {v.pk: NoticeFigures() for v in versions}
    for row in rows:
        figure = figures[row["version_id"]]
        figure.customers += row["n"]
        kind = _kind(row["state"], row["notification__state"])
        setattr(figure, kind, getattr(figure, kind) + row["n"])
    return figures


def _kind(state: str, delivery: str | None) -> str:
    """Where a notice stands: unreachable, sent (told), failed (for good) or queued."""
    if state == NoticeState.UNREACHABLE:
        return "unreachable"
    return {DeliveryState.SENT: "sent", DeliveryState.DEAD: "failed"}.get(delivery, "queued")  # type: ignore[call-overload]


NOTICE_FILTERS = {
    "sent": Q(state=NoticeState.QUEUED, notification__state=DeliveryState.SENT),
    "queued": Q(state=NoticeState.QUEUED)
    & ~Q(notification__state__in=[DeliveryState.SENT, DeliveryState.DEAD]),
    "failed": Q(state=NoticeState.QUEUED, notification__state=DeliveryState.DEAD),
    "unreachable": Q(state=NoticeState.UNREACHABLE),
}


def notices(version: Version, state: str = "") -> QuerySet[Notice]:
    found = Notice.objects.filter(version=version).select_related(
        "customer", "customer__tier", "notification"
    )
    if state in NOTICE_FILTERS:
        found = found.filter(NOTICE_FILTERS[state])
    return found.order_by("customer__name", "pk")


def notice_state(notice: Notice) -> str:
    return _kind(notice.state, notice.notification.state if notice.notification else None)


def complaints_visible_to(user, complaints: QuerySet[Complaint] | None = None):
    complaints = Complaint.objects.all() if complaints is None else complaints
    visible = feedback_visible_to(user, FeedbackItem.objects.all()).values("pk")
    return complaints.filter(item__in=visible)


def complaints_per_fee(user, service: Service | None = None) -> dict[tuple[int, str], dict]:
    """(service id, fee code) → {"total", "recent"} over the complaints ``user`` may see."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    found = complaints_visible_to(user)
    if service is not None:
        found = found.filter(service=service)
    rows = found.values("service_id", "fee_code").annotate(
        total=Count("id"), recent=Count("id", filter=Q(created_at__gte=since))
    )
    return {
        (r["service_id"], r["fee_code"]): {"total": r["total"], "recent": r["recent"]} for r in rows
    }
