"""Delivery channels. Every attempt carries the notification's idempotency key, so a
receiver that honours it never shows the same message twice."""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import URLValidator

from clientfocus.core.signing import sign
from clientfocus.notify.models import Channel, Notification


class DeliveryError(Exception):
    """The attempt failed; the message says why (kept on the notification)."""


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


def check_url(url: str) -> None:
    """Refuse URLs that are not http(s) or that reach internal addresses (loopback,
    private, link-local …) unless an administrator allowed them (ALLOW_INTERNAL_URLS)."""
    try:
        valid_webhook_url(url)
    except ValueError as exc:
        raise DeliveryError(str(exc)) from exc
    parts = urlsplit(url)
    if settings.ALLOW_INTERNAL_URLS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except socket.gaierror as exc:
        raise DeliveryError(f"cannot resolve {parts.hostname}: {exc}") from exc
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            raise DeliveryError(
                f"{parts.hostname} resolves to the internal address {ip}; "
                "an administrator must allow internal URLs (ALLOW_INTERNAL_URLS)"
            )


def _post(url: str, payload: dict, headers: dict[str, str]) -> None:
    check_url(url)
    data = json.dumps(payload).encode()
    # check_url allowed http(s) only.
    request = urllib.request.Request(  # noqa: S310
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        timeout = settings.OUTBOUND_TIMEOUT_SECONDS
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            if answer.status >= 300:
                raise DeliveryError(f"HTTP {answer.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def send(notification: Notification, *, mail_connection=None) -> None:
    """One attempt on the notification's channel. ``mail_connection`` lets a batch of
    e-mails share one SMTP session."""
    key = str(notification.key)
    if notification.channel == Channel.EMAIL:
        headers = {
            "Message-ID": f"<{key}@{settings.MAIL_MESSAGE_ID_DOMAIN}>",
            "Idempotency-Key": key,
            **{str(k): str(v) for k, v in (notification.headers or {}).items()},
        }
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
            headers=headers,
            reply_to=[notification.reply_to] if notification.reply_to else None,
            connection=mail_connection,
        )
        try:
            for item in notification.attachments or []:
                with default_storage.open(item["path"], "rb") as handle:
                    message.attach(item["filename"], handle.read(), item["content_type"])
            message.send()
        except Exception as exc:  # SMTP errors come in many kinds
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return
    if notification.channel == Channel.SMS:
        if not settings.SMS_GATEWAY_URL:
            raise DeliveryError("no SMS gateway configured (SMS_GATEWAY_URL)")
        _post(
            settings.SMS_GATEWAY_URL,
            {"to": notification.recipient, "text": notification.body},
            {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}", "Idempotency-Key": key},
        )
        return
    payload = {"id": key, "subject": notification.subject, "body": notification.body}
    timestamp = str(int(time.time()))
    body = json.dumps(payload).encode()
    _post(
        notification.recipient,
        payload,
        {
            "Idempotency-Key": key,
            "X-Clientfocus-Timestamp": timestamp,
            "X-Clientfocus-Signature": sign(settings.OUTBOUND_WEBHOOK_SECRET, timestamp, body),
        },
    )
