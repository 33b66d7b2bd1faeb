"""`clientfocus notify retry-dead` and `clientfocus notify deliver`."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from clientfocus.customers.models import Customer
from clientfocus.notify.models import NotificationRule
from clientfocus.notify.services import deliver_due, preview_rule, retry_dead


class Command(BaseCommand):
    help = "Notification outbox chores."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("retry-dead", help="queue every failed notification again")
        sub.add_parser("deliver", help="deliver what is due now, once")
        preview = sub.add_parser("preview", help="show what RULE would send a customer")
        preview.add_argument("rule", help="rule id or name")
        preview.add_argument("--customer", required=True, help="customer id (UUID) or external ref")

    def handle(self, *args, action: str, **options) -> None:
        if action == "preview":
            self.preview(options["rule"], options["customer"])
            return
        if action == "retry-dead":
            self.stdout.write(f"{retry_dead()} notification(s) queued again")
            return
        total = 0
        while True:
            sent = deliver_due(limit=200)
            total += sent
            if not sent:
                break
        self.stdout.write(f"{total} notification(s) delivered")

    def preview(self, rule_ref: str, customer_ref: str) -> None:
        rule = (
            NotificationRule.objects.filter(pk=int(rule_ref)).first()
            if rule_ref.isdigit()
            else NotificationRule.objects.filter(name=rule_ref).first()
        )
        if rule is None:
            raise CommandError(f"unknown rule {rule_ref!r}")
        try:
            customer = Customer.objects.filter(public_id=uuid.UUID(customer_ref)).first()
        except ValueError:
            customer = Customer.objects.filter(external_ref=customer_ref).first()
        if customer is None:
            raise CommandError(f"unknown customer {customer_ref!r}")
        try:
            shown = preview_rule(rule=rule, customer=customer)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"to: {shown['recipient'] or '-'} ({shown['language']})")
        if shown["not_sent_because"]:
            self.stdout.write(f"not sent: {shown['not_sent_because']}")
        if shown["subject"]:
            self.stdout.write(f"subject: {shown['subject']}")
        self.stdout.write(shown["body"])
