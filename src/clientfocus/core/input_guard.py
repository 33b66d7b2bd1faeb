"""The edge: input that no page or endpoint can store or compute with is refused before
it reaches them, and what still slips through (a number or date out of range, a malformed
id in a filter) answers 400 with a reason instead of a server error.

The specific checks live where the input is read (typed schemas with bounds, the page
filter helpers in ``core.filters``); this is the backstop that keeps every other corner
of the product from answering 5xx to input.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# Deeper JSON is refused before it is parsed (Python's parser would recurse and fail).
MAX_JSON_DEPTH = 64
OUT_OF_RANGE = (OverflowError, DataError, ValidationError)


def _too_deep(body: bytes) -> bool:
    # Counting brackets runs in C; only a body with enough of them is walked in Python
    # (every request with a JSON body passes here, the request-creation hot path too).
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _answer(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem:
            return _answer(request, problem)
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> str:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            return "NUL characters are not allowed"
        if "\x00" in request.path:
            return "NUL characters are not allowed"
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(
            "application/json"
        ):
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                return "NUL characters are not allowed"
            # Unparsable JSON (incl. numbers past Python's digit limit) is the API's 400;
            # only nesting that would parse and then exhaust recursion is stopped here.
            if _too_deep(body):
                return f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels"
        elif (
            request.method == "POST"
            and content_type.startswith("application/x-www-form-urlencoded")
            and any("\x00" in value for values in request.POST.lists() for value in values[1])
        ):
            # Multipart uploads are left to their views: reading them here would load
            # every file into memory.
            return "NUL characters are not allowed"
        return ""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUT_OF_RANGE):
            logger.info("refused out-of-range input on %s: %s", request.path, exception)
            return _answer(request, "a number, date or id in the request is out of range")
        return None
