"""`clientfocus staffing erlang` as an operator runs it."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run_cli

BASE = [
    "staffing", "erlang", "--calls", "360", "--interval-minutes", "30",
    "--aht-seconds", "240", "--target-seconds", "15",
]  # fmt: skip


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


def test_plan_and_roster_import_in_process(company, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from clientfocus.staffing.models import AnswerTarget, QueueStaffing

    staffing = QueueStaffing.objects.create(queue=company.care_queue, interval_minutes=15)
    AnswerTarget.objects.create(
        staffing=staffing, tier=company.gold, service_level=0.8, target_seconds=20
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "employee;queue;start;end\nagent;Care;2026-11-23T09:00;2026-11-23T17:00\n", encoding="utf-8"
    )
    out = StringIO()
    call_command("staffing", "import-shifts", str(roster), stdout=out)
    assert "1 shift(s) added" in out.getvalue()
    call_command("staffing", "plan", "--queue", "Care", "--week", "2026-W48", stdout=out)
    assert "Care 2026-W48, 15-minute intervals, Erlang C" in out.getvalue()
    assert "Mon 09:00" in out.getvalue()  # rostered, even with no forecast contacts
    out = StringIO()
    call_command("staffing", "plan", "--queue", "Care", "--week", "2026-W48", "--json", stdout=out)
    plan = json.loads(out.getvalue())
    assert len(plan["intervals"]) == 7 * 96 and plan["intervals"][36]["staff_rostered"] == 1
    with pytest.raises(CommandError, match="unknown queue"):
        call_command("staffing", "plan", "--queue", "Nope", "--week", "2026-W48")
    with pytest.raises(CommandError, match="ISO week"):
        call_command("staffing", "plan", "--queue", "Care", "--week", "48")
    bad = tmp_path / "bad.csv"
    bad.write_text("employee,queue,start,end\nagent,Care,2026-11-23T17:00,2026-11-23T09:00\n")
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("staffing", "import-shifts", str(bad))
