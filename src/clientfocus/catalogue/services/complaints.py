"""Complaints about charges that name a fee: a feedback item the voice engine (or staff)
tagged with ``CATALOGUE_COMPLAINT_THEME`` is linked to every fee whose name it mentions
(``catalogue.matching``), kept in step when its themes change, and re-linked in bulk
when fees are added or renamed (the daily job, ``clientfocus catalogue relink``)."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientfocus.catalogue import matching, selectors
from clientfocus.catalogue.models import Complaint
from clientfocus.voice.models import FeedbackItem, ThemeTag

_lock = threading.Lock()
_matcher: tuple[tuple, matching.Matcher] | None = None


def matcher() -> matching.Matcher:
    """Every name of every published fee (and its code as words), from the catalogue's
    snapshot, rebuilt when a version is published."""
    global _matcher
    stamp, services = selectors.snapshot()
    with _lock:
        if _matcher is not None and _matcher[0] == stamp:
            return _matcher[1]
    names: list[matching.Name] = []
    seen: set[tuple[tuple[int, str], str]] = set()
    for service in services:
        for version in service.timeline:  # type: ignore[attr-defined]
            for fee in version.fees.all():
                key = (service.pk, fee.code)
                texts = [("en", fee.code.replace("-", " ")), *(fee.names or {}).items()]
                for language, text in texts:
                    if (key, text) not in seen:
                        seen.add((key, text))
                        names.append(matching.Name(key, text, language))
    built = matching.Matcher(names)
    with _lock:
        _matcher = (stamp, built)
    return built


def link(item: FeedbackItem, themes: frozenset[str]) -> int:
    """Keep the item's fee links in step with its themes and text. Returns how many
    fees it is linked to now."""
    wanted: dict = {}
    if settings.CATALOGUE_COMPLAINT_THEME in themes and item.text:
        wanted = matcher().match(item.text, item.language or None)
    existing = {(c.service_id, c.fee_code): c for c in Complaint.objects.filter(item=item)}
    stale = [c.pk for key, c in existing.items() if key not in wanted]
    if stale:
        Complaint.objects.filter(pk__in=stale).delete()
    Complaint.objects.bulk_create(
        [
            Complaint(service_id=s, fee_code=code, item=item, matched=text[:200],
                      created_at=item.created_at)
            for (s, code), text in wanted.items()
            if (s, code) not in existing
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return len(wanted)


def relink(*, days: int | None = 365, batch: int = 1000) -> int:
    """Link again every item tagged as a complaint about charges (in the last ``days``;
    None: all). Returns how many items are linked to a fee."""
    tags = ThemeTag.objects.filter(theme__code=settings.CATALOGUE_COMPLAINT_THEME, active=True)
    if days is not None:
        tags = tags.filter(created_at__gte=timezone.now() - timedelta(days=days))
    tagged = FeedbackItem.objects.filter(pk__in=tags.values("item_id")).exclude(text="")
    themes = frozenset({settings.CATALOGUE_COMPLAINT_THEME})
    linked = 0
    last = 0
    while True:
        chunk = list(tagged.filter(pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            break
        with transaction.atomic():
            for item in chunk:
                linked += 1 if link(item, themes) else 0
        last = chunk[-1].pk
    # Items no longer tagged lose their links.
    untagged = Complaint.objects.exclude(item__in=tags.values("item_id"))
    if days is not None:
        untagged = untagged.filter(created_at__gte=timezone.now() - timedelta(days=days))
    untagged.delete()
    return linked
