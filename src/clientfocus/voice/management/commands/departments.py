"""`clientfocus departments [--days N] [--json]`: the department scorecard — each
department as supplier and customer of the others, and its customer-facing measures."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clientfocus.voice import departments
from clientfocus.voice.departments_api import card_out


def _pct(value) -> str:
    return f"{value:.0%}" if value is not None else "-"


class Command(BaseCommand):
    help = "The department scorecard: internal requests, satisfaction, customer measures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, days: int, json: bool, **_) -> None:
        if not 1 <= days <= 3650:
            raise CommandError("--days: from 1 to 3650")
        cards = departments.scorecards(now=timezone.now(), days=days)
        if json:
            self.stdout.write(_dump([card_out(c) for c in cards]))
            return
        for c in cards:
            self.stdout.write(
                f"{c.department.code:<16} received {c.received:>5} met {_pct(c.received_met):>4}"
                f"  internal satisfaction {_pct(c.internal_satisfaction):>4} ({c.internal_answers})"
                f"  filed {c.filed:>5} answered in "
                f"{c.filed_answer_hours if c.filed_answer_hours is not None else '-'} h"
                f"  customers {c.customer_requests:>5} met {_pct(c.customer_met):>4}"
                + "".join(f"  {m.key} {_pct(m.value)} ({m.count})" for m in c.measures)
            )


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
