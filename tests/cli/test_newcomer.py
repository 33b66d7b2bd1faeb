"""A newcomer's first minutes with `clientfocus`: help without configuration, commands
that compute without SECRET_KEY or a database, and a clear word when the database is
not set up yet. Real processes with a bare environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import get_commands, load_command_class

from clientfocus.cli import ALIASES, GROUPS
from clientfocus.value.lifetime import BGNBD, simulate_bgnbd
from tests.cli.test_cli import CAL


def bare(*args: str, data_dir: Path, stdin: str = "", **extra: str) -> subprocess.CompletedProcess:
    """`clientfocus ARGS` with nothing configured: no SECRET_KEY, no DATABASE_URL."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(data_dir),
           "CLIENTFOCUS_DATA_DIR": str(data_dir), **extra}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


@pytest.mark.parametrize("args", [(), ("--help",), ("-h",), ("help",)])
def test_help_without_any_configuration_lists_the_product_commands_grouped(tmp_path, args):
    result = bare(*args, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for group in ("run:", "data:", "service:", "value:", "notify:", "voice:", "staffing:",
                  "admin:"):  # fmt: skip
        assert f"\n{group}\n" in out
    assert "  voice tag FILE.csv" in out and "  value refresh" in out
    assert "  notify deliver" in out
    assert "Django's own commands work too:" in out and "dbshell" in out
    assert not result.stderr
    assert out.index("run:") < out.index("Django's own commands")


def _product_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items() if app.startswith("clientfocus.")}


def test_every_product_command_and_action_listed_exists_and_none_is_missing():
    listed_names = set()
    for _group, commands in GROUPS:
        for typed, text in commands:
            assert text and len(text) < 90, typed
            words = typed.split()
            name = ALIASES.get(words[0], words[0])
            listed_names.add(name)
            app = get_commands().get(name)
            assert app is not None, f"{typed}: no such command"
            if not app.startswith("clientfocus.") or len(words) == 1:
                continue
            parser = load_command_class(app, name).create_parser("clientfocus", name)
            actions = [a for a in parser._actions if a.choices and a.dest in ("action", "kind")]
            choices = set(actions[0].choices) if actions else set()
            for word in words[1:]:
                if word[0].islower() and not word.startswith("-") and word not in ("<",):
                    if "." in word:  # FILE.csv
                        continue
                    assert word in choices, f"{typed}: {word!r} is not one of {sorted(choices)}"
    assert set(_product_commands()) <= listed_names, set(_product_commands()) - listed_names


def test_compute_only_commands_need_neither_secret_key_nor_database(tmp_path):
    comments = "text\nDelivery was late and nobody called.\n"
    tagged = bare("voice", "tag", "-", data_dir=tmp_path, stdin=comments)
    assert tagged.returncode == 0, tagged.stderr
    line, language, _sentiment, themes = tagged.stdout.strip().split("\t")
    assert (line, language) == ("2", "en") and "delivery" in themes
    assert "default taxonomy" in tagged.stderr

    calendar = tmp_path / "cal.json"
    calendar.write_text(json.dumps(CAL))
    due = bare("sla", "due", "--calendar", str(calendar), "--opened",
               "2026-12-23T17:00:00+02:00", "--minutes", "120", data_dir=tmp_path)  # fmt: skip
    assert due.returncode == 0, due.stderr
    assert due.stdout.strip() == "2026-12-25T10:00:00+02:00"  # the 24th is a holiday

    erlang = bare("staffing", "erlang", "--calls", "100", "--interval-minutes", "30",
                  "--aht-seconds", "240", "--target-seconds", "20", "--service-level", "0.8",
                  data_dir=tmp_path)  # fmt: skip
    assert erlang.returncode == 0 and "agents needed: 17" in erlang.stdout, erlang.stderr

    summary = tmp_path / "summary.csv"
    weeks = np.full(2000, 52.0)
    x, t_x, _ = simulate_bgnbd(BGNBD(0.9, 6.0, 0.7, 3.0), 2000, weeks, seed=3)
    rows = [f"{int(f)},{r:.3f},52" for f, r in zip(x, t_x, strict=True)]
    summary.write_text("frequency,recency,T\n" + "\n".join(rows) + "\n")
    fit = bare("value", "fit", "--summary", str(summary), "--json", data_dir=tmp_path)
    assert fit.returncode == 0, fit.stderr
    assert 0.2 < json.loads(fit.stdout)["bgnbd"]["r"] < 5, fit.stdout

    helped = bare("voice", "--help", data_dir=tmp_path)
    assert helped.returncode == 0 and "tag" in helped.stdout, helped.stderr


def test_voice_tag_without_any_reachable_database_uses_the_default_taxonomy(tmp_path):
    result = bare("voice", "tag", "-", data_dir=tmp_path, stdin="text\nnobody called\n",
                  DATABASE_URL="postgres://nobody@127.0.0.1:1/none")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2\ten\t")


@pytest.mark.parametrize(
    "args",
    [
        ("value", "refresh", "--no-progress"),
        ("sla", "sweep"),
        ("notify", "deliver"),
        ("voice", "rollup"),
    ],
)
def test_a_command_that_needs_the_database_says_run_migrate_first(tmp_path, args):
    result = bare(*args, data_dir=tmp_path, SECRET_KEY="newcomer")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "run `clientfocus migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_named_not_a_traceback(tmp_path):
    result = bare("sla", "sweep", data_dir=tmp_path, SECRET_KEY="newcomer",
                  DATABASE_URL="postgres://nobody@127.0.0.1:1/none")  # fmt: skip
    assert result.returncode == 2
    assert "cannot use the database" in result.stderr and "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
