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


def theme_counts(*, now: datetime) -> list:

    recent_start = now - timedelta(days=RECENT_DAYS)
    base_start = recent_start - timedelta(days=RECENT_DAYS * BASELINE_WINDOWS)
    tags = ThemeTag.objects.filter(active=True, theme__active=True)
    negative = Q(item__sentiment=Sentiment.NEGATIVE)
    recent = {
        r["theme__code"]: r
        for r in tags.filter(created_at__gte=recent_start, created_at__lt=now)
        .values("theme__code")
        .annotate(n=Count("id"), neg=Count("id", filter=negative))
    }
    base = {
        r["theme__code"]: r
        for r in tags.filter(created_at__gte=base_start, created_at__lt=recent_start)
        .values("theme__code")
        .annotate(n=Count("id"), neg=Count("id", filter=negative))
    }
    return [
        ThemeCounts(
            code=code,
            recent=recent.get(code, {}).get("n", 0),
            recent_negative=recent.get(code, {}).get("neg", 0),
            baseline=base.get(code, {}).get("n", 0),
            baseline_negative=base.get(code, {}).get("neg", 0),
        )
        for code in active_themes()
    ]


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
        if Alert.objects.filter(theme=theme, kind=rise.kind, created_at__gte=window_start).exists():
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
                created_at=now,
            )
            verbatims = (
                FeedbackItem.objects.filter(
                    tags__theme=theme,
                    tags__active=True,
                    created_at__gte=window_start,
                    created_at__lt=now,
                )
                .exclude(text="")
                .order_by("sentiment_score", "-created_at")[:20]
            )
            alert.items.set(list(verbatims))
            _announce(alert)
        created.append(alert)
    return created


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
