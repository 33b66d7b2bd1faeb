"""`clientfocus ideas export` and `ideas refresh`: in-process on the test database, and
the exit code and message of bad input from a real process."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from clientfocus.ideas import services
from clientfocus.ideas.models import Idea
from clientfocus.value.models import CustomerValue
from tests.cli.test_cli import run_cli

pytestmark = pytest.mark.django_db


def test_export_csv_is_spreadsheet_safe_and_json_is_unicode(company, capsys, tmp_path):
    services.submit_idea(title='=HYPERLINK("http://evil")', actor=company.agent)
    services.submit_idea(title="Доставка по субботам", customer=company.gold_customer)
    call_command("ideas", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["title"] for r in rows} == {'\'=HYPERLINK("http://evil")', "Доставка по субботам"}
    assert {r["votes"] for r in rows} == {"0", "1"}
    call_command("ideas", "export", "--format", "json", "--status", "open")
    data = json.loads(capsys.readouterr().out)
    assert "Доставка по субботам" in {d["title"] for d in data}
    target = tmp_path / "ideas.csv"
    call_command("ideas", "export", "--output", str(target))
    assert "Доставка" in target.read_text(encoding="utf-8")


def test_export_refuses_an_unknown_status(company):
    with pytest.raises(CommandError, match="unknown status"):
        call_command("ideas", "export", "--status", "done")


def test_refresh_reweighs(company, capsys):
    idea = services.submit_idea(title="Longer warranty", customer=company.customer)
    CustomerValue.objects.create(customer=company.customer, lifetime_value_12m=700)
    call_command("ideas", "refresh")
    assert "1 votes reweighed" in capsys.readouterr().out
    assert Idea.objects.get(pk=idea.pk).weighted_votes == 700


def test_bad_format_from_a_real_process():
    answer = run_cli("ideas", "export", "--format", "xlsx")
    assert answer.returncode != 0
    assert "invalid choice: 'xlsx'" in answer.stderr
