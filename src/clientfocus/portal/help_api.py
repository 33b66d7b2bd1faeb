"""The help centre for apps and widgets: public articles, searchable by anyone."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from clientfocus.core.schemas import AwareDateTime, Input, LanguageCode
from clientfocus.knowledge import selectors

router = Router(tags=["portal"], auth=None)


class HelpQuery(Input):
    q: str = Field("", max_length=200)
    language: LanguageCode = "en"  # type: ignore[valid-type]
    limit: int = Field(10, ge=1, le=50)


class HelpHitOut(Schema):
    code: str
    language: str
    title: str


class HelpArticleOut(HelpHitOut):
    body_html: str
    updated_at: AwareDateTime


@router.get("/help", response=list[HelpHitOut])
def search(request, query: Query[HelpQuery]):
    """Public articles matching ``q`` (in ``language`` first), or the newest ones."""
    if query.q.strip():
        found = selectors.search(query.q, query.language, limit=query.limit)
    else:
        found = selectors.newest_public(query.language, query.limit)
    return [{"code": t.article.code, "language": t.language, "title": t.title} for t in found]


@router.get("/help/{code}", response=HelpArticleOut)
def article(request, code: str, language: LanguageCode = "en"):  # type: ignore[valid-type]
    found = selectors.public_articles().get(code=code[:80])
    text = selectors.text_for(found, language)
    if text is None:
        raise found.DoesNotExist
    return {
        "code": found.code,
        "language": text.language,
        "title": text.title,
        "body_html": text.body_html,
        "updated_at": text.updated_at,
    }
