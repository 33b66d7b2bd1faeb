"""Composing mail as customers' clients send it."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone


def compose(
    *,
    sender: str = "ruta@example.lt",
    name: str = "Rūta Žukauskienė",
    subject: str = "Siuntinys neatvyko",
    text: str = "Laba diena, siuntinys vis dar neatvyko.",
    message_id: str | None = "m1@mail.example.lt",
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    to: str = "support@company.example",
    headers: dict[str, str] | None = None,
    files: list[tuple[str, bytes, str]] = (),
    html: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>" if name else sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id:
        message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{r}>" for r in references)
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, data, content_type in files:
        main, _, sub = content_type.partition("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return message.as_bytes()
