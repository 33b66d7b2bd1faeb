"""`clientfocus notify retry-dead` and `clientfocus notify deliver`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from clientfocus.notify.services import deliver_due, retry_dead


class Command(BaseCommand):
    help = "Notification outbox chores."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("retry-dead", help="queue every failed notification again")
        sub.add_parser("deliver", help="deliver what is due now, once")

    def handle(self, *args, action: str, **options) -> None:
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
