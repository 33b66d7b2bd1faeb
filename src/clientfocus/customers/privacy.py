"""Erasure on request and retention (GDPR art. 17 and 5(1)(e)).

Erasure anonymises one customer everywhere: the customers app clears the profile and
contacts, and every app above removes the text it holds (``erasers``): messages,
attachments, comments, notification bodies, raw e-mail. What is counted stays (request
states and times, scores, order amounts, value figures), so reports do not change. It is
recorded with who and why, and refused while a legal hold is set.

Retention anonymises, on the worker, the text of closed requests, messages and feedback
older than the configured period, app by app (``retention_sweeps``); the privacy page
shows what the next run will remove."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.extensions import ExtensionPoint
from clientfocus.customers.access import record_access
from clientfocus.customers.models import (
    AccessAction,
    Customer,
    CustomerEvent,
    Erasure,
    RetentionPolicy,
)
from clientfocus.customers.permissions import can_export_customers

# What replaces removed text, in every app.
REDACTED = "[removed]"
ERASED_NAME = "Erased customer"
MAX_REASON = 500
# Retention shorter than this is a typing mistake, not a policy (requests must be worked on).
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 36500
# Rows anonymised per sweep and app in one transaction.
SWEEP_BATCH = 500

erasers: ExtensionPoint[Callable[[Customer], dict[str, int]]] = ExtensionPoint(
    "customers.erasers",
    "Remove what an app holds about one customer; returns what was removed, by kind.",
)


@dataclass(frozen=True)
class RetentionSweep:
    """One app's part of retention: ``expired(cutoff)`` = its rows older than the period
    and not yet anonymised, dated by the field ``dated_by``; ``anonymise(rows)`` removes
    their text and returns how many rows it changed."""

    label: str
    expired: Callable[[datetime], QuerySet]
    dated_by: str
    anonymise: Callable[[QuerySet], int]

    def pending(self, cutoff: datetime) -> tuple[int, datetime | None]:
        """(how many, oldest date) the next run would anonymise."""
        rows = self.expired(cutoff)
        return rows.count(), rows.aggregate(oldest=Min(self.dated_by))["oldest"]

    def run(self, cutoff: datetime, limit: int) -> int:
        """Anonymise the oldest ``limit`` of them; returns how many."""
        rows = self.expired(cutoff)
        batch = list(rows.order_by(self.dated_by, "pk").values_list("pk", flat=True)[:limit])
        return self.anonymise(rows.model._default_manager.filter(pk__in=batch))


retention_sweeps: ExtensionPoint[RetentionSweep] = ExtensionPoint(
    "customers.retention_sweeps",
    "What an app anonymises when it is older than the retention period.",
)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason", "say why (the request or the legal ground) — it is recorded")
    if len(reason) > MAX_REASON:
        raise ServiceError("reason", f"the reason is longer than {MAX_REASON} characters")
    return reason


def set_legal_hold(customer: Customer, *, actor, hold: bool, reason: str = "") -> Customer:
    """Set or lift the legal hold (administrators; ``actor`` None = the command line);
    setting one needs a reason."""
    if actor is not None and not can_export_customers(actor):
        raise NotAllowed("legal holds are set by administrators")
    reason = _reason(reason) if hold else (reason or "").strip()[:MAX_REASON]
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.legal_hold == hold:
            return locked
        locked.legal_hold = hold
        locked.legal_hold_reason = reason if hold else ""
        locked.save(update_fields=["legal_hold", "legal_hold_reason", "updated_at"])
        CustomerEvent.objects.create(
            customer=locked,
            kind="legal_hold_set" if hold else "legal_hold_lifted",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            data={"reason": reason},
        )
    return locked


def erase_customer(customer: Customer, *, actor, reason: str, via: str) -> Erasure:
    """Anonymise the customer everywhere, in one transaction; returns the record of it.
    ``actor`` None = the operator's command line."""
    if actor is not None and not can_export_customers(actor):
        raise NotAllowed("erasure is done by administrators")
    reason = _reason(reason)
    person = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.legal_hold:
            raise ServiceError(
                "legal_hold",
                "a legal hold is set on this customer"
                + (f" ({locked.legal_hold_reason})" if locked.legal_hold_reason else "")
                + ": lift it before erasing",
            )
        # The apps first: some find what they hold through the contacts (e-mail senders).
        removed: dict[str, int] = {}
        for erase in erasers:
            for kind, count in erase(locked).items():
                removed[kind] = removed.get(kind, 0) + count
        removed["contacts"] = locked.contacts.count()
        locked.contacts.all().delete()
        locked.name = f"{ERASED_NAME} {str(locked.public_id)[:8]}"
        locked.notes = ""
        locked.external_ref = ""
        locked.consent_email = locked.consent_sms = locked.consent_marketing = False
        locked.preferred_channel = ""
        locked.erased_at = timezone.now()
        locked.feedback_link_version += 1  # links already sent stop working
        locked.save()
        # The record's history keeps what happened, not the values (old names, e-mails).
        removed["history entries"] = CustomerEvent.objects.filter(customer=locked).update(data={})
        CustomerEvent.objects.create(
            customer=locked,
            kind="erased",
            actor=person,
        )
        record_access(actor=actor, customer=locked, action=AccessAction.ERASED, via=via)
        return Erasure.objects.create(
            customer=locked,
            actor=person,
            reason=reason,
            via=via[:40],
            removed={k: v for k, v in removed.items() if v},
        )


# Retention ------------------------------------------------------------------------------


def retention_policy() -> RetentionPolicy:
    policy, _ = RetentionPolicy.objects.get_or_create(pk=1)
    return policy


def set_retention(days: int, *, actor) -> RetentionPolicy:
    """0 = off; otherwise between MIN_RETENTION_DAYS and MAX_RETENTION_DAYS."""
    if actor is not None and not can_export_customers(actor):
        raise NotAllowed("retention is set by administrators")
    if days != 0 and not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ServiceError(
            "days",
            f"keep text for 0 days (off) or {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days",
        )
    policy = retention_policy()
    policy.days = days
    policy.changed_by = actor if getattr(actor, "is_authenticated", False) else None
    policy.changed_at = timezone.now()
    policy.save()
    return policy


def retention_cutoff(policy: RetentionPolicy, now: datetime | None = None) -> datetime | None:
    if not policy.days:
        return None
    return (now or timezone.now()) - timedelta(days=policy.days)


@dataclass
class PendingRemoval:
    label: str
    count: int
    oldest: datetime | None


def retention_preview(
    policy: RetentionPolicy | None = None, *, now: datetime | None = None
) -> list[PendingRemoval]:
    """What the next run will anonymise, per kind (nothing when retention is off)."""
    cutoff = retention_cutoff(policy or retention_policy(), now)
    if cutoff is None:
        return []
    return [PendingRemoval(s.label, *s.pending(cutoff)) for s in retention_sweeps]


def apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Anonymise everything older than the period, in batches; returns counts per kind."""
    policy = retention_policy()
    cutoff = retention_cutoff(policy, now)
    removed: dict[str, int] = {}
    if cutoff is not None:
        for sweep in retention_sweeps:
            total = 0
            while True:
                with transaction.atomic():
                    done = sweep.run(cutoff, SWEEP_BATCH)
                total += done
                if done < SWEEP_BATCH:
                    break
            removed[sweep.label] = total
    RetentionPolicy.objects.filter(pk=policy.pk).update(
        last_run_at=timezone.now(), last_run_removed=removed
    )
    return removed
