"""`clientfocus voice tag FILE.csv [--json]`, `voice evaluate [--set held-out|dev|FILE]`,
`voice digest [--send]`, `voice train`, `voice retag`, `voice rollup`, `voice trends`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.utils import OperationalError, ProgrammingError
from django.utils import timezone

from clientfocus.core.errors import ServiceError
from clientfocus.core.spreadsheets import dict_reader
from clientfocus.customers.services import decode_csv
from clientfocus.voice.analysis import MAX_CHARS
from clientfocus.voice.evaluation import format_report
from clientfocus.voice.models import Theme
from clientfocus.voice.selectors import rebuild_all_rollups, rebuild_rollups
from clientfocus.voice.services import (
    analyse_texts,
    default_analyser,
    detect_trends,
    digest_text,
    evaluation_report,
    make_digest,
    retag,
    train_classifier,
)

BATCH = 2000


class Command(BaseCommand):
    help = "Voice of the customer: tag comments, digests, classifier, rollups, trends."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tag = sub.add_parser("tag", help="tag the `text` column of a CSV file ('-' = stdin)")
        tag.add_argument("file")
        tag.add_argument("--json", action="store_true", help="one JSON object per row, in order")
        evaluate = sub.add_parser(
            "evaluate", help="accuracy per language on a labelled set (default: held-out)"
        )
        evaluate.add_argument(
            "--set",
            dest="labelled",
            default="held-out",
            help="held-out, dev, or a TSV file with `sentiment` and `text` columns",
        )
        evaluate.add_argument("--json", action="store_true", help="the figures as JSON")
        evaluate.add_argument("--errors", type=int, default=0, help="list the first N misreadings")
        evaluate.add_argument(
            "--shipped",
            action="store_true",
            help="the analyser of a new installation (default taxonomy, shipped classifier)",
        )
        digest = sub.add_parser("digest", help="build the weekly digest (default: last week)")
        digest.add_argument("--week", help="any day of the week, YYYY-MM-DD")
        digest.add_argument("--send", action="store_true", help="e-mail it to all staff (once)")
        digest.add_argument("--resend", action="store_true", help="send even if already sent")
        sub.add_parser("train", help="train the classifier on staff-reviewed comments")
        retag = sub.add_parser("retag", help="re-analyse unreviewed feedback")
        retag.add_argument("--days", type=int, default=14, help="of the last N days (0 = all)")
        rollup = sub.add_parser("rollup", help="recount the figures behind the voice page")
        rollup.add_argument("--all", action="store_true", help="every day, not just the last two")
        sub.add_parser("trends", help="look for rising themes now and raise alerts")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, "do_" + action)(**options)

    # -- tag ---------------------------------------------------------------------------------

    def do_tag(self, *, file: str, json: bool, **_: object) -> None:

        data = self._read(file)
        try:
            text = decode_csv(data)
        except ServiceError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        reader = dict_reader(text)
        if "text" not in (reader.fieldnames or []):
            raise CommandError(
                f"{file}: no `text` column "
                f"(columns: {', '.join(reader.fieldnames or []) or 'none'})"
            )
        analyse: Callable[[list[str]], list] = analyse_texts
        try:
            names = dict(Theme.objects.values_list("code", "name"))
        except (OperationalError, ProgrammingError):
            # No database set up (or none reachable): tag with the default taxonomy.
            default, names = default_analyser()
            analyse = default.analyse_many
            self.stderr.write("no database set up: tagging with the default taxonomy")
        out = self.stdout
        rows = 0
        batch: list[tuple[int, str]] = []

        def flush() -> None:
            results = analyse([t for _, t in batch])
            for (line, raw), result in zip(batch, results, strict=True):
                if result.truncated:
                    self.stderr.write(
                        f"{file}:{line}: text: {len(raw)} characters; "
                        f"analysed the first {MAX_CHARS}"
                    )
                if not raw.strip():
                    self.stderr.write(f"{file}:{line}: text: empty")
                if json:
                    out.write(_dumps(result.as_dict(names)))
                else:
                    themes = ", ".join(names.get(t, t) for t in result.themes) or "-"
                    out.write(f"{line}\t{result.language or '-'}\t{result.sentiment}\t{themes}")
            batch.clear()

        for row in reader:
            rows += 1
            batch.append((reader.line_num, row.get("text") or ""))
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        if not json:
            self.stderr.write(f"{rows} row(s) tagged")

    # -- evaluate ------------------------------------------------------------------------------

    def do_evaluate(
        self, *, labelled: str, json: bool, errors: int, shipped: bool, **_: object
    ) -> None:
        if errors < 0:
            raise CommandError("--errors: a number of 0 or more")
        try:
            try:
                report = evaluation_report(labelled, installed=not shipped)
            except (OperationalError, ProgrammingError):
                # No database set up: what a new installation would do.
                self.stderr.write("no database set up: evaluating the shipped analyser")
                report = evaluation_report(labelled, installed=False)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_dumps(report.as_dict()))
        else:
            self.stdout.write(format_report(report, errors=errors))

    def _read(self, file: str) -> bytes:
        if file == "-":
            return sys.stdin.buffer.read()
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        return path.read_bytes()

    # -- digest ------------------------------------------------------------------------------

    def do_digest(self, *, week: str | None, send: bool, resend: bool, **_: object) -> None:

        day = None
        if week:
            try:
                day = date.fromisoformat(week)
            except ValueError as exc:
                raise CommandError(f"--week: expected YYYY-MM-DD, got {week!r}") from exc
        digest, _created, sent = make_digest(week_start=day, send=send or resend, resend=resend)
        self.stdout.write(digest_text(digest.data))
        if send or resend:
            if sent:
                self.stderr.write(f"digest sent to {sent} people")
            else:
                self.stderr.write(
                    f"digest of {digest.week_start} was already sent on "
                    f"{digest.sent_at:%Y-%m-%d %H:%M} (use --resend to send again)"
                    if digest.sent_at
                    else "nobody to send it to (no active employee has an e-mail address)"
                )

    # -- classifier and figures --------------------------------------------------------------

    def do_train(self, **_: object) -> None:

        model = train_classifier()
        self.stdout.write(
            f"trained on {model.examples} reviewed comment(s); themes with a classifier: "
            f"{', '.join(model.metrics.get('themes_with_classifier', [])) or 'none yet'}"
        )
        self.stdout.write(_dumps(model.metrics))

    def do_retag(self, *, days: int, **_: object) -> None:

        if days < 0:
            raise CommandError("--days must be 0 (all) or more")
        since = timezone.now() - timedelta(days=days) if days else None
        self.stdout.write(f"{retag(since=since)} item(s) re-analysed")

    def do_rollup(self, *, all: bool, **_: object) -> None:

        if all:
            rows = rebuild_all_rollups()
        else:
            today = timezone.localdate()
            rows = rebuild_rollups(start=today - timedelta(days=1), end=today)
        self.stdout.write(f"{rows} rollup row(s)")

    def do_trends(self, **_: object) -> None:

        alerts = detect_trends()
        for alert in alerts:
            self.stdout.write(f"{alert.theme.name} ({alert.kind}): {alert.statistic}")
        if not alerts:
            self.stdout.write("no theme is rising beyond chance")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
