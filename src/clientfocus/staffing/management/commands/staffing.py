"""`clientfocus staffing erlang --calls N --interval-minutes M --aht-seconds S
--target-seconds T --service-level P [--patience-seconds W] [--shrinkage R] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clientfocus.core.errors import ServiceError
from clientfocus.customers.services import decode_csv
from clientfocus.staffing.erlang import Load, StaffingError, agents_needed, scheduled_staff
from clientfocus.staffing.services import (
    find_queue,
    import_shifts_csv,
    parse_week,
    plan_as_dict,
    week_plan,
)


def _level(text: str) -> float:
    """0.8, 80 or 80% → 0.8."""
    value = float(text.strip().rstrip("%"))
    return value / 100 if value > 1 or text.strip().endswith("%") else value


class Command(BaseCommand):
    help = "Staffing: agents needed for a service-level target (Erlang C / Erlang A)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        erlang = sub.add_parser("erlang", help="agents needed for one interval")
        erlang.add_argument("--calls", type=float, required=True, help="contacts in the interval")
        erlang.add_argument("--interval-minutes", type=float, required=True)
        erlang.add_argument(
            "--aht-seconds", type=float, required=True, help="average handling time"
        )
        erlang.add_argument("--target-seconds", type=float, required=True, help="answer within")
        erlang.add_argument(
            "--service-level", required=True, help="share answered within the target: 0.8 or 80%%"
        )
        erlang.add_argument(
            "--patience-seconds", type=float, help="callers' mean patience (Erlang A)"
        )
        erlang.add_argument(
            "--shrinkage", type=float, default=0.0, help="share of paid time off the phones"
        )
        erlang.add_argument("--json", action="store_true")
        plan = sub.add_parser("plan", help="a week's staffing plan for a queue")
        plan.add_argument("--queue", required=True, help="queue name or id")
        plan.add_argument("--week", required=True, help="ISO week, e.g. 2026-W48")
        plan.add_argument("--json", action="store_true")
        shifts = sub.add_parser("import-shifts", help="load the roster from CSV")
        shifts.add_argument("file", help="columns: employee, queue, start, end")

    def handle(self, *args, action: str, **options) -> None:
        if action == "plan":
            self.plan(options["queue"], options["week"], as_json=options["json"])
            return
        if action == "import-shifts":
            self.import_shifts(options["file"])
            return
        try:
            level = _level(options["service_level"])
        except ValueError as exc:
            raise CommandError(
                "--service-level: expected a share like 0.8 or 80%, "
                f"got {options['service_level']!r}"
            ) from exc
        try:
            load = Load(
                calls=options["calls"],
                interval_seconds=options["interval_minutes"] * 60,
                aht_seconds=options["aht_seconds"],
                patience_seconds=options["patience_seconds"],
            )
            result = agents_needed(
                load, target_seconds=options["target_seconds"], service_level=level
            )
            staff = scheduled_staff(result.agents, options["shrinkage"])
        except StaffingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            out = {
                "agents": result.agents,
                "service_level": round(result.service_level, 4),
                "p_wait": round(result.p_wait, 4),
                "asa_seconds": round(result.asa_seconds, 2),
                "occupancy": round(result.occupancy, 4),
            }
            if load.patience_seconds is not None:
                out["p_abandon"] = round(result.p_abandon, 4)
            if options["shrinkage"]:
                out["scheduled_staff"] = staff
            self.stdout.write(json.dumps(out))
            return
        model = "Erlang A" if load.patience_seconds is not None else "Erlang C"
        self.stdout.write(f"traffic: {load.erlangs:.2f} Erlangs ({model})")
        self.stdout.write(f"agents needed: {result.agents}")
        self.stdout.write(
            f"service level: {result.service_level:.1%} within {options['target_seconds']:g} s"
        )
        self.stdout.write(f"probability of waiting: {result.p_wait:.1%}")
        self.stdout.write(f"average speed of answer: {result.asa_seconds:.1f} s")
        self.stdout.write(f"occupancy: {result.occupancy:.1%}")
        if load.patience_seconds is not None:
            self.stdout.write(f"abandoned: {result.p_abandon:.1%}")
        if options["shrinkage"]:
            self.stdout.write(f"scheduled staff at {options['shrinkage']:.0%} shrinkage: {staff}")

    def plan(self, queue_ref: str, week: str, *, as_json: bool) -> None:
        queue = find_queue(queue_ref)
        if queue is None:
            raise CommandError(f"--queue: unknown queue {queue_ref!r}")
        try:
            result = week_plan(queue, parse_week(week))
        except ServiceError as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from exc
        if as_json:
            self.stdout.write(json.dumps(plan_as_dict(result)))
            return
        tiers = [t.tier for t in result.targets]
        wape = f"{result.forecast_wape:.1%}" if result.forecast_wape is not None else "n/a"
        self.stdout.write(
            f"{result.queue} {result.week}, {result.interval_minutes}-minute intervals, "
            f"{result.model}; forecast from {result.history_weeks} weeks "
            f"(held-out WAPE {wape}); short in {result.short_intervals} intervals"
        )
        head = ["start", "contacts", "agents", "staff needed", "rostered", "gap"]
        head += [f"SL {t}" for t in tiers] + ["ASA s"]
        self.stdout.write("\t".join(head))
        for start, row in zip(result.starts, result.rows, strict=True):
            if not row.contacts and not row.staff_rostered:
                continue
            levels = [
                "-" if row.service_levels.get(t) is None else f"{row.service_levels[t]:.0%}"
                for t in tiers
            ]
            self.stdout.write(
                "\t".join(
                    [
                        start.strftime("%a %H:%M"),
                        f"{row.contacts:.1f}",
                        str(row.agents_needed),
                        str(row.staff_needed),
                        str(row.staff_rostered),
                        f"{row.gap:+d}",
                        *levels,
                        "-" if row.asa_seconds is None else f"{row.asa_seconds:.0f}",
                    ]
                )
            )

    def import_shifts(self, file: str) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            text = decode_csv(path.read_bytes())
        except ServiceError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        report = import_shifts_csv(text, source=file)
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(f"{report.created} shift(s) added")
        if report.errors:
            raise CommandError(f"{len(report.errors)} bad row(s)")
