"""`clientfocus sla due --calendar CAL.json --opened ISO --minutes N`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clientfocus.service.clock import BusinessCalendar, CalendarError
from clientfocus.service.services import sweep_sla


class Command(BaseCommand):
    help = "Business-calendar arithmetic for response targets."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="print the due time of a target")
        due.add_argument("--calendar", required=True, help="calendar JSON file")
        due.add_argument(
            "--opened",
            required=True,
            help="ISO 8601 time; without an offset it is read in the calendar's zone",
        )
        due.add_argument("--minutes", required=True, type=float, help="business minutes")
        sub.add_parser("sweep", help="run the SLA sweep once now")

    def handle(self, *args, action: str, **options) -> None:
        if action == "sweep":
            result = sweep_sla()
            self.stdout.write(
                f"checked {result.checked}, at risk {result.at_risk}, breached {result.breached}"
            )
            return
        path = Path(options["calendar"])
        try:
            calendar = BusinessCalendar.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not valid JSON ({exc})") from exc
        except CalendarError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        try:
            opened = datetime.fromisoformat(options["opened"])
        except ValueError as exc:
            raise CommandError(f"--opened: {options['opened']!r} is not an ISO 8601 time") from exc
        if opened.tzinfo is None:
            opened = opened.replace(tzinfo=calendar.zone)
        minutes = options["minutes"]
        if minutes < 0 or minutes != minutes:
            raise CommandError("--minutes must be zero or more")
        self.stdout.write(calendar.add_business_minutes(opened, minutes).isoformat())
