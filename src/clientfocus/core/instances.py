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
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Field, Model
from django.db.models.base import DEFERRED  # type: ignore[attr-defined]
from django.db.models.fields.reverse_related import ForeignObjectRel

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
    instance = model(*args)
    for field, value in related:
        if value is None:
            field.set_cached_value(instance, None)  # type: ignore[attr-defined]
        else:
            setattr(instance, field.name, value)
    return instance
