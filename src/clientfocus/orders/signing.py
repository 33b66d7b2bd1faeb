"""Signed inbound webhooks: HMAC-SHA256 over timestamp and body, with a freshness window."""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from clientfocus.core.errors import NotAllowed
from clientfocus.core.models import UsedSignature
from clientfocus.core.signing import sign

TOLERANCE_SECONDS = 300


class SignatureRefused(NotAllowed):
    """The webhook is not signed with the shared secret (or is too old)."""


def verify_signature(request: HttpRequest, *, now: float | None = None) -> None:
    secret = settings.MILESTONE_WEBHOOK_SECRET
    if not secret:
        raise SignatureRefused("inbound webhooks are off: MILESTONE_WEBHOOK_SECRET is not set")
    timestamp = request.headers.get("X-Clientfocus-Timestamp", "")
    signature = request.headers.get("X-Clientfocus-Signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not signature:
        raise SignatureRefused("missing X-Clientfocus-Timestamp or X-Clientfocus-Signature")
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureRefused("the signature is too old (or from the future)")
    if not hmac.compare_digest(sign(secret, timestamp, request.body), signature):
        raise SignatureRefused("the signature does not match")
    # Each signed message is taken once: a replay within the window is refused.
    try:
        with transaction.atomic():
            UsedSignature.objects.create(signature=signature[:64].lower())
    except IntegrityError as exc:
        raise SignatureRefused("this signed message was already received (replay)") from exc
