"""Writing articles: texts per language with versions and their history, publishing,
review dates, and the full-text terms the help centre searches."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.html import sanitise_html, text_to_html
from clientfocus.knowledge.models import (
    Article,
    ArticleRevision,
    ArticleState,
    ArticleText,
    Visibility,
)
from clientfocus.knowledge.permissions import can_edit_article, can_edit_knowledge
from clientfocus.voice import textsearch

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_BODY = 100_000


def check_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise ServiceError("code", _("A code is 1–80 lowercase letters, digits and hyphens."))
    return code


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ServiceError("language", _("Unknown language: %(code)s") % {"code": language[:8]})
    return language


def body_html(body: str, *, html: bool) -> str:
    if len(body) > MAX_BODY:
        raise ServiceError("body", _("The text is too long (at most 100,000 characters)."))
    clean = sanitise_html(body) if html else text_to_html(body)
    if not clean.strip():
        raise ServiceError("body", _("The text is empty."))
    return clean


def _review_due(article: Article, today: date) -> date:
    return today + timedelta(days=article.review_every_days)


def index_terms(text: ArticleText) -> None:
    plain = re.sub(r"<[^>]+>", " ", text.body_html)
    text.search_title, text.search_body = textsearch.document(text.title, plain, text.language)


@transaction.atomic
def save_article(
    *,
    actor,
    code: str,
    language: str,
    title: str,
    body: str,
    html: bool = False,
    visibility: str | None = None,
    owner=None,
    review_every_days: int | None = None,
    created_from=None,
    state: str | None = None,
) -> Article:
    """Create an article or write one of its languages; a changed text gets the next
    version number in that language and its former wording stays in the history."""
    code = check_code(code)
    language = check_language(language)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ServiceError("title", _("A title is 1–200 characters."))
    clean = body_html(body, html=html)
    if visibility is not None and visibility not in Visibility.values:
        raise ServiceError("visibility", _("Visibility is internal or public."))
    if review_every_days is not None and not 1 <= review_every_days <= 3650:
        raise ServiceError("review_every_days", _("Review every 1 to 3650 days."))
    now = timezone.now()
    article = Article.objects.select_for_update().filter(code=code).first()
    if article is None:
        if not can_edit_knowledge(actor) and created_from is None:
            raise NotAllowed(_("Only managers write articles."))
        article = Article(
            code=code,
            owner=owner or actor,
            created_by=actor,
            created_from=created_from,
            visibility=visibility or Visibility.INTERNAL,
            state=state or ArticleState.DRAFT,
        )
        if review_every_days:
            article.review_every_days = review_every_days
        article.review_due = _review_due(article, now.date())
        article.save()
    else:
        if not can_edit_article(actor, article):
            raise NotAllowed(_("Only managers and the article's owner edit it."))
        if visibility is not None:
            article.visibility = visibility
        if owner is not None:
            article.owner = owner
        if review_every_days:
            article.review_every_days = review_every_days
    text = ArticleText.objects.filter(article=article, language=language).first()
    if text is not None and text.title == title and text.body_html == clean:
        article.save()
        return article
    if text is None:
        text = ArticleText(article=article, language=language, version=1)
    else:
        text.version += 1
    text.title, text.body_html, text.updated_at, text.updated_by = title, clean, now, actor
    index_terms(text)
    text.save()
    ArticleRevision.objects.create(
        article=article,
        language=language,
        version=text.version,
        title=title,
        body_html=clean,
        saved_by=actor,
        saved_at=now,
    )
    article.updated_at = now
    article.save()
    return article


def set_state(*, actor, article: Article, state: str) -> Article:
    """Publish (a draft is approved by the one who publishes it), archive or return to
    draft; managers and administrators only."""
    if not can_edit_knowledge(actor):
        raise NotAllowed(_("Only managers publish articles."))
    if state not in ArticleState.values:
        raise ServiceError("state", _("A state is draft, published or archived."))
    if state == ArticleState.PUBLISHED and not article.texts.exists():
        raise ServiceError("state", _("An article needs a text before it is published."))
    article.state = state
    if state == ArticleState.PUBLISHED and article.approved_by_id is None:
        article.approved_by = actor
    article.updated_at = timezone.now()
    article.save(update_fields=["state", "approved_by", "updated_at"])
    return article


def mark_reviewed(*, actor, article: Article) -> Article:
    """The owner (or a manager) read it again: still true; the next review is set."""
    if not can_edit_article(actor, article):
        raise NotAllowed(_("Only managers and the article's owner review it."))
    now = timezone.now()
    article.reviewed_at = now
    article.review_due = _review_due(article, now.date())
    article.save(update_fields=["reviewed_at", "review_due"])
    return article
