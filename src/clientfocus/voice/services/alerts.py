"""Trends and alerts: rising themes detected from the rollups, announced to subscribers,
acted on by managers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Tier
from clientfocus.notify.services import enqueue
from clientfocus.service.permissions import can_see_overview
from clientfocus.voice import analysis
from clientfocus.voice.models import (
    Alert,
    AlertSubscription,
    FeedbackItem,
    Sentiment,
    ThemeTag,
)
from clientfocus.voice.services.follow_ups import _notice
from clientfocus.voice.services.tagging import active_themes
from clientfocus.voice.trends import Settings, ThemeCounts, detect

RECENT_DAYS = 7
BASELINE_WINDOWS = 8


# Groups a theme is also tested within: "tier:<code>" and "segment:<code>", by the
# feedback item's field recorded with it.
GROUP_FIELDS = {"tier": "tier_code", "segment": "segment"}


def theme_counts(*, now: datetime) -> list:
    """Mentions per theme in the recent window and the baseline: for all customers, and
    within each tier and each segment (those the item was recorded with). A tier's
    priority is its rank, so rises among the most valuable customers come first."""
    recent_start = now - timedelta(days=RECENT_DAYS)
    base_start = recent_start - timedelta(days=RECENT_DAYS * BASELINE_WINDOWS)
    tags = ThemeTag.objects.filter(active=True, theme__active=True)
    negative = Q(item__sentiment=Sentiment.NEGATIVE)
    tiers = {t.code: t for t in Tier.objects.all()}
    themes = active_themes()

    def tally(start: datetime, end: datetime, keys: list[str]) -> dict[tuple, dict]:
        rows = (
            tags.filter(created_at__gte=start, created_at__lt=end)
            .values(*keys)
            .annotate(n=Count("id"), neg=Count("id", filter=negative))
        )
        return {tuple(r[k] for k in keys): r for r in rows}

    counts = []
    for prefix, field in ((None, None), *GROUP_FIELDS.items()):
        keys = ["theme__code"] + ([f"item__{field}"] if field else [])
        recent = tally(recent_start, now, keys)
        base = tally(base_start, recent_start, keys)
        groups: set[tuple] = (
            {(code,) for code in themes}
            if field is None
            else {key for key in recent.keys() | base.keys() if key[1] and key[0] in themes}
        )
        for key in sorted(groups):
            value = key[1] if field else ""
            tier = tiers.get(value) if prefix == "tier" else None
            counts.append(
                ThemeCounts(
                    code=key[0],
                    recent=recent.get(key, {}).get("n", 0),
                    recent_negative=recent.get(key, {}).get("neg", 0),
                    baseline=base.get(key, {}).get("n", 0),
                    baseline_negative=base.get(key, {}).get("neg", 0),
                    group=f"{prefix}:{value}" if field else "",
                    group_name=(tier.name if tier else value),
                    # Tiers by rank (the most valuable first), then segments, then all.
                    priority=(tier.rank + 2) if tier else (1 if field else 0),
                )
            )
    return counts


def detect_trends(*, now: datetime | None = None) -> list[Alert]:
    """Raise an alert for each theme whose recent volume or negativity rose beyond
    chance (see voice.trends), unless the same rise was already raised this window."""

    now = now or timezone.now()
    themes = active_themes()
    rises = detect(
        theme_counts(now=now),
        Settings(baseline_windows=BASELINE_WINDOWS, alpha=settings.VOICE_TREND_ALPHA),
        window_days=RECENT_DAYS,
    )
    window_start = now - timedelta(days=RECENT_DAYS)
    created = []
    for rise in rises:
        theme = themes[rise.code]
        if Alert.objects.filter(
            theme=theme, kind=rise.kind, group=rise.group, created_at__gte=window_start
        ).exists():
            continue
        with transaction.atomic():
            alert = Alert.objects.create(
                theme=theme,
                kind=rise.kind,
                window_start=window_start,
                window_end=now,
                observed=rise.observed,
                expected=rise.expected,
                p_value=rise.p_value,
                statistic=rise.statistic,
                group=rise.group,
                created_at=now,
            )
            verbatims = (
                FeedbackItem.objects.filter(
                    tags__theme=theme,
                    tags__active=True,
                    created_at__gte=window_start,
                    created_at__lt=now,
                    **_group_filter(rise.group),
                )
                .exclude(text="")
                .order_by("sentiment_score", "-created_at")[:20]
            )
            alert.items.set(list(verbatims))
            _announce(alert)
        created.append(alert)
    return created


def _group_filter(group: str) -> dict[str, str]:
    kind, _sep, value = group.partition(":")
    return {GROUP_FIELDS[kind]: value} if kind in GROUP_FIELDS else {}


def _announce(alert: Alert) -> None:

    subscriptions = AlertSubscription.objects.filter(
        Q(theme__isnull=True) | Q(theme=alert.theme), user__is_active=True
    ).select_related("user")
    seen = set()
    for sub in subscriptions:
        if sub.user_id in seen:
            continue
        seen.add(sub.user_id)
        text = _("Rising: %(theme)s (%(kind)s)") % {"theme": alert.theme.name, "kind": alert.kind}
        if alert.group:
            text += f" · {alert.group}"
        _notice(sub.user, text, f"/voice/alerts/{alert.pk}/", "voice_alert")
        if sub.email and sub.user.email:
            quotes = "\n".join(
                f"- [{i.language or '?'}] {i.text[:300]}" for i in alert.items.all()[:5]
            )
            enqueue(
                channel="email",
                recipient=sub.user.email,
                subject=text,
                body=f"{alert.statistic}\n\n{quotes}\n\n{settings.PUBLIC_BASE_URL}/voice/alerts/{alert.pk}/",
            )


@transaction.atomic
def act_on_alert(*, alert: Alert, actor, action: str, state: str) -> Alert:

    if not can_see_overview(actor):
        raise NotAllowed(_("Only managers act on alerts."))
    if state not in ("acknowledged", "closed", "open"):
        raise ServiceError("state", "one of open, acknowledged, closed")
    action, _cut = analysis.clean_text(action, limit=2000)
    if state == "closed" and not action:
        raise ServiceError("action", _("Say what was done before closing the alert."))
    alert.state = state
    if action:
        alert.action = action
    alert.acted_by = actor
    alert.acted_at = timezone.now()
    alert.save()
    return alert
