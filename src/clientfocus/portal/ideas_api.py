"""The ideas portal over the API, for a signed-in customer's app (the portal session
cookie): listed ideas, similar ones, suggesting, voting, comments. Held ideas of other
customers answer 404; who voted is never shown."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer
from clientfocus.ideas import selectors
from clientfocus.ideas import services as ideas
from clientfocus.ideas.models import Idea, Vote
from clientfocus.ideas.permissions import ideas_for_customer
from clientfocus.portal.api import portal_auth

router = Router(tags=["portal"], auth=portal_auth)


def _customer(request: HttpRequest) -> Customer:
    return request.auth  # type: ignore[attr-defined,return-value]


class PortalIdeaOut(Schema):
    id: UUID
    title: str
    description: str
    product_line: str
    status: str
    waiting_for_approval: bool
    votes: int
    official_response: str
    my_vote: bool
    my_importance: str
    created_at: AwareDateTime


def _out(idea: Idea, vote: Vote | None) -> PortalIdeaOut:
    return PortalIdeaOut(
        id=idea.public_id, title=idea.title, description=idea.description,
        product_line=idea.product_line, status=idea.status,
        waiting_for_approval=idea.visibility == "held", votes=idea.votes,
        official_response=idea.official_response, my_vote=vote is not None,
        my_importance=vote.importance if vote else "", created_at=idea.created_at,
    )  # fmt: skip


def _idea(request: HttpRequest, idea_id: UUID) -> Idea:
    return ideas_for_customer(_customer(request)).get(public_id=idea_id)


class ListQuery(Input):
    q: str = Field("", max_length=300)
    product_line: str = Field("", max_length=60)
    limit: int = Field(30, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


@router.get("/ideas", response=list[PortalIdeaOut], summary="Ideas (most voted first)")
def idea_list(request, query: Query[ListQuery]):
    customer = _customer(request)
    shown = selectors.customer_listing(
        customer, query=query.q, product_line=query.product_line, offset=query.offset,
        limit=query.limit,
    )  # fmt: skip
    mine = selectors.votes_of(customer, shown)
    return [_out(i, mine.get(i.pk)) for i in shown]


class SimilarQuery(Input):
    q: str = Field(..., min_length=1, max_length=800)


@router.get("/ideas/similar", response=list[PortalIdeaOut], summary="Is yours already here?")
def similar(request, query: Query[SimilarQuery]):
    customer = _customer(request)
    found = selectors.similar(query.q, customer.language)
    mine = selectors.votes_of(customer, found)
    return [_out(i, mine.get(i.pk)) for i in found]


class SuggestIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    product_line: str = Field("", max_length=60)


@router.post("/ideas", response={201: PortalIdeaOut}, summary="Suggest an idea (with your vote)")
def suggest(request, body: SuggestIn):
    customer = _customer(request)
    idea = ideas.submit_idea(
        title=body.title, description=body.description, product_line=body.product_line,
        customer=customer,
    )  # fmt: skip
    return Status(201, _out(idea, Vote.objects.filter(idea=idea, customer=customer).first()))


@router.get("/ideas/{idea_id}", response=PortalIdeaOut, summary="One idea")
def detail(request, idea_id: UUID):
    idea = _idea(request, idea_id)
    return _out(idea, Vote.objects.filter(idea=idea, customer=_customer(request)).first())


class VoteIn(Input):
    importance: Literal["", "nice", "important", "critical"] = ""


@router.put("/ideas/{idea_id}/vote", response=PortalIdeaOut, summary="Vote or change your vote")
def vote(request, idea_id: UUID, body: VoteIn):
    customer = _customer(request)
    idea = _idea(request, idea_id)
    cast = ideas.vote(idea=idea, customer=customer, importance=body.importance)
    return _out(Idea.objects.get(pk=cast.idea_id), cast)


@router.delete("/ideas/{idea_id}/vote", response=PortalIdeaOut, summary="Withdraw your vote")
def unvote(request, idea_id: UUID):
    idea = _idea(request, idea_id)
    ideas.unvote(idea=idea, customer=_customer(request))
    return _out(Idea.objects.get(pk=idea.pk), None)


class CommentIn(Input):
    text: str = Field(..., min_length=1, max_length=3000)


class PortalCommentOut(Schema):
    text: str
    by: Literal["you", "team", "customer"]
    official: bool
    created_at: AwareDateTime


@router.get("/ideas/{idea_id}/comments", response=list[PortalCommentOut], summary="Comments")
def comments(request, idea_id: UUID):
    customer = _customer(request)
    rows = _idea(request, idea_id).comments.filter(hidden_reason="")[:500]
    return [
        PortalCommentOut(
            text=c.text, official=c.official, created_at=c.created_at,
            by="team" if c.author_id else "you" if c.customer_id == customer.pk else "customer",
        )
        for c in rows
    ]  # fmt: skip


@router.post("/ideas/{idea_id}/comments", response={201: PortalCommentOut}, summary="Comment")
def add_comment(request, idea_id: UUID, body: CommentIn):
    created = ideas.comment(
        idea=_idea(request, idea_id), text=body.text, customer=_customer(request)
    )
    return Status(
        201, PortalCommentOut(text=created.text, by="you", official=False,
                              created_at=created.created_at),
    )  # fmt: skip
