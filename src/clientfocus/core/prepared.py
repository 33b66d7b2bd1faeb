"""Statements prepared once per database connection on PostgreSQL, run on cursors kept
per connection and statement (`fetch_one`), for the statements a busy endpoint runs on
every call (`core.statements` compiles them).

Only statements whose best plan does not depend on the value are worth preparing: a
lookup by a unique key, an INSERT. (PostgreSQL switches a prepared statement to a generic
plan after five runs, which made a ranged count 17 times slower; those stay unprepared.)

`DATABASE_PREPARED_STATEMENTS=off` (behind a connection pooler that drops prepared
statements) keeps the compiled SQL but prepares nothing. With query logging or execute
wrappers installed, statements go through Django's cursor wrappers, so query logging,
`CaptureQueriesContext` and execute wrappers see them like any other.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

try:  # psycopg 3: a cursor that binds on the server and prepares what it runs
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    class _PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):  # type: ignore[override]
            return super().execute(query, params, prepare=True, binary=binary)

except ImportError:  # pragma: no cover - psycopg 2 or no PostgreSQL driver
    _PreparingCursor = None  # type: ignore[assignment,misc]


def cursor(alias: str = "default"):
    """A Django cursor whose statements PostgreSQL prepares once per connection (other
    databases: the usual cursor). The connection's ``prepare_threshold`` decides: None
    (DATABASE_PREPARED_STATEMENTS=off) prepares nothing."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or _PreparingCursor is None:
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # The wrappers Django puts around every cursor it makes (execute wrappers, query
    # logging), here around a server-binding cursor on the same connection.
    wrapper = _LoggedStatements if connection.queries_logged else CursorWrapper
    return wrapper(_PreparingCursor(connection.connection), connection)


# Prepared-statement cursors kept per database connection, one per statement (at most
# _KEEP): psycopg keeps a cursor's adapters (the dumper for each parameter's type, the
# loader for each column) only while the same statement runs again on it.
_KEEP = 64
_KEPT: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def fetch_one(sql: str, params: list[Any], alias: str = "default") -> tuple | None:
    """Run one statement (prepared on PostgreSQL) and return its first row. Unless
    queries are logged or execute wrappers are installed (then Django's cursor wrapper
    runs it, so they see it), it runs on a cursor kept for the connection, with Django's
    checks and error translation: making and wrapping a cursor per statement was a
    third of a prepared statement's CPU."""
    return fetch_one_on(connections[alias], sql, params)


def fetch_one_on(connection, sql: str, params: list[Any]) -> tuple | None:
    """`fetch_one` on a connection at hand."""
    if (
        connection.vendor != "postgresql"
        or _PreparingCursor is None
        or connection.queries_logged
        or connection.execute_wrappers
    ):
        with cursor(connection.alias) as c:
            c.execute(sql, params)
            return c.fetchone()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    cursors = _KEPT.get(raw)
    if cursors is None:
        cursors = _KEPT[raw] = {}
    kept = cursors.get(sql)
    if kept is None:
        if len(cursors) >= _KEEP:
            cursors.clear()
        kept = cursors[sql] = _PreparingCursor(raw)
    with connection.wrap_database_errors:
        kept.execute(sql, params)
        return kept.fetchone()


class _LoggedStatements(CursorDebugWrapper):
    """Query logging for prepared statements: the SQL with its values merged in (the
    backend would read it back from the cursor, which holds a statement name)."""

    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many:
            sql, use_last_executed_query = self.db.ops.compose_sql(sql, params), False
        return super().debug_sql(sql, params, use_last_executed_query, many)
