"""`clientfocus mail`: fetch mailboxes, take a message from an MTA, list and retry failures.

clientfocus mail fetch                          fetch every active mailbox once (IMAP)
clientfocus mail receive [--json] [--mailbox ADDR] < message.eml
        exit 0 handled (also when deliberately ignored), 75 temporary failure (the MTA
        retries), 65 a message that cannot be parsed (kept raw for an administrator)
clientfocus mail failed                         messages that failed or are held
clientfocus mail retry ID [--release]           process one again (--release: a held one)
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from clientfocus.core.errors import ServiceError
from clientfocus.mail.imap import fetch_all
from clientfocus.mail.models import InboundMail, InboundState, Mailbox
from clientfocus.mail.services import receive, retry

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "E-mail: fetch mailboxes, receive one message on standard input, retry failures."
    # An MTA starts one process per message: no system checks (they load every URL and
    # API module, seconds of start-up); `clientfocus check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("fetch", help="fetch every active mailbox once over IMAP")
        receive = sub.add_parser("receive", help="read one RFC 822 message on standard input")
        receive.add_argument("--json", action="store_true", help="print the outcome as JSON")
        receive.add_argument("--mailbox", default="", help="the address it was delivered to")
        sub.add_parser("failed", help="list messages that failed or are held for review")
        retry = sub.add_parser("retry", help="process a failed message again")
        retry.add_argument("id", type=int)
        retry.add_argument("--release", action="store_true", help="also a held message")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DatabaseError as exc:
            raise CommandError(
                f"the database is not ready ({exc}); run `clientfocus migrate` first"
            ) from exc

    def _fetch(self, **options) -> None:

        results = fetch_all()
        if not results:
            self.stdout.write("no active mailbox with an IMAP host is configured")
        failed = False
        for result in results:
            counts = (
                ", ".join(f"{n} {a}" for a, n in sorted(result.actions.items())) or "nothing new"
            )
            if result.error:
                failed = True
                self.stderr.write(f"{result.mailbox}: {result.error}")
            else:
                self.stdout.write(f"{result.mailbox}: {result.fetched} fetched ({counts})")
        if failed:
            raise SystemExit(1)

    def _receive(self, *, json: bool, mailbox: str, **options) -> None:

        raw = sys.stdin.buffer.read()
        box = None
        try:
            if mailbox:
                box = Mailbox.objects.filter(address__iexact=mailbox.strip()).first()
                if box is None:
                    self.stderr.write(f"mail receive: no mailbox {mailbox!r} is configured")
                    raise SystemExit(EX_TEMPFAIL)
            outcome = receive(raw, mailbox=box)
        except DatabaseError as exc:
            self.stderr.write(
                f"mail receive: the database is not ready ({exc}); run `clientfocus migrate`"
            )
            raise SystemExit(EX_TEMPFAIL) from exc
        if json:
            self.stdout.write(_json(outcome.as_dict()))
        else:
            where = f" {outcome.reference}" if outcome.reference else ""
            why = f": {outcome.reason}" if outcome.reason else ""
            self.stdout.write(f"{outcome.action}{where}{why}")
        if outcome.temporary:
            self.stderr.write(f"mail receive: temporary failure: {outcome.reason}")
            raise SystemExit(EX_TEMPFAIL)
        if outcome.unreadable:
            self.stderr.write(f"mail receive: cannot read the message: {outcome.reason}")
            raise SystemExit(EX_DATAERR)

    def _failed(self, **options) -> None:

        rows = InboundMail.objects.filter(
            state__in=[InboundState.FAILED, InboundState.HELD]
        ).order_by("-received_at")[:200]
        for row in rows:
            self.stdout.write(
                f"{row.pk}\t{row.state}\t{row.received_at:%Y-%m-%d %H:%M}\t{row.sender}\t"
                f"{row.subject[:60]}\t{row.reason}"
            )

    def _retry(self, *, id: int, release: bool, **options) -> None:

        inbound = InboundMail.objects.filter(pk=id).first()
        if inbound is None:
            raise CommandError(f"no incoming message {id}")
        try:
            outcome = retry(inbound=inbound, release=release)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(_json(outcome.as_dict()))
        if outcome.action == "failed":
            raise SystemExit(1)


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
