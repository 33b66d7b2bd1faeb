"""Delivery channels. Every attempt carries the notification's idempotency key, so a
receiver that honours it never shows the same message twice."""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage

from clientfocus.core.signing import sign
from clientfocus.notify.addresses import valid_webhook_url
from clientfocus.notify.models import Channel, Notification


class DeliveryError(Exception):
    """The attempt failed; the message says why (kept on the notification)."""


NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64 or ip in NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    inner = _embedded_ipv4(ip)
    return not ip.is_global or (inner is not None and not inner.is_global) or ip in NAT64_LOCAL


def resolve_allowed(url: str) -> tuple[str, int, str]:
    """(host, port, the address to connect to) for an allowed URL. The name is resolved
    once and that very address is used (no second lookup a DNS rebinding could change);
    internal addresses, also inside IPv6 (mapped, 6to4, Teredo, NAT64), are refused unless
    an administrator allowed them (ALLOW_INTERNAL_URLS). Errors say nothing about the
    target beyond "refused" or "unreachable": the text is visible to staff."""
    try:
        valid_webhook_url(url)
    except ValueError as exc:
        raise DeliveryError(str(exc)) from exc
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeliveryError("the receiver could not be reached (name not found)") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not settings.ALLOW_INTERNAL_URLS and any(is_internal(a) for a in addresses):
        raise DeliveryError(
            "refused: the URL leads to an internal address; an administrator must allow "
            "internal URLs (ALLOW_INTERNAL_URLS)"
        )
    return host, port, addresses[0]


def check_url(url: str) -> None:
    """Refuse URLs that are not http(s) or that reach internal addresses."""
    resolve_allowed(url)


def _connect(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection that sends at once: http.client writes the headers and the body
    separately, and on a kept-alive connection Nagle's algorithm would hold the body
    back until the receiver's delayed ACK of the headers (40 ms per message)."""
    connection = socket.create_connection((address, port), timeout)
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _connect(self._address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = _connect(self._address, self.port, self.timeout)
        # The certificate is checked against the host name, not the address.
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class _KeepAlive(threading.local):
    """Each sending thread's open connections, one per receiver (scheme, host, port and
    the checked address): webhooks and SMS to one receiver reuse one TCP (and TLS)
    connection instead of opening one per message."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str, int, str], tuple[http.client.HTTPConnection, float]] = {}

    def take(self, key: tuple[str, str, int, str]) -> http.client.HTTPConnection | None:
        found = self.open.pop(key, None)
        if found is None:
            return None
        connection, last_used = found
        if time.monotonic() - last_used > KEEP_ALIVE_SECONDS:
            connection.close()  # the receiver has likely closed it already
            return None
        return connection

    def give_back(self, key: tuple[str, str, int, str], connection) -> None:
        self.open[key] = (connection, time.monotonic())


_keep_alive = _KeepAlive()
# Reuse a connection only if it was used this recently (servers close idle ones).
KEEP_ALIVE_SECONDS = 20.0
# A reused connection the receiver closed in the meantime fails like this before any
# answer: the message is sent again on a new connection (its idempotency key makes that
# safe even if it had arrived).
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


def _post(url: str, payload: dict, headers: dict[str, str]) -> None:
    """POST JSON to the address that was checked; redirects are not followed (a 3xx is
    a failure), so a receiver cannot bounce us to an internal address. The connection
    stays open for the next message to the same receiver."""
    host, port, address = resolve_allowed(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(payload).encode()
    key = (parts.scheme, host, port, address)
    reused = _keep_alive.take(key)
    for connection in (reused, None) if reused is not None else (None,):
        if connection is None:
            connection_class = (
                _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
            )
            connection = connection_class(host, port, address, settings.OUTBOUND_TIMEOUT_SECONDS)
        try:
            connection.request(
                "POST", path, body=body, headers={"Content-Type": "application/json", **headers}
            )
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            status = response.status
        except _STALE as exc:
            connection.close()
            if connection is reused:
                continue
            raise DeliveryError("the receiver could not be reached") from exc
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            connection.close()
            raise DeliveryError("the receiver could not be reached") from exc
        if response.will_close or not response.isclosed():
            connection.close()  # the receiver closes it, or sent more than we read
        else:
            _keep_alive.give_back(key, connection)
        break
    if status >= 300:
        raise DeliveryError(f"HTTP {status}")


# What is read of a receiver's answer (only its status matters).
MAX_RESPONSE_BYTES = 64 * 1024


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
    if not settings.OUTBOUND_WEBHOOK_SECRET:
        raise DeliveryError("refused: OUTBOUND_WEBHOOK_SECRET is not set (webhooks are signed)")
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
