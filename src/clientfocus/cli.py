"""The `clientfocus` command: the product's commands, grouped, and Django's below them.

`clientfocus` and `clientfocus --help` answer without any configuration. Commands that
only compute (`sla due`, `value fit`, `staffing erlang`, `voice tag`) and every
`--help` run without SECRET_KEY; `voice tag` also without a database (the default
taxonomy). A command that needs the database before it exists says "run `clientfocus
migrate` first" instead of a traceback.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from pathlib import Path

ALIASES = {
    "import": "import_data",
    "access-log": "access_log",
    "export-customer": "export_customer",
    "at-risk": "at_risk",
}

# (group, [(command as typed, one line)]). tests/cli/test_newcomer.py checks every product
# command is listed and every listed command and action exists.
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("run", [
        ("demo", "a demo company on SQLite, served at http://127.0.0.1:8000/"),
        ("serve", "serve the web UI, the REST API (/api/) and the admin (/admin/)"),
        ("worker", "run background tasks and the periodic jobs (SLA sweep, value, voice)"),
    ]),
    ("data", [
        ("migrate", "create or update the database tables (run this first)"),
        ("import customers FILE.csv", "import customer records; bad rows listed with the reason"),
        ("import orders FILE.csv", "import orders, idempotent by order id"),
    ]),
    ("service", [
        ("sla due", "when a target falls due over a business calendar (no database)"),
        ("sla sweep", "mark requests at risk or breached now and notify"),
        ("mail fetch", "fetch the configured mailboxes once"),
        ("mail receive < MESSAGE", "take one e-mail on standard input (for an MTA)"),
        ("mail failed | retry ID", "list incoming mail that failed; process one again"),
    ]),
    ("value", [
        ("value fit", "fit BG/NBD and Gamma-Gamma to a customer summary CSV (no database)"),
        ("value refresh", "recompute every customer's value figures"),
    ]),
    ("notify", [
        ("notify deliver", "send what is due in the outbox now"),
        ("notify retry-dead", "queue every failed notification again"),
        ("notify preview RULE --customer ID", "show what a rule would send a customer"),
    ]),
    ("voice", [
        ("voice tag FILE.csv", "language, sentiment and themes of comments (no database)"),
        ("voice digest | train | retag", "weekly digest; train the classifier; re-analyse"),
        ("voice rollup | trends", "recount the voice figures; look for rising themes"),
    ]),
    ("ideas", [
        ("ideas export [--format CSV|JSON]", "every idea with its raw and weighted votes"),
        ("ideas refresh", "reweigh votes by the voters' current value; recount"),
    ]),
    ("catalogue", [
        ("catalogue list | export [--format CSV|JSON]", "services, versions and every fee line"),
        ("catalogue load FILE --as USER", "drafts of services and fees from a JSON file"),
        ("catalogue publish CODE --as USER [--from DATE]", "publish a draft; tell who pays more"),
        ("catalogue notices CODE VERSION", "who was told of a version, who was not reached"),
        ("catalogue relink", "link complaints about charges to the fees they name"),
    ]),
    ("knowledge", [
        ("knowledge articles [--search TEXT]", "the knowledge base, or a search in it"),
        ("knowledge export | load FILE --as USER", "articles, templates, playbooks, courses"),
        ("knowledge skipped [--days N]", "resolved requests where a mandatory step was skipped"),
        ("knowledge training | remind", "who is untrained for their queues; send reminders"),
    ]),
    ("steering", [
        ("scorecard [--json] [--month YYYY-MM]", "the level reached and what holds it back"),
        ("scorecard refresh | threshold CODE VALUE", "measure a month; tune a threshold"),
        ("scorecard report KIND --format F", "payback, per product line/tier/segment, order cycle"),
        ("at-risk [--json] | detect | effect", "valuable customers drifting away, today"),
        ("at-risk outcome ID OUTCOME --as USER", "record what was done (called, offered, …)"),
    ]),
    ("grants", [
        ("grants limits | set-limit ROLE KIND --as USER", "what each role may grant alone"),
        ("grants pending", "grants waiting for approval"),
        ("grants report [--days N] [--format CSV|JSON]", "does empowerment pay?"),
        ("departments [--days N] [--json]", "the department scorecard"),
    ]),
    ("staffing", [
        ("staffing erlang", "agents needed for a service level, Erlang C / A (no database)"),
        ("staffing plan --queue Q --week W", "a week's staffing plan for a queue"),
        ("staffing import-shifts FILE", "import a roster from CSV"),
    ]),
    ("admin", [
        ("createadmin", "create an administrator"),
        ("token create | revoke USER", "issue an API token (printed once) or revoke them"),
        ("access-log", "who opened or exported which customer record (--customer, --days)"),
        ("export-customer ID", "everything held about a customer, as a ZIP (logged)"),
        ("privacy erase ID --reason R", "erase a customer on request (refused under a legal hold)"),
        ("privacy hold | release ID", "set or lift a legal hold"),
        ("privacy retention [--days N] [--run]", "retention period; what the next run removes"),
        ("check --deploy", "check the production settings"),
    ]),
]  # fmt: skip

# Commands that compute and store nothing: no SECRET_KEY needed.
COMPUTE_ONLY = {("sla", "due"), ("value", "fit"), ("staffing", "erlang"), ("voice", "tag")}
HELP_FLAGS = {"-h", "--help"}


def usage() -> str:
    width = max(len(command) for _, commands in GROUPS for command, _ in commands) + 2
    lines = ["usage: clientfocus COMMAND [ARGS]   (clientfocus COMMAND --help for its options)", ""]
    for group, commands in GROUPS:
        lines.append(f"{group}:")
        lines += [f"  {command.ljust(width)}{text}" for command, text in commands]
        lines.append("")
    lines += textwrap.wrap(
        "Django's own commands work too: " + ", ".join(_django_commands()) + ".", width=88
    )
    return "\n".join(lines)


def _django_commands() -> list[str]:
    """Django's core commands, found without settings (the contrib ones need them)."""
    # Here, not at the top: `clientfocus` alone prints its help before Django loads.
    from django.core import management

    return sorted(management.find_commands(str(Path(management.__file__).parent)))


def _compute_only(argv: list[str]) -> bool:
    return tuple(argv[1:3]) in COMPUTE_ONLY or bool(HELP_FLAGS & set(argv[1:]))


def _database_problem(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return "the database has no tables yet: run `clientfocus migrate` first"
    return f"cannot use the database ({text}); check DATABASE_URL"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "clientfocus"
    if len(argv) == 1 or argv[1] in HELP_FLAGS or argv[1:] == ["help"]:
        print(usage())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientfocus.settings")
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    if argv[1] == "demo":
        os.environ.setdefault("CLIENTFOCUS_DEMO", "1")
    if argv[1] == "serve" and "--embedded" not in argv:
        # gunicorn's workers share their HTTP metrics through files (prometheus-client's
        # multiprocess mode); it must be set before anything imports prometheus_client.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="cf-metrics-"))
    if _compute_only(argv):
        os.environ["CLIENTFOCUS_COMPUTE_ONLY"] = "1"
    # Loaded only when a command runs: the bare `clientfocus` and its help need no settings.
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"clientfocus: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    except (OperationalError, ProgrammingError) as exc:
        print(f"clientfocus: {_database_problem(exc)}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
