"""The outbox: enqueue inside the caller's transaction; workers claim, deliver, retry."""

from __future__ import annotations

import contextlib
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clientfocus.notify.channels import DeliveryError, send
from clientfocus.notify.models import (
    Channel,
    DeliveryState,
    Notification,
    NotificationRule,
    NotificationTemplate,
)
from clientfocus.notify.rendering import TemplateProblem, render


def lease() -> timedelta:
    """How long a claimed notification belongs to its worker before others may retry it."""
    return timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)


def enqueue(
    *, channel: str, recipient: str, body: str, subject: str = "", customer=None, order=None
) -> Notification:
    """Write a notification into the outbox. Call it inside the transaction of the event
    that causes it: if that transaction rolls back, nothing is sent."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    return Notification.objects.create(
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject[:250],
        customer=customer,
        order=order,
    )


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with full jitter: up to base * 2^(attempt-1), capped."""
    ceiling = min(
        settings.NOTIFY_BACKOFF_CAP_SECONDS,
        settings.NOTIFY_BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0),
    )
    return timedelta(seconds=random.uniform(0, ceiling))


def claim_due(*, limit: int = 50, now: datetime | None = None) -> list[Notification]:
    """Take up to ``limit`` due notifications for this worker. Rows are locked and
    skipped by other workers (SKIP LOCKED); a claim is a lease: a worker that dies
    mid-delivery leaves the row to be claimed again when the lease runs out."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                state__in=[DeliveryState.PENDING, DeliveryState.SENDING], next_attempt_at__lte=now
            )
            .order_by("next_attempt_at")[:limit]
        )
        until = now + lease()
        for row in rows:
            row.state = DeliveryState.SENDING
            row.attempts += 1
            row.next_attempt_at = until
        # One plain UPDATE (bulk_update would build a CASE per row: most of a claim's time).
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=DeliveryState.SENDING, attempts=F("attempts") + 1, next_attempt_at=until
        )
    return rows


def _attempt(notification: Notification, mail_connection=None) -> str | None:
    """Send once; None on success, else the reason. Whatever goes wrong with one
    notification is that notification's failure, never its batch's."""
    try:
        send(notification, mail_connection=mail_connection)
    except DeliveryError as exc:
        return str(exc)[:500]
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    return None


def _record_failure(notification: Notification, reason: str, now: datetime) -> None:
    dead = notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS
    Notification.objects.filter(pk=notification.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.DEAD if dead else DeliveryState.PENDING,
        next_attempt_at=now + (timedelta(0) if dead else backoff(notification.attempts)),
        last_error=reason,
    )


def _attempt_batch(batch: list[Notification]) -> list[str | None]:
    """Attempt each in turn; the e-mails of the batch share one SMTP session."""

    mail = None
    if sum(n.channel == Channel.EMAIL for n in batch) > 1:
        mail = get_connection()
        try:
            mail.open()
        except OSError:
            mail = None  # each message will try (and report) on its own
    try:
        return [_attempt(n, mail if n.channel == Channel.EMAIL else None) for n in batch]
    finally:
        if mail is not None:
            with contextlib.suppress(OSError):
                mail.close()


def deliver(notification: Notification, *, now: datetime | None = None) -> bool:
    """One attempt. Success marks it sent; failure schedules a retry with backoff, or
    marks it dead after NOTIFY_MAX_ATTEMPTS (staff can resend it)."""
    reason = _attempt(notification)
    if reason is not None:
        _record_failure(notification, reason, now or timezone.now())
        return False
    Notification.objects.filter(pk=notification.pk).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


_pools: dict[int, ThreadPoolExecutor] = {}


def _senders(threads: int) -> ThreadPoolExecutor:
    """Sending threads kept for the life of the process: each keeps its connections to
    the receivers open between batches (notify.channels)."""
    if threads not in _pools:
        _pools[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="notify")
    return _pools[threads]


def deliver_due(*, limit: int = 50, parallel: int | None = None) -> int:
    """Claim and deliver what is due; returns how many were sent. Sending is network
    waiting, so a claimed batch goes out over ``parallel`` threads; the successes are
    written back in one statement."""
    claimed = claim_due(limit=limit)
    if not claimed:
        return 0
    parallel = settings.NOTIFY_SEND_THREADS if parallel is None else parallel
    if len(claimed) == 1 or parallel <= 1:
        reasons = _attempt_batch(claimed)
    else:
        reasons = list(_senders(parallel).map(_attempt, claimed))
    now = timezone.now()
    sent = [n.pk for n, reason in zip(claimed, reasons, strict=True) if reason is None]
    if sent:
        Notification.objects.filter(pk__in=sent).update(
            state=DeliveryState.SENT, sent_at=now, last_error=""
        )
    for notification, reason in zip(claimed, reasons, strict=True):
        if reason is not None:
            _record_failure(notification, reason, now)
    return len(sent)


@transaction.atomic
def resend(*, notification: Notification) -> Notification:
    """Put a failed (or sent) notification back in the queue with the same key."""
    Notification.objects.filter(pk=notification.pk).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    notification.refresh_from_db()
    return notification


def retry_dead() -> int:
    """Queue every dead notification again; returns how many."""
    return Notification.objects.filter(state=DeliveryState.DEAD).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )


# -- rules ------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    """The customer's time zone; UTC if the stored name is not one (it is validated on input)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(moment: datetime, zone_name: str) -> datetime:
    """The first instant at or after ``moment`` outside the customer's quiet hours."""
    start_text, _, end_text = settings.QUIET_HOURS.partition("-")
    if not start_text or not end_text:
        return moment
    zone = _zone(zone_name)
    start, end = dt_time.fromisoformat(start_text), dt_time.fromisoformat(end_text)
    local = moment.astimezone(zone)
    now_t = local.time()
    quiet = (start <= now_t or now_t < end) if start > end else (start <= now_t < end)
    if not quiet:
        return moment
    day = local.date() if now_t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(moment.tzinfo)


def _template_for(rule: NotificationRule, language: str) -> NotificationTemplate | None:
    templates = {t.language: t for t in rule.templates.all()}
    return templates.get(language) or templates.get("en") or next(iter(templates.values()), None)


def _values(milestone, zone_name: str) -> dict[str, str]:
    zone = _zone(zone_name)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    order = milestone.order
    return {
        "customer_name": order.customer.name,
        "order_id": order.order_id,
        "window_start": local(milestone.window_start),
        "window_end": local(milestone.window_end),
        "courier_phone": milestone.courier_phone,
        "new_date": milestone.new_date.isoformat() if milestone.new_date else "",
        "note": milestone.note,
        "event": milestone.kind,
    }


def _channel_for(rule: NotificationRule, customer) -> str:
    """The customer's preferred channel wins over the rule's e-mail or SMS."""
    if rule.channel in (Channel.EMAIL, Channel.SMS) and customer.preferred_channel in (
        Channel.EMAIL,
        Channel.SMS,
    ):
        return str(customer.preferred_channel)
    return str(rule.channel)


def _recipient(rule: NotificationRule, customer) -> tuple[str, str]:
    """(recipient, reason it cannot be sent): opt-outs and missing addresses win."""
    channel = _channel_for(rule, customer)
    if channel == Channel.EMAIL:
        if not customer.consent_email:
            return "", "the customer does not accept e-mail"
        return customer.primary_email, "" if customer.primary_email else "no e-mail address"
    if channel == Channel.SMS:
        if not customer.consent_sms:
            return "", "the customer does not accept SMS"
        return customer.primary_phone, "" if customer.primary_phone else "no phone number"
    return rule.webhook_url, "" if rule.webhook_url else "the rule has no webhook URL"


def notify_for_milestone(milestone, *, now: datetime | None = None) -> list[Notification]:
    """Write the notifications the active rules ask for this milestone."""
    return _notify(
        milestone.kind,
        milestone.order.customer,
        _values(milestone, milestone.order.customer.timezone),
        order=milestone.order,
        window_start=milestone.window_start,
        now=now,
    )


def notify_for_resolved_request(request, *, now: datetime | None = None) -> list[Notification]:
    """Write the notifications the active rules ask for a resolved request (later: the
    satisfaction survey)."""
    customer = request.customer
    if customer is None:
        return []
    values = {
        "customer_name": customer.name,
        "event": "request_resolved",
        "request_reference": request.reference,
        "request_subject": request.subject,
    }
    return _notify("request_resolved", customer, values, request=request, now=now)


def customer_address(customer) -> tuple[str, str, str]:
    """(channel, recipient, why not) on the customer's own channel: their preferred one
    when they accept it and we have the address, else e-mail, else SMS; consent wins."""
    email, phone = customer.primary_email, customer.primary_phone
    if customer.preferred_channel == Channel.SMS and customer.consent_sms and phone:
        return Channel.SMS, phone, ""
    if customer.consent_email and email:
        return Channel.EMAIL, email, ""
    if customer.consent_sms and phone:
        return Channel.SMS, phone, ""
    if not (customer.consent_email or customer.consent_sms):
        return "", "", "the customer accepts neither e-mail nor SMS"
    return "", "", "no address the customer accepts messages on"


def _notify(
    event: str,
    customer,
    values: dict[str, str],
    *,
    order=None,
    request=None,
    window_start: datetime | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """In the caller's transaction: one notification per matching active rule, in the
    customer's language (English otherwise), timed by the rule's lead before the
    delivery window, never inside the customer's quiet hours; opt-outs are recorded as
    skipped."""
    now = now or timezone.now()
    rules = NotificationRule.objects.filter(active=True, event=event).prefetch_related(
        "tiers", "templates"
    )
    created = []
    for rule in rules:
        tiers = {t.pk for t in rule.tiers.all()}
        if tiers and customer.tier_id not in tiers:
            continue
        template = _template_for(rule, customer.language)
        if template is None:
            continue
        recipient, reason = _recipient(rule, customer)
        send_at = now
        if rule.lead_minutes and window_start:
            send_at = max(now, window_start - timedelta(minutes=rule.lead_minutes))
        if rule.channel != Channel.WEBHOOK:
            send_at = quiet_until(send_at, customer.timezone)
        try:
            subject, body = render(template.subject, values), render(template.body, values)
        except TemplateProblem as exc:
            # A broken template never blocks the event that caused it: the failure is
            # recorded on a notification staff see, and nothing is sent.
            subject, body, reason = rule.name, "", str(exc)[:500]
        created.append(
            Notification.objects.create(
                channel=_channel_for(rule, customer),
                recipient=recipient or "-",
                rule=rule,
                customer=customer,
                order=order,
                request=request,
                subject=subject[:250],
                body=body,
                state=DeliveryState.SKIPPED if reason else DeliveryState.PENDING,
                last_error=reason,
                next_attempt_at=send_at,
            )
        )
    return created


def preview_rule(*, rule: NotificationRule, customer) -> dict[str, str]:
    """What the rule would send this customer, with sample order data."""
    template = _template_for(rule, customer.language)
    if template is None:
        raise ValueError("the rule has no template")
    now = timezone.now()
    values = {
        "customer_name": customer.name,
        "order_id": "SAMPLE-1",
        "event": rule.event,
        "window_start": (now + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "window_end": (now + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M"),
        "courier_phone": "+370 600 00000",
        "new_date": (now + timedelta(days=2)).date().isoformat(),
        "note": "",
        "request_reference": "REQ-000123",
        "request_subject": "Sample request",
    }
    recipient, reason = _recipient(rule, customer)
    return {
        "language": template.language,
        "recipient": recipient,
        "not_sent_because": reason,
        "subject": render(template.subject, values),
        "body": render(template.body, values),
    }
