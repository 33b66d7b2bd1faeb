"""`clientfocus staffing erlang` as an operator runs it."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run_cli

BASE = ["staffing", "erlang", "--calls", "360", "--interval-minutes", "30", "--aht-seconds", "240", "--target-seconds", "15"]  # fmt: skip


def test_json_answer():
    result = run_cli(*BASE, "--service-level", "0.8", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "agents": 55,
        "service_level": 0.8459,
        "p_wait": 0.2387,
        "asa_seconds": 8.18,
        "occupancy": 0.8727,
    }


def test_text_answer_with_patience_and_shrinkage():
    result = run_cli(
        *BASE, "--service-level", "80%", "--patience-seconds", "120", "--shrinkage", "0.3"
    )
    assert result.returncode == 0, result.stderr
    assert "Erlang A" in result.stdout and "abandoned:" in result.stdout
    assert "scheduled staff at 30% shrinkage:" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service-level", "100%"], "strictly between"),
        (["--service-level", "120"], "strictly between"),
        (["--service-level", "1"], "strictly between"),
        (["--service-level", "lots"], "expected a share"),
        (["--service-level", "0.8", "--shrinkage", "1"], "shrinkage"),
    ],
)
def test_bad_targets(args, message):
    result = run_cli(*BASE, *args)
    assert result.returncode == 1
    assert message in result.stderr


@pytest.mark.parametrize(
    ("calls", "interval", "aht", "message"),
    [
        ("0", "30", "240", "positive number"),
        ("-10", "30", "240", "positive number"),
        ("100", "0", "240", "positive length"),
        ("100", "30", "-5", "handling time"),
        ("1e13", "1", "240", "Erlangs"),
    ],
)
def test_bad_volumes_and_times(calls, interval, aht, message):
    result = run_cli(
        "staffing", "erlang", "--calls", calls, "--interval-minutes", interval,
        "--aht-seconds", aht, "--target-seconds", "20", "--service-level", "0.8",
    )  # fmt: skip
    assert result.returncode == 1
    assert message in result.stderr
