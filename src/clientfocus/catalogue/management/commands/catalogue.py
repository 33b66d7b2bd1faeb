"""`clientfocus catalogue …`: the service catalogue for operators.

- ``list [--json]``: every service, the version in effect and the ones announced;
- ``export [--format csv|json] [--output FILE]``: every fee line of every published
  version (CSV cells that would start a formula are quoted for spreadsheets);
- ``load FILE.json --as USER``: drafts from a file (a list of services: code, names,
  product_line, descriptions, change_note, fees), ready to publish;
- ``publish CODE --as USER [--from YYYY-MM-DD] [--notice-days N] [--to YYYY-MM-DD]``;
- ``notices CODE VERSION [--state sent|queued|failed|unreachable]``: who was told;
- ``relink [--days N]``: link complaints about charges to the fees they name again.
"""

from __future__ import annotations

import json
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clientfocus.catalogue import selectors, services
from clientfocus.catalogue.models import Fee, Service, VersionState, text_in
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import parse_day
from clientfocus.core.spreadsheets import csv_text

EXPORT_FIELDS = [
    "service", "product_line", "version", "valid_from", "valid_to", "fee", "name", "tier",
    "amount", "currency", "unit", "when_charged", "what_is_free",
]  # fmt: skip


class Command(BaseCommand):
    help = "The service catalogue: list, export, load drafts, publish, who was told."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="services, the version in effect, announced ones")
        listing.add_argument("--json", action="store_true")
        export = sub.add_parser("export", help="every fee line of every published version")
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--output", help="a file to write (default: standard output)")
        load = sub.add_parser("load", help="drafts from a JSON file")
        load.add_argument("file")
        load.add_argument("--as", dest="user", required=True, help="a manager's user name")
        publish = sub.add_parser("publish", help="publish a service's draft")
        publish.add_argument("code")
        publish.add_argument("--as", dest="user", required=True, help="a manager's user name")
        publish.add_argument("--from", dest="valid_from", help="start date, YYYY-MM-DD")
        publish.add_argument("--to", dest="valid_to", help="end date, YYYY-MM-DD")
        publish.add_argument(
            "--notice-days", type=int, help="days of notice (at least the legal minimum)"
        )
        notices = sub.add_parser("notices", help="who was told of a version")
        notices.add_argument("code")
        notices.add_argument("version", type=int)
        notices.add_argument("--state", choices=sorted(selectors.NOTICE_FILTERS), default="")
        relink = sub.add_parser("relink", help="link complaints about charges to fees again")
        relink.add_argument("--days", type=int, default=365)

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "do_" + action)(**options)
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc

    def _user(self, name: str):
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"--as: no user {name!r}")
        return user

    def _service(self, code: str) -> Service:
        service = Service.objects.filter(code=code[:60]).first()
        if service is None:
            raise CommandError(f"no service {code!r}; `clientfocus catalogue list` shows them")
        return service

    def _date(self, value: str | None, option: str) -> datetime | None:
        if not value:
            return None
        day = parse_day(value.strip())
        if day is None:
            raise CommandError(f"{option}: a date like 2027-01-31, not {value!r}")
        return timezone.make_aware(datetime.combine(day, time.min))

    def do_list(self, *, json: bool, **_) -> None:
        now = timezone.now()
        rows: list[dict] = []
        for service in selectors.published():
            current = selectors.in_effect(service, now)
            announced = [v for v in service.timeline if v.valid_from and v.valid_from > now]  # type: ignore[attr-defined]
            rows.append(
                {
                    "code": service.code,
                    "name": text_in(current.names, "en") if current else "",
                    "product_line": service.product_line,
                    "in_effect": current.number if current else None,
                    "announced": [
                        {"version": v.number, "from": v.valid_from.isoformat()} for v in announced
                    ],
                    "draft": service.versions.filter(state=VersionState.DRAFT).exists(),
                }
            )
        if json:
            self.stdout.write(_json(rows))
            return
        if not rows:
            self.stdout.write("no services yet")
        for row in rows:
            upcoming = ", ".join(f"v{a['version']} from {a['from'][:10]}" for a in row["announced"])
            self.stdout.write(
                f"{row['code']:<24} {row['name'][:30]:<30} in effect: "
                f"{('v' + str(row['in_effect'])) if row['in_effect'] else '-'}"
                f"{'  announced: ' + upcoming if upcoming else ''}"
                f"{'  (draft)' if row['draft'] else ''}"
            )

    def do_export(self, *, format: str, output: str | None, **_) -> None:
        fees = (
            Fee.objects.filter(version__state=VersionState.PUBLISHED)
            .select_related("version", "version__service", "tier")
            .order_by("version__service__code", "version__number", "position")
        )
        rows = [
            {
                "service": f.version.service.code,
                "product_line": f.version.service.product_line,
                "version": f.version.number,
                "valid_from": f.version.valid_from.isoformat() if f.version.valid_from else "",
                "valid_to": f.version.valid_to.isoformat() if f.version.valid_to else "",
                "fee": f.code,
                "name": text_in(f.names, "en"),
                "tier": f.tier.code if f.tier else "",
                "amount": str(f.amount),
                "currency": f.currency,
                "unit": f.unit,
                "when_charged": text_in(f.triggers, "en"),
                "what_is_free": text_in(f.free, "en"),
            }
            for f in fees
        ]
        if format == "json":
            text = _json(rows)
        else:
            text = csv_text(EXPORT_FIELDS, [[row[f] for f in EXPORT_FIELDS] for row in rows])
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
            self.stderr.write(f"{len(rows)} fee lines written to {output}")
        else:
            self.stdout.write(text, ending="")

    def do_load(self, *, file: str, user: str, **_) -> None:
        actor = self._user(user)
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file} is not JSON: {exc}") from exc
        if not isinstance(data, list) or not all(isinstance(s, dict) for s in data):
            raise CommandError(f"{file}: a list of services, each an object with code and names")
        with transaction.atomic():
            for index, entry in enumerate(data):
                try:
                    version = self._load_one(actor, entry)
                except ServiceError as exc:
                    raise CommandError(
                        f"{file}: service {index + 1}: {exc.field}: {exc.message} (nothing loaded)"
                    ) from exc
                self.stdout.write(
                    f"{version.service.code}: draft v{version.number} ready to publish"
                )

    def _load_one(self, actor, entry: dict):
        code = str(entry.get("code") or "")
        service = Service.objects.filter(code=code).first() if code else None
        if service is None:
            version = services.create_service(
                actor=actor,
                code=code,
                names=entry.get("names") or {},
                product_line=str(entry.get("product_line") or ""),
            )
        else:
            version = services.draft_of(actor=actor, service=service)
        return services.save_draft(
            actor=actor,
            version=version,
            names=entry.get("names"),
            descriptions=entry.get("descriptions"),
            change_note=entry.get("change_note"),
            fees=entry.get("fees"),
            product_line=entry.get("product_line"),
        )

    def do_publish(self, *, code: str, user: str, valid_from, valid_to, notice_days, **_) -> None:
        actor = self._user(user)
        service = self._service(code)
        draft = service.versions.filter(state=VersionState.DRAFT).first()
        if draft is None:
            raise CommandError(f"{code} has no draft to publish")
        if notice_days is not None and not 0 <= notice_days <= 3650:
            raise CommandError("--notice-days: from 0 to 3650")
        version, queued, unreachable = services.publish(
            actor=actor,
            version=draft,
            valid_from=self._date(valid_from, "--from"),
            valid_to=self._date(valid_to, "--to"),
            lead_days=notice_days,
        )
        self.stdout.write(
            f"{code} v{version.number} published, valid from {version.valid_from:%Y-%m-%d}; "
            f"{queued} customers being told, {unreachable} unreachable"
        )

    def do_notices(self, *, code: str, version: int, state: str, **_) -> None:
        service = self._service(code)
        found = service.versions.filter(number=version, state=VersionState.PUBLISHED).first()
        if found is None:
            raise CommandError(f"{code} has no published version {version}")
        figures = selectors.notice_figures([found])[found.pk]
        self.stdout.write(
            f"{figures.sent} of {figures.customers} told, {figures.queued} on the way, "
            f"{figures.unreachable} unreachable, {figures.failed} failed"
        )
        for notice in selectors.notices(found, state).iterator(chunk_size=500):
            self.stdout.write(
                f"{notice.customer.public_id}  {selectors.notice_state(notice):<11}  "
                f"{notice.customer.name}  {notice.reason}"
            )

    def do_relink(self, *, days: int, **_) -> None:
        if not 1 <= days <= 36500:
            raise CommandError("--days: from 1 to 36500")
        linked = services.relink(days=days)
        self.stdout.write(f"{linked} complaints linked to the fees they name")


def _json(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
