"""Template filters: time left on a target, event labels."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clientfocus.core.texts import text_in

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}


@register.filter
def time_left(due: datetime | None) -> str:
    """'2 h 5 min left' or 'overdue by 12 min'; '' when no clock runs."""
    if due is None:
        return ""
    seconds = (due - timezone.now()).total_seconds()
    if seconds >= 0:
        return _("%(span)s left") % {"span": _span(seconds)}
    return _("overdue by %(span)s") % {"span": _span(seconds)}


@register.filter
def is_overdue(due: datetime | None) -> bool:
    return due is not None and due <= timezone.now()


EVENT_LABELS = {
    "opened": gettext_noop("Request opened"),
    "replied": gettext_noop("Replied to the customer"),
    "note_added": gettext_noop("Internal note"),
    "customer_message": gettext_noop("Message from the customer"),
    "state_changed": gettext_noop("State changed"),
    "assigned": gettext_noop("Assigned"),
    "sla_at_risk": gettext_noop("Target at risk"),
    "sla_breached": gettext_noop("Target breached"),
    "created": gettext_noop("Customer record created"),
    "tier_changed": gettext_noop("Tier changed"),
    "erased": gettext_noop("Personal data erased on request"),
    "legal_hold_set": gettext_noop("Legal hold set"),
    "legal_hold_lifted": gettext_noop("Legal hold lifted"),
    "owner_changed": gettext_noop("Owner changed"),
    "profile_updated": gettext_noop("Profile updated"),
    "time_logged": gettext_noop("Time logged"),
    "notification": gettext_noop("Notification"),
    "feedback": gettext_noop("Feedback"),
    "milestone_placed": gettext_noop("Order placed"),
    "milestone_confirmed": gettext_noop("Order confirmed"),
    "milestone_packed": gettext_noop("Order packed"),
    "milestone_shipped": gettext_noop("Order shipped"),
    "milestone_out_for_delivery": gettext_noop("Out for delivery"),
    "milestone_delivered": gettext_noop("Order delivered"),
    "milestone_delayed": gettext_noop("Order delayed"),
    "milestone_cancelled": gettext_noop("Order cancelled"),
    "grant_approved": gettext_noop("Granted"),
    "grant_pending": gettext_noop("Grant waiting for approval"),
    "grant_declined": gettext_noop("Grant declined"),
}


TARGET_LABELS = {
    "first_response": gettext_noop("First response"),
    "next_response": gettext_noop("Next response"),
    "resolution": gettext_noop("Resolution"),
}


@register.filter
def target_label(target: str) -> str:
    return _(TARGET_LABELS.get(target, target))


@register.filter
def event_label(kind: str) -> str:
    return _(EVENT_LABELS.get(kind, kind))


@register.filter
def count_label(value: int, cap: int = 1000) -> str:
    """'999+' for counts that reached the cap."""
    return f"{cap - 1}+" if value >= cap else str(value)


@register.simple_tag(takes_context=True)
def panel(context, shown):
    """Draw a panel another app contributed (``core.extensions.panels_for``) inside this
    page's context, with the panel's own variables on top."""
    panel_template = context.template.engine.get_template(shown.template)
    with context.push(shown.context):
        return panel_template.render(context)


@register.filter
def in_lang(texts, language: str) -> str:
    """``{{ version.names|in_lang:LANGUAGE_CODE }}``: the text in that language, else
    English, else any."""
    return text_in(texts if isinstance(texts, dict) else {}, language)
