"""`clientfocus catalogue …` for operators: load drafts, publish, who was told, export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from clientfocus.catalogue.models import Version
from tests.catalogue.conftest import fees

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def test_load_publish_notices_and_export(company, delivery, tmp_path):
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(
        json.dumps(
            [
                {"code": "delivery", "fees": fees(express="12.00")},
                {"code": "assembly", "names": {"en": "Assembly"},
                 "fees": [{"code": "assembly", "names": {"en": "=HYPERLINK(\"x\")"}, "amount": "25",
                           "currency": "EUR", "unit": "hour"}]},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    loaded = _run("load", str(catalogue), "--as", "manager")
    assert "delivery: draft v2" in loaded and "assembly: draft v1" in loaded
    published = _run("publish", "delivery", "--as", "manager")
    assert "1 customers being told, 0 unreachable" in published
    told = _run("notices", "delivery", "2")
    assert "0 of 1 told, 1 on the way" in told and company.customer.name in told
    _run("publish", "assembly", "--as", "manager")
    listing = json.loads(_run("list", "--json"))
    assert {row["code"] for row in listing} == {"delivery", "assembly"}
    out = tmp_path / "fees.csv"
    call_command("catalogue", "export", "--output", str(out), stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["service"] for r in rows} == {"delivery", "assembly"} and len(rows) == 7
    assert next(r for r in rows if r["service"] == "assembly")["name"].startswith("'=")
    as_json = json.loads(_run("export", "--format", "json"))
    assert len(as_json) == 7 and {r["unit"] for r in as_json} >= {"hour", "delivery"}


def test_bad_input_names_what_is_wrong(company, delivery, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    cases = [
        (("load", str(broken), "--as", "manager"), "not JSON"),
        (("load", str(tmp_path / "none.json"), "--as", "manager"), "cannot read"),
        (("publish", "delivery", "--as", "manager"), "no draft"),
        (("publish", "nothing", "--as", "manager"), "no service"),
        (("publish", "delivery", "--as", "nobody"), "no user"),
        (("notices", "delivery", "7"), "no published version 7"),
        (("relink", "--days", "0"), "--days"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            _run(*args)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "delivery", "fees": [{"code": "x"}]}]), encoding="utf-8")
    with pytest.raises(CommandError, match="service 1"):
        _run("load", str(bad), "--as", "manager")
    assert not Version.objects.filter(service=delivery, state="draft").exists()  # rolled back
    with pytest.raises(CommandError, match="Only managers"):
        _run("load", str(bad), "--as", "agent")
    dated = tmp_path / "ok.json"
    dated.write_text(json.dumps([{"code": "delivery", "fees": fees(express="12")}]))
    _run("load", str(dated), "--as", "manager")
    with pytest.raises(CommandError, match="a date like"):
        _run("publish", "delivery", "--as", "manager", "--from", "31/01/2027")
    with pytest.raises(CommandError, match="30 days"):
        _run("publish", "delivery", "--as", "manager", "--from", "2026-01-01")
