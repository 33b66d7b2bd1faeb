"""Ideas over the API, for staff: the ranking, similar ideas, adding ideas for
customers, votes, comments, statuses, moderation, merges, duplicates, who asked and the
close-the-loop figures. The same rules as the pages (``ideas.permissions``)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer
from clientfocus.ideas import selectors, services
from clientfocus.ideas.models import (
    DuplicateCandidate,
    DuplicateState,
    Idea,
    Visibility,
)
from clientfocus.ideas.permissions import (
    can_decide,
    can_see_ideas,
    ideas_visible_to,
    links_visible_to,
)
from clientfocus.service.models import Request
from clientfocus.service.permissions import requests_visible_to
from clientfocus.voice.models import FeedbackItem
from clientfocus.voice.permissions import feedback_visible_to

router = Router(tags=["ideas"])

StatusCode = Literal["open", "under_review", "planned", "in_progress", "shipped", "declined"]
ImportanceCode = Literal["", "nice", "important", "critical"]


def _staff(user) -> None:
    if not can_see_ideas(user):
        raise NotAllowed("employees only")


def _decider(user) -> None:
    if not can_decide(user):
        raise NotAllowed("managers and administrators only")


def _idea(request, idea_id: UUID) -> Idea:
    _staff(request.auth)
    return ideas_visible_to(request.auth).select_related("merged_into").get(public_id=idea_id)


def _customer(customer_id: UUID) -> Customer:
    try:
        return Customer.objects.get(public_id=customer_id, erased_at__isnull=True)
    except Customer.DoesNotExist as exc:
        raise ServiceError("customer", "no such customer") from exc


def _sources(
    user, reference: str | None, feedback_id: int | None
) -> tuple[Request | None, FeedbackItem | None]:
    """The request and feedback item named in a body, when ``user`` may see them (else
    422 on that field, as for a missing one)."""
    req = feedback = None
    if reference:
        try:
            req = requests_visible_to(user).by_reference(reference)
        except ObjectDoesNotExist as exc:
            raise ServiceError("request", "no such request") from exc
    if feedback_id:
        feedback = (
            feedback_visible_to(user, FeedbackItem.objects.all()).filter(pk=feedback_id).first()
        )
        if feedback is None:
            raise ServiceError("feedback", "no such feedback item")
    return req, feedback


class IdeaOut(Schema):
    id: UUID
    title: str
    description: str
    product_line: str
    language: str
    status: str
    visibility: str
    votes: int
    weighted_votes: float
    value_at_stake: float
    critical_votes: int
    official_response: str
    merged_into: UUID | None
    created_at: AwareDateTime
    status_changed_at: AwareDateTime | None

    @staticmethod
    def from_idea(idea: Idea) -> IdeaOut:
        return IdeaOut(
            id=idea.public_id,
            title=idea.title,
            description=idea.description,
            product_line=idea.product_line,
            language=idea.language,
            status=idea.status,
            visibility=idea.visibility,
            votes=idea.votes,
            weighted_votes=round(idea.weighted_votes, 2),
            value_at_stake=round(idea.value_at_stake, 2),
            critical_votes=idea.critical_votes,
            official_response=idea.official_response,
            merged_into=idea.merged_into.public_id if idea.merged_into_id else None,  # type: ignore[union-attr]
            created_at=idea.created_at,
            status_changed_at=idea.status_changed_at,
        )


class RankedOut(Schema):
    idea: IdeaOut
    votes: int
    weighted_votes: float
    value_at_stake: float
    rank_by_votes: int | None = Field(description="place by raw votes; null below the first 1000")
    rank_by_weight: int | None = Field(description="place by weighted votes; null below 1000")


class RankingQuery(Input):
    sort: Literal["weighted", "votes", "value", "newest"] = "weighted"
    tier: int | None = Field(None, ge=1, le=2**31 - 1)
    segment: str = Field("", max_length=30)
    product_line: str = Field("", max_length=60)
    status: StatusCode | None = None
    include_hidden: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("", response=list[RankedOut], summary="Ideas ranked: raw and weighted by value")
def ranking(request, filters: Query[RankingQuery]):
    _staff(request.auth)
    ideas = ideas_visible_to(request.auth).select_related("merged_into")
    if not filters.include_hidden:
        ideas = ideas.filter(visibility=Visibility.PUBLIC)
    rows = selectors.ranking(
        ideas, sort=filters.sort, tier=filters.tier, segment=filters.segment,
        product_line=filters.product_line, status=filters.status or "",
        limit=filters.limit, offset=filters.offset,
    )  # fmt: skip
    return [
        RankedOut(
            idea=IdeaOut.from_idea(r.idea), votes=r.votes,
            weighted_votes=round(r.weighted_votes, 2), value_at_stake=round(r.value_at_stake, 2),
            rank_by_votes=r.rank_by_votes, rank_by_weight=r.rank_by_weight,
        )
        for r in rows
    ]  # fmt: skip


class SimilarQuery(Input):
    q: str = Field(..., min_length=1, max_length=800)
    language: Literal["en", "ru", "lt", "sl", "hi"] = "en"


@router.get("/similar", response=list[IdeaOut], summary="The five listed ideas most like a text")
def similar(request, query: Query[SimilarQuery]):
    _staff(request.auth)
    return [IdeaOut.from_idea(i) for i in selectors.similar(query.q, query.language)]


class LoopOut(Schema):
    asked: int
    told: int
    unreachable: int
    unsubscribed: int
    rate: float | None
    median_days: float | None


@router.get("/loop", response=LoopOut, summary="Close-the-loop: who asked and was told")
def loop(request):
    _decider(request.auth)
    figures = selectors.loop_figures()
    return LoopOut(
        asked=figures.asked, told=figures.told, unreachable=figures.unreachable,
        unsubscribed=figures.unsubscribed,
        rate=round(figures.rate, 4) if figures.rate is not None else None,
        median_days=figures.median_days,
    )  # fmt: skip


class IdeaIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    product_line: str = Field("", max_length=60)
    language: Literal["en", "ru", "lt", "sl", "hi"] | None = None
    customer: UUID | None = None
    request: str | None = Field(None, max_length=40, description="a request reference")
    feedback: int | None = Field(None, ge=1, le=2**63 - 1)


@router.post("", response={201: IdeaOut}, summary="Add an idea (for a customer)")
def create(request, body: IdeaIn):
    _staff(request.auth)
    customer = _customer(body.customer) if body.customer else None
    req, feedback = _sources(request.auth, body.request, body.feedback)
    idea = services.submit_idea(
        title=body.title, description=body.description, product_line=body.product_line,
        language=body.language, customer=customer, actor=request.auth, request=req,
        feedback=feedback,
    )  # fmt: skip
    return Status(201, IdeaOut.from_idea(idea))


@router.get("/duplicates", response=list[dict], summary="Likely duplicates waiting for a decision")
def duplicates(request):
    _decider(request.auth)
    pairs = (
        DuplicateCandidate.objects.filter(state=DuplicateState.PENDING)
        .select_related("idea", "original")
        .order_by("-score", "-id")[:200]
    )
    return [
        {"id": p.pk, "idea": str(p.idea.public_id), "idea_title": p.idea.title,
         "original": str(p.original.public_id), "original_title": p.original.title,
         "score": p.score}
        for p in pairs
    ]  # fmt: skip


class DecisionIn(Input):
    decision: Literal["merge", "dismiss"]


@router.post("/duplicates/{pair_id}", response=IdeaOut, summary="Merge or dismiss a pair")
def decide_pair(request, pair_id: int, body: DecisionIn):
    _decider(request.auth)
    if not 0 < pair_id < 2**63:
        raise Http404
    candidate = DuplicateCandidate.objects.select_related("idea").get(pk=pair_id)
    if body.decision == "merge":
        services.accept(actor=request.auth, candidate=candidate)
    else:
        services.dismiss(actor=request.auth, candidate=candidate)
    candidate.idea.refresh_from_db()
    return IdeaOut.from_idea(candidate.idea)


@router.get("/{idea_id}", response=IdeaOut, summary="One idea")
def detail(request, idea_id: UUID):
    return IdeaOut.from_idea(_idea(request, idea_id))


class EditIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    product_line: str = Field("", max_length=60)
    reason: str = Field(..., min_length=1, max_length=300)


@router.put("/{idea_id}", response=IdeaOut, summary="Edit an idea (with a reason)")
def edit(request, idea_id: UUID, body: EditIn):
    idea = services.edit_idea(actor=request.auth, idea=_idea(request, idea_id), **body.dict())
    return IdeaOut.from_idea(idea)


class StatusIn(Input):
    status: StatusCode
    message: str = Field(..., min_length=1, max_length=2000)


class StatusChangeOut(Schema):
    old_status: str
    new_status: str
    message: str
    changed_at: AwareDateTime


@router.post("/{idea_id}/status", response=StatusChangeOut, summary="Change the status")
def change_status(request, idea_id: UUID, body: StatusIn):
    change = services.change_status(
        actor=request.auth, idea=_idea(request, idea_id), status=body.status, message=body.message
    )
    return StatusChangeOut(
        old_status=change.old_status, new_status=change.new_status, message=change.message,
        changed_at=change.changed_at,
    )  # fmt: skip


@router.get("/{idea_id}/history", response=list[StatusChangeOut], summary="Status history")
def history(request, idea_id: UUID):
    return list(_idea(request, idea_id).history.all())


class VoteIn(Input):
    customer: UUID
    importance: ImportanceCode = ""


class VoterOut(Schema):
    customer: UUID
    name: str
    tier: str
    value: float
    weight: float
    segment: str
    importance: str
    voted_at: AwareDateTime


@router.post("/{idea_id}/votes", response=IdeaOut, summary="Record a customer's vote")
def vote(request, idea_id: UUID, body: VoteIn):
    idea = _idea(request, idea_id)
    services.vote(
        idea=idea, customer=_customer(body.customer), importance=body.importance,
        actor=request.auth,
    )  # fmt: skip
    return IdeaOut.from_idea(Idea.objects.select_related("merged_into").get(pk=idea.pk))


@router.get("/{idea_id}/votes", response=list[VoterOut], summary="Who voted (managers)")
def voters(request, idea_id: UUID):
    idea = _idea(request, idea_id)
    _decider(request.auth)
    return [
        VoterOut(
            customer=v.customer.public_id, name=v.customer.name, tier=v.customer.tier.name,
            value=round(v.value, 2), weight=round(v.weight, 2), segment=v.segment,
            importance=v.importance, voted_at=v.created_at,
        )
        for v in selectors.voters_of(idea)[:1000]
    ]  # fmt: skip


class LinkIn(Input):
    customer: UUID
    request: str | None = Field(None, max_length=40)
    feedback: int | None = Field(None, ge=1, le=2**63 - 1)
    note: str = Field("", max_length=300)
    vote: bool = True


class LinkOut(Schema):
    customer: UUID
    request: str | None
    feedback: int | None
    note: str
    created_at: AwareDateTime


@router.post("/{idea_id}/links", response={201: LinkOut}, summary="A customer asked for it")
def add_link(request, idea_id: UUID, body: LinkIn):
    idea = _idea(request, idea_id)
    req, feedback = _sources(request.auth, body.request, body.feedback)
    link = services.link(
        actor=request.auth, idea=idea, customer=_customer(body.customer), request=req,
        feedback=feedback, note=body.note, with_vote=body.vote,
    )  # fmt: skip
    return Status(201, _link_out(link))


def _link_out(link) -> LinkOut:
    return LinkOut(
        customer=link.customer.public_id, request=link.request.reference if link.request else None,
        feedback=link.feedback_id, note=link.note, created_at=link.created_at,
    )  # fmt: skip


@router.get("/{idea_id}/links", response=list[LinkOut], summary="Where customers asked (managers)")
def links(request, idea_id: UUID):
    idea = _idea(request, idea_id)
    _decider(request.auth)
    visible = links_visible_to(request.auth, idea.links.all()).select_related("customer", "request")
    return [_link_out(link) for link in visible.order_by("-created_at")[:1000]]


class CommentIn(Input):
    text: str = Field(..., min_length=1, max_length=3000)
    official: bool = False


class CommentOut(Schema):
    id: int
    text: str
    official: bool
    by_staff: bool
    created_at: AwareDateTime


@router.post("/{idea_id}/comments", response={201: CommentOut}, summary="Comment (officially)")
def add_comment(request, idea_id: UUID, body: CommentIn):
    created = services.comment(
        idea=_idea(request, idea_id), text=body.text, actor=request.auth, official=body.official
    )
    return Status(201, CommentOut(id=created.pk, text=created.text, official=created.official,
                                  by_staff=True, created_at=created.created_at))  # fmt: skip


@router.get("/{idea_id}/comments", response=list[CommentOut], summary="Comments")
def comments(request, idea_id: UUID):
    return [
        CommentOut(id=c.pk, text=c.text, official=c.official, by_staff=c.author_id is not None,
                   created_at=c.created_at)
        for c in _idea(request, idea_id).comments.all()[:1000]
    ]  # fmt: skip


class ModerationIn(Input):
    action: Literal["approve", "hide", "show"]
    reason: str = Field("", max_length=300)


@router.post("/{idea_id}/moderation", response=IdeaOut, summary="Approve, hide or show")
def moderate(request, idea_id: UUID, body: ModerationIn):
    idea = services.moderate(
        actor=request.auth, idea=_idea(request, idea_id), action=body.action, reason=body.reason
    )
    return IdeaOut.from_idea(idea)


class MergeIn(Input):
    into: UUID
    reason: str = Field("", max_length=300)


@router.post("/{idea_id}/merge", response=IdeaOut, summary="Merge into another idea")
def merge(request, idea_id: UUID, body: MergeIn):
    idea = _idea(request, idea_id)
    try:
        into = ideas_visible_to(request.auth).get(public_id=body.into)
    except Idea.DoesNotExist as exc:
        raise ServiceError("into", "no such idea") from exc
    services.merge(actor=request.auth, idea=idea, into=into, reason=body.reason)
    return IdeaOut.from_idea(Idea.objects.select_related("merged_into").get(pk=idea.pk))
