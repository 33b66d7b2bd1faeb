"""`clientfocus voice …` as operators run it."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clientfocus.notify.models import Notification
from clientfocus.voice import services
from clientfocus.voice.models import Digest
from tests.cli.test_cli import run_cli

ROWS = [
    "Kurjeris vėlavo dvi valandas ir niekas nepaskambino",
    "Спасибо, диван привезли вовремя, отличное качество",
    "",
    "The price went up again; IKEA sells it cheaper 😡",
    "कूरियर दो घंटे देर से आया",
    "Kurir je zamudil, paket je bil poškodovan",
]


def test_voice_tag_json_in_a_real_process(tmp_path):
    # Its own SQLite file, whichever database the suite runs on.
    env = {"CLIENTFOCUS_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    assert run_cli("migrate", "-v0", env_extra=env).returncode == 0
    csv_file = tmp_path / "comments.csv"
    lines = ["id;text"] + [f'{i};"{text}"' for i, text in enumerate(ROWS)]
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("voice", "tag", str(csv_file), "--json", env_extra=env)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(ROWS)
    assert [o["language"] for o in out] == ["lt", "ru", None, "en", "hi", "sl"]
    assert out[0]["language"] == "lt" and out[0]["sentiment"] == "negative"
    assert "delivery" in out[0]["themes"]
    assert out[1]["sentiment"] == "positive"
    assert {"price", "competitor mentioned"} <= set(out[3]["themes"])
    assert "delivery" in out[4]["themes"] and "delivery" in out[5]["themes"]
    assert ":4: text: empty" in result.stderr


def test_voice_tag_bad_files(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("voice", "tag", str(tmp_path / "missing.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\nKaina per didel\xeb\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("voice", "tag", str(latin))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("comment\nhello\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no `text` column"):
        call_command("voice", "tag", str(wrong))


def test_voice_tag_caps_huge_comments(tmp_path, db):
    big = tmp_path / "big.csv"
    big.write_text('text\n"' + "ilgas " * 2000 + '"\n', encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("voice", "tag", str(big), "--json", stdout=out, stderr=err)
    assert "analysed the first 5000" in err.getvalue()
    assert json.loads(out.getvalue())["language"] in ("lt", "sl", "lv", "pl")


def test_voice_tag_in_the_bad_exit_code_of_a_real_process(tmp_path):
    result = run_cli("voice", "tag", str(tmp_path / "nope.csv"))
    assert result.returncode == 1 and "no such file" in result.stderr


def test_digest_send_once(company, db):
    company.agent.email = "agent@example.com"
    company.agent.save()
    services.record_feedback(text="Puikus aptarnavimas", source="api")
    out, err = StringIO(), StringIO()
    call_command("voice", "digest", "--send", stdout=out, stderr=err)
    assert "Customer insight" in out.getvalue() and "sent to" in err.getvalue()
    call_command("voice", "digest", "--send", stdout=out, stderr=err)
    assert "already sent" in err.getvalue()
    assert Digest.objects.count() == 1
    assert Notification.objects.filter(recipient="agent@example.com").count() == 1
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("voice", "digest", "--week", "last week")


def test_train_retag_rollup_trends(company, db):
    services.record_feedback(text="Курьер опоздал", source="api")
    out = StringIO()
    call_command("voice", "train", stdout=out)
    assert "trained on 0 reviewed" in out.getvalue()
    call_command("voice", "retag", "--days", "0", stdout=out)
    assert "1 item(s) re-analysed" in out.getvalue()
    call_command("voice", "rollup", "--all", stdout=out)
    call_command("voice", "trends", stdout=out)
    assert "no theme is rising" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("voice", "retag", "--days", "-1")


def test_voice_evaluate_prints_figures_per_language(tmp_path, db):
    out = io.StringIO()
    call_command("voice", "evaluate", "--set", "dev", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["set"] == "dev" and set(report["languages"]) == {"en", "ru", "lt", "sl", "hi"}
    out = io.StringIO()
    call_command("voice", "evaluate", "--errors", "3", stdout=out)
    text = out.getvalue()
    assert "== held-out: 1000 comments" in text and "confusion" in text and "themes:" in text
    # A labelled file of one's own; bad ones get a clear line.
    mine = tmp_path / "mine.tsv"
    mine.write_text("sentiment\ttext\nneg\tNobody called back.\npos\tOn time!\n", encoding="utf-8")
    out = io.StringIO()
    call_command("voice", "evaluate", "--set", str(mine), "--json", stdout=out)
    assert json.loads(out.getvalue())["overall"]["comments"] == 2
    with pytest.raises(CommandError, match="cannot read"):
        call_command("voice", "evaluate", "--set", str(tmp_path / "missing.tsv"))
    broken = tmp_path / "broken.tsv"
    broken.write_text("sentiment\ttext\nmaybe\tHm\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("voice", "evaluate", "--set", str(broken))
    with pytest.raises(CommandError, match="--errors"):
        call_command("voice", "evaluate", "--errors", "-1")
