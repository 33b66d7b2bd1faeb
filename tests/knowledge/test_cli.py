"""`clientfocus knowledge …`, `grants …` and `departments` for operators."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from clientfocus.grants import services as grants
from clientfocus.knowledge.models import Article, Course, Playbook

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_and_load_round_trip_and_bad_files_change_nothing(company, late, tmp_path):
    exported = json.loads(_run("knowledge", "export"))
    assert [p["code"] for p in exported["playbooks"]] == ["late"]
    exported["courses"] = [
        {
            "code": "late-course",
            "titles": {"en": "Late"},
            "playbooks": ["late"],
            "audiences": [{"role": "agent"}],
        }
    ]
    exported["articles"][0]["code"] = "late-copy"
    file = tmp_path / "knowledge.json"
    file.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    assert "1 articles, 1 templates, 1 playbooks, 1 courses loaded" in _run(
        "knowledge", "load", str(file), "--as", "manager"
    )
    assert Article.objects.get(code="late-copy").texts.count() == 2
    assert Course.objects.get().enrolments.count() == 3
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "playbooks": [
                    {"code": "new-one", "titles": {"en": "x"}},
                    {"code": "late", "titles": {}},
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="playbooks #2"):
        _run("knowledge", "load", str(bad), "--as", "manager")
    assert not Playbook.objects.filter(code="new-one").exists()  # all or nothing
    with pytest.raises(CommandError, match="manager"):
        _run("knowledge", "load", str(file), "--as", "agent")
    with pytest.raises(CommandError, match="no such file"):
        _run("knowledge", "load", str(tmp_path / "none.json"), "--as", "manager")
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        _run("knowledge", "load", str(tmp_path / "x.json"), "--as", "manager")


def test_articles_search_skipped_training_and_remind(company, late):
    assert "late-delivery" in _run("knowledge", "articles", "--search", "tracking")
    assert json.loads(_run("knowledge", "articles", "--json"))[0]["code"] == "late-delivery"
    assert "no mandatory step skipped" in _run("knowledge", "skipped", "--days", "7")
    with pytest.raises(CommandError, match="--days"):
        _run("knowledge", "skipped", "--days", "0")
    assert "everyone is trained" in _run("knowledge", "training")
    assert "0 enrolled, 0 reminded" in _run("knowledge", "remind")


def test_grants_and_departments(company):
    assert "no limits" in _run("grants", "limits")
    assert "limit set" in _run(
        "grants", "set-limit", "agent", "goodwill", "--per-grant", "20", "--as", "admin"
    )
    with pytest.raises(CommandError, match="administrators"):
        _run("grants", "set-limit", "agent", "refund", "--as", "manager")
    with pytest.raises(CommandError, match="amount"):
        _run("grants", "set-limit", "agent", "refund", "--per-grant", "-5", "--as", "admin")
    grants.grant(
        actor=company.agent,
        customer=company.customer,
        kind="goodwill",
        amount="50",
        reason="=cmd|' /C calc'!A0",
    )
    assert "per grant" in _run("grants", "pending")
    csv = _run("grants", "report", "--format", "csv")
    assert csv.splitlines()[1].startswith("goodwill,standard,1")
    assert "bought again" in _run("grants", "report")
    assert "logistics" in _run("departments", "--days", "30")
    assert json.loads(_run("departments", "--json"))[0]["department"] == "billing"
    with pytest.raises(CommandError):
        _run("departments", "--days", "0")
