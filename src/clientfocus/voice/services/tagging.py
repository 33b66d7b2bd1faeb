"""Understanding what customers say: the analyser (languages, sentiment, themes), staff
corrections, the classifier trained on them, retagging, and the theme taxonomy."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.events import publish
from clientfocus.service.permissions import can_see_overview
from clientfocus.voice import analysis, evaluation, learning
from clientfocus.voice.events import FeedbackThemed
from clientfocus.voice.models import (
    ClassifierModel,
    FeedbackItem,
    Sentiment,
    TagSource,
    Theme,
    ThemeTag,
)
from clientfocus.voice.taxonomy import DEFAULT_THEMES

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
    rules = analysis.rules_from(themes)
    model = None
    if model_id is not None:
        blob = ClassifierModel.objects.values_list("blob", flat=True).get(pk=model_id)
        try:
            model = learning.loads(bytes(blob), _model_key())
        except Exception:  # another key, an older version, unreadable: the shipped model
            model = None
    if model is None:
        model = learning.base_model()
    built = analysis.Analyzer(rules, detector=detector(), model=model)
    _analyser = (time.monotonic(), state, built)
    return built


def forget_analyser() -> None:
    global _analyser
    _analyser = None


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
    codes = ThemeTag.objects.filter(item=item, active=True).values_list("theme__code", flat=True)
    publish(FeedbackThemed(item, frozenset(codes)))
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


def training_examples() -> list[learning.Example]:
    """Reviewed items: their active tags (any source: a reviewer saw them) and sentiment
    (only where staff set or confirmed it)."""
    items = FeedbackItem.objects.filter(reviewed_at__isnull=False).exclude(text="")
    active: dict[int, set[str]] = {}
    for item_id, code in ThemeTag.objects.filter(
        item__reviewed_at__isnull=False, active=True
    ).values_list("item_id", "theme__code"):
        active.setdefault(item_id, set()).add(code)
    return [
        learning.Example(
            text=text,
            themes=frozenset(active.get(pk, ())),
            sentiment=sentiment if by_staff else None,
            language=language or None,
        )
        for pk, text, sentiment, by_staff, language in items.values_list(
            "pk", "text", "sentiment", "sentiment_by_staff", "language"
        )
    ]


def train_classifier() -> ClassifierModel:
    """Fit the classifiers on the shipped corpus and every reviewed comment (which count
    more) and make them the ones in use; the held-out figures are kept with it."""
    reviewed = training_examples()
    model = learning.train(
        learning.shipped_examples() + reviewed, theme_codes=list(active_themes())
    )
    model.examples = len(reviewed)
    rules = analysis.rules_from(_state()[0])
    held_out = evaluation.evaluate(
        analysis.Analyzer(rules, detector=detector(), model=model),
        evaluation.load("held-out"),
        name="held-out",
    )
    model.metrics["held_out"] = held_out.summary()
    stored = ClassifierModel.objects.create(
        examples=len(reviewed),
        blob=learning.dumps(model, _model_key()),
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


def save_theme(
    *,
    actor,
    name: str,
    keywords: str,
    code: str = "",
    theme: Theme | None = None,
    active: bool = True,
) -> Theme:

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
    codes = {themes[code].pk: code for code in themes}
    staff = {t.theme_id: t.active for t in existing.values() if t.source == TagSource.STAFF}
    active = {code for theme_id, code in wanted.items() if staff.get(theme_id, True)}
    active |= {codes[t] for t, on in staff.items() if on and t in codes}
    publish(FeedbackThemed(item, frozenset(active)))


def active_themes() -> dict[str, Theme]:
    return {t.code: t for t in Theme.objects.filter(active=True)}


def analyse_texts(texts: list[str]) -> list[analysis.Analysis]:
    """Tag texts without storing them (the CLI and the preview)."""
    return analyser().analyse_many(texts)


def default_analyser() -> tuple[analysis.Analyzer, dict[str, str]]:
    """The analyser of a new installation (the default taxonomy, no trained classifier)
    and its theme names, for tagging where no database is set up."""
    rules = analysis.rules_from((code, keywords) for code, _name, keywords in DEFAULT_THEMES)
    names = {code: name for code, name, _keywords in DEFAULT_THEMES}
    return analysis.Analyzer(rules, detector=detector(), model=learning.base_model()), names


_reports: dict[tuple, evaluation.Report] = {}


def evaluation_report(name: str = "held-out", *, installed: bool = True) -> evaluation.Report:
    """How the analyser reads a labelled set: this installation's (its taxonomy and
    classifier) or, with ``installed=False``, a new installation's. Kept per state."""
    key = (name, _state() if installed else None)
    if key not in _reports:
        rows = evaluation.load(name)
        built = analyser() if installed else default_analyser()[0]
        _reports.clear()
        _reports[key] = evaluation.evaluate(built, rows, name=name)
    return _reports[key]
