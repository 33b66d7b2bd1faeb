"""`clientfocus ideas export [--format csv|json] [--status S] [--output FILE]` and
`clientfocus ideas refresh` (votes take their voters' current value; recount)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from clientfocus.core.spreadsheets import csv_text
from clientfocus.ideas import selectors, services
from clientfocus.ideas.models import Idea, Status


class Command(BaseCommand):
    help = "Ideas: export them; reweigh votes by the voters' current value."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="every idea with its votes and weights")
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--status", help="only ideas in this status")
        export.add_argument("--output", help="a file to write (default: standard output)")
        sub.add_parser("refresh", help="reweigh every vote and recount every idea")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, "do_" + action)(**options)

    def do_export(self, *, format: str, status: str | None, output: str | None, **_) -> None:
        ideas = Idea.objects.all()
        if status:
            if status not in Status.values:
                raise CommandError(
                    f"unknown status {status!r}: choose one of {', '.join(Status.values)}"
                )
            ideas = ideas.filter(status=status)
        rows = list(selectors.export_rows(ideas))
        if format == "json":
            text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
        else:
            text = csv_text(
                selectors.EXPORT_FIELDS, [[row[f] for f in selectors.EXPORT_FIELDS] for row in rows]
            )
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
            self.stderr.write(f"{len(rows)} ideas written to {output}")
        else:
            sys.stdout.write(text)

    def do_refresh(self, **_) -> None:
        votes = services.refresh_weights()
        self.stdout.write(f"{votes} votes reweighed; every idea recounted")
