"""The statements a busy endpoint runs on every call, compiled by Django once per process
and, on PostgreSQL, prepared once per database connection.

Creating a request through the API spends about half of its CPU in Django turning
querysets and model saves into SQL and rows back into objects, and PostgreSQL parses and
plans the same few statements again on every call. Here a lookup by one field
(`Lookup`) is compiled by Django's own compiler once, with a marker value in place of the
one looked for, and runs afterwards with the real value; a new row (`insert`) is written
by one cached INSERT … RETURNING with the values Django would send. Rows become model
instances the way Django's own iterator makes them (``from_db``, select_related
populators, converters), so the objects are the ORM's own.

Only statements whose best plan does not depend on the value are worth preparing: a
lookup by a unique key, an INSERT. (PostgreSQL switches a prepared statement to a generic
plan after five runs, which made a ranged count 17 times slower; those stay unprepared.)

They run through `core.prepared` (prepared on PostgreSQL, on cursors kept per
connection).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateTimeField,
    EmailField,
    Field,
    ForeignKey,
    Model,
    QuerySet,
    SlugField,
    SmallAutoField,
    TextField,
    URLField,
)
from django.db.models.expressions import DatabaseDefault
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.signals import post_save, pre_save

from clientfocus.core.instances import loaded
from clientfocus.core.prepared import fetch_one_on


class Lookup:
    """At most one row of ``queryset()`` by the value of one field (a unique one: the
    first row is taken), compiled once per database::

        BY_PUBLIC_ID = Lookup(lambda: Customer.objects.select_related("tier"), "public_id")
        customer = BY_PUBLIC_ID.get(value)  # None when there is none

    ``queryset`` may filter, select related objects and defer fields; the value is
    checked and converted by the field as a filter would (ValidationError, TypeError
    and ValueError as from ``filter``)."""

    def __init__(self, queryset: Callable[[], QuerySet], field: str) -> None:
        self._queryset = queryset
        self._field = field
        self._compiled: dict[str, _Compiled] = {}
        self._model: type[Model] | None = None  # known after the first lookup
        self._lock = threading.Lock()

    def get(self, value: Any) -> Model | None:
        return self.compiled().first(value)

    def compiled(self) -> _Compiled:
        alias = router.db_for_read(self._model) if self._model else None
        compiled = self._compiled.get(alias) if alias else None
        if compiled is None:
            base = self._queryset()
            alias = base.db
            with self._lock:
                compiled = self._compiled.get(alias) or _Compiled(base, self._field, alias)
                self._compiled[alias], self._model = compiled, base.model
        return compiled


def get_each(*wanted: tuple[Lookup, Any]) -> list[Model | None]:
    """Several lookups, each a `Lookup` and the value it looks for (None: nothing is
    looked for, None is its answer), in one statement on PostgreSQL::

        customer, queue = get_each((CUSTOMER, public_id), (QUEUE, queue_id))

    ``SELECT * FROM (SELECT 1) one LEFT JOIN (lookup 1) l0 ON TRUE LEFT JOIN (lookup 2)
    l1 ON TRUE``: one round trip instead of one per lookup. Elsewhere one by one."""
    found: list[Model | None] = [None] * len(wanted)
    asked = [(at, lookup.compiled(), value) for at, (lookup, value) in enumerate(wanted)]
    asked = [(at, compiled, value) for at, compiled, value in asked if value is not None]
    parts = tuple(compiled for _, compiled, _ in asked)
    alias = parts[0].alias if parts else "default"
    connection = connections[alias]
    row = None
    if (
        len(parts) > 1
        and all(part.alias == alias for part in parts)
        and connection.vendor == "postgresql"
    ):
        sql = _JOINED.get(parts)
        if sql is None:
            joined = " ".join(
                f"LEFT JOIN ({part.sql}) AS l{at} ON TRUE" for at, part in enumerate(parts)
            )
            sql = _JOINED[parts] = f"SELECT * FROM (SELECT 1) AS one {joined}"  # noqa: S608
        params = [param for _, part, value in asked for param in part.params_for(value, connection)]
        row = fetch_one_on(connection, sql, params)
    # Not joined, or a lookup selects more than its compiler counted: one by one.
    if row is None or len(row) != 1 + sum(part.width for part in parts):
        for at, compiled, value in asked:
            found[at] = compiled.first(value)
        return found
    start = 1
    for at, part, _value in asked:
        found[at] = part.made(row[start : start + part.width], connection)
        start += part.width
    return found


# The joined statements of get_each, by the compiled lookups they join.
_JOINED: dict[tuple[_Compiled, ...], str] = {}


class _Compiled:
    def __init__(self, queryset: QuerySet, field_name: str, alias: str) -> None:
        model = queryset.model
        field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
        connection = connections[alias]
        marker = _marker(field)
        # The statement, the columns' places and converters are kept; the compiler's own
        # connection is not used again (connections belong to threads).
        compiler = queryset.filter(**{field_name: marker})[:1].query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        prepared = field.get_db_prep_value(field.to_python(marker), connection, prepared=False)
        at = [i for i, param in enumerate(params) if param == prepared]
        if len(at) != 1:
            raise ValueError(f"cannot compile a lookup of {model.__name__} by {field_name}")
        self.field, self.alias, self.sql, self.params = field, alias, sql, list(params)
        self.at = at[0]
        info = compiler.klass_info
        fields = info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.model = info["model"]
        self.names = [column[0].target.attname for column in compiler.select[self.start : self.end]]
        # Every field selected, in field order: the row is the instance's whole state.
        self.whole = self.names == [f.attname for f in self.model._meta.concrete_fields]
        self.key = self.start + self.names.index(self.model._meta.pk.attname)
        self.width = compiler.col_count
        self.related = _marked(get_related_populators(info, compiler.select, alias))
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)

    def first(self, value: Any) -> Model | None:
        connection = connections[self.alias]
        found = fetch_one_on(connection, self.sql, self.params_for(value, connection))
        return None if found is None else self.made(found, connection)

    def params_for(self, value: Any, connection) -> list[Any]:
        params = list(self.params)
        params[self.at] = self.field.get_db_prep_value(
            self.field.to_python(value), connection, prepared=False
        )
        return params

    def made(self, found, connection) -> Model | None:
        """The object of a row the statement gave (None for a row of NULLs: the outer
        join of `get_each` found nothing)."""
        if found[self.key] is None:
            return None
        row = list(found)
        if self.converters:
            for at, (converters, expression) in self.converters.items():
                value = row[at]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[at] = value
        values = row[self.start : self.end]
        obj = (
            loaded(self.model, self.alias, values)
            if self.whole
            else self.model.from_db(self.alias, self.names, values)
        )
        for populator in self.related:
            _populate(populator, row, obj)
        return obj


def _marked(populators: list) -> list:
    """Each populator (and those within) marked ``whole`` when its columns are its model's
    every field in field order (then `loaded` makes its object)."""
    for populator in populators:
        fields = populator.model_cls._meta.concrete_fields
        populator.whole = not populator.reorder_for_init and populator.init_list == [
            f.attname for f in fields
        ]
        _marked(populator.related_populators)
    return populators


def _populate(populator, row, parent: Model) -> None:
    """Django's RelatedPopulator.populate (a select_related object set on ``parent``),
    the object made by `loaded` when the row holds it whole, in field order."""
    if not populator.whole:
        populator.populate(row, parent)
        return
    values = row[populator.cols_start : populator.cols_end]
    obj = (
        None
        if values[populator.pk_idx] is None
        else loaded(populator.model_cls, populator.db, values)
    )
    if obj is not None:
        for nested in populator.related_populators:
            _populate(nested, row, obj)
    populator.local_setter(parent, obj)
    if obj is not None:
        populator.remote_setter(obj, parent)


def _marker(field) -> Any:
    """A value of the field's type that no real lookup uses, to find its place among the
    compiled statement's parameters."""
    kind = field.get_internal_type()
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind in {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField",
                "PositiveIntegerField", "PositiveBigIntegerField", "ForeignKey"}:  # fmt: skip
        return -int.from_bytes(uuid.uuid4().bytes[:6], "big") - 1
    return f"\x1f{uuid.uuid4().hex}"


# -- inserts ---------------------------------------------------------------------------

# (model, database, which fields take their database default) -> _insert_sql's answer
_INSERTS: dict[tuple[type[Model], str, tuple[bool, ...]], tuple[str, list[Any], list[Any]]] = {}


def insert(instance: Model) -> None:
    """``instance.save()`` for a new row: the values Django would write (``pre_save``,
    ``get_db_prep_save``, database defaults), one cached INSERT … RETURNING, the returned
    columns set on the instance. Models with save signals, parents, a save() of their
    own or values that are expressions are saved by Django instead."""
    alias = router.db_for_write(type(instance), instance=instance)
    connection = connections[alias]
    row = None
    if _insertable(type(instance), connection) and not instance._is_pk_set():  # type: ignore[attr-defined]
        row = _Row.of(instance, connection)
    if row is None:
        instance.save(using=alias)
        return
    key = (type(instance), alias, row.defaults)
    statement = _INSERTS.get(key)
    if statement is None:
        statement = _insert_sql(type(instance), row.fields, row.defaults, connection)
        _INSERTS[key] = statement
    sql, returning, converters = statement
    returned = fetch_one_on(connection, sql, row.params)
    assert returned is not None  # INSERT … RETURNING gives the row it wrote
    _set_returned(instance, returning, converters, returned, connection, alias)


def insert_together(parent: Model, *children: Model) -> None:
    """Insert a new row and rows that refer to it (``child.parent_field = parent``, both
    unsaved) as `insert` would each, in one statement on PostgreSQL: the children's
    INSERTs take the parent's new key from the parent's INSERT (``WITH parent AS (INSERT
    … RETURNING …) INSERT … VALUES ((SELECT id FROM parent), …)``), so the rows of a new
    request, its opening event and first message cost one round trip, not three.
    Elsewhere, or when one of them is saved by Django, they are inserted one by one."""
    model = type(parent)
    alias = router.db_for_write(model, instance=parent)
    connection = connections[alias]
    rows: list[_Row | None] = []
    if connection.vendor == "postgresql" and all(
        _insertable(type(obj), connection)
        and router.db_for_write(type(obj), instance=obj) == alias
        and not obj._is_pk_set()  # type: ignore[attr-defined]
        for obj in (parent, *children)
    ):
        rows = [_Row.of(obj, connection, parent=parent) for obj in (parent, *children)]
    if (
        not rows
        or parent._meta.pk not in parent._meta.db_returning_fields
        or any(row is None or (row is not rows[0] and not any(row.links)) for row in rows)
    ):
        insert(parent)
        for child in children:
            _link(child, parent)
            insert(child)
        return
    key = (tuple((type(r.instance), r.defaults, r.links) for r in rows), alias)  # type: ignore[union-attr]
    statement = _TOGETHER.get(key)
    if statement is None:
        statement = _TOGETHER[key] = _together_sql(rows, connection)  # type: ignore[arg-type]
    sql, parts = statement
    params = [value for row in rows for value in row.params]  # type: ignore[union-attr]
    returned = fetch_one_on(connection, sql, params)
    assert returned is not None  # each INSERT … RETURNING gives the row it wrote
    at = 0
    for obj, (returning, converters) in zip((parent, *children), parts, strict=True):
        values = returned[at : at + len(returning)]
        _set_returned(obj, returning, converters, values, connection, alias)
        at += len(returning)
    for child in children:
        _link(child, parent)


class _Row:
    """One new row as `insert` writes it: its parameters (the values Django would save,
    ``pre_save`` then ``get_db_prep_save``), which fields take the database default and
    which refer to ``parent`` (neither has a parameter)."""

    __slots__ = ("defaults", "fields", "instance", "links", "params", "plan")

    def __init__(self, instance, plan, params, defaults, links) -> None:
        self.instance, self.plan, self.fields, self.params = instance, plan, plan.fields, params
        self.defaults: tuple[bool, ...] = defaults
        self.links: tuple[bool, ...] = links

    @classmethod
    def of(cls, instance: Model, connection, parent: Model | None = None) -> _Row | None:
        """The row, or None when Django must save the instance itself (a value that is
        an expression, a default SQLite cannot write). Its related objects are checked
        first, as Django's save does (ValueError for an unsaved one but ``parent``)."""
        plan = _Plan.of(type(instance), connection.vendor)
        _check_related(instance, plan, parent)
        links = [False] * len(plan.fields)
        if parent is not None and instance is not parent:
            for at in plan.foreign_keys:
                links[at] = _refers_to(plan.fields[at], instance, parent)
        defaults = [False] * len(plan.fields)
        params = []
        for at, (field, read, keep) in enumerate(plan.columns):
            if links[at]:
                continue
            value = getattr(instance, read) if read else field.pre_save(instance, True)
            if type(value) not in _PLAIN_TYPES:
                if isinstance(value, DatabaseDefault):
                    if not connection.features.supports_default_keyword_in_insert:
                        return None  # SQLite: Django writes the default's expression
                    defaults[at] = True
                    continue
                if hasattr(value, "resolve_expression"):
                    return None
            # Django's preparation, skipped where it is known to give the value back.
            params.append(
                value
                if keep is not None and keep(value)
                else field.get_db_prep_save(value, connection)
            )
        return cls(instance, plan, params, tuple(defaults), tuple(links))


# Values that are never expressions nor database defaults.
_PLAIN_TYPES = frozenset({str, int, bool, float, type(None), datetime, dict, list})


class _Plan:
    """How a model's new rows are read and prepared, worked out once per database kind:
    its fields; for each, the attribute to read when its ``pre_save`` is Field's own
    (just the value), and a test for values its ``get_db_prep_save`` gives back
    unchanged (None: always ask the field); where the foreign keys are."""

    _made: dict[tuple[type[Model], str], _Plan] = {}

    def __init__(self, model: type[Model], vendor: str) -> None:
        meta = model._meta
        self.fields = [
            f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
        ]
        self.reads = [f.attname if type(f).pre_save is Field.pre_save else "" for f in self.fields]
        self.keeps = [_unchanged(f, vendor) for f in self.fields]
        self.columns = list(zip(self.fields, self.reads, self.keeps, strict=True))
        self.foreign_keys = [at for at, f in enumerate(self.fields) if isinstance(f, ForeignKey)]
        # Per foreign key: the field, its cache's key, the related object's attribute.
        self.relations: list[tuple[Any, str, str]] = [
            (f, f.cache_name, f.target_field.attname)  # type: ignore[attr-defined]
            for f in (self.fields[at] for at in self.foreign_keys)
        ]
        self.private_relations = [f for f in meta.private_fields if f.is_relation]

    @classmethod
    def of(cls, model: type[Model], vendor: str) -> _Plan:
        plan = cls._made.get((model, vendor))
        if plan is None:
            plan = cls._made[model, vendor] = cls(model, vendor)
        return plan


def _text(value) -> bool:
    return value is None or type(value) is str


def _flag(value) -> bool:
    return value is None or type(value) is bool


def _key(value) -> bool:
    return value is None or type(value) is int


def _aware(value) -> bool:
    return value is None or (type(value) is datetime and value.tzinfo is not None)


# Fields (exact classes) whose get_db_prep_save returns such values as they are: text to
# CharField is text, an int key to a serial primary key is that int. Integer fields are
# not here: on PostgreSQL Django wraps their values in sized integer types.
_TEXT_FIELDS = (CharField, TextField, EmailField, SlugField, URLField)
_AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)


def _unchanged(field, vendor: str) -> Callable[[Any], bool] | None:
    kind = type(field)
    if kind in _TEXT_FIELDS:
        return _text
    if kind is BooleanField:
        return _flag
    if kind is ForeignKey and type(field.target_field) in _AUTO_FIELDS:
        return _key
    if kind is DateTimeField and vendor == "postgresql":
        return _aware  # PostgreSQL's adapt_datetimefield_value is the identity
    return None


def _insertable(model: type[Model], connection) -> bool:
    """Whether a new row of ``model`` may be written here rather than by ``save()``."""
    meta = model._meta
    return (
        _plain(model)
        and not meta.parents
        and not meta.order_with_respect_to
        and connection.features.can_return_columns_from_insert
        and bool(meta.db_returning_fields)
        and not pre_save.has_listeners(model)
        and not post_save.has_listeners(model)
    )


def _refers_to(field, child: Model, parent: Model) -> bool:
    """``field`` of ``child`` holds ``parent`` itself and refers to its primary key."""
    return (
        isinstance(field, ForeignKey)
        and field.is_cached(child)
        and field.get_cached_value(child) is parent
        and field.target_field is parent._meta.pk
    )


def _link(child: Model, parent: Model) -> None:
    """The child's fields that hold the parent take its (new) key (the parent stays the
    cached related object, as Django's own assignment leaves it)."""
    for field in child._meta.concrete_fields:
        if _refers_to(field, child, parent):
            child.__dict__[field.attname] = parent.pk


def _check_related(instance: Model, plan: _Plan, parent: Model | None) -> None:
    """Django's check before a save (Model._prepare_related_fields_for_save: a related
    object must be saved first, its key is taken over), for every related object but
    ``parent``, which this very statement writes."""
    cached = instance._state.fields_cache
    for field, cache_name, target in plan.relations:
        related = cached.get(cache_name)  # None also when not cached
        if related is None or related is parent or not related:
            continue
        if related.pk is None:
            if not field.remote_field.multiple:
                field.remote_field.delete_cached_value(related)
            raise ValueError(
                f"save() prohibited to prevent data loss due to unsaved related object "
                f"'{field.name}'."
            )
        if getattr(instance, field.attname) in field.empty_values:
            setattr(instance, field.name, related)
        if getattr(related, target) != getattr(instance, field.attname):
            field.delete_cached_value(instance)
    for generic in plan.private_relations:
        if generic.is_cached(instance) and hasattr(generic, "fk_field"):
            related = generic.get_cached_value(instance, default=None)
            if related and related.pk is None:
                raise ValueError(
                    f"save() prohibited to prevent data loss due to unsaved related object "
                    f"'{generic.name}'."
                )


def _set_returned(instance, returning, converters, values, connection, alias) -> None:
    for field, value, (column, convert) in zip(returning, values, converters, strict=True):
        for converter in convert:
            value = converter(value, column, connection)
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = alias


# (models, their defaults and links, database) -> _together_sql's answer
_TOGETHER: dict[tuple, tuple[str, list[tuple[list, list]]]] = {}


def _together_sql(rows: list[_Row], connection) -> tuple[str, list[tuple[list, list]]]:
    """``WITH r0 AS (INSERT … RETURNING …), r1 AS (INSERT … VALUES ((SELECT pk FROM r0),
    …) RETURNING …), … SELECT r0.*, r1.*, … FROM r0, r1, …`` and, per row, the fields it
    returns and their converters."""
    quote = connection.ops.quote_name
    pick = f"(SELECT {quote(rows[0].instance._meta.pk.column)} FROM r0)"  # noqa: S608
    ctes: list[str] = []
    parts: list[tuple[list, list]] = []
    selected: list[str] = []
    for at, row in enumerate(rows):
        sql, returning, converters = _insert_sql(
            type(row.instance), row.fields, row.defaults, connection, links=row.links, pick=pick
        )
        parts.append((returning, converters))
        ctes.append(f"r{at} AS ({sql})")
        selected.extend(f"r{at}.{quote(f.column)}" for f in returning)
    names = ", ".join(f"r{at}" for at in range(len(rows)))
    sql = f"WITH {', '.join(ctes)} SELECT {', '.join(selected)} FROM {names}"  # noqa: S608
    return sql, parts


def _insert_sql(
    model: type[Model], fields, defaults, connection, links=(), pick: str = ""
) -> tuple[str, list, list]:
    """The statement, the fields it returns and their converters (as Django applies them
    to returned columns). A field marked in ``links`` takes ``pick`` (the parent's new
    key, in `insert_together`) instead of a parameter."""
    quote = connection.ops.quote_name
    returning = list(model._meta.db_returning_fields)
    converters = []
    for field in returning:
        column = field.get_col(model._meta.db_table)
        convert = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append((column, convert))
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(
        pick if links and links[at] else "DEFAULT" if default else "%s"
        for at, default in enumerate(defaults)
    )
    back = ", ".join(quote(f.column) for f in returning)
    table = quote(model._meta.db_table)
    # Names come from the model; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {back}"  # noqa: S608
    return sql, returning, converters


def _plain(model: type[Model]) -> bool:
    """Whether saving a new row of ``model`` is Model.save's plain INSERT (or a save()
    marked ``insert_as_is``: it only checks what `insert` requires anyway)."""
    save = model.save
    return save is Model.save or getattr(save, "insert_as_is", False)
