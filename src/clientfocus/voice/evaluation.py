"""How well the analyser reads comments: accuracy, per-class precision and recall and
the confusion matrix per language, theme precision and recall (pure: no Django).

The figures decision makers rely on come from ``sentiment_heldout.tsv``, the set
written before the analyser was tuned and frozen since (see ``voice/data/README.md``);
``sentiment_dev.tsv`` is the set it was tuned on and partly trained from, so its
figures flatter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clientfocus.voice.learning import read_labelled
from clientfocus.voice.sentiment import NEGATIVE, NEUTRAL, POSITIVE, SHORT_LABELS
from clientfocus.voice.sentiment import SENTIMENTS as LABELS

SETS = {"held-out": "sentiment_heldout.tsv", "dev": "sentiment_dev.tsv"}


@dataclass(frozen=True)
class Labelled:
    language: str
    sentiment: str
    themes: frozenset[str] | None  # None: the themes were not labelled
    kind: str
    text: str


def load(name: str) -> list[Labelled]:
    """A labelled set by name (``held-out``, ``dev``) or path; a ValueError says what
    is wrong with a file that cannot be read as one."""
    try:
        rows = read_labelled(SETS.get(name, name))
    except OSError as exc:
        raise ValueError(f"cannot read {name!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{name!r} is not UTF-8 text") from None
    found = []
    for number, row in enumerate(rows, start=2):
        label = SHORT_LABELS.get((row.get("sentiment") or "").strip(), row.get("sentiment"))
        text = row.get("text")
        if label not in LABELS or not text:
            raise ValueError(
                f"{name}: line {number} needs a `sentiment` (neg, neu, pos) and a `text`"
            )
        themes = row.get("themes")
        found.append(
            Labelled(
                language=(row.get("language") or "").strip() or "?",
                sentiment=label,
                themes=None if themes is None else frozenset(filter(None, themes.split(","))),
                kind=(row.get("kind") or "").strip(),
                text=text,
            )
        )
    if not found:
        raise ValueError(f"{name}: no labelled comments")
    return found


@dataclass
class Scores:
    """Sentiment figures for one group of comments."""

    confusion: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, gold: str, predicted: str) -> None:
        self.confusion[gold][predicted] += 1

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.confusion.values())

    @property
    def accuracy(self) -> float:
        right = sum(self.confusion[label][label] for label in LABELS)
        return right / self.total if self.total else 0.0

    @property
    def polar_accuracy(self) -> float:
        """Of comments a reader calls positive or negative, the share read so."""
        polar = sum(sum(self.confusion[label].values()) for label in (NEGATIVE, POSITIVE))
        right = self.confusion[NEGATIVE][NEGATIVE] + self.confusion[POSITIVE][POSITIVE]
        return right / polar if polar else 0.0

    @property
    def neutral_called_polar(self) -> float:
        neutral = sum(self.confusion[NEUTRAL].values())
        return (neutral - self.confusion[NEUTRAL][NEUTRAL]) / neutral if neutral else 0.0

    def precision(self, label: str) -> float:
        called = sum(self.confusion[gold][label] for gold in LABELS)
        return self.confusion[label][label] / called if called else 0.0

    def recall(self, label: str) -> float:
        actual = sum(self.confusion[label].values())
        return self.confusion[label][label] / actual if actual else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "comments": self.total,
            "accuracy": round(self.accuracy, 4),
            "polar_accuracy": round(self.polar_accuracy, 4),
            "neutral_called_polar": round(self.neutral_called_polar, 4),
            "precision": {label: round(self.precision(label), 4) for label in LABELS},
            "recall": {label: round(self.recall(label), 4) for label in LABELS},
            "confusion": {g: {p: self.confusion[g][p] for p in LABELS} for g in LABELS},
        }


@dataclass
class Report:
    name: str
    overall: Scores
    languages: dict[str, Scores]
    kinds: dict[str, Scores]
    theme_hits: Counter[str]  # tp / fp / fn over the labelled themes
    per_theme: dict[str, Counter[str]]
    errors: list[tuple[Labelled, str]]

    @property
    def theme_precision(self) -> float:
        called = self.theme_hits["tp"] + self.theme_hits["fp"]
        return self.theme_hits["tp"] / called if called else 0.0

    @property
    def theme_recall(self) -> float:
        actual = self.theme_hits["tp"] + self.theme_hits["fn"]
        return self.theme_hits["tp"] / actual if actual else 0.0

    def summary(self) -> dict[str, Any]:
        """The headline figures: per language polar accuracy and neutral called polar."""
        return {
            "polar_accuracy": round(self.overall.polar_accuracy, 4),
            "neutral_called_polar": round(self.overall.neutral_called_polar, 4),
            "languages": {k: round(v.polar_accuracy, 4) for k, v in sorted(self.languages.items())},
            "theme_precision": round(self.theme_precision, 4),
            "theme_recall": round(self.theme_recall, 4),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "overall": self.overall.as_dict(),
            "languages": {k: v.as_dict() for k, v in sorted(self.languages.items())},
            "kinds": {k: v.as_dict() for k, v in sorted(self.kinds.items())},
            "themes": {
                "precision": round(self.theme_precision, 4),
                "recall": round(self.theme_recall, 4),
                "per_theme": {
                    code: dict(counts) for code, counts in sorted(self.per_theme.items())
                },
            },
        }


def evaluate(analyser, rows: Sequence[Labelled], *, name: str = "") -> Report:
    """Run ``analyser`` (``analysis.Analyzer``) over labelled rows and score it."""
    results = analyser.analyse_many([r.text for r in rows])
    overall = Scores()
    languages: dict[str, Scores] = defaultdict(Scores)
    kinds: dict[str, Scores] = defaultdict(Scores)
    hits: Counter[str] = Counter()
    per_theme: dict[str, Counter[str]] = defaultdict(Counter)
    known = {code for code, _ in analyser.patterns}
    errors = []
    for row, result in zip(rows, results, strict=True):
        for scores in (overall, languages[row.language], kinds[row.kind or "-"]):
            scores.add(row.sentiment, result.sentiment)
        if result.sentiment != row.sentiment:
            errors.append((row, result.sentiment))
        if row.themes is None:
            continue
        gold = row.themes & known
        found = set(result.themes)
        for code in gold | found:
            outcome = "tp" if code in gold and code in found else "fp" if code in found else "fn"
            hits[outcome] += 1
            per_theme[code][outcome] += 1
    return Report(name, overall, dict(languages), dict(kinds), hits, dict(per_theme), errors)


def _pct(x: float) -> str:
    return f"{x:6.1%}"


def format_report(report: Report, *, errors: int = 0) -> str:
    """The report as text: per language accuracy, precision/recall, confusion."""
    out = [f"== {report.name}: {report.overall.total} comments"]
    out.append(
        "language  n    accuracy  polar   neu→polar  P(neg)  R(neg)  P(neu)  R(neu)  P(pos)  R(pos)"
    )
    for language, scores in [*sorted(report.languages.items()), ("all", report.overall)]:
        out.append(
            f"{language:<8} {scores.total:>4}  {_pct(scores.accuracy)}  "
            f"{_pct(scores.polar_accuracy)}  {_pct(scores.neutral_called_polar)}   "
            + "  ".join(
                f"{_pct(scores.precision(label))}  {_pct(scores.recall(label))}" for label in LABELS
            )
        )
    out.append("")
    out.append("confusion (rows: label, columns: analyser neg / neu / pos)")
    for language, scores in [*sorted(report.languages.items()), ("all", report.overall)]:
        cells = " | ".join(
            f"{label[:3]} " + " ".join(f"{scores.confusion[label][p]:>3}" for p in LABELS)
            for label in LABELS
        )
        out.append(f"  {language:<6} {cells}")
    out.append("")
    out.append("by kind     n   accuracy  polar")
    for kind, scores in sorted(report.kinds.items()):
        out.append(
            f"  {kind:<9}{scores.total:>4}  {_pct(scores.accuracy)}  {_pct(scores.polar_accuracy)}"
        )
    out.append("")
    out.append(
        f"themes: precision {_pct(report.theme_precision)}, recall {_pct(report.theme_recall)}"
    )
    for code, counts in sorted(report.per_theme.items()):
        tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out.append(
            f"  {code:<20} P {_pct(precision)}  R {_pct(recall)}  (tp {tp}, fp {fp}, fn {fn})"
        )
    for row, predicted in report.errors[:errors]:
        out.append(
            f"  ✗ {row.language} {row.kind:<8} {row.sentiment[:3]}→{predicted[:3]}  {row.text}"
        )
    return "\n".join(out)
