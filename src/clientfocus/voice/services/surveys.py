"""Surveys after a resolved request or a delivered order, their signed links, answers and
comments, and personal feedback links."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer, CustomerEvent
from clientfocus.customers.permissions import can_edit_customers
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.notify.services import quiet_until
from clientfocus.voice import analysis
from clientfocus.voice.models import (
    SCORE_RANGES,
    FeedbackItem,
    InvitationState,
    Source,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from clientfocus.voice.services.feedback import _check_length, record_feedback
from clientfocus.voice.services.follow_ups import _customer_address, maybe_follow_up
from clientfocus.voice.services.tagging import _store_tags, _take_fields, active_themes, analyser

COMMENT_WINDOW = timedelta(hours=24)  # a survey answer may get its comment this long after


SURVEY_SALT = "clientfocus.voice.survey"


FEEDBACK_LINK_SALT = "clientfocus.voice.feedback"


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
        next_attempt_at=quiet_until(now, customer.timezone),
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
        .filter(pk=pk if isinstance(pk, int) else -1, customer__isnull=False)
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
        SurveyResponse.objects.select_for_update(of=("self",))
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
    if item is None:  # an employee's internal answer: never reached by a customer link
        raise LinkProblem("forged")
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
