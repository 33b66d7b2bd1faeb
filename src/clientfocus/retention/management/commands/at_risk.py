"""`clientfocus at-risk …`: the daily worklist of valuable customers drifting away.

- ``at-risk [--json] [--state open|overdue|closed|all] [--signal CODE]``: the cases;
- ``at-risk detect``: find them now (the worker does it daily);
- ``at-risk outcome ID called|offered|no_action|lost [--note TEXT] --as USER``;
- ``at-risk assign ID USER [--due YYYY-MM-DD] --as USER`` (managers);
- ``at-risk effect [--json]``: contacted in time against not, and who bought again.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.retention import drift, selectors, services
from clientfocus.retention.api import case_out
from clientfocus.retention.models import Outcome, RiskCase


class _Operator:
    """The CLI reads the whole list, as an administrator would."""

    pk = None
    is_superuser = True
    is_authenticated = True
    is_active = True


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


class Command(BaseCommand):
    help = "Customers at risk: the daily worklist, outcomes and what contacting achieved."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--state", choices=selectors.STATES, default="open")
        parser.add_argument("--signal", choices=drift.SIGNALS, default="")
        sub = parser.add_subparsers(dest="action")
        sub.add_parser("detect", help="find the customers drifting away now")
        outcome = sub.add_parser("outcome", help="record what was done")
        outcome.add_argument("case", type=int)
        outcome.add_argument("outcome", choices=Outcome.values)
        outcome.add_argument("--note", default="")
        outcome.add_argument("--as", dest="user", required=True)
        assign = sub.add_parser("assign", help="give a case to another employee")
        assign.add_argument("case", type=int)
        assign.add_argument("assignee")
        assign.add_argument("--due", default="")
        assign.add_argument("--as", dest="user", required=True)
        effect = sub.add_parser("effect", help="does contacting them help?")
        effect.add_argument("--json", action="store_true", dest="effect_json")

    def handle(self, *args, action: str | None = None, **options) -> None:
        try:
            getattr(self, f"do_{action or 'list'}")(**options)
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc

    def _user(self, name: str):
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {name!r}")
        return user

    def _case(self, user, case_id: int) -> RiskCase:
        case = selectors.case_for(user, case_id)
        if case is None:
            raise CommandError(f"no at-risk case {case_id} that {user.get_username()} may see")
        return case

    def do_list(self, *, json: bool, state: str, signal: str, **_) -> None:
        operator = _Operator()
        cases = list(selectors.worklist(operator, state=state, signal=signal)[:1000])
        if json:
            self.stdout.write(_dumps([case_out(operator, c) for c in cases]))
            return
        if not cases:
            self.stdout.write("no customers on this list")
        for c in cases:
            codes = ", ".join(c.codes)
            who = c.assignee.get_username() if c.assignee else "-"
            self.stdout.write(
                f"{c.pk:>6}  {c.customer.name[:30]:<30}  {c.value_at_stake:>10.0f}  "
                f"due {c.due_on}  {who:<12}  {c.outcome or 'open':<9}  {codes}"
            )

    def do_detect(self, **_) -> None:
        result = services.detect()
        self.stdout.write(_dumps(asdict(result)))

    def do_outcome(self, *, case: int, outcome: str, note: str, user: str, **_) -> None:
        actor = self._user(user)
        found = services.record_outcome(
            actor=actor, case=self._case(actor, case), outcome=outcome, note=note
        )
        self.stdout.write(f"case {found.pk}: {found.outcome}")

    def do_assign(self, *, case: int, assignee: str, due: str, user: str, **_) -> None:
        actor = self._user(user)
        try:
            due_on = date.fromisoformat(due) if due else None
        except ValueError as exc:
            raise CommandError(f"due: {due!r} is not YYYY-MM-DD") from exc
        found = services.reassign(
            actor=actor, case=self._case(actor, case), username=assignee, due_on=due_on
        )
        self.stdout.write(f"case {found.pk}: {assignee}, due {found.due_on}")

    def do_effect(self, *, effect_json: bool, **_) -> None:
        report = selectors.effect_report(_Operator())
        if effect_json:
            self.stdout.write(_dumps({**asdict(report.effect), "statement": report.statement()}))
            return
        self.stdout.write(report.statement())
