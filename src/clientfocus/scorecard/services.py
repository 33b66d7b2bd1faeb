"""Measuring the month (the worker), tuning thresholds (administrators), and the monthly
e-mail to subscribed managers."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.notify.services import enqueue
from clientfocus.people.models import Department
from clientfocus.scorecard import figures, levels
from clientfocus.scorecard.measures import MEASURES
from clientfocus.scorecard.models import MonthFigures, Snapshot, Subscription, Threshold
from clientfocus.scorecard.permissions import can_tune, is_lead

logger = logging.getLogger(__name__)
FIGURE_KINDS = ("payback", *figures.DIMENSIONS, "order_cycle")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def parse_month(text: str) -> date:
    """``YYYY-MM`` → the month's first day; ServiceError otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        if not 2000 <= year <= 2200 or not 1 <= month <= 12:
            raise ValueError
    except ValueError as exc:
        raise ServiceError("month", _("Give the month as YYYY-MM, e.g. 2026-11.")) from exc
    return date(year, month, 1)


def bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    since = datetime(month.year, month.month, 1, tzinfo=tz)
    last = calendar.monthrange(month.year, month.month)[1]
    until = datetime(month.year, month.month, last, tzinfo=tz) + timedelta(days=1)
    return since, until


def thresholds() -> dict[str, float]:
    values = {c.code: c.default for c in levels.CRITERIA}
    values.update(dict(Threshold.objects.values_list("code", "value")))
    return values


def set_threshold(*, actor, code: str, value) -> Threshold:
    """Tune a criterion's threshold (administrators). The months already measured keep
    the threshold they were measured against; the month under way follows the new one."""
    if not can_tune(actor):
        raise NotAllowed(_("Only administrators tune the scorecard's thresholds."))
    try:
        number = levels.validate_threshold(code, float(value))
    except (TypeError, ValueError) as exc:
        raise ServiceError("threshold", str(exc)) from exc
    with transaction.atomic():
        row, _created = Threshold.objects.update_or_create(
            code=code,
            defaults={"value": number, "changed_by": actor, "changed_at": timezone.now()},
        )
        _follow(code, number)
    return row


def reset_threshold(*, actor, code: str) -> None:
    if not can_tune(actor):
        raise NotAllowed(_("Only administrators tune the scorecard's thresholds."))
    if code not in levels.BY_CODE:
        raise ServiceError("code", _("Unknown criterion %(code)s.") % {"code": code})
    with transaction.atomic():
        Threshold.objects.filter(code=code).delete()
        _follow(code, levels.BY_CODE[code].default)


def _follow(code: str, threshold: float) -> None:
    """The months not closed yet are judged against the threshold now in force."""
    for snap in Snapshot.objects.filter(code=code, final=False):
        snap.threshold, snap.met = threshold, levels.meets(code, snap.value, threshold)
        snap.save(update_fields=["threshold", "met"])


@dataclass
class RefreshResult:
    month: date
    final: bool
    snapshots: int
    seconds: float


def refresh(month: date | None = None, *, now: datetime | None = None) -> RefreshResult:
    """Measure every criterion for the month (company and each department) and compute
    the month's report figures. A month that is over is measured one last time and kept
    as final; a final month is not measured again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = month or month_start(today)
    if month > month_start(today):
        raise ServiceError("month", _("That month has not begun."))
    started = timezone.now()
    since, until = bounds(month)
    final = until <= now
    if final and Snapshot.objects.filter(month=month, final=True).exists():
        return RefreshResult(month, True, 0, 0.0)
    limits = thresholds()
    rows = []
    scopes: list[tuple[str, int | None]] = [("", None)]
    scopes += list(Department.objects.order_by("code").values_list("code", "pk"))
    end = min(until, now)
    for scope, department in scopes:
        for c in levels.CRITERIA:
            if department is not None and not c.per_department:
                continue
            value, part, whole = MEASURES[c.code](since, end, department)
            rows.append(
                Snapshot(
                    month=month, scope=scope, code=c.code, value=value, part=part, whole=whole,
                    threshold=limits[c.code], met=levels.meets(c.code, value, limits[c.code]),
                    final=final, computed_at=now,
                )
            )  # fmt: skip
    data = {"payback": figures.payback(end)}
    for dimension in figures.DIMENSIONS:
        data[dimension] = figures.report(dimension, since, end)
    data["order_cycle"] = figures.order_cycle(since, end, min(today, until.date()))
    with transaction.atomic():
        Snapshot.objects.filter(month=month).delete()
        Snapshot.objects.bulk_create(rows)
        for kind, payload in data.items():
            MonthFigures.objects.update_or_create(
                month=month, kind=kind,
                defaults={"data": payload, "final": final, "computed_at": now},
            )  # fmt: skip
    return RefreshResult(month, final, len(rows), (timezone.now() - started).total_seconds())


def daily(*, now: datetime | None = None) -> dict:
    """The worker's daily run: close last month if it is not final yet, measure this
    month so far, then send last month's e-mail to subscribers who have not had it."""
    now = now or timezone.now()
    this_month = month_start(timezone.localdate(now))
    last = previous_month(this_month)
    done = {}
    if not Snapshot.objects.filter(month=last, final=True).exists():
        done["closed"] = refresh(last, now=now).snapshots
    done["measured"] = refresh(this_month, now=now).snapshots
    done["sent"] = send_monthly(last)
    return done


# -- subscriptions --------------------------------------------------------------------------


def subscribe(*, user) -> Subscription:
    if not is_lead(user):
        raise NotAllowed(_("The monthly scorecard e-mail is for managers."))
    if not user.email:
        raise ServiceError("email", _("Your account has no e-mail address."))
    row, _created = Subscription.objects.get_or_create(user=user)
    return row


def unsubscribe(*, user) -> None:
    Subscription.objects.filter(user=user).delete()


def send_monthly(month: date) -> int:
    """Last month's scorecard as a text summary and a PDF, once per subscriber and
    month, through the outbox. Only a final month is sent."""
    # Here, not at the top: the PDF writer (reportlab) is loaded only when one is made.
    from clientfocus.scorecard import exports
    from clientfocus.scorecard.selectors import card

    if not Snapshot.objects.filter(month=month, final=True).exists():
        return 0
    sent = 0
    due = Subscription.objects.select_related("user", "user__employee").exclude(
        last_sent__gte=month
    )
    for sub in due:
        user = sub.user
        if not user.is_active or not user.email or not is_lead(user):
            continue
        language = getattr(getattr(user, "employee", None), "language", "") or (
            settings.LANGUAGE_CODE
        )
        with translation.override(language), transaction.atomic():
            company = card(user, month=month, scope="")
            pdf = exports.card_pdf(company)
            path = default_storage.save(f"scorecard/{month:%Y-%m}-{user.pk}.pdf", ContentFile(pdf))
            body = exports.card_text(company)
            body += f"\n\n{settings.PUBLIC_BASE_URL}/scorecard/?month={month:%Y-%m}"
            note = enqueue(
                channel="email",
                recipient=user.email,
                subject=_("Customer orientation scorecard, %(month)s")
                % {"month": f"{month:%Y-%m}"},
                body=body,
            )
            note.attachments = [{
                "path": path, "filename": f"scorecard-{month:%Y-%m}.pdf",
                "content_type": "application/pdf",
            }]  # fmt: skip
            note.save(update_fields=["attachments"])
            sub.last_sent = month
            sub.save(update_fields=["last_sent"])
        sent += 1
    return sent
