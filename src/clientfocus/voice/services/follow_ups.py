"""Follow-ups: a detractor or a complaint gets an owner and a deadline; closing one may
tell the customer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.notify.services import customer_address, enqueue
from clientfocus.people.models import Employee, Role
from clientfocus.service.models import AgentNotice
from clientfocus.service.permissions import can_see_overview
from clientfocus.voice import analysis
from clientfocus.voice.models import (
    FeedbackItem,
    FollowUp,
    FollowUpState,
    is_detractor,
)


def _notice(user, text: str, link: str, kind: str) -> None:
    AgentNotice.objects.create(recipient=user, kind=kind, text=text[:300], link=link)


def maybe_follow_up(item: FeedbackItem) -> FollowUp | None:
    """A detractor's score or an angry comment gets a follow-up for the customer's owner
    (else the request's assignee) with a response target."""
    if FollowUp.objects.filter(item=item).exists():
        return None
    reason = ""
    if is_detractor(item.score_kind, item.score):
        reason = "detractor"
    elif item.angry:
        reason = "angry"
    if not reason:
        return None
    customer = item.customer
    owner = None
    if customer is not None and customer.owner_id:
        owner = customer.owner
    elif item.request is not None and item.request.assignee_id:
        owner = item.request.assignee
    follow_up = FollowUp.objects.create(
        item=item,
        customer=customer,
        owner=owner,
        reason=reason,
        due_at=timezone.now() + timedelta(hours=settings.VOICE_FOLLOW_UP_HOURS),
    )
    if owner is not None:
        who = customer.name if customer else _("a customer")
        _notice(
            owner,
            _("Follow up with %(who)s: %(reason)s feedback") % {"who": who, "reason": reason},
            f"/voice/follow-ups/{follow_up.pk}/",
            "voice_follow_up",
        )
    return follow_up


def can_close_follow_up(user, follow_up: FollowUp) -> bool:
    return follow_up.owner_id == getattr(user, "pk", None) or can_see_overview(user)


@transaction.atomic
def close_follow_up(
    *, follow_up: FollowUp, actor, outcome: str, notify_customer: bool = False
) -> FollowUp:
    """Record how the loop was closed; optionally tell the customer (their channel)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not can_close_follow_up(actor, follow_up):
        raise NotAllowed(_("Only the owner or a manager closes this follow-up."))
    if follow_up.state == FollowUpState.CLOSED:
        raise ServiceError("state", _("This follow-up is already closed."))
    outcome, _cut = analysis.clean_text(outcome, limit=2000)
    if not outcome:
        raise ServiceError("outcome", _("Say what was done."))
    follow_up.state = FollowUpState.CLOSED
    follow_up.outcome = outcome
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    if notify_customer and follow_up.customer is not None:
        follow_up.customer_notified = _tell_customer(follow_up.customer, outcome)
    follow_up.save()
    return follow_up


def _tell_customer(customer, body: str) -> bool:
    channel, recipient = _customer_address(customer)
    if not recipient:
        return False
    with translation.override(customer.language):
        subject = _("About your feedback")
    enqueue(channel=channel, recipient=recipient, subject=subject, body=body, customer=customer)
    return True


def sweep_follow_ups(*, now: datetime | None = None) -> int:
    """Tell owners and managers about follow-ups past their target (once each)."""

    now = now or timezone.now()
    overdue = list(
        FollowUp.objects.filter(
            state=FollowUpState.OPEN, due_at__lt=now, overdue_notified=False
        ).select_related("customer", "owner")[:500]
    )
    managers = list(
        Employee.objects.filter(role=Role.MANAGER, user__is_active=True).select_related("user")
    )
    for follow_up in overdue:
        who = follow_up.customer.name if follow_up.customer else _("a customer")
        text = _("Follow-up with %(who)s is overdue") % {"who": who}
        recipients = {m.user_id: m.user for m in managers}
        if follow_up.owner is not None:
            recipients[follow_up.owner.pk] = follow_up.owner
        for user in recipients.values():
            _notice(user, text, f"/voice/follow-ups/{follow_up.pk}/", "voice_overdue")
    FollowUp.objects.filter(pk__in=[f.pk for f in overdue]).update(overdue_notified=True)
    return len(overdue)


def _customer_address(customer) -> tuple[str, str]:
    """(channel, recipient) on the customer's channel, or ("", "") when we may not."""
    channel, recipient, _why = customer_address(customer)
    return str(channel), recipient
