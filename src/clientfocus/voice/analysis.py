"""Understanding a comment: language, sentiment, themes (pure: no Django import).

- Language: lingua, restricted to the languages the company expects (more candidates
  cost memory and accuracy on short texts). ISO 639-1 codes; ``None`` when the text has
  no letters to judge.
- Sentiment: a multilingual lexicon (stems, so inflected Lithuanian, Russian and
  Slovenian forms match) with negation, plus emoji; once staff have reviewed enough
  comments, a character n-gram classifier trained on their labels decides when it is
  confident.
- Themes: keyword rules the company edits (``stem*`` matches any ending, a phrase
  matches words in sequence) combined with a per-theme character n-gram classifier
  trained on reviewed comments: a rule hit the classifier has learnt to reject is
  dropped, a theme the classifier is sure of is added without a keyword.

Everything here is batch-first: ``Analyzer.analyse_many`` tags thousands of comments a
second on one core.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import io
import pickle
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3

MAX_CHARS = 5000  # longer comments are analysed (and stored) up to this length
NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
SENTIMENTS = (NEGATIVE, NEUTRAL, POSITIVE)

# -- text ---------------------------------------------------------------------------------

# Letters and digits of any script plus combining marks (Python's \w leaves out the
# Devanagari vowel signs and combining accents, which would split Hindi words apart).
_MARKS = "\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u200c\u200d"
WORD_CHAR = rf"(?:[^\W_]|[{_MARKS}])"
_WORD = re.compile(rf"{WORD_CHAR}+")
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
    return _WORD.findall(text.casefold())


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


# -- sentiment lexicon ----------------------------------------------------------------------
# Stems: a word matches when it starts with the stem. Short, ambiguous stems are whole
# words (suffix "=" below means "exactly this word").

POSITIVE_STEMS = """
good great excellent wonderful perfect love loved lovely nice thank thanks happy pleased
amazing fantastic helpful friendly polite kind quick fast easy recommend satisfied
professional beautiful solid best super awesome appreciate fair honest convenient
отличн хорош прекрасн замечательн спасибо благодар довол рад= вежлив быстр удобн идеальн
нрав люблю понравил рекоменд профессионал красив приятн честн терпелив восторг супер
puik geras gera gerai geri nuostab ačiū dėkoj patenkint malon greit patog tobul
patinka patiko rekomenduoj profesional graž sąžining kantr sužavėt super šaunu
odličn dober dobra dobro hval čudovit zadovolj prijaz hiter hitr hitro priročn popoln
všeč priporoč profesionaln lep= lepa lepo pošten potrpežljiv navdušen super vljudn
धन्यवाद शुक्रिया अच्छा अच्छी अच्छे बढ़िया शानदार बेहतरीन खुश पसंद सुंदर आसान जल्दी
विनम्र मददगार ईमानदार उचित दयालु सुविधाजनक मज़बूत धैर्य बेहतर
""".split()  # noqa: SIM905

NEGATIVE_STEMS = """
bad terrible awful horrible worst worse poor broken broke damaged late delay delayed
rude never nobody disappoint angry annoyed unacceptable ridiculous waste slow wait
waiting waited refund complaint problem missing wrong cheap scratched cracked
crashed dirty unbearable confusing hidden twice expensive overpriced lost fraud scam
disgusting useless cancelled refused hung stopped wobbles tear
плох ужас отврат кошмар худш сломал сломан поврежд опозд задерж груб никто никогда
разочар недовол возмут хамств безобраз медлен ждал жду ожидан проблем жалоб
ошибк дешёв дешев поцарап трес грязн невыносим запутан скрыт дважды дорог
дорого потерял обман бесполезн отменил отказал зависал выкид шатает криво смешно обрыв
blog siaub baisu blogiaus sulūž sugad vėl= vėlav vėluo nemandag niekas niekada
nusivyl pikt nepriimtin lėt laukiau laukiu problem skund trūksta netinkam pig subraiž
įskil purvin nepakeliam painio paslėpt brang pamest apgav atšauk atsisak
užstrig klib kreiv juoking nutrūk neatsak neveik nebeveik prastėj
slab grozn najslabš zlomil zlomljen poškod zamud zamuj nesramn nihče nikoli razočar
jezen nesprejemljiv počas čakal čakam težav pritož manjka napačn poceni opraskan počen
umazan neznosen zmeden skrit dvakrat drag= draga drago predrag izgubil prevar preklic
sesul maje postrani smešn prekinil slabš
ख़राब खराब बेकार बुरा बुरी घटिया टूट टूटा टूटी देर देरी बदतमीज़ी
निराश गुस्सा नाराज़ धीमा इंतज़ार समस्या शिकायत गायब गलत सस्ते खरोंच गंदा असहनीय
उलझी छिपे महँगा महंगा धोखा रद्द मना हिलती टेढ़ी हास्यास्पद कट बिगड़
""".split()  # noqa: SIM905

# Phrases (several words): matched on the token sequence.
_NEGATORS = {
    "not", "no", "never", "don't", "didn't", "isn't", "wasn't", "не", "нет", "ни",
    "nė", "ne", "nebuvo", "ni", "nisem", "नहीं", "न", "मत",
    "without", "без", "be", "brez", "बिना",
}  # fmt: skip
_HINDI_POST_NEGATORS = {"नहीं", "न"}
_INTENSE = {
    "never", "worst", "terrible", "disgusting", "unacceptable", "ridiculous", "scam",
    "fraud", "lawyer", "ужасн", "отвратит", "кошмар", "никогда", "безобраз", "siaubing",
    "niekada", "baisu", "grozn", "nikoli", "nesprejemljiv", "बेकार", "घटिया", "कभी",
}  # fmt: skip
_EMOJI_NEG = set("😡😠🤬😤😞😢😭👎💩😒🙁☹😣😖😫😩")
_EMOJI_POS = set("😀😃😄😁😊🙂😍🥰👍❤💯🎉😎🤩👏🙏")


def _split_entries(entries: Iterable[str]) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
    stems: list[str] = []
    exact: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for entry in entries:
        if entry.endswith("="):
            exact.append(entry[:-1])
        else:
            stems.append(entry)
    return stems, exact, phrases


def _phrases(text: str) -> list[tuple[str, ...]]:
    return [tuple(p.split()) for p in text.strip().splitlines() if len(p.split()) > 1]


_POS_PHRASES = _phrases("""
thank you
above and beyond
worth the money
пять звёзд
стоит своих денег
vertas savo kainos
vredna svojega denarja
पैसे वसूल
""")
_NEG_PHRASES = _phrases("""
still waiting
no one
call back
never again
не хватает
до сих пор
никто не
vis dar
du kartus
ne deluje
še vedno
ni hotel
कोई नहीं
कभी नहीं
दो बार
अब तक
""")


@dataclass
class _Lexicon:
    pos_stems: tuple[str, ...]
    neg_stems: tuple[str, ...]
    pos_exact: frozenset[str]
    neg_exact: frozenset[str]

    @classmethod
    def build(cls) -> _Lexicon:
        ps, pe, _ = _split_entries(POSITIVE_STEMS)
        ns, ne, _ = _split_entries(NEGATIVE_STEMS)
        return cls(tuple(ps), tuple(ns), frozenset(pe), frozenset(ne))

    def polarity(self, word: str) -> int:
        if word in self.neg_exact:
            return -1
        if word in self.pos_exact:
            return 1
        if word.startswith(self.neg_stems):
            return -1
        if word.startswith(self.pos_stems):
            return 1
        # Lithuanian and Slovenian negation is often a prefix: "nepatiko", "nezadovoljen".
        if len(word) > 4 and word.startswith("ne") and word[2:].startswith(self.pos_stems):
            return -1
        return 0


_LEXICON = _Lexicon.build()


@dataclass(frozen=True)
class LexiconSentiment:
    label: str
    score: float  # -1 … 1
    intense: bool


def lexicon_sentiment(text: str) -> LexiconSentiment:
    tokens = words(text)
    total = 0.0
    hits = 0
    intense = False
    for i, word in enumerate(tokens):
        polarity = _LEXICON.polarity(word)
        if not polarity:
            continue
        before = tokens[max(0, i - 2) : i]
        after = tokens[i + 1 : i + 3]
        negated = any(w in _NEGATORS for w in before) and word not in _NEGATORS
        if not negated and any(w in _HINDI_POST_NEGATORS for w in after) and polarity > 0:
            negated = True
        if negated and polarity > 0:
            polarity = -1
        elif negated and polarity < 0 and word not in ("никто", "niekas", "nihče", "nobody"):
            # "not bad" is mild praise at most; "не сломан" is neutral.
            polarity = 0
        total += polarity
        hits += 1 if polarity else 0
        if polarity < 0 and word.startswith(tuple(_INTENSE)):
            intense = True
    joined = " ".join(tokens)
    for phrase in _NEG_PHRASES:
        if " ".join(phrase) in joined:
            total -= 1
            hits += 1
    for phrase in _POS_PHRASES:
        if " ".join(phrase) in joined:
            total += 1
            hits += 1
    for ch in text:
        if ch in _EMOJI_NEG:
            total -= 1.5
            hits += 1
        elif ch in _EMOJI_POS:
            total += 1.5
            hits += 1
    shouting = sum(1 for w in re.findall(r"\b[A-ZА-ЯЁ]{4,}\b", text)) >= 2 or "!!" in text
    if not hits:
        return LexiconSentiment(NEUTRAL, 0.0, False)
    score = max(-1.0, min(1.0, total / (hits + 1)))
    label = NEGATIVE if total < 0 else POSITIVE if total > 0 else NEUTRAL
    return LexiconSentiment(label, score, label == NEGATIVE and (intense or shouting))


# -- theme rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRule:
    """A theme and its keywords: ``word`` matches the word, ``stem*`` any word starting
    with it, several words a phrase. Case and accents as written (casefolded)."""

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
            keyword = unicodedata.normalize("NFC", raw.strip().casefold())
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


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords from a text box: one per line or comma-separated."""
    found = []
    for line in text.replace("\r", "").split("\n"):
        for item in line.split(","):
            item = item.strip()
            if item and not item.startswith("#"):
                found.append(item)
    return tuple(dict.fromkeys(found))


# -- classifier -------------------------------------------------------------------------------

MIN_THEME_EXAMPLES = 6  # positives and negatives each (two per fold of the cross-validation)
MIN_SENTIMENT_EXAMPLES = 5  # per class
MIN_CV_ACCURACY = 0.6  # the same for the sentiment classifier
MIN_CV_F1 = 0.5  # a theme's classifier speaks only if its cross-validated F1 reaches this
RULE_KEEP_PROBABILITY = 0.2  # a keyword hit is dropped below this learnt probability
MODEL_ADD_PROBABILITY = 0.65  # a theme is added without a keyword above it
SENTIMENT_CONFIDENCE = 0.6


@dataclass
class Example:
    text: str
    themes: frozenset[str]
    sentiment: str | None = None


@dataclass
class TrainedModel:
    """Per-theme and sentiment classifiers over shared character n-gram features."""

    vectorizer: Any
    theme_models: dict[str, Any] = field(default_factory=dict)
    sentiment_model: Any = None
    examples: int = 0
    metrics: dict[str, Any] = field(default_factory=dict)


def _vectorizer():
    # scikit-learn takes a second to import: only processes that classify pay for it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        lowercase=True,
        sublinear_tf=True,
        min_df=1,
        max_features=200_000,
        dtype=__import__("numpy").float32,
    )


def train(examples: Sequence[Example], *, theme_codes: Iterable[str]) -> TrainedModel:
    """Fit the classifiers on reviewed comments. A theme gets its own classifier once it
    has MIN_THEME_EXAMPLES positive and negative examples; sentiment once each class
    has MIN_SENTIMENT_EXAMPLES. Metrics: training-set size per theme and, where there
    are enough examples, 3-fold cross-validated F1 / accuracy; a theme classifier whose
    cross-validated F1 is below MIN_CV_F1 is not used (the keyword rules decide)."""
    # Heavy, and only needed to train: loaded here (see _vectorizer).
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    texts = [e.text for e in examples]
    vectorizer = _vectorizer()
    model = TrainedModel(vectorizer=vectorizer, examples=len(examples))
    if not examples:
        return model
    matrix = vectorizer.fit_transform(texts)
    for code in theme_codes:
        labels = np.array([code in e.themes for e in examples], dtype=np.int8)
        positives = int(labels.sum())
        negatives = len(labels) - positives
        entry: dict[str, Any] = {"positives": positives, "negatives": negatives}
        if positives >= MIN_THEME_EXAMPLES and negatives >= MIN_THEME_EXAMPLES:
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=1000)
            if min(positives, negatives) >= MIN_THEME_EXAMPLES:
                entry["cv_f1"] = round(
                    float(cross_val_score(clf, matrix, labels, cv=3, scoring="f1").mean()), 3
                )
            if entry.get("cv_f1", 0.0) < MIN_CV_F1:
                # Not reliable yet: it could only drop good keyword hits. Rules decide.
                entry["used"] = False
            else:
                entry["used"] = True
                model.theme_models[code] = clf.fit(matrix, labels)
        model.metrics.setdefault("themes", {})[code] = entry
    labelled = [(i, e.sentiment) for i, e in enumerate(examples) if e.sentiment in SENTIMENTS]
    counts = {s: sum(1 for _, x in labelled if x == s) for s in SENTIMENTS}
    model.metrics["sentiment"] = {"examples": counts}
    if sum(1 for n in counts.values() if n >= MIN_SENTIMENT_EXAMPLES) >= 2:
        rows = [i for i, _ in labelled]
        y = np.array([s for _, s in labelled])
        clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=1000)
        if min(n for n in counts.values() if n) >= 3:
            model.metrics["sentiment"]["cv_accuracy"] = round(
                float(cross_val_score(clf, matrix[rows], y, cv=3).mean()), 3
            )
        if model.metrics["sentiment"].get("cv_accuracy", 0.0) >= MIN_CV_ACCURACY:
            model.sentiment_model = clf.fit(matrix[rows], y)
    return model


def dumps(model: TrainedModel, key: bytes) -> bytes:
    """Pickled model with an HMAC-SHA256 prefix: only models this installation trained
    (with its secret) are ever unpickled."""
    buffer = io.BytesIO()
    pickle.dump(model, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    body = buffer.getvalue()
    return hmac.new(key, body, hashlib.sha256).digest() + body


def loads(blob: bytes, key: bytes) -> TrainedModel:
    signature, body = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).digest()):
        raise ValueError("the stored model's signature does not match this installation's key")
    return pickle.loads(body)  # noqa: S301 - signed by this installation


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
        self._lock = threading.Lock()

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        # numpy with the classifier (see _vectorizer); `voice tag` without one skips it.
        import numpy as np

        cleaned = [clean_text(t) for t in texts]
        plain = [c[0] for c in cleaned]
        languages = self.detector.detect_many(plain) if self.detector else [None] * len(plain)
        rule_hits = []
        for text in plain:
            tokens = words(unicodedata.normalize("NFC", text))
            joined = " " + " ".join(tokens) + " "
            rule_hits.append(
                {
                    code
                    for code, matcher in self.patterns
                    if matcher is not None and matcher.matches(tokens, joined)
                }
            )
        probabilities: dict[str, Any] = {}
        sentiment_proba = None
        model = self.model
        if model is not None and (model.theme_models or model.sentiment_model is not None):
            matrix = model.vectorizer.transform(plain)
            for code, clf in model.theme_models.items():
                probabilities[code] = clf.predict_proba(matrix)[:, 1]
            if model.sentiment_model is not None:
                sentiment_proba = model.sentiment_model.predict_proba(matrix)
        known = {code for code, _ in self.patterns}
        results = []
        for i, text in enumerate(plain):
            lexicon = lexicon_sentiment(text)
            label, score, angry = lexicon.label, lexicon.score, lexicon.intense
            if sentiment_proba is not None and text:
                row = sentiment_proba[i]
                best = int(np.argmax(row))
                if row[best] >= SENTIMENT_CONFIDENCE:
                    label = str(model.sentiment_model.classes_[best])  # type: ignore[union-attr]
            if label != NEGATIVE:
                angry = False
            themes: list[str] = []
            confidence: dict[str, float] = {}
            sources: dict[str, str] = {}
            for code, _ in self.patterns:
                hit = code in rule_hits[i]
                if code in probabilities and text:
                    p = float(probabilities[code][i])
                    if (hit and p >= RULE_KEEP_PROBABILITY) or p >= MODEL_ADD_PROBABILITY:
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
