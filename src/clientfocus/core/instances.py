"""New model instances for the hot write paths (a request, its opening event, its first
message), made the way Django makes the rows it reads: positionally.

``Model(**values)`` looks every field up in the keywords, by name and then by column
name, catching a KeyError for each one left out, and assigns each related object (or
None) through its descriptor: 20 µs for a request. ``build(Model, **values)`` puts the
values in field order and lets ``__init__`` take them as it takes a row from the
database, fills what is left out from the fields' defaults, then assigns the related
objects given through their descriptors (type and database-router checks, the cache) as
``__init__`` would; a None is stored as a null key with None cached, which is what the
descriptor does for a new instance. Anything else among the values (a property, an
unknown name) goes to ``Model(**values)`` itself, which sets it or refuses it as usual.

``loaded(Model, db, values)`` is ``Model.from_db`` for a full row. Both make the instance
as ``Model.__init__`` does with positional values, without its per-field ``setattr``,
where that is the same thing: the model keeps Django's ``__init__``, nothing listens to
``pre_init``/``post_init`` for it, and every field's attribute on the class is Django's
plain one (a deferred-load attribute, whose value lives in the instance's ``__dict__``,
or a foreign key's, whose setter only also drops a cached object a new instance does not
have). Otherwise Django's own ``__init__`` runs. (A customer row: 13 µs → 3 µs.)
"""

from __future__ import annotations

from inspect import getattr_static
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Field, Model
from django.db.models.base import DEFERRED, ModelState  # type: ignore[attr-defined]
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.dispatch.dispatcher import NO_RECEIVERS

M = TypeVar("M", bound=Model)

# Per model: (field, name, column attribute, is a relation, is computed by the database).
_Plan = tuple[tuple[Field, str, str, bool, bool], ...]
_PLANS: dict[type[Model], _Plan] = {}


def _plan(model: type[Model]) -> _Plan:
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = tuple(
            (
                field,
                field.name,
                field.attname,
                isinstance(field.remote_field, ForeignObjectRel),
                field.column is None or bool(getattr(field, "generated", False)),
            )
            for field in model._meta.concrete_fields
        )
    return plan


def build(model: type[M], **values: Any) -> M:
    """``model(**values)``, the same instance at about half the cost."""
    given = dict(values)
    args: list[Any] = []
    related: list[tuple[Field, Any]] = []
    for field, name, attname, relation, computed in _plan(model):
        if computed:
            args.append(DEFERRED)  # as __init__ leaves it: unset until read from the row
        elif relation and name in given:
            value = given.pop(name)
            related.append((field, value))
            args.append(None)  # the key: set below with the object
        elif attname in given:
            args.append(given.pop(attname))
        else:
            args.append(field.get_default())
    if given:  # not a field: Django's own __init__ sets it or says what is wrong
        return model(**values)
    instance = _made(model, args)
    for field, value in related:
        if value is None:
            field.set_cached_value(instance, None)  # type: ignore[attr-defined]
        elif not _relate(instance, field, value):
            setattr(instance, field.name, value)
    return instance


def _relate(instance: Model, field: Any, value: Model) -> bool:
    """What the descriptor does when ``value`` is assigned to a foreign key of a new
    instance, where no database router is configured (then a router's choice is the
    instances' own database, else the default one, and a relation is allowed within one
    database): False where the descriptor must decide (routers, a one-to-one, a key of
    several columns, an object of another model, objects of two databases)."""
    remote = field.remote_field
    if (
        router.routers
        or not remote.multiple
        or len(field.related_fields) != 1
        or not isinstance(value, remote.model._meta.concrete_model)
    ):
        return False
    state, theirs = instance._state, value._state
    if state.db is None:
        state.db = theirs.db or DEFAULT_DB_ALIAS
    if theirs.db is None:
        theirs.db = state.db
    if theirs.db != state.db:
        return False
    own, target = field.related_fields[0]
    instance.__dict__[own.attname] = getattr(value, target.attname)
    field.set_cached_value(instance, value)
    return True


def loaded(model: type[M], db: str, values: list[Any] | tuple[Any, ...]) -> M:
    """``model.from_db(db, names, values)`` for ``values`` of every concrete field, in
    field order (as Django selects a whole row)."""
    instance = _made(model, values)
    instance._state.adding = False
    instance._state.db = db
    return instance


# Per model: the attribute names of its concrete fields when the plain way applies.
_ATTNAMES: dict[type[Model], tuple[str, ...] | None] = {}
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _attnames(model: type[Model]) -> tuple[str, ...] | None:
    if model in _ATTNAMES:
        return _ATTNAMES[model]
    fields = model._meta.concrete_fields
    plain = (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and all(type(getattr_static(model, f.attname, None)) in _PLAIN_ATTRIBUTES for f in fields)
    )
    names = tuple(f.attname for f in fields) if plain else None
    _ATTNAMES[model] = names
    return names


def _quiet(signal, model: type[Model]) -> bool:
    """Nothing listens to ``signal`` for ``model`` (Django's own test in Signal.send)."""
    return not signal.receivers or signal.sender_receivers_cache.get(model) is NO_RECEIVERS


def _made(model: type[M], values: list[Any] | tuple[Any, ...]) -> M:
    names = _attnames(model)
    if (
        names is None
        or len(values) != len(names)
        or not (_quiet(pre_init, model) and _quiet(post_init, model))
    ):
        return model(*values)
    instance = model.__new__(model)
    instance._state = ModelState()
    state = instance.__dict__
    for name, value in zip(names, values, strict=True):
        if value is not DEFERRED:
            state[name] = value
    return instance
