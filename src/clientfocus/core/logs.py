"""Logs: one line per event, plain or JSON (LOG_FORMAT=json), each with the request id,
the user id and, for requests, the time taken; no personal data.

- ``RequestLogMiddleware`` gives every request an id (a sane incoming ``X-Request-ID``
  from the proxy, or a new one; echoed in the answer) and logs one line when it is
  answered: method, path without the query string (searches carry e-mail addresses),
  view, status, milliseconds, user id.
- ``ContextFilter`` stamps every record made while a request is served with its id and
  user id, so an error logged deep inside carries them too.
- ``RedactFilter`` masks e-mail addresses and phone numbers in every message, whatever a
  library or an exception text put there.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
user_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="-")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven or more digits written as a phone number (+, spaces, dots, dashes, brackets),
# not glued to letters or hyphens (ids, UUIDs and dates stay as they are).
PHONE = re.compile(r"(?<![\w-])\+?\(?\d(?:[\d\s().-]{5,}\d)(?![\w-])")

logger = logging.getLogger("clientfocus.request")


def redact(text: str) -> str:
    text = EMAIL.sub("[e-mail]", text)
    return PHONE.sub(lambda m: m.group(0) if _few_digits(m.group(0)) else "[phone]", text)


def _few_digits(text: str) -> bool:
    """Not a phone number: too few digits (7 with a +, else 8), a date, or a decimal."""
    text = text.strip()
    digits = sum(c.isdigit() for c in text)
    if digits < (7 if text.startswith("+") else 8):
        return True
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or re.search(r"\d\.\d{1,3}$", text))


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user_id = user_id_var.get()
        return True


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class UserContextMiddleware:
    """After authentication: what is logged while the view runs carries the user id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        return self.get_response(request)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else os.urandom(16).hex()
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set("-")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                user_id_var.set(str(user.pk))
            match = getattr(request, "resolver_match", None)
            took = round((time.perf_counter() - started) * 1000, 1)
            if logger.isEnabledFor(logging.INFO):
                # Logger.info's record, without its walk up the stack to find the caller:
                # it is always this line.
                logger.handle(
                    logger.makeRecord(
                        logger.name,
                        logging.INFO,
                        __file__,
                        sys._getframe().f_lineno,
                        "%s %s answered %s in %s ms",
                        (request.method, request.path, response.status_code, took),
                        None,
                        "__call__",
                        {
                            "method": request.method,
                            "path": request.path,
                            "view": (match.view_name if match else "") or "-",
                            "status": response.status_code,
                            "duration_ms": took,
                        },
                    )
                )
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(id_token)
            user_id_var.reset(user_token)
