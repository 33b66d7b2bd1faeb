"""Voice of the customer: how well and how fast comments are read, the decision makers' page.

    .venv/bin/python benchmarks/voice.py evaluate      # no database needed
    .venv/bin/python benchmarks/voice.py accuracy      # no database needed
    .venv/bin/python benchmarks/voice.py throughput    # no database needed
    .venv/bin/python benchmarks/voice.py curve         # no database needed
    .venv/bin/python benchmarks/voice.py page [--database-url URL] [--items 1000000]

evaluate: the analyser of a new installation (default taxonomy, the classifier trained
on the shipped corpus, language detection as in production) on the held-out set (written
before tuning, frozen) and on the dev set (tuned and trained on: flattering): accuracy,
polar accuracy, neutral called polar, per-class precision and recall and the confusion
matrix per language; theme precision and recall. Also the rules alone on held-out.

accuracy: lingua on the 500 short comments of src/clientfocus/voice/data/ (100 per
language, 5-20 words), with the default candidate languages (VOICE_LANGUAGES) and with
only the five.

throughput: comments tagged per second (language + sentiment + themes of the default
taxonomy) in one process, in batches as `voice tag` does: rules only, and with the
shipped classifier.

curve: the learning curve. 5-fold cross-validation on the dev set (the held-out set is
not touched): each fold's classifier is trained on a quarter, half, three quarters and
all of the other four folds (plus the short comments), and the figures say how polar
accuracy and theme precision/recall grow with the number of labelled comments.

page: loads N feedback items (PostgreSQL COPY) over 52 weeks with scores, sentiments,
tiers, segments and theme tags, builds the rollups, then times GET /voice/ as a manager
(median of 30) for each breakdown, and the drill-down to the verbatims of one theme-week.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "clientfocus" / "voice" / "data" / "short_comments.tsv"


def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(DATA.open(encoding="utf-8"), delimiter="\t"))


def _rules():
    sys.path.insert(0, str(ROOT / "src"))
    from clientfocus.voice.analysis import rules_from
    from clientfocus.voice.taxonomy import DEFAULT_THEMES

    return rules_from((code, keywords) for code, _name, keywords in DEFAULT_THEMES)


def evaluate(quick: bool) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from clientfocus.voice import evaluation, learning
    from clientfocus.voice.analysis import DEFAULT_LANGUAGES, Analyzer, LanguageDetector

    detector = LanguageDetector(DEFAULT_LANGUAGES)
    started = time.perf_counter()
    model = learning.base_model()
    print(f"shipped classifier trained in {time.perf_counter() - started:.1f} s")
    shipped = Analyzer(_rules(), detector=detector, model=model)
    rules_only = Analyzer(_rules(), detector=detector, model=None)
    for name in ("held-out", "dev"):
        labelled = evaluation.load(name)
        if quick:
            labelled = labelled[::10]
        print(evaluation.format_report(evaluation.evaluate(shipped, labelled, name=name)))
        print()
    labelled = evaluation.load("held-out")[:: 10 if quick else 1]
    report = evaluation.evaluate(rules_only, labelled, name="held-out, rules only")
    print(
        f"held-out, rules alone: polar {report.overall.polar_accuracy:.1%}, neutral called "
        f"polar {report.overall.neutral_called_polar:.1%}, themes P "
        f"{report.theme_precision:.1%} R {report.theme_recall:.1%}"
    )


def accuracy() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from clientfocus.voice.analysis import DEFAULT_LANGUAGES, LanguageDetector

    data = rows()
    texts = [r["text"] for r in data]
    words = [len(t.split()) for t in texts]
    print(
        f"{len(data)} comments, {min(words)}-{max(words)} words (median {statistics.median(words)})"
    )
    for codes in (DEFAULT_LANGUAGES, ("en", "ru", "lt", "sl", "hi")):
        detector = LanguageDetector(codes)
        found = detector.detect_many(texts)
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row, language in zip(data, found, strict=True):
            per[row["language"]][0] += language == row["language"]
            per[row["language"]][1] += 1
        total = sum(v[0] for v in per.values()) / len(data)
        detail = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in per.items())
        print(f"language detection, candidates {','.join(codes)}: {total:.1%} ({detail})")
        for row, got in zip(data, found, strict=True):
            if got != row["language"]:
                print(f"   {row['language']} -> {got}: {row['text']}")


def curve(fractions: tuple[float, ...], folds: int = 5) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import random
    from collections import Counter

    from clientfocus.voice import evaluation, learning
    from clientfocus.voice.analysis import DEFAULT_LANGUAGES, Analyzer, LanguageDetector

    dev = evaluation.load("dev")
    corpus = learning.shipped_examples()
    labelled = [e for e in corpus if e.themes_labelled]  # the dev set, in file order
    short = [e for e in corpus if not e.themes_labelled]
    order = list(range(len(dev)))
    random.Random(3).shuffle(order)
    detector = LanguageDetector(DEFAULT_LANGUAGES)
    print("trained on (dev comments) | polar accuracy | neutral called polar | themes P / R")
    for fraction in fractions:
        overall = evaluation.Scores()
        hits: Counter[str] = Counter()
        for fold in range(folds):
            test = set(order[fold::folds])
            rest = [i for i in order if i not in test]
            rest = rest[: int(len(rest) * fraction)]
            model = learning.train(
                [labelled[i] for i in rest] + short,
                theme_codes=sorted(learning.shipped_theme_codes()),
                cross_validate=False,
            )
            report = evaluation.evaluate(
                Analyzer(_rules(), detector=detector, model=model),
                [dev[i] for i in sorted(test)],
            )
            hits.update(report.theme_hits)
            for gold, row in report.overall.confusion.items():
                overall.confusion[gold].update(row)
        precision = hits["tp"] / max(1, hits["tp"] + hits["fp"])
        recall = hits["tp"] / max(1, hits["tp"] + hits["fn"])
        print(
            f"{len(rest):>5} | {overall.polar_accuracy:.1%} | "
            f"{overall.neutral_called_polar:.1%} | {precision:.1%} / {recall:.1%}"
        )


def throughput(count: int = 20_000) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import random

    from clientfocus.voice import learning
    from clientfocus.voice.analysis import DEFAULT_LANGUAGES, Analyzer, LanguageDetector

    rules = _rules()
    detector = LanguageDetector(DEFAULT_LANGUAGES)
    data = rows()
    rules_only = Analyzer(rules, detector=detector)
    with_model = Analyzer(rules, detector=detector, model=learning.base_model())
    rng = random.Random(3)
    # 20,000 comments: the set's sentences, some joined in pairs to vary the length.
    texts = []
    for _ in range(count):
        a = rng.choice(data)["text"]
        texts.append(a if rng.random() < 0.7 else a + " " + rng.choice(data)["text"])
    rules_only.analyse_many(texts[:500])  # load the language models
    for label, analyser in (("rules only", rules_only), ("rules + shipped classifier", with_model)):
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            for i in range(0, len(texts), 2000):
                analyser.analyse_many(texts[i : i + 2000])
            best = max(best, len(texts) / (time.perf_counter() - started))
        print(
            f"tagging throughput, {label}: {best:,.0f} comments/s (best of 3, {count:,} comments)"
        )


def page(database_url: str, items: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "clientfocus.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from clientfocus.people.models import Employee, Role
    from clientfocus.voice import selectors
    from clientfocus.voice.models import DailyRollup, FeedbackItem, Theme, ThemeTag

    call_command("migrate", verbosity=0)
    themes = list(Theme.objects.filter(active=True).values_list("pk", flat=True))
    if FeedbackItem.objects.count() != items:
        print(f"loading {items:,} feedback items …")
        ThemeTag.objects.all().delete()
        FeedbackItem.objects.all().delete()
        rng = np.random.default_rng(5)
        comments = [r["text"] for r in rows()]
        now = timezone.now()
        seconds = rng.uniform(0, 364 * 86400, items)
        kinds = rng.choice(["", "nps", "csat", "ces"], items, p=[0.4, 0.3, 0.2, 0.1])
        sentiments = rng.choice(["negative", "neutral", "positive"], items, p=[0.35, 0.35, 0.3])
        tiers = rng.choice(
            ["standard", "silver", "gold", "platinum"], items, p=[0.6, 0.25, 0.1, 0.05]
        )
        segments = rng.choice(["champions", "loyal", "at risk", "hibernating", "promising"], items)
        lines = rng.choice(["sofas", "beds", "kitchens", "lighting", "textiles"], items)
        started = time.perf_counter()
        buffer = io.StringIO()
        for i in range(items):
            kind = kinds[i]
            score = {
                "nps": rng.integers(0, 11),
                "csat": rng.integers(1, 6),
                "ces": rng.integers(1, 8),
            }.get(kind)
            text = comments[i % len(comments)] if (not kind or i % 2) else ""
            created = (now - timezone.timedelta(seconds=float(seconds[i]))).isoformat()
            buffer.write(
                "\t".join(
                    [
                        text.replace("\t", " "), "f", "en", str(sentiments[i]), "0", "f",
                        "f", "api", kind, "\\N" if score is None else str(score), str(tiers[i]),
                        str(segments[i]), str(lines[i]), created,
                    ]
                )
                + "\n"
            )  # fmt: skip
        buffer.seek(0)
        columns = (
            "text, truncated, language, sentiment, sentiment_score, sentiment_by_staff, angry, "
            "source, score_kind, score, tier_code, segment, product_line, created_at"
        )
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY voice_feedbackitem ({columns}) FROM STDIN") as copy,
        ):
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        with connection.cursor() as cursor:
            # About 0.7 tags per comment, on the item's own timestamp.
            cursor.execute(
                f"""INSERT INTO voice_themetag (item_id, theme_id, created_at, source, confidence,
                        active, set_at)
                    SELECT id, (ARRAY{themes})[1 + (id % {len(themes)})], created_at, 'rule', 1.0,
                           true, created_at
                    FROM voice_feedbackitem WHERE text <> '' AND id % 10 < 7"""
            )
            cursor.execute("ANALYZE voice_feedbackitem; ANALYZE voice_themetag")
        print(
            f"loaded in {time.perf_counter() - started:.1f} s; tags: {ThemeTag.objects.count():,}"
        )
    started = time.perf_counter()
    DailyRollup.objects.all().delete()
    rollup_rows = selectors.rebuild_all_rollups()
    print(
        f"rollups for {items:,} items: {rollup_rows:,} rows in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    today = timezone.localdate()
    selectors.rebuild_rollups(start=today - timezone.timedelta(days=1), end=today)
    print(f"five-minute refresh (today and yesterday): {time.perf_counter() - started:.2f} s")

    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="voice-bench-manager")
    Employee.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
    client = Client()
    client.force_login(user)
    week = (today - timezone.timedelta(days=today.weekday() + 14)).isoformat()
    theme_code = Theme.objects.get(pk=themes[0]).code
    for label, url in [
        ("/voice/ (everyone, 12 weeks)", "/voice/"),
        ("/voice/?by=tier", "/voice/?by=tier"),
        ("/voice/?by=segment&weeks=52", "/voice/?by=segment&weeks=52"),
        ("/voice/?by=product_line", "/voice/?by=product_line"),
        (
            f"/voice/feedback/?theme={theme_code}&week={week}",
            f"/voice/feedback/?theme={theme_code}&week={week}",
        ),
        ("/voice/feedback/?sentiment=negative", "/voice/feedback/?sentiment=negative"),
    ]:
        assert client.get(url).status_code == 200
        times = []
        for _ in range(30):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{label}: median {statistics.median(times):.0f} ms, 95th {sorted(times)[28]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["evaluate", "accuracy", "throughput", "curve", "page"])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/clientfocus_voice_bench"
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1,000 comments / 5,000 items in <URL>_quick: the test command runs it; "
        "figures mean nothing",
    )
    args = parser.parse_args()
    if args.what == "evaluate":
        evaluate(args.quick)
    elif args.what == "accuracy":
        accuracy()
    elif args.what == "curve":
        curve((0.5, 1.0) if args.quick else (0.25, 0.5, 0.75, 1.0), folds=2 if args.quick else 5)
    elif args.what == "throughput":
        throughput(1_000 if args.quick else 20_000)
    elif args.quick:
        import service_desk

        service_desk.ensure_database(args.database_url + "_quick", reload=True)
        page(args.database_url + "_quick", 5_000)
    else:
        page(args.database_url, args.items)


if __name__ == "__main__":
    main()
