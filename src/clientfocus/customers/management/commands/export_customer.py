"""`clientfocus export-customer ID [--output FILE.zip]`: everything held about one
customer, as the ZIP administrators download from the record (logged as an export)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clientfocus.customers.export import export_customer, export_filename
from clientfocus.customers.selectors import customer_by_reference


class Command(BaseCommand):
    help = "Export everything held about one customer as a ZIP (JSON and files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("customer", help="the customer's id (UUID) or external reference")
        parser.add_argument(
            "--output", help="where to write the ZIP ('-' = standard output; default: "
            "customer-<id>-<date>.zip here)",
        )  # fmt: skip

    def handle(self, *args, customer: str, output: str | None, **options) -> None:
        found = customer_by_reference(customer)
        if found is None:
            raise CommandError(f"no customer {customer!r} (give its id or external reference)")
        target = Path(output or export_filename(found))
        if output != "-" and target.exists():
            raise CommandError(f"{target} exists; choose another --output")
        archive = export_customer(found, actor=None, via="export ZIP command line")
        if output == "-":
            shutil.copyfileobj(archive, sys.stdout.buffer)
            return
        try:
            with target.open("xb") as handle:
                shutil.copyfileobj(archive, handle)
        except OSError as exc:
            raise CommandError(f"{target}: {exc.strerror}") from exc
        self.stdout.write(f"{target} ({target.stat().st_size:,} bytes)")
