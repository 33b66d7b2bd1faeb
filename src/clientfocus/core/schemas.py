"""Types shared by the API schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Schema
from pydantic import (
    AfterValidator,
    ModelWrapValidatorHandler,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)

EARLIEST, LATEST = datetime(1970, 1, 2, tzinfo=UTC), datetime(2999, 12, 30, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    """Times from 1970 to 2999 with an offset; further out (9999-12-31T23:59-14:00 cannot
    even be converted to UTC) is refused as invalid input."""
    if value.tzinfo is None:
        raise ValueError("give the time with its offset, e.g. 2026-11-30T10:00:00+02:00")
    if value.year < 1970 or value.year > 2999:
        raise ValueError("the time is out of range (1970-2999)")
    return value


# ISO 8601 with an explicit offset ("+00:00"), never a bare "Z" or a naive time.
AwareDateTime = Annotated[
    datetime,
    AfterValidator(_in_range),
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
]

# One of the languages the product speaks (settings.LANGUAGES), as an API field.
LanguageCode = Literal[tuple(code for code, _name in settings.LANGUAGES)]  # type: ignore[valid-type]


class Input(Schema):
    """A request body or query: a dict read from JSON or the query string is validated as
    it is. (ninja's Schema wraps whatever it validates in a getter that reads ORM objects'
    attributes and calls their methods, one Python call per field; a parsed body holds
    neither. Anything else, or a schema with ``resolve_*`` methods, goes that way still.)"""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if type(values) is dict and not cls._ninja_resolvers:  # type: ignore[attr-defined]
            return handler(values)
        return super()._run_root_validator(values, handler, info)  # type: ignore[misc,operator]
