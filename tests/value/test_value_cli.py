"""`clientfocus value fit` as operators run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.processes import child_env

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


def run(*args: str) -> subprocess.CompletedProcess:
    env = child_env(SECRET_KEY="cli-test")
    return subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", "value", "fit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_json_output_with_spend():
    result = run(
        "--summary", str(CDNOW / "cdnow_customers_summary_with_transactions.csv"), "--json"
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["customers"] == 2357
    assert round(body["bgnbd"]["r"], 3) == 0.243 and round(body["bgnbd"]["loglik"], 1) == -9582.4
    assert round(body["gammagamma"]["p"], 2) == 6.25


def test_text_output_without_spend():
    result = run("--summary", str(CDNOW / "cdnow_customers_summary.csv"))
    assert result.returncode == 0
    assert "customers: 2357" in result.stdout and "r=0.2426" in result.stdout
    assert "Gamma-Gamma" not in result.stdout


def test_bad_files(tmp_path):
    missing = tmp_path / "m.csv"
    missing.write_text("frequency,T\n1,2\n")
    result = run("--summary", str(missing))
    assert result.returncode != 0 and "missing column(s) recency" in result.stderr
    bad = tmp_path / "b.csv"
    bad.write_text("frequency,recency,T\n1,2,5\nmany,1,5\n")
    result = run("--summary", str(bad))
    assert result.returncode != 0 and "b.csv:3: frequency: 'many' is not a number" in result.stderr
    flat = tmp_path / "f.csv"
    flat.write_text("frequency,recency,T\n0,0,5\n0,0,9\n")
    result = run("--summary", str(flat))
    assert result.returncode != 0 and "not identified" in result.stderr
