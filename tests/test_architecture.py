"""The map of the code holds (docs/architecture.md): layers enforced by import-linter,
explained function-level imports, modules of a readable size, and the documented events
and extension points are the ones the code wires."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from clientfocus.core.events import AFTER_COMMIT, Event, catalogue, publish, subscribe
from clientfocus.core.extensions import ExtensionPoint

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "clientfocus"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
MAX_LINES = 600


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_every_app_and_top_module_is_on_the_map():
    layers = next(c for c in _contracts() if c["id"] == "layers")["layers"]
    on_map = {name.strip(" ()") for layer in layers for name in re.split(r"[|:]", layer)}
    present = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    present |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    present.discard("locale")
    assert present == on_map, f"not on the map: {present - on_map}; gone: {on_map - present}"


def _import_lines(tree: ast.AST) -> list[ast.stmt]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def test_function_level_imports_say_why():
    unexplained = []
    for path in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in _import_lines(ast.parse("\n".join(lines))):
            # Walk up over the imports of the same group and blank lines to the comment.
            i = node.lineno - 2
            while i >= 0 and (
                not lines[i].strip()
                or lines[i].lstrip().startswith(("import ", "from "))
                or lines[i].strip() in (")",)
                or lines[i].strip().endswith(",")
            ):
                i -= 1
            if i < 0 or not lines[i].lstrip().startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unexplained, f"function-level imports without a comment: {unexplained}"


def test_no_module_above_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these by concept: {long}"


def _table(heading: str) -> dict[str, set[str]]:
    """First-column name → the backticked names of the last column, for a doc table."""
    section = DOC.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        rows[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[-1]))
    return rows


def test_the_documented_events_are_the_wired_ones():
    wired = {
        event.name(): {s.listener for s in subscriptions}
        for event, subscriptions in catalogue()
        if not event.__module__.startswith("tests.")
    }
    assert _table("Events") == wired


def test_the_documented_extension_points_are_the_wired_ones():
    wired = {
        name: {c.key for c in point.contributions()}
        for name, point in ExtensionPoint.all.items()
        if not name.startswith("test.")
    }
    assert _table("Extension points") == wired


# -- the mechanisms --------------------------------------------------------------------------


class Happened(Event):
    pass


def test_subscribers_run_inside_or_after_the_commit(django_capture_on_commit_callbacks, db):
    seen: list[str] = []

    def inside(event: Happened) -> None:
        seen.append("inside")

    def later(event: Happened) -> None:
        seen.append("after commit")

    subscribe(Happened, inside)
    subscribe(Happened, inside)  # ready() run twice: still one subscription
    subscribe(Happened, later, when=AFTER_COMMIT)
    with django_capture_on_commit_callbacks(execute=True):
        publish(Happened())
        assert seen == ["inside"]
    assert seen == ["inside", "after commit"]
    assert [s.listener.rsplit(".", 1)[-1] for s in dict(catalogue())[Happened]] == [
        "inside",
        "later",
    ]
    with pytest.raises(ValueError, match="when must be"):
        subscribe(Happened, inside, when="someday")


def test_an_extension_point_keeps_order_and_one_contribution_per_key():
    point: ExtensionPoint[str] = ExtensionPoint("test.point", "for this test")
    point.contribute("b", "second", order=20)
    point.contribute("a", "first", order=10)
    point.contribute("b", "second again", order=20)
    assert list(point) == ["first", "second again"]
    assert len(point) == 2


def test_an_upward_import_fails_the_contracts(tmp_path):
    """The contracts bite: the same tree with one import from the service desk up into
    voice is refused (and the tree as it is passes, run by `make test`)."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "clientfocus", ignore=shutil.ignore_patterns("locale"))
    (copy / "clientfocus" / "service" / "upward.py").write_text(
        "from clientfocus.voice import services\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(copy)}
    result = subprocess.run(
        [
            Path(sys.executable).parent / "lint-imports",
            "--no-cache",
            "--config",
            ROOT / "pyproject.toml",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout
    assert "clientfocus.service is not allowed to import clientfocus.voice" in result.stdout
