"""Logs as an operator reads them: one line per request with its id, the user and the
time taken, JSON on request, and no e-mail addresses or phone numbers."""

from __future__ import annotations

import io
import json
import logging

from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from clientfocus.core.logs import ContextFilter, RedactFilter, redact


def handler(stream: io.StringIO, formatter: logging.Formatter) -> logging.Handler:
    found = logging.StreamHandler(stream)
    found.addFilter(ContextFilter())
    found.addFilter(RedactFilter())
    found.setFormatter(formatter)
    return found


def json_formatter() -> logging.Formatter:
    config = dict(settings.LOGGING["formatters"]["json"])
    config.pop("()")
    return JsonFormatter(**config)


def test_one_json_line_per_request_with_id_user_and_timing(company, web_as):
    stream = io.StringIO()
    request_log = logging.getLogger("clientfocus.request")
    attached = handler(stream, json_formatter())
    request_log.addHandler(attached)
    try:
        client = web_as(company.agent)
        answer = client.get("/customers/?q=ruta@example.lt", HTTP_X_REQUEST_ID="lb-42")
    finally:
        request_log.removeHandler(attached)
    assert answer["X-Request-ID"] == "lb-42"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "lb-42" and line["user_id"] == str(company.agent.pk)
    assert line["status"] == 200 and line["view"] == "customers:search"
    assert line["path"] == "/customers/" and line["duration_ms"] > 0
    assert line["message"] == f"GET /customers/ answered 200 in {line['duration_ms']} ms"
    assert "ruta@example.lt" not in stream.getvalue()


def test_a_made_up_request_id_is_replaced(client, db):
    answer = client.get("/login/", HTTP_X_REQUEST_ID="<script>" + "x" * 100)
    assert answer["X-Request-ID"] != "<script>" and len(answer["X-Request-ID"]) == 32


def test_personal_data_is_masked_in_any_message():
    stream = io.StringIO()
    log = logging.getLogger("clientfocus.test.redact")
    log.addHandler(handler(stream, logging.Formatter("%(message)s")))
    log.propagate = False
    log.warning("mail from %s, phone %s", "Rūta <ruta@example.lt>", "+370 612 34567")
    try:
        raise ValueError("could not reach +7 (912) 345-67-89")
    except ValueError:
        log.exception("failed")
    text = stream.getvalue()
    assert "ruta@example.lt" not in text and "612 34567" not in text and "345-67-89" not in text
    assert "[e-mail]" in text and "[phone]" in text
    # Ids, dates and amounts are not phone numbers.
    kept = (
        "REQ-000123 on 2026-11-30, order NH-00042-003, 1500 EUR, 0258e4e3-07ed-4664-9493, "
        "GET /login/ 200 247.8 ms, 12 345 678.50 EUR"
    )
    assert redact(kept) == kept


def test_the_request_line_names_where_it_was_logged(client, db):
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    request_log = logging.getLogger("clientfocus.request")
    kept = Keep()
    request_log.addHandler(kept)
    try:
        client.get("/login/")
    finally:
        request_log.removeHandler(kept)
    (record,) = records
    assert record.pathname.endswith("clientfocus/core/logs.py") and record.funcName == "__call__"
    assert record.lineno > 0 and record.levelno == logging.INFO
    assert record.getMessage().startswith("GET /login/ answered 200 in ")
