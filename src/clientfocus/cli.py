"""The `clientfocus` command: Django management commands with the settings preset.

clientfocus demo | serve | worker | migrate | createadmin
clientfocus token create USERNAME
clientfocus import customers FILE.csv
clientfocus sla due --calendar CAL.json --opened ISO --minutes N
clientfocus voice tag FILE.csv [--json] | digest [--send] | train | retag | rollup | trends
clientfocus mail fetch | receive [--json] [--mailbox ADDR] < MESSAGE | failed | retry ID
clientfocus staffing erlang --calls N --interval-minutes M --aht-seconds S
    --target-seconds T --service-level P [--patience-seconds W] [--shrinkage R] [--json]
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_data"}
OWN_COMMANDS = (
    "demo", "serve", "worker", "migrate", "createadmin", "token", "import", "sla", "voice",
    "staffing", "mail",
)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientfocus.settings")
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("CLIENTFOCUS_DEMO", "1")
    if len(argv) == 1:
        print(__doc__)
        print("Every Django management command works too, e.g. `clientfocus check`.")
        return
    # Django is loaded only when a command runs: the bare `clientfocus` answers at once.
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"clientfocus: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
