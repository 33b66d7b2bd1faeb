"""`clientfocus value fit --summary FILE.csv [--json]`: fit BG/NBD (+ Gamma-Gamma)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clientfocus.value.lifetime import ModelError, fit_bgnbd, fit_gamma_gamma
from clientfocus.value.services import refresh_values

# Column names accepted for each field: lifetimes' names and the papers' names.
COLUMNS = {
    "frequency": ("frequency", "x"),
    "recency": ("recency", "t_x"),
    "T": ("T",),
    "monetary_value": ("monetary_value", "zbar", "m_x"),
}


def read_summary(path: Path) -> dict[str, np.ndarray]:
    """Read a per-customer summary CSV; each bad cell is reported with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text") from exc
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    found: dict[str, str] = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in header:
                found[field] = name
                break
    missing = [f for f in ("frequency", "recency", "T") if f not in found]
    if missing:
        raise CommandError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            "expected frequency,recency,T[,monetary_value]"
        )
    values: dict[str, list[float]] = {field: [] for field in found}
    for row in reader:
        for field, column in found.items():
            raw = (row.get(column) or "").strip()
            try:
                values[field].append(float(raw))
            except ValueError as exc:
                raise CommandError(
                    f"{path}:{reader.line_num}: {column}: {raw!r} is not a number"
                ) from exc
    return {field: np.asarray(v, dtype=np.float64) for field, v in values.items()}


class Command(BaseCommand):
    help = "Customer value models."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit", help="fit BG/NBD (and Gamma-Gamma) to a summary CSV")
        fit.add_argument(
            "--summary",
            required=True,
            help="CSV with frequency,recency,T and optional monetary_value",
        )
        fit.add_argument("--json", action="store_true", help="print one JSON object")
        refresh = sub.add_parser("refresh", help="recompute every stored customer's value figures")
        refresh.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action: str, **options) -> None:
        if action == "refresh":
            self.refresh(no_progress=options["no_progress"])
            return
        data = read_summary(Path(options["summary"]))
        try:
            purchases = fit_bgnbd(data["frequency"], data["recency"], data["T"])
            spend = None
            if "monetary_value" in data:
                spend = fit_gamma_gamma(data["frequency"], data["monetary_value"])
        except ModelError as exc:
            raise CommandError(str(exc)) from exc
        result = {
            "bgnbd": {**purchases.as_dict()},
            "gammagamma": spend.as_dict() if spend else None,
            "customers": purchases.customers,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"customers: {purchases.customers}")
        self.stdout.write(
            f"BG/NBD       r={purchases.r:.4f} alpha={purchases.alpha:.4f} "
            f"a={purchases.a:.4f} b={purchases.b:.4f} log-likelihood={purchases.loglik:.2f}"
        )
        if spend:
            self.stdout.write(
                f"Gamma-Gamma  p={spend.p:.4f} q={spend.q:.4f} v={spend.v:.4f} "
                f"({spend.customers} customers with repeat purchases)"
            )

    def refresh(self, *, no_progress: bool) -> None:
        stages = ["reading orders", "fitting models", "scoring", "saving"]
        with tqdm(total=len(stages), unit="step", disable=no_progress, file=self.stderr) as bar:

            def step(label: str) -> None:
                bar.set_description(label)
                if label in stages[1:]:
                    bar.update(1)

            result = refresh_values(progress=step)
            bar.update(bar.total - bar.n)
        fit = result.fit
        self.stdout.write(f"{result.customers} customers valued")
        if fit.bgnbd:
            self.stdout.write("BG/NBD " + " ".join(f"{k}={v:.4g}" for k, v in fit.bgnbd.items()))
        if fit.gammagamma:
            self.stdout.write(
                "Gamma-Gamma " + " ".join(f"{k}={v:.4g}" for k, v in fit.gammagamma.items())
            )
        if fit.note:
            self.stdout.write(f"note: {fit.note}")
