"""Types shared by the API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import PlainSerializer

# ISO 8601 with an explicit offset ("+00:00"), never a bare "Z" or a naive time.
AwareDateTime = Annotated[
    datetime, PlainSerializer(lambda value: value.isoformat(), return_type=str)
]
