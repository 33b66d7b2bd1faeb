"""Where a notification may be sent: the rule for webhook URLs, checked when a rule is
saved (API, admin, page) and again when a delivery is sent."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator


def valid_webhook_url(url: str) -> str:
    """The URL if it is one a webhook may be sent to (http or https, a host, a port in
    range, at most 500 characters); ValueError with the reason otherwise. Rules are
    checked with it when saved (API, admin, page) and deliveries when sent."""
    url = (url or "").strip()
    if len(url) > 500:
        raise ValueError("the URL is longer than 500 characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for ports out of range
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("give an http:// or https:// URL with a host name")
    if port == 0:
        raise ValueError("port 0 is not a port")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValueError("not a valid URL") from exc
    return url
