"""Reading one RFC 822 message (no Django): headers in any encoding, the text and HTML
bodies in any charset, attachments and inline images, and what kind of mail it is
(an auto-reply, a bounce, ours coming back).

The standard library's ``email`` package with ``policy.default`` walks the MIME tree;
every header and every payload is decoded defensively, because mail in the wild breaks
every rule: unknown charsets, headers that fail to parse, encoded words by the thousand.
"""

from __future__ import annotations

import codecs
import email
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from clientfocus.core.html import html_to_text

# Longest header value decoded (an encoded-word bomb is cut here before any work).
MAX_HEADER_CHARS = 8192
MAX_PARTS = 500
MESSAGE_ID = re.compile(r"<([^<>\s]{1,500})>")
REFERENCE_IN_SUBJECT = re.compile(r"\[(REQ-\d{1,18})\]", re.IGNORECASE)
AUTO_SUBJECT = re.compile(
    r"""^\s*(auto(matic)?[\s_-]*(reply|response|answer)|autoreply|auto:|out\s+of\s+(the\s+)?office
      |abwesenheitsnotiz|automatische\s+antwort
      |автоответ|автоматический\s+ответ|нет\s+на\s+месте|вне\s+офиса
      |automatinis\s+atsakymas|nesu\s+darbe
      |samodejni\s+odgovor|odsotnost|odsoten|odsotna
      |स्वचालित\s+उत्तर|कार्यालय\s+से\s+बाहर)""",
    re.IGNORECASE | re.VERBOSE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


class UnreadableMail(ValueError):
    """The bytes are not a mail message we can read (exit code 65 for an MTA)."""


@dataclass
class MailFile:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: str = ""  # the address, lower-cased
    sender_name: str = ""
    reply_to: str = ""
    recipients: list[str] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""
    files: list[MailFile] = field(default_factory=list)
    auto_reply: str = ""  # why it is an automatic message, else ""
    bounced: list[str] = field(default_factory=list)  # addresses a bounce reports failed
    is_bounce: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def subject_reference(self) -> str:
        match = REFERENCE_IN_SUBJECT.search(self.subject)
        return match.group(1).upper() if match else ""

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers, the most direct first."""
        seen: list[str] = []
        for value in [*self.in_reply_to, *reversed(self.references)]:
            if value not in seen:
                seen.append(value)
        return seen


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text in any declared charset; an unknown or wrong one falls back to UTF-8, then to
    windows-1252 (which maps every byte), never an error."""
    name = (charset or "").strip().strip('"').lower()
    aliases = {"win-1251": "cp1251", "windows-1251": "cp1251", "x-cp1251": "cp1251",
               "win-1257": "cp1257", "unknown-8bit": "", "x-unknown": "", "8bit": ""}  # fmt: skip
    name = aliases.get(name, name)
    if name:
        try:
            codecs.lookup(name)
            return data.decode(name, errors="replace")
        except (LookupError, ValueError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _raw_header(message: Message, name: str) -> str:
    """A header's raw value, whatever the policy makes of it. Raw 8-bit headers (UTF-8
    straight in the header, RFC 6532, or a legacy charset) arrive as surrogate escapes."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            text = str(value)[:MAX_HEADER_CHARS]
            if any("\udc80" <= ch <= "\udcff" for ch in text):
                text = decode_bytes(text.encode("ascii", "surrogateescape"), "utf-8")
            return text
    return ""


def decode_header_value(raw: str) -> str:
    """An encoded-word header (RFC 2047) as text, with unknown charsets tolerated."""
    raw = (raw or "")[:MAX_HEADER_CHARS]
    try:
        parts = decode_header(raw)
    except Exception:
        return raw
    out = []
    for value, charset in parts:
        if isinstance(value, bytes):
            out.append(decode_bytes(value, charset))
        else:
            out.append(value)
    try:
        text = str(make_header([(p, "utf-8") for p in out])) if len(out) > 1 else "".join(out)
    except Exception:
        text = "".join(out)
    return " ".join(text.replace("\x00", "").split())


def header(message: Message, name: str) -> str:
    return decode_header_value(_raw_header(message, name))


def _ids(raw: str) -> list[str]:
    return MESSAGE_ID.findall(raw or "")[:100]


def _address(message: Message, name: str) -> tuple[str, str]:
    values = getaddresses([header(message, name)])
    for display, address in values:
        if "@" in address:
            return display.strip()[:200], address.strip().lower()[:254]
    return "", ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        raw = part.get_param("name", header="content-type")
        name = raw if isinstance(raw, str) else None
    return decode_header_value(name or "") if name else ""


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""


def _delivery_status(part: Message) -> list[str]:
    """Failed recipients from a message/delivery-status part (RFC 3464)."""
    text = ""
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n".join(str(block) for block in payload)
    elif isinstance(payload, str):
        text = payload
    failed = []
    for block in re.split(r"\n\s*\n", text):
        action = re.search(r"^Action:\s*(\S+)", block, re.IGNORECASE | re.MULTILINE)
        recipient = re.search(
            r"^(?:Final|Original)-Recipient:\s*[^;]*;\s*<?([^\s<>]+@[^\s<>]+)>?",
            block,
            re.IGNORECASE | re.MULTILINE,
        )
        if recipient and (action is None or action.group(1).lower() == "failed"):
            failed.append(recipient.group(1).lower())
    return sorted(set(failed))


def parse(raw: bytes) -> ParsedMail:
    """Read ``raw``; UnreadableMail when it is not a message at all."""
    if not raw or not raw.strip():
        raise UnreadableMail("the message is empty")
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the parser is lenient; this is truly broken input
        raise UnreadableMail(f"cannot parse the message: {exc}") from exc
    if not any(True for _ in message.raw_items()):
        raise UnreadableMail("the message has no headers")
    mail = ParsedMail()
    ids = _ids(_raw_header(message, "Message-ID"))
    mail.message_id = ids[0] if ids else ""
    mail.in_reply_to = _ids(_raw_header(message, "In-Reply-To"))
    mail.references = _ids(_raw_header(message, "References"))
    mail.subject = header(message, "Subject")[:1000]
    mail.sender_name, mail.sender = _address(message, "From")
    if not mail.sender:
        mail.sender_name, mail.sender = _address(message, "Sender")
    mail.reply_to = _address(message, "Reply-To")[1]
    mail.recipients = [
        a.lower()
        for _, a in getaddresses([header(message, "To"), header(message, "Cc")])
        if "@" in a
    ][:100]
    try:
        mail.date = parsedate_to_datetime(_raw_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        mail.date = None
    for name in ("Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence",
                 "X-Clientfocus-Key", "Content-Type", "List-Id"):  # fmt: skip
        value = header(message, name)
        if value:
            mail.headers[name.lower()] = value[:500]
    _classify(mail)
    _walk(message, mail)
    if mail.is_bounce and not mail.auto_reply:
        mail.auto_reply = "a delivery failure report (bounce)"
    return mail


def _classify(mail: ParsedMail) -> None:
    headers = mail.headers
    auto = headers.get("auto-submitted", "").lower()
    precedence = headers.get("precedence", "").lower()
    if auto and auto != "no":
        mail.auto_reply = f"Auto-Submitted: {auto}"
    elif "x-autoreply" in headers or "x-autorespond" in headers:
        mail.auto_reply = "marked as an automatic reply (X-Autoreply)"
    elif precedence in ("bulk", "junk", "list", "auto_reply"):
        mail.auto_reply = f"Precedence: {precedence}"
    elif AUTO_SUBJECT.match(mail.subject):
        mail.auto_reply = "an out-of-office or automatic reply (subject)"
    content_type = headers.get("content-type", "").lower()
    if (
        ("multipart/report" in content_type and "delivery-status" in content_type)
        or BOUNCE_SENDERS.match(mail.sender)
        or (not mail.sender and "report" in content_type)
    ):
        mail.is_bounce = True


def _walk(message: EmailMessage, mail: ParsedMail) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for count, part in enumerate(message.walk()):
        if count > MAX_PARTS:
            break
        content_type = (part.get_content_type() or "text/plain").lower()
        if content_type == "message/delivery-status":
            mail.is_bounce = True
            mail.bounced.extend(_delivery_status(part))
            continue
        if part.is_multipart():
            continue
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:
            disposition = ""
        filename = _filename(part)
        is_body = content_type in ("text/plain", "text/html") and disposition != "attachment"
        if is_body and not filename:
            text = decode_bytes(_payload(part), part.get_content_charset())
            (htmls if content_type == "text/html" else texts).append(text.replace("\x00", ""))
            continue
        if content_type.startswith("multipart/"):
            continue
        content_id = MESSAGE_ID.findall(_raw_header(part, "Content-ID"))
        data = _payload(part)
        if content_type == "message/rfc822" and not filename:
            filename = "message.eml"
        mail.files.append(
            MailFile(
                filename=filename or _default_name(content_type),
                content_type=content_type,
                data=data,
                inline=disposition == "inline"
                or (bool(content_id) and disposition != "attachment"),
                content_id=content_id[0] if content_id else "",
            )
        )
    mail.html = "\n".join(htmls)
    mail.text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not mail.text and mail.html:
        mail.text = html_to_text(mail.html)
    mail.bounced = sorted(set(mail.bounced))


def _default_name(content_type: str) -> str:
    main, _, sub = content_type.partition("/")
    extension = {"jpeg": "jpg", "plain": "txt", "octet-stream": "bin"}.get(sub, sub[:10] or "bin")
    return f"{main or 'file'}.{extension}"
