"""`clientfocus grants …`: empowerment for operators.

- ``limits [--json]``: what each role may grant without asking;
- ``set-limit ROLE KIND [--tier CODE] [--per-grant N] [--per-customer N] [--days N] --as USER``
  (administrators);
- ``pending [--json]``: grants waiting for approval;
- ``report [--days N] [--format text|json|csv]``: grants per kind and tier, and whether the
  customers bought again against those of the same tier served without a grant.
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.spreadsheets import csv_text
from clientfocus.customers.models import Tier
from clientfocus.grants import selectors, services
from clientfocus.grants.models import Grant, GrantLimit, GrantState, Kind
from clientfocus.people.models import Role


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


class Command(BaseCommand):
    help = "Grants: limits, waiting grants, and whether empowerment pays."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("limits", help="what each role may grant alone").add_argument(
            "--json", action="store_true"
        )
        limit = sub.add_parser("set-limit", help="set what a role may grant alone")
        limit.add_argument("role", choices=Role.values)
        limit.add_argument("kind", choices=Kind.values)
        limit.add_argument("--tier", default="")
        limit.add_argument("--per-grant", default="")
        limit.add_argument("--per-customer", default="")
        limit.add_argument("--days", type=int, default=30)
        limit.add_argument("--as", dest="user", required=True, help="an administrator's user name")
        sub.add_parser("pending", help="grants waiting for approval").add_argument(
            "--json", action="store_true"
        )
        report = sub.add_parser("report", help="does empowerment pay?")
        report.add_argument("--days", type=int, default=180)
        report.add_argument("--format", choices=["text", "json", "csv"], default="text")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc

    def do_limits(self, *, json: bool, **_) -> None:
        rows = [
            {
                "role": r.role,
                "kind": r.kind,
                "tier": r.tier.code if r.tier else None,
                "per_grant": r.per_grant,
                "per_customer": r.per_customer,
                "period_days": r.period_days,
            }
            for r in GrantLimit.objects.select_related("tier").order_by("role", "kind")
        ]
        if json:
            self.stdout.write(_json(rows))
            return
        if not rows:
            self.stdout.write("no limits: every grant waits for an administrator")
        for r in rows:
            self.stdout.write(
                f"{r['role']:<17} {r['kind']:<14} {r['tier'] or '*':<10}"
                f" per grant {r['per_grant'] or '∞'}"
                f"  per customer {r['per_customer'] or '∞'} in {r['period_days']} days"
            )

    def do_set_limit(self, *, role, kind, tier, per_grant, per_customer, days, user, **_) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"--as: no user {user!r}")
        found_tier = None
        if tier:
            found_tier = Tier.objects.filter(code=tier).first()
            if found_tier is None:
                raise CommandError(f"--tier: no tier {tier!r}")
        services.set_limit(
            actor=actor,
            role=role,
            kind=kind,
            tier=found_tier,
            per_grant=per_grant or None,
            per_customer=per_customer or None,
            period_days=days,
        )
        self.stdout.write("limit set")

    def do_pending(self, *, json: bool, **_) -> None:
        rows = [
            {
                "id": g.pk,
                "customer": str(g.customer.public_id),
                "kind": g.kind,
                "amount": g.amount,
                "currency": g.currency,
                "reason": g.reason,
                "exceeds": g.exceeds,
                "granted_by": g.granted_by.get_username() if g.granted_by else None,
            }
            for g in Grant.objects.filter(state=GrantState.PENDING).select_related(
                "customer", "granted_by"
            )[:1000]
        ]
        if json:
            self.stdout.write(_json(rows))
            return
        if not rows:
            self.stdout.write("nothing waits for approval")
        for r in rows:
            self.stdout.write(
                f"#{r['id']:<6} {r['kind']:<14} {r['amount']} {r['currency']}"
                f"  {r['exceeds']}  by {r['granted_by']}"
            )

    def do_report(self, *, days: int, format: str, **_) -> None:
        if not 1 <= days <= 3650:
            raise CommandError("--days: from 1 to 3650")
        found = selectors.report_of_last(days, now=timezone.now())
        rows = found.kind_tier_rows()
        if format == "json":
            self.stdout.write(_json({"mature": found.mature, "by_kind_tier": rows}))
        elif format == "csv":
            header = selectors.KIND_TIER_FIELDS
            self.stdout.write(csv_text(header, [[r[k] for k in header] for r in rows]))
        else:
            if not rows:
                self.stdout.write(f"no grants in {days} days")
            for r in rows:
                share = r["bought_again_share"]
                base = r["baseline_bought_again_share"]
                self.stdout.write(
                    f"{r['kind']:<14} {r['tier'] or '-':<10} {r['grants']:>5} grants"
                    f" {r['amount']:>10}"
                    f"  bought again {f'{share:.0%}' if share is not None else '-'}"
                    f" (without a grant {f'{base:.0%}' if base is not None else '-'})"
                )
            if not found.mature:
                self.stdout.write(
                    "note: grants younger than 90 days; buying again is not known yet for them"
                )
