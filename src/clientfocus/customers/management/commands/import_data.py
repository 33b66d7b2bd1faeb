"""`clientfocus import KIND FILE.csv`: import customers, orders, … (each app that has a
kind of file contributes an importer)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clientfocus.core.errors import ServiceError
from clientfocus.customers.extensions import importers
from clientfocus.customers.services import decode_csv


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return "Import data from CSV. " + " ".join(i.help for i in importers)

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[c.key for c in importers.contributions()])
        parser.add_argument("file")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, kind: str, file: str, no_progress: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            text = decode_csv(path.read_bytes())
        except ServiceError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        importer = next(c.item for c in importers.contributions() if c.key == kind)
        rows = max(text.count("\n") - 1, 0)
        with tqdm(total=rows, unit="row", disable=no_progress, file=self.stderr) as bar:
            summary, errors = importer.run(text, bar.update)
        for line, reason in errors:
            self.stderr.write(f"{file}:{line}: {reason}")
        self.stdout.write(summary)
        if errors:
            raise SystemExit(1)
