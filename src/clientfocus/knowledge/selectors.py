"""Reading knowledge: the playbooks that apply to a request (from a per-process copy of
every active playbook, rebuilt when one changes), the help-centre search, and the
figures managers read: skipped mandatory steps, templates' use and outcome, and how
many customers helped themselves."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Avg, Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from clientfocus.knowledge import matching
from clientfocus.knowledge.models import (
    Article,
    ArticleState,
    ArticleText,
    ArticleView,
    Playbook,
    PlaybookRun,
    ReplyTemplate,
    StepTick,
    TemplateUse,
    Visibility,
)
from clientfocus.orders.models import Order
from clientfocus.service.models import Request
from clientfocus.voice import textsearch
from clientfocus.voice.models import SurveyResponse, ThemeTag

# A customer who read a suggested article and filed no request within this long helped
# themselves.
SELF_SERVICE_WINDOW = timedelta(hours=24)

_lock = threading.Lock()
_snapshot: tuple[tuple, list[Playbook], list[matching.Criteria]] | None = None


def _stamp() -> tuple:
    found = Playbook.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (found["n"], found["last"])


def _load() -> tuple[list[Playbook], list[matching.Criteria]]:
    playbooks = list(
        Playbook.objects.filter(active=True).prefetch_related(
            "steps", "categories", "tiers", "themes", "articles__texts", "templates"
        )
    )
    criteria = []
    for p in playbooks:
        p.step_list = list(p.steps.all())
        p.article_list = [a for a in p.articles.all() if a.state == ArticleState.PUBLISHED]
        p.template_list = [t for t in p.templates.all() if t.state == "published"]
        criteria.append(
            matching.Criteria(
                key=p.pk,
                categories=frozenset(c.pk for c in p.categories.all()),
                channels=frozenset(p.channels),
                tiers=frozenset(t.pk for t in p.tiers.all()),
                product_lines=frozenset(p.product_lines),
                themes=frozenset(t.pk for t in p.themes.all()),
            )
        )
    return playbooks, criteria


def snapshot() -> tuple[tuple, list[Playbook], list[matching.Criteria]]:
    """(stamp, every active playbook with its steps, articles and templates, their
    criteria); one query when nothing changed since this process last read them."""
    global _snapshot
    stamp = _stamp()
    with _lock:
        if _snapshot is not None and _snapshot[0] == stamp:
            return _snapshot
    playbooks, criteria = _load()
    with _lock:
        _snapshot = (stamp, playbooks, criteria)
    return _snapshot


def product_line_of(req: Request) -> str:
    """The product line a request is about: the customer's latest order before it."""
    if req.customer_id is None:
        return ""
    return (
        Order.objects.filter(customer_id=req.customer_id, placed_at__lte=req.created_at)
        .order_by("-placed_at")
        .values_list("product_line", flat=True)
        .first()
        or ""
    )


def themes_of(req: Request) -> frozenset:
    return frozenset(
        ThemeTag.objects.filter(item__request=req, active=True).values_list("theme_id", flat=True)
    )


def situation(req: Request, criteria: list[matching.Criteria]) -> matching.Situation:
    """The request as the playbooks see it; the product line and the themes are read
    only when some playbook asks for them."""
    wants_lines = any(c.product_lines for c in criteria)
    wants_themes = any(c.themes for c in criteria)
    return matching.Situation(
        category=req.category_id,
        channel=req.channel,
        tier=req.tier_id,
        product_line=product_line_of(req) if wants_lines else "",
        themes=themes_of(req) if wants_themes else frozenset(),
    )


def playbooks_for(req: Request) -> list[Playbook]:
    """The playbooks that apply, the most specific first. Kept on the request object
    while the playbooks and its category, channel and tier stay the same: the request
    page's two knowledge panels (and the runs recorded on resolving) match once."""
    stamp, playbooks, criteria = snapshot()
    if not playbooks:
        return []
    key = (stamp, req.category_id, req.channel, req.tier_id)
    cached = req.__dict__.get("_knowledge_playbooks")
    if cached is not None and cached[0] == key:
        return cached[1]
    by_id: dict = {p.pk: p for p in playbooks}
    found = [by_id[k] for k in matching.matching(criteria, situation(req, criteria))]
    req.__dict__["_knowledge_playbooks"] = (key, found)
    return found


def ticked(req: Request) -> dict[int, StepTick]:
    return {t.step_id: t for t in StepTick.objects.filter(request=req).select_related("by")}


# -- help centre ---------------------------------------------------------------------------


def public_articles() -> QuerySet[Article]:
    return Article.objects.filter(visibility=Visibility.PUBLIC, state=ArticleState.PUBLISHED)


def _search_ids(terms: list[str], *, every: bool, public: bool, language: str | None, limit: int):
    conditions: list[str] = ["1=1"]
    params: list = []
    if public:
        conditions.append("a.visibility = %s AND a.state = %s")
        params += [Visibility.PUBLIC, ArticleState.PUBLISHED]
    else:
        conditions.append("a.state <> %s")
        params.append(ArticleState.ARCHIVED)
    if language:
        conditions.append("t.language = %s")
        params.append(language)
    where = " AND ".join(conditions)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.id FROM knowledge_articletext t "  # noqa: S608 - fixed conditions
                "JOIN knowledge_article a ON a.id = t.article_id, CAST(%s AS tsquery) q "
                f"WHERE t.search_tsv @@ q AND {where} "
                "ORDER BY ts_rank(t.search_tsv, q) DESC, t.id DESC LIMIT %s",
                [textsearch.postgres_query(terms, every=every), *params, limit],
            )
        else:
            cursor.execute(
                "SELECT t.id FROM knowledge_fts f "  # noqa: S608 - fixed conditions
                "JOIN knowledge_articletext t ON t.id = f.rowid "
                "JOIN knowledge_article a ON a.id = t.article_id "
                f"WHERE knowledge_fts MATCH %s AND {where} "
                "ORDER BY bm25(knowledge_fts, 2.0, 1.0), t.id DESC LIMIT %s",
                [textsearch.sqlite_query(terms, every=every), *params, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def search(text: str, language: str, *, public: bool = True, limit: int = 10) -> list[ArticleText]:
    """Article texts matching what was typed: in the reader's language first (every
    word, then any word), then in any language; one text per article."""
    terms = textsearch.query_terms(text[:500], language)
    if not terms:
        return []
    ids: list[int] = []
    for lang, every in ((language, True), (language, False), (None, True)):
        if len(ids) >= limit:
            break
        more = _search_ids(terms, every=every, public=public, language=lang, limit=limit * 2)
        ids += [i for i in more if i not in ids]
    found = ArticleText.objects.select_related("article").in_bulk(ids)
    texts: list[ArticleText] = []
    articles: set[int] = set()
    for i in ids:
        hit = found.get(i)
        if hit is not None and hit.article_id not in articles:
            articles.add(hit.article_id)
            texts.append(hit)
    return texts[:limit]


def newest_public(language: str, limit: int) -> list[ArticleText]:
    """The newest public articles, each in the reader's language (else English, else
    any); the bodies are not read."""
    titles = ArticleText.objects.only("article_id", "language", "title")
    articles = (
        public_articles()
        .prefetch_related(Prefetch("texts", queryset=titles))
        .order_by("-updated_at")[:limit]
    )
    return [t for a in articles if (t := text_for(a, language)) is not None]


def listing(query: str, language: str, *, state: str = "", limit: int | None = 500) -> list[dict]:
    """The knowledge base as staff list or search it (the API and the CLI): code, the
    text's language and title, visibility and state."""
    if query.strip():
        texts = search(query, language, public=False, limit=50)
        pairs: list[tuple[Article, ArticleText | None]] = [(t.article, t) for t in texts]
    else:
        articles = Article.objects.prefetch_related("texts")
        if state:
            articles = articles.filter(state=state)
        pairs = [(a, text_for(a, language)) for a in articles[:limit]]
    return [
        {
            "code": article.code,
            "language": text.language if text else "",
            "title": text.title if text else "",
            "visibility": article.visibility,
            "state": article.state,
        }
        for article, text in pairs
    ]


def text_for(article: Article, language: str) -> ArticleText | None:
    texts = {t.language: t for t in article.texts.all()}
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), None)


# -- figures -------------------------------------------------------------------------------


def skipped_runs(*, queue_ids=None, since: datetime | None = None) -> QuerySet[PlaybookRun]:
    runs = PlaybookRun.objects.filter(skipped_count__gt=0).select_related(
        "request", "playbook", "assignee", "queue"
    )
    if queue_ids is not None:
        runs = runs.filter(queue_id__in=queue_ids)
    if since is not None:
        runs = runs.filter(resolved_at__gte=since)
    return runs.order_by("-resolved_at", "-id")


@dataclass
class TemplateFigures:
    template: ReplyTemplate
    uses: int
    requests: int
    csat: float | None
    answers: int
    text: str = ""


def template_figures(templates: QuerySet[ReplyTemplate]) -> list[TemplateFigures]:
    """Per template: how often it was inserted, on how many requests, and the CSAT
    customers gave those requests afterwards."""
    counted = {
        tid: (n, requests)
        for tid, n, requests in TemplateUse.objects.values("template_id")
        .annotate(n=Count("pk"), requests=Count("request_id", distinct=True))
        .values_list("template_id", "n", "requests")
        .order_by()
    }
    rows = []
    for template in templates:
        uses, requests = counted.get(template.pk, (0, 0))
        answers: dict = {"avg": None, "n": 0}
        if uses:  # the CSAT after use is only asked of templates that were used
            before = TemplateUse.objects.filter(
                template=template,
                request_id=OuterRef("invitation__request_id"),
                used_at__lte=OuterRef("answered_at"),
            )
            answers = SurveyResponse.objects.filter(
                Exists(before), invitation__survey__kind="csat"
            ).aggregate(avg=Avg("score"), n=Count("pk"))
        rows.append(
            TemplateFigures(
                template=template,
                uses=uses,
                requests=requests,
                csat=round(answers["avg"], 2) if answers["avg"] is not None else None,
                answers=answers["n"],
            )
        )
    return rows


@dataclass
class SelfService:
    read: int  # suggested articles opened by signed-in customers
    helped: int  # … of which no request followed within SELF_SERVICE_WINDOW
    anonymous: int


def self_service(*, since: datetime) -> SelfService:
    views = ArticleView.objects.filter(suggested=True, viewed_at__gte=since)
    signed = views.filter(customer__isnull=False)
    followed = Request.objects.filter(
        customer_id=OuterRef("customer_id"),
        created_at__gte=OuterRef("viewed_at"),
        created_at__lte=OuterRef("viewed_at") + SELF_SERVICE_WINDOW,
    )
    counted = signed.aggregate(read=Count("pk"), helped=Count("pk", filter=~Q(Exists(followed))))
    return SelfService(
        read=counted["read"],
        helped=counted["helped"],
        anonymous=views.filter(customer__isnull=True).count(),
    )


def reviews_due(*, today=None) -> QuerySet[Article]:
    today = today or timezone.localdate()
    return Article.objects.filter(
        state=ArticleState.PUBLISHED, review_due__lte=today
    ).select_related("owner")
