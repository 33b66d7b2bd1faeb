"""Knowledge over the API, for staff: articles (search, write, publish, review),
playbooks, reply templates with their figures, the playbooks on a request (ticks,
templates filled for it, drafts learned from it), courses and training. The same rules
as the pages (``knowledge.permissions``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime, Input, LanguageCode
from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import (
    Article,
    Playbook,
    ReplyTemplate,
    Step,
    TemplateState,
)
from clientfocus.knowledge.permissions import can_edit_knowledge, can_see_knowledge
from clientfocus.service.permissions import queues_visible_to
from clientfocus.service.selectors import request_detail

router = Router(tags=["knowledge"])
request_router = Router(tags=["knowledge"])

Texts = dict[str, str]


def _staff(user) -> None:
    if not can_see_knowledge(user):
        raise NotAllowed("employees only")


def _get(model, code: str):
    return model.objects.get(code=code[:80])


# -- articles ------------------------------------------------------------------------------


class ArticleTextOut(Schema):
    language: str
    title: str
    body_html: str
    version: int


class ArticleOut(Schema):
    code: str
    visibility: str
    state: str
    owner: str | None
    review_due: str | None
    texts: list[ArticleTextOut]


def article_out(article: Article) -> dict:
    return {
        "code": article.code,
        "visibility": article.visibility,
        "state": article.state,
        "owner": article.owner.get_username() if article.owner_id else None,  # type: ignore[union-attr]
        "review_due": article.review_due.isoformat() if article.review_due else None,
        "texts": [
            {
                "language": t.language,
                "title": t.title,
                "body_html": t.body_html,
                "version": t.version,
            }
            for t in article.texts.all()
        ],
    }


class ArticleIn(Input):
    language: LanguageCode  # type: ignore[valid-type]
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=100_000)
    html: bool = Field(False, description="body is HTML (sanitised); else plain text")
    visibility: Literal["internal", "public"] | None = None
    review_every_days: int | None = Field(None, ge=1, le=3650)


class ArticleStateIn(Input):
    state: Literal["draft", "published", "archived"]


class FoundOut(Schema):
    code: str
    language: str
    title: str
    visibility: str
    state: str


class ArticleFilters(Input):
    q: str = Field("", max_length=200)
    language: LanguageCode = "en"  # type: ignore[valid-type]
    state: Literal["draft", "published", "archived", ""] = ""


@router.get("/articles", response=list[FoundOut])
def articles(request, filters: Query[ArticleFilters]):
    """Search (``q``, in ``language`` first) or list the knowledge base."""
    _staff(request.auth)
    return selectors.listing(filters.q, filters.language, state=filters.state)


@router.get("/articles/{code}", response=ArticleOut)
def article(request, code: str):
    _staff(request.auth)
    return article_out(_get(Article, code))


@router.put("/articles/{code}", response=ArticleOut)
def write_article(request, code: str, payload: ArticleIn):
    """Create the article or write one of its languages (a new version of that text)."""
    _staff(request.auth)
    saved = services.save_article(
        actor=request.auth,
        code=code,
        language=payload.language,
        title=payload.title,
        body=payload.body,
        html=payload.html,
        visibility=payload.visibility,
        review_every_days=payload.review_every_days,
    )
    return article_out(saved)


@router.post("/articles/{code}/state", response=ArticleOut)
def article_state(request, code: str, payload: ArticleStateIn):
    _staff(request.auth)
    return article_out(
        services.set_state(actor=request.auth, article=_get(Article, code), state=payload.state)
    )


@router.post("/articles/{code}/reviewed", response=ArticleOut)
def article_reviewed(request, code: str):
    _staff(request.auth)
    return article_out(services.mark_reviewed(actor=request.auth, article=_get(Article, code)))


# -- templates -----------------------------------------------------------------------------


class TemplateIn(Input):
    name: str = Field(min_length=1, max_length=120)
    texts: Texts
    state: Literal["draft", "published", "archived"] | None = None


class TemplateOut(Schema):
    code: str
    name: str
    state: str
    texts: Texts
    uses: int
    requests: int
    csat_after: float | None
    csat_answers: int


@router.get("/templates", response=list[TemplateOut])
def templates(request):
    """Every template with its use and outcome (the CSAT given after it was used)."""
    _staff(request.auth)
    return [
        {
            "code": r.template.code,
            "name": r.template.name,
            "state": r.template.state,
            "texts": r.template.texts,
            "uses": r.uses,
            "requests": r.requests,
            "csat_after": r.csat,
            "csat_answers": r.answers,
        }
        for r in selectors.template_figures(ReplyTemplate.objects.all())
    ]


@router.put("/templates/{code}", response=TemplateOut)
def write_template(request, code: str, payload: TemplateIn):
    _staff(request.auth)
    saved = services.save_template(
        actor=request.auth, code=code, name=payload.name, texts=payload.texts, state=payload.state
    )
    return {
        "code": saved.code,
        "name": saved.name,
        "state": saved.state,
        "texts": saved.texts,
        "uses": 0,
        "requests": 0,
        "csat_after": None,
        "csat_answers": 0,
    }


# -- playbooks -----------------------------------------------------------------------------


class StepIn(Input):
    kind: Literal["do", "dont"] = "do"
    texts: Texts
    mandatory: bool = False


class StepOut(StepIn):
    id: int


class PlaybookIn(Input):
    titles: Texts
    steps: list[StepIn] = Field(default_factory=list, max_length=40)
    categories: list[str] = Field(
        default_factory=list, max_length=100, description="category names"
    )
    channels: list[str] = Field(default_factory=list, max_length=20)
    tiers: list[str] = Field(default_factory=list, max_length=100, description="tier codes")
    product_lines: list[str] = Field(default_factory=list, max_length=50)
    themes: list[str] = Field(default_factory=list, max_length=100, description="theme codes")
    promises: Texts = Field(default_factory=dict)
    avoid: Texts = Field(default_factory=dict)
    articles: list[str] = Field(default_factory=list, max_length=100)
    templates: list[str] = Field(default_factory=list, max_length=100)
    active: bool = True
    material: bool = Field(True, description="staff trained on it must acknowledge it again")


class PlaybookOut(Schema):
    code: str
    version: int
    active: bool
    titles: Texts
    steps: list[StepOut]
    categories: list[str]
    channels: list[str]
    tiers: list[str]
    product_lines: list[str]
    themes: list[str]
    promises: Texts
    avoid: Texts
    articles: list[str]
    templates: list[str]


def playbook_out(p: Playbook) -> dict:
    return {
        "code": p.code,
        "version": p.version,
        "active": p.active,
        "titles": p.titles,
        "steps": [
            {"id": s.pk, "kind": s.kind, "texts": s.texts, "mandatory": s.mandatory}
            for s in p.steps.all()
        ],
        "categories": [c.name for c in p.categories.all()],
        "channels": p.channels,
        "tiers": [t.code for t in p.tiers.all()],
        "product_lines": p.product_lines,
        "themes": [t.code for t in p.themes.all()],
        "promises": p.promises,
        "avoid": p.avoid,
        "articles": [a.code for a in p.articles.all()],
        "templates": [t.code for t in p.templates.all()],
    }


@router.get("/playbooks", response=list[PlaybookOut])
def playbooks(request):
    _staff(request.auth)
    return [
        playbook_out(p)
        for p in Playbook.objects.prefetch_related(
            "steps", "categories", "tiers", "themes", "articles", "templates"
        )
    ]


@router.get("/playbooks/{code}", response=PlaybookOut)
def playbook(request, code: str):
    _staff(request.auth)
    return playbook_out(_get(Playbook, code))


@router.put("/playbooks/{code}", response=PlaybookOut)
def write_playbook(request, code: str, payload: PlaybookIn):
    _staff(request.auth)
    data = payload.dict()
    material = data.pop("material")
    saved = services.save_playbook(actor=request.auth, code=code, data=data, material=material)
    return playbook_out(saved)


class SkippedOut(Schema):
    request: str
    playbook: str
    version: int
    skipped: list[int]
    assignee: str | None
    resolved_at: AwareDateTime


@router.get("/skipped", response=list[SkippedOut])
def skipped(request, days: int = Query(30, ge=1, le=3650)):  # type: ignore[type-arg]
    """Resolved requests in the manager's queues where a mandatory step was not ticked."""
    _staff(request.auth)
    if not can_edit_knowledge(request.auth):
        raise NotAllowed("managers only")
    queue_ids = list(queues_visible_to(request.auth).values_list("pk", flat=True))
    runs = selectors.skipped_runs(queue_ids=queue_ids, since=timezone.now() - timedelta(days=days))
    return [
        {
            "request": r.request.reference,
            "playbook": r.playbook.code,
            "version": r.version,
            "skipped": r.skipped,
            "assignee": r.assignee.get_username() if r.assignee_id else None,  # type: ignore[union-attr]
            "resolved_at": r.resolved_at,
        }
        for r in runs[:500]
    ]


# -- on a request --------------------------------------------------------------------------


def _request(user, reference: str):
    _staff(user)
    return request_detail(user, reference[:40])


def _who(user) -> str | None:
    return user.get_username() if user is not None else None


class GuideStepOut(StepOut):
    ticked: bool
    ticked_by: str | None


class GuideOut(Schema):
    code: str
    version: int
    titles: Texts
    steps: list[GuideStepOut]
    promises: Texts
    avoid: Texts
    articles: list[str]
    templates: list[str]


@request_router.get("/{reference}/playbooks", response=list[GuideOut])
def request_playbooks(request, reference: str):
    """The playbooks that apply to the request, the most specific first, with ticks."""
    req = _request(request.auth, reference)
    ticks = selectors.ticked(req)
    return [
        {
            "code": p.code,
            "version": p.version,
            "titles": p.titles,
            "steps": [
                {
                    "id": s.pk,
                    "kind": s.kind,
                    "texts": s.texts,
                    "mandatory": s.mandatory,
                    "ticked": s.pk in ticks,
                    "ticked_by": _who(ticks[s.pk].by) if s.pk in ticks else None,
                }
                for s in p.step_list
            ],
            "promises": p.promises,
            "avoid": p.avoid,
            "articles": [a.code for a in p.article_list],
            "templates": [t.code for t in p.template_list],
        }
        for p in selectors.playbooks_for(req)
    ]


class TickIn(Input):
    done: bool = True


@request_router.post("/{reference}/steps/{step_id}", response={200: dict})
def tick(request, reference: str, step_id: int, payload: TickIn):
    req = _request(request.auth, reference)
    step = (
        Step.objects.select_related("playbook")
        .filter(pk=step_id if 0 < step_id < 2**31 else 0)
        .first()
    )
    if step is None:
        raise Http404
    return {"ticked": services.tick(actor=request.auth, req=req, step=step, done=payload.done)}


class FilledOut(Schema):
    template: str
    language: str
    text: str


class FillIn(Input):
    language: LanguageCode | None = None  # type: ignore[valid-type]


@request_router.post("/{reference}/templates/{code}", response=FilledOut)
def fill_template(request, reference: str, code: str, payload: FillIn):
    """The template filled for this request (counted as a use)."""
    req = _request(request.auth, reference)
    template = ReplyTemplate.objects.get(code=code[:80], state=TemplateState.PUBLISHED)
    language = payload.language or services.replies.language_of(req)
    text = services.render(actor=request.auth, template=template, req=req, language=language)
    return {"template": template.code, "language": language, "text": text}


class LearnIn(Input):
    into: Literal["article", "template"]


@request_router.post("/{reference}/learn", response={201: dict})
def learn(request, reference: str, payload: LearnIn):
    """A draft article or template from the answer of a well-rated resolved request."""
    req = _request(request.auth, reference)
    made = services.draft_from(actor=request.auth, req=req, into=payload.into)
    return Status(201, {"kind": payload.into, "code": made.code, "state": made.state})
