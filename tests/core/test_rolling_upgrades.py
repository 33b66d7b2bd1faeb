"""`clientfocus migrate` is safe to run while the old version still serves: every
migration only expands the schema in ways the old code does not notice. A new column
on an existing table is nullable or has a database default (the old code's INSERTs leave
it out); nothing is dropped or renamed in the same release that stops using it
(docs/deployment.md, "Upgrades")."""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

OURS = {"core", "people", "customers", "service", "orders", "notify", "value", "staffing",
        "insights", "voice", "ideas", "catalogue", "knowledge", "grants", "mail", "portal",
        "demo"}  # fmt: skip
# Columns added before this rule existed (each released with a stop-the-world upgrade).
GRANDFATHERED = {
    ("customers", "0002_search_indexes", "search_key"),
    ("customers", "0003_preferred_channel", "preferred_channel"),
    ("orders", "0002_milestones", "stage"),
    ("service", "0006_agentnotice_link_alter_agentnotice_request", "link"),
    ("value", "0002_cost_to_serve", "cost_to_serve"),
    ("value", "0002_cost_to_serve", "margin"),
    ("value", "0002_cost_to_serve", "profitability"),
}
DESTRUCTIVE = (migrations.RemoveField, migrations.RenameField, migrations.DeleteModel,
               migrations.RenameModel)  # fmt: skip


def our_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app in OURS:
            yield app, name, migration


def test_new_columns_leave_old_inserts_working():
    unsafe = []
    for app, name, migration in our_migrations():
        created = set()
        for op in migration.operations:
            if isinstance(op, migrations.CreateModel):
                created.add(op.name.lower())
            elif isinstance(op, migrations.AddField) and op.model_name.lower() not in created:
                field = op.field
                if field.many_to_many or field.null or field.db_default is not NOT_PROVIDED:
                    continue
                if (app, name, op.name) not in GRANDFATHERED:
                    unsafe.append(f"{app}.{name}: {op.model_name}.{op.name}")
    assert not unsafe, f"give these null=True or db_default=…: {unsafe}"


def test_nothing_is_dropped_or_renamed_under_running_code():
    destructive = [
        f"{app}.{name}: {type(op).__name__}"
        for app, name, migration in our_migrations()
        for op in migration.operations
        if isinstance(op, DESTRUCTIVE)
    ]
    assert not destructive, (
        f"drop or rename in a later release, after no running version reads it: {destructive}"
    )
