"""The voice of the customer over the API: feedback, tags, surveys, follow-ups, alerts,
themes, dashboard and digest."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer
from clientfocus.orders.models import Order
from clientfocus.people.selectors import role_of
from clientfocus.service.models import Request
from clientfocus.service.permissions import can_see_overview, can_see_request
from clientfocus.voice import selectors, services
from clientfocus.voice.models import (
    Alert,
    Digest,
    FeedbackItem,
    FollowUp,
    Survey,
    Theme,
)
from clientfocus.voice.permissions import feedback_visible_to

router = Router(tags=["voice"])


def _employee(user) -> None:
    if role_of(user) is None:
        raise NotAllowed("employees only")


def _manager(user) -> None:
    if not can_see_overview(user):
        raise NotAllowed("managers and administrators only")


class TagOut(Schema):
    theme: str
    name: str
    source: str
    confidence: float
    active: bool
    set_by: str | None


class FeedbackOut(Schema):
    id: int
    text: str
    truncated: bool
    language: str
    sentiment: str
    sentiment_score: float
    angry: bool
    source: str
    score_kind: str
    score: int | None
    customer: UUID | None
    customer_name: str | None
    request: str | None
    order: str | None
    themes: list[str]
    tags: list[TagOut]
    reviewed: bool
    follow_up: int | None
    created_at: AwareDateTime


def feedback_out(item: FeedbackItem) -> dict:
    tags = list(item.tags.all())
    follow_up = FollowUp.objects.filter(item=item).values_list("pk", flat=True).first()
    return {
        "id": item.pk,
        "text": item.text,
        "truncated": item.truncated,
        "language": item.language,
        "sentiment": item.sentiment,
        "sentiment_score": item.sentiment_score,
        "angry": item.angry,
        "source": item.source,
        "score_kind": item.score_kind,
        "score": item.score,
        "customer": item.customer.public_id if item.customer else None,
        "customer_name": item.customer.name if item.customer else None,
        "request": item.request.reference if item.request else None,
        "order": item.order.order_id if item.order else None,
        "themes": [t.theme.name for t in tags if t.active],
        "tags": [
            {
                "theme": t.theme.code,
                "name": t.theme.name,
                "source": t.source,
                "confidence": t.confidence,
                "active": t.active,
                "set_by": t.set_by.get_username() if t.set_by else None,
            }
            for t in tags
        ],
        "reviewed": item.reviewed_at is not None,
        "follow_up": follow_up,
        "created_at": item.created_at,
    }


class FeedbackIn(Input):
    text: str = Field(default="", description="In any language; HTML is reduced to text.")
    source: Literal["employee", "customer", "email", "api"] = "api"
    customer: UUID | None = None
    request: str | None = Field(default=None, description="Reference, e.g. REQ-000123")
    order: str | None = Field(default=None, description="Order id")
    score_kind: Literal["", "nps", "csat", "ces"] = ""
    score: int | None = Field(default=None, ge=-1000, le=1000)


def _links(user, payload) -> dict:
    customer = request = order = None
    if payload.customer:
        customer = Customer.objects.filter(public_id=payload.customer).first()
        if customer is None:
            raise ServiceError("customer", "unknown customer")
    if payload.request:
        try:
            request = Request.objects.by_reference(payload.request)
        except Request.DoesNotExist:
            request = None
        if request is None or not can_see_request(user, request):
            raise ServiceError("request", "unknown request")
    if payload.order:
        order = Order.objects.filter(order_id=payload.order).first()
        if order is None:
            raise ServiceError("order", "unknown order")
    return {"customer": customer, "request": request, "order": order}


@router.post("/feedback", response={201: FeedbackOut})
def record_feedback(request, payload: FeedbackIn):
    """Record feedback: what a customer wrote, or what a customer told an employee.
    Comments over 5,000 characters are kept up to that length (``truncated``: true);
    over 100,000 they are refused."""
    _employee(request.auth)
    item = services.record_feedback(
        text=payload.text,
        source=payload.source,
        actor=request.auth,
        score_kind=payload.score_kind,
        score=payload.score,
        **_links(request.auth, payload),
    )
    return Status(201, feedback_out(item))


class FeedbackFilter(Input):
    theme: str = ""
    sentiment: Literal["", "negative", "neutral", "positive"] = ""
    language: str = ""
    source: str = ""
    score_kind: Literal["", "nps", "csat", "ces"] = ""
    detractors: bool = False
    customer: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str = Field(default="", max_length=200)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10_000_000)


@router.get("/feedback", response=list[FeedbackOut])
def list_feedback(request, filters: Query[FeedbackFilter]):
    """Feedback with its tags, newest first, filtered."""
    _employee(request.auth)
    customer_id = None
    if filters.customer:
        customer_id = (
            Customer.objects.filter(public_id=filters.customer).values_list("pk", flat=True).first()
        )
        if customer_id is None:
            return []
    items = selectors.feedback_list(
        theme=filters.theme,
        sentiment=filters.sentiment,
        language=filters.language,
        source=filters.source,
        score_kind=filters.score_kind,
        detractors=filters.detractors,
        customer_id=customer_id,
        start=filters.since,
        end=filters.until,
        search=filters.q,
    )
    items = feedback_visible_to(request.auth, items)
    return [feedback_out(i) for i in items[filters.offset : filters.offset + filters.limit]]


@router.get("/feedback/{item_id}", response=FeedbackOut)
def get_feedback(request, item_id: int):
    _employee(request.auth)
    visible = feedback_visible_to(request.auth, FeedbackItem.objects.all())
    return feedback_out(visible.get(pk=item_id))


class CorrectionIn(Input):
    theme: str | None = Field(default=None, description="Theme code to set or remove")
    present: bool = True
    sentiment: Literal["negative", "neutral", "positive"] | None = None


@router.post("/feedback/{item_id}/tags", response=FeedbackOut)
def correct_tags(request, item_id: int, payload: CorrectionIn):
    """Correct a theme (``present`` true/false) and/or the sentiment. Kept as the
    staff's decision and used to train the classifier."""
    _employee(request.auth)
    item = feedback_visible_to(request.auth, FeedbackItem.objects.all()).get(pk=item_id)
    if payload.theme is None and payload.sentiment is None:
        raise ServiceError("theme", "give a theme or a sentiment to correct")
    if payload.theme is not None:
        theme = Theme.objects.filter(code=payload.theme).first()
        if theme is None:
            raise ServiceError("theme", f"unknown theme {payload.theme!r}")
        services.set_theme(item=item, theme=theme, present=payload.present, actor=request.auth)
    if payload.sentiment is not None:
        services.set_sentiment(item=item, sentiment=payload.sentiment, actor=request.auth)
    item.refresh_from_db()
    return feedback_out(item)


class TagIn(Input):
    texts: list[str] = Field(min_length=1, max_length=1000)


class TagResultOut(Schema):
    language: str | None
    sentiment: str
    angry: bool
    themes: list[str]
    truncated: bool


@router.post("/analyse", response=list[TagResultOut])
def analyse(request, payload: TagIn):
    """Tag texts without storing them (language, sentiment, theme names)."""
    _employee(request.auth)
    for i, text in enumerate(payload.texts):
        if len(text) > services.HARD_LIMIT_CHARS:
            raise ServiceError(f"texts.{i}", "text longer than 100,000 characters")
    names = dict(Theme.objects.values_list("code", "name"))
    return [
        {**r.as_dict(names), "angry": r.angry, "truncated": r.truncated}
        for r in services.analyse_texts(payload.texts)
    ]


# -- themes -----------------------------------------------------------------------------------


class ThemeOut(Schema):
    code: str
    name: str
    keywords: list[str]
    active: bool


def theme_out(theme: Theme) -> dict:
    return {
        "code": theme.code,
        "name": theme.name,
        "keywords": [k for k in theme.keywords.splitlines() if k.strip()],
        "active": theme.active,
    }


class ThemeIn(Input):
    name: str = Field(min_length=1, max_length=80)
    code: str = Field(default="", max_length=40)
    keywords: list[str] = Field(default_factory=list, max_length=500)
    active: bool = True


@router.get("/themes", response=list[ThemeOut])
def list_themes(request):
    _employee(request.auth)
    return [theme_out(t) for t in Theme.objects.all()]


@router.post("/themes", response={201: ThemeOut})
def create_theme(request, payload: ThemeIn):
    theme = services.save_theme(
        actor=request.auth,
        name=payload.name,
        code=payload.code,
        keywords="\n".join(payload.keywords),
        active=payload.active,
    )
    return Status(201, theme_out(theme))


@router.put("/themes/{code}", response=ThemeOut)
def update_theme(request, code: str, payload: ThemeIn):
    _manager(request.auth)  # before the lookup: no hint whether a theme exists
    theme = Theme.objects.get(code=code)
    theme = services.save_theme(
        actor=request.auth,
        theme=theme,
        name=payload.name,
        keywords="\n".join(payload.keywords),
        active=payload.active,
    )
    return theme_out(theme)


class TrainOut(Schema):
    examples: int
    metrics: dict


@router.post("/classifier/train", response=TrainOut)
def train(request):
    """Retrain the classifier on every reviewed comment now (the worker does it daily)."""
    _manager(request.auth)
    model = services.train_classifier()
    return {"examples": model.examples, "metrics": model.metrics}


# -- surveys ----------------------------------------------------------------------------------


class SurveyOut(Schema):
    id: int
    name: str
    kind: str
    trigger: str
    tiers: list[str]
    min_days_between: int
    valid_days: int
    active: bool


@router.get("/surveys", response=list[SurveyOut])
def list_surveys(request):
    _employee(request.auth)
    return [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "trigger": s.trigger,
            "tiers": [t.code for t in s.tiers.all()],
            "min_days_between": s.min_days_between,
            "valid_days": s.valid_days,
            "active": s.active,
        }
        for s in Survey.objects.prefetch_related("tiers")
    ]


class AnswerIn(Input):
    token: str = Field(min_length=1, max_length=500)
    score: int = Field(ge=-1000, le=1000)
    comment: str = ""


class AnswerOut(Schema):
    score: int
    kind: str
    feedback: int


class LinkError(Schema):
    detail: str


@router.post(
    "/surveys/answer",
    response={201: AnswerOut, 404: LinkError, 409: LinkError, 410: LinkError},
    auth=None,
)
def answer_survey(request, payload: AnswerIn):
    """Answer a survey with the token from its link (no login: the token is signed and
    single-use). 404 forged, 410 expired, 409 already answered, 422 score out of range."""
    try:
        response = services.answer_survey(
            token=payload.token, score=payload.score, comment=payload.comment
        )
    except services.LinkProblem as exc:
        return _link_problem(exc)
    return Status(
        201,
        {
            "score": response.score,
            "kind": response.invitation.survey.kind,
            "feedback": response.item_id,
        },
    )


LINK_DETAIL = {
    "used": "this survey has already been answered",
    "expired": "this survey link has expired",
    "forged": "this survey link is not valid",
}


def _link_problem(exc: "services.LinkProblem"):
    return Status(exc.status, {"detail": LINK_DETAIL.get(exc.reason, LINK_DETAIL["forged"])})


# -- follow-ups -------------------------------------------------------------------------------


class FollowUpOut(Schema):
    id: int
    feedback: int
    customer: UUID | None
    customer_name: str | None
    owner: str | None
    reason: str
    state: str
    due_at: AwareDateTime
    overdue: bool
    outcome: str
    closed_at: AwareDateTime | None
    customer_notified: bool


def follow_up_out(f: FollowUp) -> dict:

    return {
        "id": f.pk,
        "feedback": f.item_id,
        "customer": f.customer.public_id if f.customer else None,
        "customer_name": f.customer.name if f.customer else None,
        "owner": f.owner.get_username() if f.owner else None,
        "reason": f.reason,
        "state": f.state,
        "due_at": f.due_at,
        "overdue": f.state == "open" and f.due_at < timezone.now(),
        "outcome": f.outcome,
        "closed_at": f.closed_at,
        "customer_notified": f.customer_notified,
    }


@router.get("/follow-ups", response=list[FollowUpOut])
def list_follow_ups(request, state: Literal["open", "closed", ""] = "open", mine: bool = False):
    """Follow-ups of unhappy customers (managers see all; others their own)."""
    _employee(request.auth)
    items = FollowUp.objects.select_related("customer", "owner")
    if mine or not can_see_overview(request.auth):
        items = items.filter(owner=request.auth)
    if state:
        items = items.filter(state=state)
    return [follow_up_out(f) for f in items[:500]]


class CloseIn(Input):
    outcome: str = Field(min_length=1, max_length=5000)
    notify_customer: bool = False


@router.post("/follow-ups/{follow_up_id}/close", response=FollowUpOut)
def close_follow_up(request, follow_up_id: int, payload: CloseIn):
    """Close the loop: what was done; optionally tell the customer (their channel)."""
    _employee(request.auth)
    follow_up = FollowUp.objects.get(pk=follow_up_id)
    if not services.can_close_follow_up(request.auth, follow_up):
        raise Http404
    follow_up = services.close_follow_up(
        follow_up=follow_up,
        actor=request.auth,
        outcome=payload.outcome,
        notify_customer=payload.notify_customer,
    )
    return follow_up_out(follow_up)


# -- alerts -----------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    theme: str
    theme_name: str
    kind: str
    group: str = Field(description='"" for all customers, "tier:<code>" or "segment:<code>"')
    window_start: AwareDateTime
    window_end: AwareDateTime
    observed: float
    expected: float
    p_value: float
    statistic: str
    state: str
    action: str
    verbatims: list[FeedbackOut]
    created_at: AwareDateTime


def alert_out(alert: Alert, *, verbatims: bool = True) -> dict:
    return {
        "id": alert.pk,
        "theme": alert.theme.code,
        "theme_name": alert.theme.name,
        "kind": alert.kind,
        "group": alert.group,
        "window_start": alert.window_start,
        "window_end": alert.window_end,
        "observed": alert.observed,
        "expected": alert.expected,
        "p_value": alert.p_value,
        "statistic": alert.statistic,
        "state": alert.state,
        "action": alert.action,
        "verbatims": [feedback_out(i) for i in alert.items.all()[:20]] if verbatims else [],
        "created_at": alert.created_at,
    }


@router.get("/alerts", response=list[AlertOut])
def list_alerts(request, state: Literal["", "open", "acknowledged", "closed"] = ""):
    _manager(request.auth)
    alerts = Alert.objects.select_related("theme")
    if state:
        alerts = alerts.filter(state=state)
    return [alert_out(a, verbatims=False) for a in alerts[:200]]


@router.post("/alerts/detect", response=list[AlertOut])
def detect_alerts(request):
    """Run the trend detector now (the worker runs it hourly)."""
    _manager(request.auth)
    return [alert_out(a) for a in services.detect_trends()]


@router.get("/alerts/{alert_id}", response=AlertOut)
def get_alert(request, alert_id: int):
    _manager(request.auth)
    return alert_out(Alert.objects.select_related("theme").get(pk=alert_id))


class AlertActionIn(Input):
    state: Literal["open", "acknowledged", "closed"] = "acknowledged"
    action: str = Field(default="", max_length=5000)


@router.post("/alerts/{alert_id}/action", response=AlertOut)
def act_on_alert(request, alert_id: int, payload: AlertActionIn):
    """Acknowledge or close an alert, saying what was done (shown in the digest)."""
    _manager(request.auth)  # before the lookup: no hint whether an alert exists
    alert = get_object_or_404(Alert.objects.select_related("theme"), pk=alert_id)
    alert = services.act_on_alert(
        alert=alert, actor=request.auth, action=payload.action, state=payload.state
    )
    return alert_out(alert)


# -- dashboard and digest ---------------------------------------------------------------------


@router.get("/dashboard")
def dashboard(
    request,
    weeks: int = Query(12, ge=1, le=104),
    breakdown: Literal["all", "tier", "segment", "queue", "product_line"] = "all",
):
    """Weekly NPS/CSAT/CES per breakdown value, theme volumes and negative share per
    week (figures from the rollups the worker refreshes every five minutes)."""
    _manager(request.auth)
    data = selectors.dashboard(weeks=weeks, dimension=breakdown)
    return _jsonable(data)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.get("/digest")
def latest_digest(request, week: date | None = None):
    """The weekly digest (default: the latest built)."""
    _employee(request.auth)

    digests = Digest.objects.all()
    if week is not None:
        digests = digests.filter(week_start=services.week_start_of(week))
    digest = digests.first()
    if digest is None:
        raise Http404
    return {"week_start": digest.week_start.isoformat(), "sent_at": digest.sent_at, **digest.data}
