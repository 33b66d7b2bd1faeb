"""The `clientfocus` command as operators use it: real processes, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clientfocus.core.models import ApiToken
from clientfocus.customers.models import Customer
from tests.processes import child_env

CAL = {
    "timezone": "Europe/Vilnius",
    "hours": {
        "mon": [["09:00", "18:00"]],
        "tue": [["09:00", "18:00"]],
        "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "18:00"]],
        "sat": [],
        "sun": [],
    },
    "holidays": ["2026-12-24"],
}


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = child_env(SECRET_KEY="cli-test", **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def calendar_file(tmp_path: Path) -> Path:
    path = tmp_path / "cal.json"
    path.write_text(json.dumps(CAL))
    return path


def test_sla_due_prints_iso_with_offset(calendar_file):
    result = run_cli(
        "sla",
        "due",
        "--calendar",
        str(calendar_file),
        "--opened",
        "2026-12-23T17:30:00+02:00",
        "--minutes",
        "60",
    )
    assert result.returncode == 0, result.stderr
    # 30 minutes on the 23rd, the 24th is a holiday, then 30 minutes on the 25th.
    assert result.stdout.strip() == "2026-12-25T09:30:00+02:00"


def test_sla_due_reads_a_naive_time_in_the_calendar_zone(calendar_file):
    result = run_cli(
        "sla",
        "due",
        "--calendar",
        str(calendar_file),
        "--opened",
        "2026-11-20T17:00",
        "--minutes",
        "120",
    )
    assert result.stdout.strip() == "2026-11-23T10:00:00+02:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--opened", "yesterday", "--minutes", "5"], "not an ISO 8601 time"),
        (["--opened", "2026-11-20T17:00", "--minutes", "-5"], "zero or more"),
    ],
)
def test_sla_due_bad_input(calendar_file, args, message):
    result = run_cli("sla", "due", "--calendar", str(calendar_file), *args)
    assert result.returncode != 0 and message in result.stderr


def test_sla_due_bad_calendar(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"timezone": "Europe/Vilnius", "hours": {"mon": [["18:00", "09:00"]]}})
    )
    result = run_cli(
        "sla", "due", "--calendar", str(bad), "--opened", "2026-11-20T17:00", "--minutes", "5"
    )
    assert result.returncode != 0 and "must open before it closes" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run_cli(
        "sla", "due", "--calendar", str(broken), "--opened", "2026-11-20T17:00", "--minutes", "5"
    )
    assert result.returncode != 0 and "not valid JSON" in result.stderr
    result = run_cli(
        "sla",
        "due",
        "--calendar",
        str(tmp_path / "nope.json"),
        "--opened",
        "2026-11-20T17:00",
        "--minutes",
        "5",
    )
    assert result.returncode != 0 and "no such file" in result.stderr


def test_secret_key_is_required_without_debug():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "CLIENTFOCUS_DEMO", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2 and "SECRET_KEY is not set" in result.stderr


# The commands below work on the test database, so they are called in-process.


def call(*args):
    from django.core.management import call_command

    from clientfocus.cli import ALIASES

    name = ALIASES.get(args[0], args[0])
    return call_command(name, *args[1:])


def test_import_customers_keeps_good_rows_and_reports_bad_ones(company, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_text(
        "name,email,phone,language,country,timezone,tier,external_ref\n"
        "Eglė Butkienė,egle@example.lt,+370 612 00001,lt,LT,Europe/Vilnius,gold,C-1\n"
        ",nobody@example.com,,en,GB,Europe/London,,C-2\n"
        "Priya Patel,priya@,+91 98 7654 3210,hi,IN,Asia/Kolkata,,C-3\n"
        "Иван Попов,ivan@example.ru,+7 912 000 0000,ru,RU,Europe/Moscow,diamond,C-4\n"
        "Emily Evans,emily@example.co.uk;e.evans@example.com,,en,GB,Europe/London,,C-5\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exit_info:
        call("import", "customers", str(path), "--no-progress")
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "2 created, 0 updated, 3 rejected" in out
    assert f"{path}:3: name: a name is required" in err
    assert f"{path}:4: emails:" in err
    assert f"{path}:5: tier: unknown tier 'diamond'" in err
    egle = Customer.objects.get(external_ref="C-1")
    assert egle.tier.code == "gold" and egle.primary_phone == "+370 612 00001"
    assert Customer.objects.get(external_ref="C-5").contacts.count() == 2
    assert not Customer.objects.filter(external_ref__in=["C-2", "C-3", "C-4"]).exists()


def test_reimporting_updates_instead_of_duplicating(company, tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("name,email,external_ref\nAna Novak,ana@example.si,S-1\n", encoding="utf-8")
    call("import", "customers", str(path), "--no-progress")
    path.write_text("name,email,external_ref\nAna Novak-Kos,ana@example.si,S-1\n", encoding="utf-8")
    call("import", "customers", str(path), "--no-progress")
    assert "0 created, 1 updated, 0 rejected" in capsys.readouterr().out
    assert Customer.objects.get(external_ref="S-1").name == "Ana Novak-Kos"


def test_import_refuses_a_file_that_is_not_utf8(company, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nRūta\n".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call("import", "customers", str(path), "--no-progress")
    assert Customer.objects.count() == 2


def test_import_refuses_unknown_columns(company, tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("name,shoe_size\nX,42\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call("import", "customers", str(path), "--no-progress")
    assert "unknown column 'shoe_size'" in capsys.readouterr().err


def test_token_create_prints_a_working_token(company, capsys, client):
    call("token", "create", "agent")
    token = capsys.readouterr().out.strip()
    assert token.startswith("cf_")
    assert ApiToken.objects.filter(user=company.agent).count() == 1
    assert client.get("/api/requests", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    call("token", "revoke", "agent")
    assert client.get("/api/requests", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_token_for_unknown_user_fails(company):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown user"):
        call("token", "create", "ghost")


def test_createadmin(db, monkeypatch, capsys):
    from clientfocus.people.models import Employee

    monkeypatch.setenv("CLIENTFOCUS_ADMIN_PASSWORD", "a-long-secret-9")
    call("createadmin", "--username", "boss")
    employee = Employee.objects.get(user__username="boss")
    assert employee.role == "admin" and employee.user.is_superuser
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already exists"):
        call("createadmin", "--username", "boss")
    monkeypatch.setenv("CLIENTFOCUS_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call("createadmin", "--username", "boss2")


def test_import_accepts_semicolon_separated_files_with_a_bom(company, tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffname;email;phone;country\n"
        "Gintarė Šimkienė;gintare@example.lt;+370 600 00002, +370 600 00003;LT\n".encode()
    )
    call("import", "customers", str(path), "--no-progress")
    assert "1 created" in capsys.readouterr().out
    customer = Customer.objects.get(name="Gintarė Šimkienė")
    assert customer.country == "LT" and customer.contacts.filter(kind="phone").count() == 2
