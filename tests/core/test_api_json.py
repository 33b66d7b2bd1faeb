"""The API reads and writes JSON with orjson and answers what ninja's json-based parser
and renderer answered: the same values for every body json reads, the same refusals, and
documents that read back as the same data, with Django's own format for times."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from clientfocus.core.api_json import OrjsonParser, OrjsonRenderer

BODIES = [
    b'{"subject": "Fridge", "queue": 3, "priority": "normal"}',
    '{"name": "Žemaitė — Привет — नमस्ते 🙂"}'.encode(),
    b'{"escaped": "\\u017demait\\u0117 \\ud83d\\ude42", "nested": [1, 2.5, null, true, {}]}',
    b'{"big": 123456789012345678901234567890}',  # beyond 64 bits: json's int
    b'{"nan": NaN, "inf": -Infinity}',  # json reads these; orjson does not
    b'{"lone": "\\ud800"}',  # a lone surrogate: json reads it
    b'{"a": 1, "a": 2}',  # the last one wins in both
    b"[1, 2, 3]",
    b'{"long": "12345678901234567890", "n": 18446744073709551615, "m": -9223372036854775809}',
    b'{"e": 1e400, "f": 0.1, "g": -0.0, "h": 1.7976931348623157e308}',
    b'"text"',
    b"  {} \n",
]
REFUSED = [b"", b"{", b'{"a": }', b"\xff\xfe", b'{"a": 1} trailing', b"{'a': 1}"]


def _request(body: bytes):
    return RequestFactory().post("/api/x", data=body, content_type="application/json")


@pytest.mark.parametrize("body", BODIES)
def test_every_body_json_reads_is_read_alike(body):
    ours = OrjsonParser().parse_body(_request(body))
    theirs = Parser().parse_body(_request(body))
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    assert type(ours) is type(theirs)


@pytest.mark.parametrize("body", REFUSED)
def test_what_json_refuses_is_refused(body):
    with pytest.raises(ValueError):
        Parser().parse_body(_request(body))
    with pytest.raises(ValueError):
        OrjsonParser().parse_body(_request(body))


class Point(Schema):
    x: int
    label: str


DOCUMENTS = [
    {"when": datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC)},
    {"when": datetime(2026, 12, 1, 10, 0), "day": date(2026, 12, 1), "at": time(9, 30, 5)},
    {"took": timedelta(days=1, minutes=5), "amount": Decimal("12.30"), "id": uuid.UUID(int=7)},
    {"label": gettext_lazy("Requests"), "point": Point(x=1, label="a")},
    {1: "int key", "nested": [{"a": [1, 2, {"b": None}]}], "flag": False, "ratio": 0.1},
    {"text": "Žemaitė — Привет — नमस्ते 🙂", "quote": '"<script>"'},
    {"big": 2**70, "small": -(2**63)},  # beyond 64 bits: json writes it
    [1, "two", 3.0],
]


@pytest.mark.parametrize("data", DOCUMENTS)
def test_documents_read_back_as_ninjas_did(data):
    request = RequestFactory().get("/api/x")
    ours = OrjsonRenderer().render(request, data, response_status=200)
    theirs = JSONRenderer().render(request, data, response_status=200)
    assert json.loads(ours) == json.loads(theirs)


def test_times_keep_djangos_format():
    request = RequestFactory().get("/api/x")
    written = OrjsonRenderer().render(
        request, {"at": datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC)}, response_status=200
    )
    assert json.loads(written) == {"at": "2026-12-01T10:00:00.123Z"}


def test_what_neither_can_write_still_fails_as_before():
    request = RequestFactory().get("/api/x")
    with pytest.raises(TypeError):
        JSONRenderer().render(request, {"x": object()}, response_status=200)
    with pytest.raises(TypeError):
        OrjsonRenderer().render(request, {"x": object()}, response_status=200)


def test_the_api_answers_unparseable_bodies_with_400(company, api_as):
    client = api_as(company.agent).client
    answer = client.post("/api/requests", b"{not json", content_type="application/json")
    assert answer.status_code == 400 and answer.json()["detail"]
    # A number json reads but orjson does not: still the field's own answer.
    answer = client.post(
        "/api/requests",
        b'{"subject": "x", "queue": 123456789012345678901234567890}',
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "queue"


def test_unicode_comes_back_as_sent(company, api_as):
    api = api_as(company.agent)
    subject = "Šaldytuvas — холодильник — फ्रिज 🙂"
    created = api.post(
        "/api/requests",
        {"customer": str(company.customer.public_id), "subject": subject, "body": subject},
    )
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == "application/json; charset=utf-8"
    assert created.json()["subject"] == subject
