"""`clientfocus privacy …`: erasure on request, legal holds and retention for operators.

clientfocus privacy erase ID --reason "request of 2026-11-30"
clientfocus privacy hold ID --reason "court order 12/2026"   |   privacy release ID
clientfocus privacy retention [--days N] [--run]
clientfocus privacy erasures
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clientfocus.core.errors import ServiceError
from clientfocus.customers.models import Erasure
from clientfocus.customers.privacy import (
    apply_retention,
    erase_customer,
    retention_cutoff,
    retention_policy,
    retention_preview,
    set_legal_hold,
    set_retention,
)
from clientfocus.customers.selectors import customer_by_reference


def _counts(removed: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in removed.items()) or "nothing"


class Command(BaseCommand):
    help = "Erase a customer on request, set or lift a legal hold, show or run retention."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        erase = actions.add_parser("erase", help="anonymise one customer everywhere (logged)")
        erase.add_argument("customer", help="the customer's id (UUID) or external reference")
        erase.add_argument("--reason", required=True, help="why (recorded)")
        hold = actions.add_parser("hold", help="set a legal hold (erasure is refused)")
        hold.add_argument("customer")
        hold.add_argument("--reason", required=True)
        release = actions.add_parser("release", help="lift the legal hold")
        release.add_argument("customer")
        retention = actions.add_parser(
            "retention", help="show the retention period and what the next run removes"
        )
        retention.add_argument("--days", type=int, help="set the period (0 = off)")
        retention.add_argument("--run", action="store_true", help="anonymise what is due now")
        actions.add_parser("erasures", help="the last 50 erasures")

    def _customer(self, reference: str):
        found = customer_by_reference(reference)
        if found is None:
            raise CommandError(f"no customer {reference!r} (give its id or external reference)")
        return found

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def _erase(self, customer: str, reason: str, **_) -> None:
        found = self._customer(customer)
        erasure = erase_customer(found, actor=None, reason=reason, via="command line")
        self.stdout.write(f"erased {found.public_id}: {_counts(erasure.removed)}")

    def _hold(self, customer: str, reason: str, **_) -> None:
        found = set_legal_hold(self._customer(customer), actor=None, hold=True, reason=reason)
        self.stdout.write(f"legal hold set on {found.public_id}: {found.legal_hold_reason}")

    def _release(self, customer: str, **_) -> None:
        found = set_legal_hold(self._customer(customer), actor=None, hold=False)
        self.stdout.write(f"legal hold lifted on {found.public_id}")

    def _retention(self, days: int | None, run: bool, **_) -> None:
        if days is not None:
            set_retention(days, actor=None)
        policy = retention_policy()
        cutoff = retention_cutoff(policy)
        if cutoff is None:
            self.stdout.write("retention: off (text is kept until erased on request)")
        else:
            self.stdout.write(f"retention: {policy.days} days (older than {cutoff:%Y-%m-%d %H:%M})")
            for p in retention_preview(policy):
                oldest = f", oldest {p.oldest:%Y-%m-%d}" if p.oldest else ""
                self.stdout.write(f"  next run removes {p.count} {p.label}{oldest}")
        if run:
            self.stdout.write(f"removed: {_counts(apply_retention())}")

    def _erasures(self, **_) -> None:
        for e in Erasure.objects.select_related("customer", "actor")[:50]:
            who = e.actor.get_username() if e.actor else "command line"
            customer = e.customer.public_id if e.customer else "(removed)"
            self.stdout.write(
                f"{e.at:%Y-%m-%d %H:%M}  {customer}  by {who}  {e.reason}  ({_counts(e.removed)})"
            )
