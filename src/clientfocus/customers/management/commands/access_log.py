"""`clientfocus access-log [--customer ID] [--actor USER] [--days N] [--json]`: who opened
or exported which customer record (the operator's view of the log administrators see
at /customers/access/)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clientfocus.core.filters import parse_uuid
from clientfocus.customers.access import entries
from clientfocus.customers.models import Customer


class Command(BaseCommand):
    help = "Who opened or exported which customer record, newest first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customer", help="the customer's id (UUID)")
        parser.add_argument("--actor", help="an employee's user name")
        parser.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, customer, actor, days: int, limit: int, json: bool, **options):
        if not 1 <= days <= 36_500 or not 1 <= limit <= 1_000_000:
            raise CommandError("--days must be 1…36500 and --limit 1…1000000")
        found = None
        if customer:
            public_id = parse_uuid(customer)
            if public_id is None:
                raise CommandError(f"--customer: {customer!r} is not a customer id")
            found = Customer.objects.filter(public_id=public_id).first()
            if found is None:
                raise CommandError(f"--customer: no customer {customer}")
        who = None
        if actor:
            who = get_user_model().objects.filter(username=actor).first()
            if who is None:
                raise CommandError(f"--actor: no user {actor!r}")
        since = timezone.now() - timedelta(days=days)
        for row in entries(customer=found, actor=who, since=since, limit=limit):
            line = {
                "at": row.at.isoformat(),
                "actor": row.actor.get_username() if row.actor else None,
                "action": row.action,
                "via": row.via,
                "customer": str(row.customer.public_id) if row.customer else None,
            }
            if json:
                self.stdout.write(_dumps(line))
            else:
                self.stdout.write("\t".join(str(v or "-") for v in line.values()))


def _dumps(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)
