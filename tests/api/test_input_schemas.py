"""What API operations read (bodies, queries) is an ``Input``: a dict parsed from the
request is validated as it is, with the same values and the same errors as through
ninja's getter, which the schema still takes for anything that is not a dict."""

from __future__ import annotations

import typing
from types import SimpleNamespace
from typing import Any

import pytest
from ninja import Schema
from ninja.params.models import ParamModel
from pydantic import BaseModel, ValidationError

from clientfocus.api import api
from clientfocus.core.schemas import Input

# Read and also written (templates go out as they come in): kept on ninja's Schema.
READ_AND_WRITTEN = {"TemplateIO"}


def _schemas(annotation: Any, found: set[type]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        if issubclass(annotation, Schema) and not issubclass(annotation, ParamModel):
            found.add(annotation)
        for field in annotation.model_fields.values():
            _schemas(field.annotation, found)
    for argument in typing.get_args(annotation):
        _schemas(argument, found)


def _read_schemas() -> list[type]:
    found: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _schemas(model, found)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


READ = _read_schemas()


def test_the_api_reads_many_schemas():
    assert len(READ) > 50


def test_what_the_api_reads_is_an_input():
    plain = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in READ
        if not issubclass(cls, Input)
        and cls.__name__ not in READ_AND_WRITTEN
        and cls.__qualname__ != "BoundedLimitOffset.Input"  # paging, ninja's own
        and not cls._ninja_resolvers  # type: ignore[attr-defined]
    ]
    assert plain == []


def _outcome(schema: type, data: Any) -> Any:
    try:
        return schema.model_validate(data).model_dump()
    except ValidationError as exc:
        return [(e["loc"], e["type"], e["msg"]) for e in exc.errors()]


def _samples(schema: type) -> list[dict[str, Any]]:
    """An empty body, one with every field of the wrong kind, one with odd values."""
    fields = schema.model_fields
    return [
        {},
        {name: {"not": "this"} for name in fields},
        {name: "" for name in fields},
        {name: 0 for name in fields},
        {name: None for name in fields},
        {name: ["a", 1] for name in fields} | {"unknown": 1},
    ]


@pytest.mark.parametrize("schema", [cls for cls in READ if issubclass(cls, Input)],
                         ids=lambda cls: cls.__qualname__)  # fmt: skip
def test_a_dict_is_validated_as_through_ninjas_getter(schema):
    for sample in _samples(schema):
        # A namespace is not a dict: it goes through ninja's getter.
        assert _outcome(schema, sample) == _outcome(schema, SimpleNamespace(**sample))
