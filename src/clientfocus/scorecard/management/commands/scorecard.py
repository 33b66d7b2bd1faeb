"""`clientfocus scorecard …`: where the company stands, for operators.

- ``scorecard [--json] [--month YYYY-MM] [--department CODE]``: the level reached, each
  criterion with its value and threshold, and what would move it to the next level;
- ``scorecard refresh [--month YYYY-MM]``: measure a month now (the worker does it daily);
- ``scorecard threshold CODE VALUE --as USER`` (administrators; ``default`` resets);
- ``scorecard report KIND [--month YYYY-MM] --format csv|xlsx|pdf|json [--output FILE]``:
  KIND is payback, product_line, tier, segment, order_cycle or scorecard;
- ``scorecard send [--month YYYY-MM]``: send a closed month's e-mail to subscribers now.
"""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clientfocus.core.documents import render
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.scorecard import exports, figures, levels, selectors, services
from clientfocus.scorecard.api import card_out

KINDS = ("scorecard", "payback", *figures.DIMENSIONS, "order_cycle")


def _month(text: str | None):
    return services.parse_month(text) if text else None


class Command(BaseCommand):
    help = "The maturity scorecard: level reached, criteria, thresholds, reports."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--month", default="", help="YYYY-MM (default: the latest)")
        parser.add_argument("--department", default="", help="a department's code")
        sub = parser.add_subparsers(dest="action")
        refresh = sub.add_parser("refresh", help="measure a month now")
        refresh.add_argument("--month", dest="refresh_month", default="")
        threshold = sub.add_parser("threshold", help="tune a criterion's threshold")
        threshold.add_argument("code", choices=[c.code for c in levels.CRITERIA])
        threshold.add_argument("value", help="a number (shares as 0–1), or 'default'")
        threshold.add_argument("--as", dest="user", required=True)
        report = sub.add_parser("report", help="a report as CSV, XLSX, PDF or JSON")
        report.add_argument("kind", choices=KINDS)
        report.add_argument("--month", dest="report_month", default="")
        report.add_argument("--format", choices=["csv", "xlsx", "pdf", "json"], default="csv")
        report.add_argument("--output", default="", help="a file (required for xlsx and pdf)")
        send = sub.add_parser("send", help="send a closed month's e-mail to subscribers")
        send.add_argument("--month", dest="send_month", default="")

    def handle(self, *args, action: str | None = None, **options) -> None:
        try:
            getattr(self, f"do_{action or 'show'}")(**options)
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc

    def do_show(self, *, json: bool, month: str, department: str, **_) -> None:
        card = selectors.card(None, month=_month(month), scope=department)
        if department and not card.scope_name:
            raise CommandError(f"no department {department!r}")
        if json:
            self.stdout.write(_dumps(card_out(card)))
            return
        if not card.measured:
            self.stdout.write(
                f"{card.month:%Y-%m} is not measured yet: run `clientfocus scorecard refresh`"
            )
            return
        self.stdout.write(exports.card_text(card))

    def do_refresh(self, *, refresh_month: str, **_) -> None:
        result = services.refresh(_month(refresh_month))
        state = "closed" if result.final else "so far"
        self.stdout.write(
            f"{result.month:%Y-%m} ({state}): {result.snapshots} figures in {result.seconds:.1f} s"
        )

    def do_threshold(self, *, code: str, value: str, user: str, **_) -> None:
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user!r}")
        if value == "default":
            services.reset_threshold(actor=actor, code=code)
            self.stdout.write(f"{code}: back to {levels.BY_CODE[code].default:g}")
            return
        try:
            number = float(value)
        except ValueError as exc:
            raise CommandError(f"threshold: {value!r} is not a number") from exc
        services.set_threshold(actor=actor, code=code, value=number)
        self.stdout.write(f"{code}: {number:g}")

    def do_report(self, *, kind: str, report_month: str, format: str, output: str, **_) -> None:
        month = _month(report_month)
        if kind == "scorecard":
            card = selectors.card(None, month=month)
            if format == "json":
                return self._out(_dumps(card_out(card)).encode(), output)
            return self._out(render(exports.card_document(card), format), output)
        found, data, _final = selectors.figures_of(kind, month)
        if not data:
            raise CommandError(f"{kind}: {found:%Y-%m} is not measured yet")
        if format == "json":
            return self._out(_dumps(data).encode(), output)
        if kind == "payback":
            document = exports.payback_document(data, found, with_value=True)
        elif kind == "order_cycle":
            document = exports.order_cycle_document(data, found)
        else:
            document = exports.report_document(data, found, with_value=True)
        self._out(render(document, format), output)

    def _out(self, body: bytes, output: str) -> None:
        if output:
            with open(output, "wb") as handle:
                handle.write(body)
            self.stdout.write(f"wrote {output} ({len(body)} bytes)")
            return
        if body[:4] in (b"%PDF", b"PK\x03\x04"):
            raise CommandError("xlsx and pdf need --output FILE")
        sys.stdout.flush()
        self.stdout.write(body.decode("utf-8"))

    def do_send(self, *, send_month: str, **_) -> None:
        month = _month(send_month) or services.previous_month(
            services.month_start(timezone.localdate())
        )
        self.stdout.write(f"{services.send_monthly(month)} e-mails queued for {month:%Y-%m}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
