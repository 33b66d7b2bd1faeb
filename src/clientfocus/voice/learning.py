"""The classifiers: trained on the labelled comments shipped with clientfocus and on
what staff reviewed (pure: no Django import).

Features, shared by sentiment and themes: character 2–5-grams of the folded text
(robust to typos, missing accents and inflection) and the symbolic features of
``voice.sentiment`` (stems, negated stems, the deciding clause, service phrases, the
rules' verdict, emoji, sarcasm). Both are TF-IDF weighted and fed to logistic
regressions:

- **Sentiment**: one three-class model. Staff-reviewed comments count
  ``STAFF_WEIGHT`` times a shipped one, so an installation's corrections outweigh
  the corpus; a comment staff labelled is remembered exactly (``corrections``) and
  always gets their label back.
- **Themes**: one model per theme with enough examples; shipped examples count only
  for the default themes an installation still has.

``base_model()`` is the model of a new installation (the shipped corpus only), built
once per process; ``voice train`` stores one that includes staff reviews.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import pickle
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from clientfocus.voice import sentiment

MODEL_VERSION = 2  # stored models of another version are ignored (retrain)
SENTIMENTS = sentiment.SENTIMENTS

MIN_THEME_EXAMPLES = 6  # positives and negatives each
MIN_SENTIMENT_EXAMPLES = 5  # per class
MIN_CV_F1 = 0.5  # a theme's classifier speaks only if its cross-validated F1 reaches this
STAFF_WEIGHT = 3.0
RULE_KEEP_PROBABILITY = 0.1  # a keyword hit is dropped below this learnt probability
MODEL_ADD_PROBABILITY = 0.6  # a theme is added without a keyword above it
NEUTRAL_FACTOR = 0.8
SENTIMENT_C = 10.0
SENTIMENT_CLASS_WEIGHT: str | None = None
RULE_WEIGHT = 4.0  # scale of the rules' columns beside the TF-IDF features
THEME_C = 4.0


@dataclass
class Example:
    text: str
    themes: frozenset[str]
    sentiment: str | None = None
    language: str | None = None
    staff: bool = True  # reviewed by this installation's staff (else: shipped corpus)
    themes_labelled: bool = True  # False: the themes were never labelled (sentiment only)


@dataclass
class TrainedModel:
    """Per-theme and sentiment classifiers over shared features."""

    vectorizer: Any
    feature_vectorizer: Any = None
    theme_models: dict[str, Any] = field(default_factory=dict)
    sentiment_model: Any = None
    corrections: dict[str, str] = field(default_factory=dict)  # folded text -> label
    examples: int = 0
    metrics: dict[str, Any] = field(default_factory=dict)
    version: int = MODEL_VERSION
    rule_weight: float = 1.0

    def matrix(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        readings: Sequence[sentiment.Reading] | None = None,
    ):
        """The features of ``texts``; ``readings`` (``rule_reading`` of each) when the
        caller has them already."""
        if readings is None:
            readings = [sentiment.rule_reading(t) for t in texts]
        return _features(
            self.vectorizer,
            self.feature_vectorizer,
            texts,
            languages,
            readings,
            self.rule_weight,
            fit=False,
        )

    def sentiments(self, texts: Sequence[str], matrix):
        """(label, score) per text (``matrix``: their features), or None where no
        sentiment model is trained."""
        if self.sentiment_model is None:
            return None
        proba = self.sentiment_model.predict_proba(matrix)
        classes = list(self.sentiment_model.classes_)
        result = []
        for text, row in zip(texts, proba, strict=True):
            remembered = self.corrections.get(_key(text))
            p = {c: float(row[classes.index(c)]) if c in classes else 0.0 for c in SENTIMENTS}
            score = round(p[sentiment.POSITIVE] - p[sentiment.NEGATIVE], 3)
            if remembered:
                result.append((remembered, score))
                continue
            # Neutral is the cautious answer: it wins only by NEUTRAL_FACTOR.
            weighted = dict(p, **{sentiment.NEUTRAL: p[sentiment.NEUTRAL] * NEUTRAL_FACTOR})
            result.append((max(SENTIMENTS, key=weighted.__getitem__), score))
        return result


def _features(chars, symbols, texts, languages, readings, rule_weight: float, *, fit: bool):
    """Character n-grams of the folded text, the symbolic features and the rules'
    columns side by side (``fit``: learn the vocabularies from these texts)."""
    # scipy comes with scikit-learn: only processes that classify load it.
    from scipy.sparse import hstack

    folded = [sentiment.fold(t) for t in texts]
    symbolic = [
        sentiment.features(t, lang, reading)
        for t, lang, reading in zip(texts, languages, readings, strict=True)
    ]
    if fit:
        blocks = [chars.fit_transform(folded), symbols.fit_transform(symbolic)]
    else:
        blocks = [chars.transform(folded), symbols.transform(symbolic)]
    return hstack([*blocks, rule_columns(readings, rule_weight)]).tocsr()


def rule_columns(readings: Sequence[sentiment.Reading], weight: float):
    """The rules' reading as a few dense columns: their score, their verdict, the
    service phrases for and against, sarcasm, a contrast."""
    # numpy and scipy come with scikit-learn: loaded by the processes that classify.
    import numpy as np
    from scipy.sparse import csr_matrix

    rows = []
    for reading in readings:
        against = sum(1 for name in reading.phrases if sentiment.PHRASE_SIGN[name] < 0)
        rows.append(
            [
                max(-2.0, min(2.0, reading.score / 2)),
                reading.label == sentiment.NEGATIVE,
                reading.label == sentiment.NEUTRAL,
                reading.label == sentiment.POSITIVE,
                min(against, 2) / 2,
                min(len(reading.phrases) - against, 2) / 2,
                reading.sarcasm,
            ]
        )
    return csr_matrix(np.array(rows, dtype=np.float32).reshape(len(rows), 7) * weight)


def _key(text: str) -> str:
    return " ".join(sentiment.tokens(text)) or text.strip()


def _vectorizers():
    # scikit-learn takes a second to import: only processes that classify pay for it.
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        lowercase=False,
        sublinear_tf=True,
        min_df=1,
        max_features=300_000,
        dtype=np.float32,
    )
    symbols = TfidfVectorizer(
        analyzer="word",
        token_pattern=r"\S+",  # noqa: S106 - a regular expression, not a secret
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        dtype=np.float32,
    )
    return chars, symbols


def train(
    examples: Sequence[Example], *, theme_codes: Iterable[str], cross_validate: bool = True
) -> TrainedModel:
    """Fit the classifiers. A theme gets its own classifier once it has
    MIN_THEME_EXAMPLES positive and negative examples (and, when cross-validated, an F1
    of at least MIN_CV_F1); sentiment once two classes have MIN_SENTIMENT_EXAMPLES."""
    # Heavy, and only needed to train: loaded here (see _vectorizers).
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    chars, symbols = _vectorizers()
    model = TrainedModel(
        vectorizer=chars,
        feature_vectorizer=symbols,
        examples=len(examples),
        rule_weight=RULE_WEIGHT,
    )
    if not examples:
        return model
    texts = [e.text for e in examples]
    matrix = _features(
        chars,
        symbols,
        texts,
        [e.language for e in examples],
        [sentiment.rule_reading(t) for t in texts],
        model.rule_weight,
        fit=True,
    )
    weights = np.array([STAFF_WEIGHT if e.staff else 1.0 for e in examples])
    for code in theme_codes:
        labels = np.array([code in e.themes for e in examples], dtype=np.int8)
        # Shipped examples speak for a theme only when it was labelled in the corpus.
        rows = np.array(
            [e.themes_labelled and (e.staff or code in _SHIPPED_THEMES) for e in examples]
        )
        positives = int(labels[rows].sum())
        negatives = int(rows.sum()) - positives
        entry: dict[str, Any] = {"positives": positives, "negatives": negatives}
        if positives >= MIN_THEME_EXAMPLES and negatives >= MIN_THEME_EXAMPLES:
            clf = LogisticRegression(
                C=THEME_C, class_weight="balanced", solver="liblinear", max_iter=2000
            )
            # A shipped theme keeps its classifier anyway: cross-validate only the others.
            if cross_validate and code not in _SHIPPED_THEMES:
                folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=7)
                entry["cv_f1"] = round(
                    float(
                        cross_val_score(
                            clf, matrix[rows], labels[rows], cv=folds, scoring="f1"
                        ).mean()
                    ),
                    3,
                )
            # A theme of the shipped corpus always has its classifier (its figures on the
            # held-out set are measured with the rules); one taught by staff alone
            # only once it predicts reliably.
            entry["used"] = code in _SHIPPED_THEMES or entry.get("cv_f1", 1.0) >= MIN_CV_F1
            if entry["used"]:
                model.theme_models[code] = clf.fit(
                    matrix[rows], labels[rows], sample_weight=weights[rows]
                )
        model.metrics.setdefault("themes", {})[code] = entry
    labelled = [i for i, e in enumerate(examples) if e.sentiment in SENTIMENTS]
    y = np.array([examples[i].sentiment for i in labelled])
    counts = {s: int((y == s).sum()) for s in SENTIMENTS}
    model.metrics["sentiment"] = {"examples": counts}
    if sum(1 for n in counts.values() if n >= MIN_SENTIMENT_EXAMPLES) >= 2:
        clf = LogisticRegression(C=SENTIMENT_C, class_weight=SENTIMENT_CLASS_WEIGHT, max_iter=2000)
        # With the shipped corpus the held-out figures say how good it is (services).
        staff_only = all(e.staff for e in examples)
        if cross_validate and staff_only and min(n for n in counts.values() if n) >= 3:
            folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=7)
            model.metrics["sentiment"]["cv_accuracy"] = round(
                float(cross_val_score(clf, matrix[labelled], y, cv=folds).mean()), 3
            )
        model.sentiment_model = clf.fit(matrix[labelled], y, sample_weight=weights[labelled])
    model.corrections = {
        _key(e.text): e.sentiment  # type: ignore[misc]
        for e in examples
        if e.staff and e.sentiment in SENTIMENTS
    }
    return model


# -- the shipped corpus -----------------------------------------------------------------------

TRAINING_FILES = ("sentiment_dev.tsv", "short_comments.tsv")
_SHIPPED_THEMES = frozenset(
    {
        "waiting-time",
        "unexpected-charges",
        "delivery",
        "staff-attitude",
        "product-quality",
        "price",
        "competitor",
        "need",
    }
)


def shipped_theme_codes() -> frozenset[str]:
    """The themes the shipped corpus is labelled with (the default taxonomy's)."""
    return _SHIPPED_THEMES


def read_labelled(name: str) -> list[dict[str, str]]:
    """Rows of a labelled file shipped in ``voice/data`` (or a path to one)."""
    source = resources.files("clientfocus.voice") / "data" / name
    handle = source.open(encoding="utf-8") if source.is_file() else open(name, encoding="utf-8")  # noqa: SIM115
    with handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def shipped_examples() -> list[Example]:
    """The training corpus: the development set (sentiment and themes) and the short
    comments (sentiment; their themes were never labelled, so they train no theme)."""
    examples = []
    for name in TRAINING_FILES:
        for row in read_labelled(name):
            themes = row.get("themes")
            examples.append(
                Example(
                    text=row["text"],
                    themes=frozenset(filter(None, (themes or "").split(","))),
                    sentiment=sentiment.SHORT_LABELS.get(row["sentiment"], row["sentiment"]),
                    language=row.get("language") or None,
                    staff=False,
                    themes_labelled=themes is not None,
                )
            )
    return examples


_base: TrainedModel | None = None
_base_lock = threading.Lock()


def base_model() -> TrainedModel:
    """The model of an installation nobody has trained yet: the shipped corpus only.
    Trained on first use in a process (about two seconds), then kept."""
    global _base
    with _base_lock:
        if _base is None:
            _base = train(
                shipped_examples(), theme_codes=sorted(_SHIPPED_THEMES), cross_validate=False
            )
        return _base


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
    model = pickle.loads(body)  # noqa: S301 - signed by this installation
    if getattr(model, "version", 1) != MODEL_VERSION:
        raise ValueError("the stored model was trained by an older version: train again")
    return model
