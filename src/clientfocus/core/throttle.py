"""Login throttling: after LOGIN_FAILURE_LIMIT failures for one username from one
address (or four times as many from one address, whatever the names) within the window,
further attempts from there are refused until the window passes. A name is never locked
for everyone: nobody can lock a colleague out from their own address."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    pair = f"{username.strip().casefold()}\x00{address}"
    digest = hashlib.sha256(pair.encode()).hexdigest()[:32]
    return [f"login-fail:user-addr:{digest}", f"login-fail:addr:{address}"]


def is_locked(username: str, address: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    user_key, addr_key = _keys(username, address)
    # One address may try several names, so it gets a wider allowance.
    return (cache.get(user_key, 0) >= limit) or (cache.get(addr_key, 0) >= limit * 4)


def count(key: str, window: int) -> int:
    """Add one to a counter that lives ``window`` seconds from its first hit (atomic
    where the cache is, e.g. Redis); the new count."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_failure(username: str, address: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(username, address):
        count(key, window)


def clear_failures(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
