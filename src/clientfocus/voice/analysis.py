"""Understanding a comment: language, sentiment, themes (pure: no Django import).

- Language: lingua, restricted to the languages the company expects (more candidates
  cost memory and accuracy on short texts). ISO 639-1 codes; ``None`` when the text has
  no letters to judge.
- Sentiment: the rules of ``voice.sentiment`` (stems, negation, service phrases, clause
  weights, emoji, sarcasm) read every comment; with a trained model
  (``voice.learning``: the shipped corpus plus staff reviews) its classifier, which
  weighs those rules beside character n-grams, decides.
- Themes: keyword rules the company edits (``stem*`` matches any ending, a phrase
  matches words in sequence; accents optional) combined with per-theme classifiers:
  a rule hit the classifier has learnt to reject is dropped, a theme the classifier
  is sure of is added without a keyword.

Everything here is batch-first: ``Analyzer.analyse_many`` tags thousands of comments a
second on one core.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3

from clientfocus.voice import learning, sentiment
from clientfocus.voice.learning import RULE_KEEP_PROBABILITY, TrainedModel
from clientfocus.voice.sentiment import NEGATIVE, WORD, fold

MAX_CHARS = 5000  # longer comments are analysed (and stored) up to this length

# -- text ---------------------------------------------------------------------------------

_TAG_LIKE = re.compile(r"<[a-zA-Z!/][^>]*>")


def clean_text(text: str, *, limit: int = MAX_CHARS) -> tuple[str, bool]:
    """Plain text from user input: HTML tags dropped (entities decoded), Unicode
    normalised (NFC), control characters removed, whitespace tidied, capped at
    ``limit`` characters. Returns (text, truncated)."""
    if _TAG_LIKE.search(text):
        text = nh3.clean(text, tags=set(), strip_comments=True)
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


def words(text: str) -> list[str]:
    """Casefolded word tokens (letters and digits of any script, combining marks kept)."""
    return WORD.findall(text.casefold())


# -- language -------------------------------------------------------------------------------

DEFAULT_LANGUAGES = ("en", "ru", "lt", "sl", "hi", "de", "pl", "lv", "uk")


class LanguageDetector:
    """A lingua detector for a fixed set of ISO 639-1 codes, built once per process."""

    def __init__(self, codes: Sequence[str] = DEFAULT_LANGUAGES) -> None:
        # Heavy (language models): loaded by the process that detects, not by every import.
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        languages = []
        for code in codes:
            try:
                iso = getattr(IsoCode639_1, code.strip().upper())
            except AttributeError:
                raise ValueError(f"unknown language code {code!r}") from None
            languages.append(Language.from_iso_code_639_1(iso))
        if len(languages) < 2:
            raise ValueError("language detection needs at least two candidate languages")
        self.codes = tuple(codes)
        self._detector = LanguageDetectorBuilder.from_languages(*languages).build()

    def detect_many(self, texts: Sequence[str]) -> list[str | None]:
        judged = [i for i, t in enumerate(texts) if any(ch.isalpha() for ch in t)]
        found = self._detector.detect_languages_in_parallel_of([texts[i] for i in judged])
        result: list[str | None] = [None] * len(texts)
        for i, language in zip(judged, found, strict=True):
            result[i] = language.iso_code_639_1.name.lower() if language else None
        return result


# -- theme rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRule:
    """A theme and its keywords: ``word`` matches the word, ``stem*`` any word starting
    with it, several words a phrase. Case and accents do not matter (both are folded)."""

    code: str
    name: str
    keywords: tuple[str, ...]

    def matcher(self) -> KeywordMatcher | None:
        """Keywords compiled for matching against a comment's word tokens: exact words
        by set lookup, stems by ``str.startswith`` on a tuple, phrases by one regex over
        the space-joined tokens. Much faster than one regex with word-boundary
        look-arounds over the raw text, and the same boundaries."""
        exact: set[str] = set()
        stems: list[str] = []
        phrases: list[str] = []
        for raw in self.keywords:
            keyword = fold(raw.strip())
            if not keyword or keyword.startswith("#"):
                continue
            parts = []
            for token in keyword.split():
                prefix = token.endswith("*")
                pieces = words(token)
                if not pieces:
                    continue
                # "e-mail" is two tokens; a star applies to the last.
                parts += [(piece, False) for piece in pieces[:-1]] + [(pieces[-1], prefix)]
            if not parts:
                continue
            if len(parts) == 1:
                word, prefix = parts[0]
                (stems.append(word) if prefix else exact.add(word))
            else:
                phrases.append(
                    " ".join(re.escape(w) + (r"\S*" if prefix else "") for w, prefix in parts)
                )
        if not (exact or stems or phrases):
            return None
        phrase = re.compile(" (?:" + "|".join(phrases) + ") ") if phrases else None
        return KeywordMatcher(frozenset(exact), tuple(stems), phrase)


@dataclass(frozen=True)
class KeywordMatcher:
    exact: frozenset[str]
    stems: tuple[str, ...]
    phrase: re.Pattern[str] | None

    def matches(self, tokens: list[str], joined: str) -> bool:
        if self.exact and not self.exact.isdisjoint(tokens):
            return True
        if self.stems and any(t.startswith(self.stems) for t in tokens):
            return True
        return self.phrase is not None and self.phrase.search(joined) is not None


def rules_from(themes: Iterable[tuple[str, str]]) -> list[ThemeRule]:
    """Theme rules from (code, keywords text) pairs, as the taxonomy stores them."""
    return [ThemeRule(code, code, parse_keywords(keywords)) for code, keywords in themes]


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords from a text box: one per line or comma-separated."""
    found = []
    for line in text.replace("\r", "").split("\n"):
        for item in line.split(","):
            item = item.strip()
            if item and not item.startswith("#"):
                found.append(item)
    return tuple(dict.fromkeys(found))


# -- the analyser -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    language: str | None
    sentiment: str
    sentiment_score: float
    angry: bool
    themes: tuple[str, ...]
    confidence: dict[str, float]  # theme -> probability (1.0 for rule-only decisions)
    sources: dict[str, str]  # theme -> "rule" | "model"
    truncated: bool = False

    def as_dict(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        return {
            "language": self.language,
            "sentiment": self.sentiment,
            "themes": [names.get(t, t) if names else t for t in self.themes],
        }


class Analyzer:
    """Language + sentiment + themes for batches of comments."""

    def __init__(
        self,
        rules: Sequence[ThemeRule],
        *,
        detector: LanguageDetector | None,
        model: TrainedModel | None = None,
    ) -> None:
        self.rules = list(rules)
        self.patterns = [(r.code, r.matcher()) for r in self.rules]
        self.detector = detector
        self.model = model

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        cleaned = [clean_text(t) for t in texts]
        plain = [c[0] for c in cleaned]
        languages = self.detector.detect_many(plain) if self.detector else [None] * len(plain)
        rule_hits = []
        for text in plain:
            tokens = sentiment.tokens(text)
            joined = " " + " ".join(tokens) + " "
            rule_hits.append(
                {
                    code
                    for code, matcher in self.patterns
                    if matcher is not None and matcher.matches(tokens, joined)
                }
            )
        readings = [sentiment.rule_reading(text) for text in plain]
        probabilities: dict[str, Any] = {}
        learnt = None
        model = self.model
        if model is not None and (model.theme_models or model.sentiment_model is not None):
            matrix = model.matrix(plain, languages, readings)
            for code, clf in model.theme_models.items():
                probabilities[code] = clf.predict_proba(matrix)[:, 1]
            learnt = model.sentiments(plain, matrix)
        known = {code for code, _ in self.patterns}
        results = []
        for i, text in enumerate(plain):
            reading = readings[i]
            label, angry = reading.label, reading.intense
            score = max(-1.0, min(1.0, reading.score / 3))
            if learnt is not None and text:
                label, score = learnt[i]
            if label != NEGATIVE:
                angry = False
            themes: list[str] = []
            confidence: dict[str, float] = {}
            sources: dict[str, str] = {}
            for code, _ in self.patterns:
                hit = code in rule_hits[i]
                if code in probabilities and text:
                    p = float(probabilities[code][i])
                    if (hit and p >= RULE_KEEP_PROBABILITY) or p >= learning.MODEL_ADD_PROBABILITY:
                        themes.append(code)
                        confidence[code] = round(p, 3)
                        sources[code] = "rule" if hit else "model"
                elif hit:
                    themes.append(code)
                    confidence[code] = 1.0
                    sources[code] = "rule"
            themes = [t for t in themes if t in known]
            results.append(
                Analysis(
                    language=languages[i],
                    sentiment=label,
                    sentiment_score=round(score, 3),
                    angry=angry,
                    themes=tuple(themes),
                    confidence=confidence,
                    sources=sources,
                    truncated=cleaned[i][1],
                )
            )
        return results
