"""Recording, understanding and acting on what customers say."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.voice import analysis
from clientfocus.voice.models import (
    SCORE_RANGES,
    Alert,
    AlertSubscription,
    ClassifierModel,
    FeedbackItem,
    FollowUp,
    FollowUpState,
    InvitationState,
    Sentiment,
    Source,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    TagSource,
    Theme,
    ThemeTag,
    is_detractor,
)

HARD_LIMIT_CHARS = 100_000  # beyond this a comment is refused, below it capped
COMMENT_WINDOW = timedelta(hours=24)  # a survey answer may get its comment this long after
SURVEY_SALT = "clientfocus.voice.survey"
FEEDBACK_LINK_SALT = "clientfocus.voice.feedback"


# -- the analyser, one per process ----------------------------------------------------------

_detector: analysis.LanguageDetector | None = None
_analyser: tuple[float, tuple, analysis.Analyzer] | None = None
_lock = threading.Lock()
ANALYSER_CACHE_SECONDS = 10.0


def detector() -> analysis.LanguageDetector:
    global _detector
    with _lock:
        if _detector is None:
            _detector = analysis.LanguageDetector(settings.VOICE_LANGUAGES)
        return _detector


def _model_key() -> bytes:
    return ("clientfocus.voice.model:" + settings.SECRET_KEY).encode()


def _state() -> tuple:
    themes = tuple(Theme.objects.filter(active=True).values_list("code", "keywords"))
    model_id = ClassifierModel.objects.values_list("id", flat=True).first()
    return themes, model_id


def analyser() -> analysis.Analyzer:
    """The analyser for the active themes and newest classifier; rebuilt when either
    changes (checked at most every ANALYSER_CACHE_SECONDS, at once after an edit here)."""
    global _analyser
    cached = _analyser
    if cached is not None and time.monotonic() - cached[0] < ANALYSER_CACHE_SECONDS:
        return cached[2]
    state = _state()
    if cached is not None and cached[1] == state:
        _analyser = (time.monotonic(), state, cached[2])
        return cached[2]
    themes, model_id = state
    rules = [
        analysis.ThemeRule(code, code, analysis.parse_keywords(keywords))
        for code, keywords in themes
    ]
    model = None
    if model_id is not None:
        blob = ClassifierModel.objects.values_list("blob", flat=True).get(pk=model_id)
        try:
            model = analysis.loads(bytes(blob), _model_key())
        except Exception:  # a model signed with another key, or unreadable: rules only
            model = None
    built = analysis.Analyzer(rules, detector=detector(), model=model)
    _analyser = (time.monotonic(), state, built)
    return built


def forget_analyser() -> None:
    global _analyser
    _analyser = None


# -- recording --------------------------------------------------------------------------------


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
        from clientfocus.value.models import CustomerValue

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


def _take_fields(item: FeedbackItem, result: analysis.Analysis) -> None:
    """An analysis's language and sentiment on the (unsaved) item; a staff sentiment stays."""
    item.language = result.language or ""
    if not item.sentiment_by_staff:
        item.sentiment = result.sentiment
        item.sentiment_score = result.sentiment_score
        item.angry = result.angry
    item.truncated = item.truncated or result.truncated


def _apply(item: FeedbackItem, result: analysis.Analysis, *, themes: dict[str, Theme]) -> None:
    """Store an analysis on an item, leaving staff decisions alone."""
    _take_fields(item, result)
    _store_tags(item, result, themes=themes)


def _store_tags(item: FeedbackItem, result: analysis.Analysis, *, themes: dict[str, Theme]) -> None:
    """The analysis's themes as rule/model tags of a saved item; staff tags stay."""
    existing = {t.theme_id: t for t in item.tags.all()} if item.pk else {}
    wanted = {themes[c].pk: c for c in result.themes if c in themes}
    for theme_id, tag in existing.items():
        if tag.source == TagSource.STAFF:
            continue
        if theme_id not in wanted:
            tag.delete()
    new_tags: list[ThemeTag] = []
    for theme_id, code in wanted.items():
        found: ThemeTag | None = existing.get(theme_id)
        if found is not None and found.source == TagSource.STAFF:
            continue
        source = TagSource.MODEL if result.sources.get(code) == "model" else TagSource.RULE
        if found is not None:
            found.source, found.confidence = source, result.confidence.get(code, 1.0)
            found.save(update_fields=["source", "confidence"])
        else:
            new_tags.append(
                ThemeTag(
                    item=item,
                    theme_id=theme_id,
                    source=source,
                    confidence=result.confidence.get(code, 1.0),
                    created_at=item.created_at,
                )
            )
    ThemeTag.objects.bulk_create(new_tags)


def active_themes() -> dict[str, Theme]:
    return {t.code: t for t in Theme.objects.filter(active=True)}


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


def analyse_texts(texts: list[str]) -> list[analysis.Analysis]:
    """Tag texts without storing them (the CLI and the preview)."""
    return analyser().analyse_many(texts)


# -- corrections ------------------------------------------------------------------------------


def _mark_reviewed(item: FeedbackItem, actor) -> None:
    item.reviewed_at = timezone.now()
    item.reviewed_by = actor
    item.save(update_fields=["reviewed_at", "reviewed_by", "sentiment", "sentiment_by_staff"])


@transaction.atomic
def set_theme(*, item: FeedbackItem, theme: Theme, present: bool, actor) -> ThemeTag:
    """Staff say a theme is (or is not) in this comment. Kept as a staff tag: later
    re-tagging leaves it alone, and the classifier learns from it."""
    tag, _created = ThemeTag.objects.update_or_create(
        item=item,
        theme=theme,
        defaults={
            "source": TagSource.STAFF,
            "active": present,
            "confidence": 1.0,
            "set_by": actor,
            "set_at": timezone.now(),
            "created_at": item.created_at,
        },
    )
    _mark_reviewed(item, actor)
    return tag


@transaction.atomic
def set_sentiment(*, item: FeedbackItem, sentiment: str, actor) -> FeedbackItem:
    if sentiment not in Sentiment.values:
        raise ServiceError("sentiment", f"one of {', '.join(Sentiment.values)}")
    item.sentiment = sentiment
    item.sentiment_by_staff = True
    if sentiment != Sentiment.NEGATIVE:
        item.angry = False
    item.save(update_fields=["angry"])
    _mark_reviewed(item, actor)
    return item


def confirm(*, item: FeedbackItem, actor) -> FeedbackItem:
    """Staff agree with the tags as they stand: the item becomes a training example."""
    item.sentiment_by_staff = True
    _mark_reviewed(item, actor)
    return item


def training_examples() -> list[analysis.Example]:
    """Reviewed items: their active tags (any source: a reviewer saw them) and sentiment."""
    items = FeedbackItem.objects.filter(reviewed_at__isnull=False).exclude(text="")
    active: dict[int, set[str]] = {}
    for item_id, code in ThemeTag.objects.filter(
        item__reviewed_at__isnull=False, active=True
    ).values_list("item_id", "theme__code"):
        active.setdefault(item_id, set()).add(code)
    return [
        analysis.Example(
            text=text,
            themes=frozenset(active.get(pk, ())),
            sentiment=sentiment if by_staff else None,
        )
        for pk, text, sentiment, by_staff in items.values_list(
            "pk", "text", "sentiment", "sentiment_by_staff"
        )
    ]


def train_classifier() -> ClassifierModel:
    """Fit the classifiers on every reviewed comment and make them the ones in use."""
    examples = training_examples()
    model = analysis.train(examples, theme_codes=list(active_themes()))
    stored = ClassifierModel.objects.create(
        examples=len(examples),
        blob=analysis.dumps(model, _model_key()),
        metrics={**model.metrics, "themes_with_classifier": sorted(model.theme_models)},
    )
    ClassifierModel.objects.exclude(pk=stored.pk).filter(
        pk__in=ClassifierModel.objects.order_by("-created_at").values_list("pk", flat=True)[5:]
    ).delete()
    forget_analyser()
    return stored


def retag(*, since: datetime | None = None, batch: int = 1000) -> int:
    """Re-analyse unreviewed items (staff tags and sentiments stay). Returns how many."""
    forget_analyser()
    themes = active_themes()
    items = FeedbackItem.objects.filter(reviewed_at__isnull=True).exclude(text="")
    if since is not None:
        items = items.filter(created_at__gte=since)
    done = 0
    last_pk = 0
    while True:
        chunk = list(items.filter(pk__gt=last_pk).order_by("pk").prefetch_related("tags")[:batch])
        if not chunk:
            return done
        results = analyser().analyse_many([i.text for i in chunk])
        with transaction.atomic():
            for item, result in zip(chunk, results, strict=True):
                _apply(item, result, themes=themes)
                FeedbackItem.objects.filter(pk=item.pk).update(
                    language=item.language,
                    sentiment=item.sentiment,
                    sentiment_score=item.sentiment_score,
                    angry=item.angry,
                )
        done += len(chunk)
        last_pk = chunk[-1].pk


# -- follow-ups -------------------------------------------------------------------------------


def _notice(user, text: str, link: str, kind: str) -> None:
    from clientfocus.service.models import AgentNotice

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
    from clientfocus.service.permissions import can_see_overview

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
    from clientfocus.notify.services import enqueue

    channel, recipient = _customer_address(customer)
    if not recipient:
        return False
    with translation.override(customer.language):
        subject = _("About your feedback")
    enqueue(channel=channel, recipient=recipient, subject=subject, body=body, customer=customer)
    return True


def sweep_follow_ups(*, now: datetime | None = None) -> int:
    """Tell owners and managers about follow-ups past their target (once each)."""
    from clientfocus.people.models import Employee, Role

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


# -- surveys ----------------------------------------------------------------------------------


class LinkProblem(Exception):
    """A link that cannot be used; ``reason`` is forged | expired | used | revoked | busy."""

    STATUS = {"forged": 404, "expired": 410, "used": 409, "revoked": 410, "busy": 429}

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def status(self) -> int:
        """The HTTP status the page and the API answer with."""
        return self.STATUS.get(self.reason, 404)


def _customer_address(customer) -> tuple[str, str]:
    """(channel, recipient) on the customer's channel, or ("", "") when we may not."""
    email, phone = customer.primary_email, customer.primary_phone
    prefers_sms = customer.preferred_channel == "sms"
    if prefers_sms and customer.consent_sms and phone:
        return "sms", phone
    if customer.consent_email and email:
        return "email", email
    if customer.consent_sms and phone:
        return "sms", phone
    return "", ""


def survey_token(invitation: SurveyInvitation) -> str:
    return signing.dumps(invitation.pk, salt=SURVEY_SALT, compress=False)


def survey_url(invitation: SurveyInvitation, score: int | None = None) -> str:
    url = f"{settings.PUBLIC_BASE_URL}/s/{survey_token(invitation)}/"
    return url if score is None else f"{url}?score={score}"


def question(kind: str) -> str:
    return {
        "nps": _("How likely are you to recommend us to a friend or colleague?"),
        "csat": _("How satisfied are you with how we helped you?"),
        "ces": _("How much effort did it take to get what you needed?"),
    }[kind]


def scale_labels(kind: str) -> tuple[str, str]:
    return {
        "nps": (_("not at all likely"), _("extremely likely")),
        "csat": (_("very dissatisfied"), _("very satisfied")),
        "ces": (_("very little effort"), _("a great deal of effort")),
    }[kind]


def _survey_message(invitation: SurveyInvitation, channel: str) -> tuple[str, str]:
    kind = invitation.survey.kind
    low, high = SCORE_RANGES[kind]
    with translation.override(invitation.language):
        subject = _("One question about your experience")
        low_label, high_label = scale_labels(kind)
        head = question(kind)
        if channel == "sms":
            return subject, f"{head} {survey_url(invitation)}"
        lines = [
            head,
            f"{low} = {low_label}, {high} = {high_label}",
            "",
            _("Click your answer:"),
        ]
        lines += [f"{n}: {survey_url(invitation, n)}" for n in range(low, high + 1)]
        lines += ["", _("You can add a comment after answering. Thank you!")]
    return subject, "\n".join(lines)


def _surveys_for(trigger: str, customer) -> Survey | None:
    for survey in Survey.objects.filter(active=True, trigger=trigger).prefetch_related("tiers"):
        tiers = {t.pk for t in survey.tiers.all()}
        if not tiers or customer.tier_id in tiers:
            return survey
    return None


def invite(
    *, trigger: str, customer, request=None, order=None, now: datetime | None = None
) -> SurveyInvitation | None:
    """In the caller's transaction: invite the customer to the survey for this event,
    unless they were surveyed within the survey's minimum interval. The message goes
    out through the outbox on their channel, in their language, outside quiet hours."""
    from clientfocus.notify.models import DeliveryState, Notification
    from clientfocus.notify.services import _quiet_until

    if customer is None:
        return None
    survey = _surveys_for(trigger, customer)
    if survey is None:
        return None
    now = now or timezone.now()
    recent = SurveyInvitation.objects.filter(
        customer=customer,
        created_at__gte=now - timedelta(days=survey.min_days_between),
    ).exclude(state=InvitationState.SKIPPED)
    if recent.exists():
        return None
    language = customer.language if customer.language in {"en", "ru", "lt", "sl", "hi"} else "en"
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        customer=customer,
        request=request,
        order=order,
        language=language,
        created_at=now,
        expires_at=now + timedelta(days=survey.valid_days),
    )
    channel, recipient = _customer_address(customer)
    if not recipient:
        invitation.state = InvitationState.SKIPPED
        invitation.save(update_fields=["state"])
        return invitation
    subject, body = _survey_message(invitation, channel)
    invitation.notification = Notification.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject[:250],
        body=body,
        customer=customer,
        order=order,
        request=request,
        state=DeliveryState.PENDING,
        next_attempt_at=_quiet_until(now, customer.timezone),
        sensitive=True,  # the one-click links answer as the customer: staff never see them
    )
    invitation.save(update_fields=["notification"])
    return invitation


def invitation_from_token(token: str, *, now: datetime | None = None) -> SurveyInvitation:
    try:
        pk = signing.loads(token, salt=SURVEY_SALT)
    except signing.BadSignature as exc:
        raise LinkProblem("forged") from exc
    invitation = (
        SurveyInvitation.objects.select_related("survey", "customer")
        .filter(pk=pk if isinstance(pk, int) else -1)
        .first()
    )
    if invitation is None:
        raise LinkProblem("forged")
    if invitation.expires_at < (now or timezone.now()):
        raise LinkProblem("expired")
    return invitation


def answer_survey(
    *, token: str, score: int, comment: str = "", now: datetime | None = None
) -> SurveyResponse:
    """One answer per link: a second answer (or a forged/expired link) records nothing."""
    invitation = invitation_from_token(token, now=now)
    if SurveyResponse.objects.filter(invitation=invitation).exists():
        raise LinkProblem("used")
    kind = invitation.survey.kind
    low, high = SCORE_RANGES[kind]
    if not isinstance(score, int) or not low <= score <= high:
        raise ServiceError("score", f"a {kind.upper()} score is from {low} to {high}")
    try:
        with transaction.atomic():
            item = record_feedback(
                text=comment,
                source=Source.SURVEY,
                customer=invitation.customer,
                request=invitation.request,
                order=invitation.order,
                score_kind=kind,
                score=score,
            )
            response = SurveyResponse.objects.create(
                invitation=invitation,
                score=score,
                item=item,
                commented_at=timezone.now() if item.text else None,
            )
            SurveyInvitation.objects.filter(pk=invitation.pk).update(state=InvitationState.ANSWERED)
    except IntegrityError as exc:  # a second click raced the first
        raise LinkProblem("used") from exc
    return response


@transaction.atomic
def comment_on_answer(*, token: str, comment: str) -> SurveyResponse:
    """The optional comment after a one-click answer: once, within COMMENT_WINDOW."""
    invitation = invitation_from_token(token)
    response = (
        SurveyResponse.objects.select_for_update()
        .select_related("item")
        .filter(invitation=invitation)
        .first()
    )
    if response is None:
        raise ServiceError("score", _("Choose a score first."))
    if response.commented_at is not None or timezone.now() - response.answered_at > COMMENT_WINDOW:
        raise LinkProblem("used")
    _check_length(comment)
    clean, truncated = analysis.clean_text(comment)
    if not clean:
        raise ServiceError("comment", _("The comment is empty."))
    item = response.item
    item.text, item.truncated = clean, truncated
    result = analyser().analyse(clean)
    _take_fields(item, result)
    item.save()
    _store_tags(item, result, themes=active_themes())
    response.commented_at = timezone.now()
    response.save(update_fields=["commented_at"])
    maybe_follow_up(item)
    return response


def feedback_link_token(customer) -> str:
    """A signed link a customer can use to send feedback without an account. It names
    the link's version: revoking raises the version and every earlier link stops."""
    return signing.dumps(
        [str(customer.public_id), customer.feedback_link_version], salt=FEEDBACK_LINK_SALT
    )


def customer_from_feedback_token(token: str):
    from clientfocus.customers.models import Customer

    try:
        data = signing.loads(token, salt=FEEDBACK_LINK_SALT, max_age=timedelta(days=180))
    except signing.BadSignature as exc:
        raise LinkProblem("forged") from exc
    public_id, version = (data, 0) if isinstance(data, str) else (data[0], data[1])
    customer = Customer.objects.filter(public_id=public_id).first()
    if customer is None:
        raise LinkProblem("forged")
    if version != customer.feedback_link_version:
        raise LinkProblem("revoked")
    return customer


def check_feedback_link_rate(customer, *, now: datetime | None = None) -> None:
    """At most VOICE_FEEDBACK_LINK_DAILY messages a day through a customer's link: an
    angry customer is heard, a script posting in a loop is not."""
    now = now or timezone.now()
    recent = FeedbackItem.objects.filter(
        customer=customer,
        source=Source.CUSTOMER,
        score_kind="",
        created_at__gte=now - timedelta(days=1),
    ).count()
    if recent >= settings.VOICE_FEEDBACK_LINK_DAILY:
        raise LinkProblem("busy")


@transaction.atomic
def revoke_feedback_link(*, actor, customer):
    """Stop every personal feedback link sent so far (the next one sent works)."""
    from clientfocus.customers.models import Customer, CustomerEvent
    from clientfocus.customers.permissions import can_edit_customers

    if not can_edit_customers(actor):
        raise NotAllowed("you may not change this customer's links")
    Customer.objects.filter(pk=customer.pk).update(
        feedback_link_version=F("feedback_link_version") + 1
    )
    customer.refresh_from_db(fields=["feedback_link_version"])
    CustomerEvent.objects.create(customer=customer, kind="feedback_link_revoked", actor=actor)
    return customer


@transaction.atomic
def send_feedback_link(*, actor, customer):
    """E-mail the customer their personal feedback link (staff never see it)."""
    from clientfocus.customers.permissions import can_edit_customers
    from clientfocus.notify.models import DeliveryState, Notification

    if not can_edit_customers(actor):
        raise NotAllowed("you may not send this customer's links")
    address = customer.primary_email
    with translation.override(customer.language or "en"):
        subject = translation.gettext("Tell us what you think")
        body = (
            translation.gettext("You can tell us anything, any time, at this personal link:")
            + f"\n\n{settings.PUBLIC_BASE_URL}/feedback/{feedback_link_token(customer)}/"
        )
    return Notification.objects.create(
        channel="email",
        recipient=address or "-",
        customer=customer,
        subject=subject,
        body=body,
        sensitive=True,
        state=DeliveryState.PENDING if address else DeliveryState.SKIPPED,
        last_error="" if address else "no e-mail address",
    )


# -- themes -----------------------------------------------------------------------------------


def save_theme(
    *,
    actor,
    name: str,
    keywords: str,
    code: str = "",
    theme: Theme | None = None,
    active: bool = True,
) -> Theme:
    from django.utils.text import slugify

    from clientfocus.service.permissions import can_see_overview

    if not can_see_overview(actor):
        raise NotAllowed(_("Only managers edit the taxonomy."))
    name = name.strip()
    if not name:
        raise ServiceError("name", _("A theme needs a name."))
    if len(name) > 80:
        raise ServiceError("name", _("At most 80 characters."))
    parsed = analysis.parse_keywords(keywords)
    if theme is None:
        code = slugify(code or name)[:40] or slugify(name, allow_unicode=True)[:40]
        if not code:
            raise ServiceError("code", _("Give the theme a code in Latin letters."))
        if Theme.objects.filter(code=code).exists():
            raise ServiceError("code", _("A theme with this code exists."))
        theme = Theme(code=code, position=Theme.objects.count())
    theme.name = name
    theme.keywords = "\n".join(parsed)
    theme.active = active
    theme.save()
    forget_analyser()
    return theme


# -- trends and alerts ------------------------------------------------------------------------

RECENT_DAYS = 7
BASELINE_WINDOWS = 8


def theme_counts(*, now: datetime) -> list:
    from clientfocus.voice.trends import ThemeCounts

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
    from clientfocus.voice.trends import Settings, detect

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
    from clientfocus.notify.services import enqueue

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
    from clientfocus.service.permissions import can_see_overview

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


# -- digest -----------------------------------------------------------------------------------


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
    from clientfocus.voice import selectors

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
    from clientfocus.voice.models import Digest

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
    from django.contrib.auth import get_user_model

    from clientfocus.notify.services import enqueue

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
