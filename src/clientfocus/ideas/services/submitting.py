"""Putting ideas forward (customers in the portal, employees for a customer), editing,
moderating, answering, and the status history with its public messages."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core import throttle
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer
from clientfocus.ideas.models import (
    NEXT_STATUSES,
    TOLD_STATUSES,
    Comment,
    Idea,
    Link,
    ModerationAction,
    ModerationEntry,
    Status,
    StatusChange,
    Visibility,
)
from clientfocus.ideas.permissions import can_act_for_customers, can_decide
from clientfocus.ideas.services.duplicates import propose_duplicates
from clientfocus.ideas.services.loop import tell_askers
from clientfocus.ideas.services.votes import vote
from clientfocus.service.models import Request
from clientfocus.voice import textsearch as search
from clientfocus.voice.models import FeedbackItem, Theme, ThemeTag
from clientfocus.voice.permissions import feedback_visible_to

TITLE_MIN, TITLE_MAX = 5, 200
DESCRIPTION_MAX = 5000
COMMENT_MAX = 3000
MESSAGE_MAX = 2000
LANGUAGES = ("en", "ru", "lt", "sl", "hi")
# A theme turned into an idea links the customers who raised it lately, at most this many.
THEME_DAYS, THEME_CUSTOMERS = 90, 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str | None, *, field: str, limit: int, minimum: int = 0) -> str:
    text = _CONTROL.sub("", text or "").strip()
    if len(text) < minimum:
        raise ServiceError(field, _("write at least %(n)d characters") % {"n": minimum})
    if len(text) > limit:
        raise ServiceError(field, _("at most %(n)d characters") % {"n": limit})
    return text


def _language(language: str | None, customer: Customer | None) -> str:
    language = language or (customer.language if customer else "") or "en"
    return language if language in LANGUAGES else "en"


def _check_sources(customer: Customer, *sources: Request | FeedbackItem | None) -> None:
    """A request or feedback item an idea is linked to must be this customer's."""
    if any(s is not None and s.customer_id != customer.pk for s in sources):
        raise ServiceError("customer", _("the request or feedback is another customer's"))


def index(idea: Idea) -> None:
    """Fill the stems the full-text index reads (call before saving)."""
    idea.search_title, idea.search_body = search.document(
        idea.title, idea.description, idea.language
    )


def submit_idea(
    *,
    title: str,
    description: str = "",
    product_line: str = "",
    language: str | None = None,
    customer: Customer | None = None,
    actor=None,
    request: Request | None = None,
    feedback: FeedbackItem | None = None,
    now=None,
) -> Idea:
    """A new idea. From a customer in the portal (``actor`` None): rate-limited, held for
    approval when IDEAS_HOLD_FOR_APPROVAL; the customer's vote comes with it. From an
    employee (``actor``), for ``customer`` or for nobody: public at once; the request or
    feedback item it came from is linked and the customer's vote recorded."""
    now = now or timezone.now()
    title = _clean(title, field="title", limit=TITLE_MAX, minimum=TITLE_MIN)
    description = _clean(description, field="description", limit=DESCRIPTION_MAX)
    product_line = _clean(product_line, field="product_line", limit=60)
    if actor is not None:
        if not can_act_for_customers(actor):
            raise NotAllowed("agents, managers and administrators add ideas")
        visibility = Visibility.PUBLIC
    else:
        if customer is None:
            raise ServiceError("customer", _("an idea needs a customer or an employee"))
        if throttle.count(f"ideas:{customer.public_id}", 3600) > settings.IDEAS_HOURLY_LIMIT:
            raise ServiceError("title", _("you have suggested many ideas this hour; try later"))
        visibility = Visibility.HELD if settings.IDEAS_HOLD_FOR_APPROVAL else Visibility.PUBLIC
    if customer is not None:
        _check_sources(customer, request, feedback)
    if customer is None and (request is not None or feedback is not None):
        customer = (request or feedback).customer  # type: ignore[union-attr]
    idea = Idea(
        title=title,
        description=description,
        product_line=product_line,
        language=_language(language, customer),
        visibility=visibility,
        customer=customer,
        created_by=actor,
        created_at=now,
    )
    index(idea)
    with transaction.atomic():
        idea.save()
        if customer is not None:
            if request is not None or feedback is not None or actor is not None:
                Link.objects.create(
                    idea=idea,
                    customer=customer,
                    request=request,
                    feedback=feedback,
                    added_by=actor,
                    created_at=now,
                )
            vote(idea=idea, customer=customer, actor=actor)
            idea.refresh_from_db()
        propose_duplicates(idea)
    return idea


def link(
    *,
    actor,
    idea: Idea,
    customer: Customer,
    request: Request | None = None,
    feedback: FeedbackItem | None = None,
    note: str = "",
    with_vote: bool = True,
) -> Link:
    """Record that ``customer`` asked for ``idea`` (in a request, in feedback, on a call):
    they will be told of its outcome; with their vote unless ``with_vote`` is False."""
    if not can_act_for_customers(actor):
        raise NotAllowed("agents, managers and administrators link customers to ideas")
    _check_sources(customer, request, feedback)
    note = _clean(note, field="note", limit=300)
    with transaction.atomic():
        created = Link.objects.create(
            idea=idea,
            customer=customer,
            request=request,
            feedback=feedback,
            note=note,
            added_by=actor,
        )
        if with_vote and not idea.closed:
            vote(idea=idea, customer=customer, actor=actor)
    return created


def idea_from_feedback(
    *, actor, feedback: FeedbackItem, title: str, product_line: str = ""
) -> Idea:
    """Turn a feedback item into an idea: its text the description, its customer linked."""
    return submit_idea(
        title=title,
        description=feedback.text[:DESCRIPTION_MAX],
        product_line=product_line,
        language=feedback.language or None,
        customer=feedback.customer,
        actor=actor,
        feedback=feedback,
    )


def theme_askers(actor, theme: Theme, *, days: int = THEME_DAYS) -> list[FeedbackItem]:
    """Each customer's latest item with ``theme`` in the last ``days`` that ``actor`` may
    see (newest customers first, at most THEME_CUSTOMERS)."""
    since = timezone.now() - timedelta(days=days)
    tagged = ThemeTag.objects.filter(theme=theme, active=True, created_at__gte=since)
    items = feedback_visible_to(actor, FeedbackItem.objects.all()).filter(
        pk__in=tagged.values("item_id"), customer__isnull=False, customer__erased_at__isnull=True
    )
    latest: dict[int, FeedbackItem] = {}
    for item in items.select_related("customer").order_by("-created_at", "-pk").iterator(2000):
        latest.setdefault(item.customer_id, item)  # type: ignore[arg-type]
        if len(latest) == THEME_CUSTOMERS:
            break
    return list(latest.values())


def idea_from_theme(
    *, actor, theme: Theme, title: str, description: str = "", product_line: str = ""
) -> tuple[Idea, int]:
    """Turn what customers keep saying (a voice theme) into an idea: every customer who
    raised it lately is linked through their latest such comment, with their vote (what
    they complained about is what they ask for), so they are told of its outcome.
    Returns the idea and how many customers were linked."""
    if not theme.active:
        raise ServiceError("theme", _("the theme is not active"))
    askers = theme_askers(actor, theme)
    with transaction.atomic():
        idea = submit_idea(
            title=title, description=description, product_line=product_line, actor=actor
        )
        for item in askers:
            link(actor=actor, idea=idea, customer=item.customer, feedback=item)  # type: ignore[arg-type]
    return idea, len(askers)


def edit_idea(
    *, actor, idea: Idea, title: str, description: str, product_line: str, reason: str
) -> Idea:
    if not can_decide(actor):
        raise NotAllowed("managers and administrators edit ideas")
    reason = _clean(reason, field="reason", limit=300, minimum=3)
    idea.title = _clean(title, field="title", limit=TITLE_MAX, minimum=TITLE_MIN)
    idea.description = _clean(description, field="description", limit=DESCRIPTION_MAX)
    idea.product_line = _clean(product_line, field="product_line", limit=60)
    index(idea)
    with transaction.atomic():
        idea.save()
        ModerationEntry.objects.create(
            idea=idea, action=ModerationAction.EDITED, reason=reason, actor=actor
        )
    return idea


def moderate(*, actor, idea: Idea, action: str, reason: str = "") -> Idea:
    """approve (held → public), hide (with a reason, from anywhere), show (hidden → public)."""
    if not can_decide(actor):
        raise NotAllowed("managers and administrators moderate ideas")
    targets = {
        "approve": (Visibility.HELD, Visibility.PUBLIC, ModerationAction.APPROVED),
        "hide": (None, Visibility.HIDDEN, ModerationAction.HIDDEN),
        "show": (Visibility.HIDDEN, Visibility.PUBLIC, ModerationAction.SHOWN),
    }
    if action not in targets:
        raise ServiceError("action", _("choose approve, hide or show"))
    source, target, logged = targets[action]
    if source is not None and idea.visibility != source:
        raise ServiceError("action", _("the idea is not in a state this applies to"))
    reason = _clean(reason, field="reason", limit=300, minimum=3 if action == "hide" else 0)
    with transaction.atomic():
        idea.visibility = target
        idea.moderation_reason = reason
        idea.save(update_fields=["visibility", "moderation_reason", "updated_at"])
        ModerationEntry.objects.create(idea=idea, action=logged, reason=reason or "-", actor=actor)
    return idea


def comment(
    *,
    idea: Idea,
    text: str,
    customer: Customer | None = None,
    actor=None,
    official: bool = False,
) -> Comment:
    text = _clean(text, field="text", limit=COMMENT_MAX, minimum=1)
    if actor is not None:
        if not can_act_for_customers(actor):
            raise NotAllowed("agents, managers and administrators comment")
        if official and not can_decide(actor):
            raise NotAllowed("managers and administrators answer officially")
    elif customer is None:
        raise ServiceError("customer", _("a comment needs an author"))
    else:
        official = False
        if idea.merged_into_id is not None:
            raise ServiceError("idea", _("this idea was merged; comment on the original"))
    with transaction.atomic():
        created = Comment.objects.create(
            idea=idea, customer=customer, author=actor, text=text, official=official
        )
        if official:
            idea.official_response = text
            idea.official_response_at = created.created_at
            idea.save(update_fields=["official_response", "official_response_at", "updated_at"])
    return created


def hide_comment(*, actor, comment: Comment, reason: str) -> Comment:
    if not can_decide(actor):
        raise NotAllowed("managers and administrators moderate comments")
    comment.hidden_reason = _clean(reason, field="reason", limit=300, minimum=3)
    with transaction.atomic():
        comment.save(update_fields=["hidden_reason"])
        ModerationEntry.objects.create(
            idea=comment.idea,
            action=ModerationAction.COMMENT_HIDDEN,
            reason=comment.hidden_reason,
            actor=actor,
        )
    return comment


def change_status(*, actor, idea: Idea, status: str, message: str, now=None) -> StatusChange:
    """Move the idea along (open → under review → planned → in progress → shipped, or
    declined) with a public message; planned, shipped and declined are told to every
    customer who asked (``loop.tell_askers``) in the same transaction."""
    if not can_decide(actor):
        raise NotAllowed("managers and administrators change statuses")
    if status not in Status.values:
        raise ServiceError("status", _("unknown status"))
    if idea.merged_into_id is not None:
        raise ServiceError("status", _("this idea was merged; change the original"))
    if status != idea.status and status not in NEXT_STATUSES[idea.status]:
        raise ServiceError(
            "status",
            _("an idea that is %(old)s cannot become %(new)s")
            % {"old": Status(idea.status).label, "new": Status(status).label},
        )
    message = _clean(message, field="message", limit=MESSAGE_MAX, minimum=3)
    now = now or timezone.now()
    with transaction.atomic():
        change = StatusChange.objects.create(
            idea=idea,
            old_status=idea.status,
            new_status=status,
            message=message,
            changed_by=actor,
            changed_at=now,
        )
        idea.status = status
        idea.status_changed_at = now
        idea.save(update_fields=["status", "status_changed_at", "updated_at"])
        if status in TOLD_STATUSES:
            tell_askers(change, now=now)
    return change
