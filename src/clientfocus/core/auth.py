"""API bearer tokens: who is calling (``Authorization: Bearer <token>``).

Tokens verified in this process in the last few seconds are remembered: an API client
sends the same token many times a second, and looking it up each time is a third of the
cost of a small request. A revoked token or deactivated user is refused within
TOKEN_CACHE_SECONDS on every process (`clientfocus token revoke` clears this one's).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from clientfocus.core.models import ApiToken, hash_token

# Bearer tokens verified in this process in the last few seconds: an API client sends
# the same token many times a second, and looking it up each time is a third of the
# cost of a small request. A revoked token or deactivated user is refused within
# TOKEN_CACHE_SECONDS on every process.
TOKEN_CACHE_SECONDS = 5.0
_verified_tokens: dict[str, tuple[float, Any]] = {}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        key = hash_token(token)
        cached = _verified_tokens.get(key)
        if cached is not None and time.monotonic() - cached[0] < TOKEN_CACHE_SECONDS:
            request.user = cached[1]
            return cached[1]
        found = ApiToken.objects.active().select_related("user").filter(key_hash=key).first()
        if found is None:
            _verified_tokens.pop(key, None)
            return None
        now = timezone.now()
        # Record use at most once a minute so reads stay reads.
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        if len(_verified_tokens) > 10_000:
            _verified_tokens.clear()
        _verified_tokens[key] = (time.monotonic(), found.user)
        request.user = found.user
        return found.user


def forget_verified_tokens() -> None:
    """Drop this process's cache of verified tokens (after a revocation, in tests)."""
    _verified_tokens.clear()
