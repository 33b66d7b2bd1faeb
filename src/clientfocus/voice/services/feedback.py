"""Recording what a customer said: from a survey, a form, an e-mail or an employee who
heard it; analysed and tagged as it is stored."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.value.models import CustomerValue
from clientfocus.voice import analysis
from clientfocus.voice.models import (
    SCORE_RANGES,
    FeedbackItem,
    Source,
)
from clientfocus.voice.services.follow_ups import maybe_follow_up
from clientfocus.voice.services.tagging import _store_tags, _take_fields, active_themes, analyser

HARD_LIMIT_CHARS = 100_000  # beyond this a comment is refused, below it capped


def _check_length(text: str) -> None:
    if len(text) > HARD_LIMIT_CHARS:
        raise ServiceError(
            "text",
            _("The comment has %(n)s characters; at most %(max)s are accepted.")
            % {"n": len(text), "max": HARD_LIMIT_CHARS},
        )


def _snapshot(item: FeedbackItem) -> None:
    customer = item.customer
    if customer is not None:
        item.tier_code = customer.tier.code

        item.segment = (
            CustomerValue.objects.filter(customer=customer)
            .values_list("segment", flat=True)
            .first()
            or ""
        )
    if item.request is not None:
        item.queue_id = item.request.queue_id
    if item.order is not None:
        item.product_line = item.order.product_line[:60]


@transaction.atomic
def record_feedback(
    *,
    text: str,
    source: str,
    actor=None,
    customer=None,
    request=None,
    order=None,
    score_kind: str = "",
    score: int | None = None,
    created_at: datetime | None = None,
) -> FeedbackItem:
    """Store what a customer said (or what an employee heard), analyse it, and open a
    follow-up when it is a detractor's score or an angry comment. Text longer than
    analysis.MAX_CHARS is kept up to that length (``truncated`` says so)."""
    if source not in Source.values:
        raise ServiceError(
            "source", f"unknown source {source!r}; one of {', '.join(Source.values)}"
        )
    _check_length(text)
    clean, truncated = analysis.clean_text(text)
    if score_kind:
        if score_kind not in SCORE_RANGES:
            raise ServiceError("score_kind", f"unknown score kind {score_kind!r}")
        low, high = SCORE_RANGES[score_kind]
        if score is None or not low <= score <= high:
            raise ServiceError("score", f"a {score_kind.upper()} score is from {low} to {high}")
    elif score is not None:
        raise ServiceError("score_kind", "a score needs its kind (nps, csat or ces)")
    if not clean and score is None:
        raise ServiceError("text", _("The feedback is empty."))
    if getattr(actor, "is_authenticated", False) and (
        source == Source.CUSTOMER or score is not None
    ):
        # What counts as the customer's own words and scores comes from the customer's
        # link or portal only; employees record what they heard.
        raise NotAllowed("scores and customer-sourced feedback come from the customer only")
    if request is not None and customer is None:
        customer = request.customer
    if order is not None and customer is None:
        customer = order.customer
    item = FeedbackItem(
        text=clean,
        truncated=truncated,
        source=source,
        score_kind=score_kind,
        score=score,
        customer=customer,
        request=request,
        order=order,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=created_at or timezone.now(),
    )
    _snapshot(item)
    result = analyser().analyse(clean) if clean else None
    if result is not None:
        _take_fields(item, result)
    item.save()
    if result is not None:
        _store_tags(item, result, themes=active_themes())
    maybe_follow_up(item)
    return item
