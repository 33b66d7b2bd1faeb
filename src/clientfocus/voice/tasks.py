"""Background work of the voice app: rollups, follow-up sweep, trends, digest, training."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from clientfocus.voice import selectors, services
from clientfocus.voice.models import ClassifierModel, FeedbackItem


@task()
def voice_frequent() -> dict[str, int]:
    """Every five minutes: recount today and yesterday for the decision makers' page,
    and tell owners about overdue follow-ups."""
    today = timezone.localdate()
    rows = selectors.rebuild_rollups(start=today - timedelta(days=1), end=today)
    overdue = services.sweep_follow_ups()
    return {"rollup_rows": rows, "overdue_follow_ups": overdue}


@task()
def voice_hourly() -> dict[str, int]:
    """Every hour: look for rising themes and raise alerts."""
    return {"alerts": len(services.detect_trends())}


@task()
def voice_daily() -> dict[str, int]:
    """Every day: retrain the classifier on staff corrections (when there are new ones),
    re-tag the last two weeks, recount the last month's figures, and on Mondays send last
    week's digest (once)."""

    result = {"trained": 0, "retagged": 0, "digest_sent": 0}
    latest = ClassifierModel.objects.values_list("created_at", flat=True).first()
    reviewed = FeedbackItem.objects.filter(reviewed_at__isnull=False)
    fresh = latest is None or reviewed.filter(reviewed_at__gt=latest).exists()
    if fresh and reviewed.exists():
        services.train_classifier()
        result["trained"] = 1
        result["retagged"] = services.retag(since=timezone.now() - timedelta(days=14))
    # Corrections and re-tagging change older days too: recount the last month.
    today = timezone.localdate()
    result["rollup_rows"] = selectors.rebuild_rollups(start=today - timedelta(days=30), end=today)
    if today.weekday() == 0:
        _digest, _created, sent = services.make_digest(send=True)
        result["digest_sent"] = sent
    return result
