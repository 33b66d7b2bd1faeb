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
        + " (name required; several e-mails or phones separated by ';'). "
        "`import orders FILE.csv`: order_id, customer (external reference, id or e-mail), "
        "date, amount[, currency, status, channel, product_line]; idempotent by order id."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["customers", "orders"])
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
            if kind == "orders":
                from clientfocus.orders.services import import_orders_csv

                orders = import_orders_csv(text=text, progress=bar.update)
                errors = orders.errors
                summary = (
                    f"{orders.created} created, {orders.unchanged} already stored, "
                    f"{len(errors)} rejected"
                )
            else:
                customers = import_customers_csv(text=text, progress=bar.update)
                errors = customers.errors
                summary = (
                    f"{customers.created} created, {customers.updated} updated, "
                    f"{len(errors)} rejected"
                )
        for line, reason in errors:
            self.stderr.write(f"{file}:{line}: {reason}")
        self.stdout.write(summary)
        if errors:
            raise SystemExit(1)
