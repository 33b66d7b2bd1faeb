"""The weekly digest of what customers said, for managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.notify.services import enqueue
from clientfocus.voice import selectors
from clientfocus.voice.models import (
    Alert,
    Digest,
    FeedbackItem,
    FollowUp,
    FollowUpState,
    Sentiment,
)


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class DigestResult:
    week_start: date
    created: bool
    sent_to: int


def build_digest(*, week_start: date) -> dict:
    """The week's scores (with the week before), rising themes, notable verbatims in
    their own language, and what was done about the previous week's alerts."""

    start = datetime.combine(
        week_start, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    end = start + timedelta(days=7)
    previous = selectors.scores_between(start - timedelta(days=7), start)
    current = selectors.scores_between(start, end)
    rising = selectors.rising_themes(start, end)
    notable = []
    base = FeedbackItem.objects.filter(created_at__gte=start, created_at__lt=end).exclude(text="")
    for item in list(base.order_by("sentiment_score", "-created_at")[:3]) + list(
        base.filter(sentiment=Sentiment.POSITIVE).order_by("-sentiment_score", "-created_at")[:2]
    ):
        notable.append(
            {
                "id": item.pk,
                "text": item.text[:500],
                "language": item.language,
                "sentiment": item.sentiment,
                "customer": item.customer.name if item.customer else "",
            }
        )
    alerts = [
        {
            "id": a.pk,
            "theme": a.theme.name,
            "kind": a.kind,
            "statistic": a.statistic,
            "state": a.state,
            "action": a.action,
        }
        for a in Alert.objects.filter(
            created_at__gte=start - timedelta(days=7), created_at__lt=start
        ).select_related("theme")
    ]
    follow_ups = FollowUp.objects.filter(created_at__gte=start, created_at__lt=end)
    return {
        "week_start": week_start.isoformat(),
        "scores": current,
        "previous_scores": previous,
        "feedback": base.count(),
        "rising_themes": rising[:5],
        "notable": notable,
        "last_week_alerts": alerts,
        "follow_ups": {
            "opened": follow_ups.count(),
            "closed": follow_ups.filter(state=FollowUpState.CLOSED).count(),
        },
    }


def make_digest(*, week_start: date | None = None, send: bool = False, resend: bool = False):
    """Build (or rebuild) the digest of a week (default: the last full week) and, with
    ``send``, e-mail it to every active employee with an address: once per week unless
    ``resend``."""

    if week_start is None:
        week_start = week_start_of(timezone.localdate()) - timedelta(days=7)
    week_start = week_start_of(week_start)
    data = build_digest(week_start=week_start)
    digest, created = Digest.objects.update_or_create(
        week_start=week_start, defaults={"data": data}
    )
    sent = 0
    if send and (digest.sent_at is None or resend):
        sent = send_digest(digest)
    return digest, created, sent


def _dash(value) -> str:
    return "–" if value is None else str(value)


def digest_text(data: dict) -> str:
    scores = data["scores"]
    lines = [
        _("Customer insight, week of %(week)s") % {"week": data["week_start"]},
        "",
        f"NPS: {_dash(scores['nps'])} ({scores['nps_n']})",
        f"CSAT: {_dash(scores['csat'])} % ({scores['csat_n']})",
        f"CES: {_dash(scores['ces'])} ({scores['ces_n']})",
        _("Feedback items: %(n)s") % {"n": data["feedback"]},
        "",
        _("Rising themes:"),
    ]
    lines += [f"- {t['name']}: {t['count']} ({t['change']:+d})" for t in data["rising_themes"]] or [
        "-"
    ]
    lines += ["", _("In their words:")]
    lines += [f"- [{n['language'] or '?'}] {n['text']}" for n in data["notable"]] or ["-"]
    lines += ["", _("Last week's alerts and what was done:")]
    lines += [
        f"- {a['theme']} ({a['kind']}, {a['state']}): {a['action'] or '…'}"
        for a in data["last_week_alerts"]
    ] or ["-"]
    return "\n".join(lines)


def send_digest(digest) -> int:
    users = (
        get_user_model()
        .objects.filter(is_active=True, employee__isnull=False)
        .exclude(email="")
        .select_related("employee")
    )
    sent = 0
    with transaction.atomic():
        for user in users:
            language = getattr(user.employee, "language", "") or settings.LANGUAGE_CODE
            with translation.override(language):
                body = digest_text(digest.data)
                body += f"\n\n{settings.PUBLIC_BASE_URL}/voice/digest/{digest.week_start}/"
                subject = _("Customer insight, week of %(week)s") % {"week": digest.week_start}
            enqueue(channel="email", recipient=user.email, subject=subject, body=body)
            sent += 1
        digest.sent_at = timezone.now()
        digest.recipients = sent
        digest.save(update_fields=["sent_at", "recipients"])
    return sent
