"""`clientfocus import customers FILE.csv`: import customer records."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clientfocus.core.errors import ServiceError
from clientfocus.customers.services import IMPORT_COLUMNS, decode_csv, import_customers_csv


class Command(BaseCommand):
    help = (
        "Import data from CSV. `import customers FILE.csv`: header row with columns "
        + ", ".join(IMPORT_COLUMNS)
        + " (name required; several e-mails or phones separated by ';')."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["customers"])
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
        rows = max(text.count("\n") - 1, 0)
        with tqdm(total=rows, unit="row", disable=no_progress, file=self.stderr) as bar:
            report = import_customers_csv(text=text, progress=bar.update)
        for line, reason in report.errors:
            self.stderr.write(f"{file}:{line}: {reason}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {len(report.errors)} rejected"
        )
        if report.errors:
            raise SystemExit(1)
