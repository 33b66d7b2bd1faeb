"""Files on messages: stored through Django's storage API under random names, typed by
their content (not by what the sender claimed), served only to those who may see the
request, and never inline unless they are plain raster images."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404

from clientfocus.core.errors import ServiceError
from clientfocus.service.models import INLINE_TYPES, Attachment, Message

# Types whose bytes carry no magic number; trusted when the content decodes as text.
TEXT_TYPES = frozenset({"text/plain", "text/csv"})
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: its name, what the sender said it was, its bytes."""

    filename: str
    data: bytes
    declared_type: str = ""
    inline: bool = False
    content_id: str = ""


def clean_filename(name: str) -> str:
    """A file name safe to show and to put in a Content-Disposition header."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name or "attachment"


def detect_type(data: bytes, declared: str) -> str:
    """The type we serve a file as: what its bytes say; plain text only when it decodes
    as text; anything else is an opaque download."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return str(kind.mime)
    declared = (declared or "").split(";")[0].strip().lower()
    if declared in TEXT_TYPES or not declared:
        try:
            data[:65536].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
        return "text/plain" if declared != "text/csv" else "text/csv"
    return "application/octet-stream"


def beyond_limits(sizes: list[int]) -> dict[int, str]:
    """Which files, taken in order, do not fit the limits, and why: "size" (one file over
    ATTACHMENT_MAX_BYTES), "count" (past ATTACHMENT_MAX_COUNT) or "total" (past
    MESSAGE_ATTACHMENTS_MAX_BYTES together). Uploads are refused, e-mail keeps the rest."""
    refused: dict[int, str] = {}
    kept = total = 0
    for index, size in enumerate(sizes):
        if size > settings.ATTACHMENT_MAX_BYTES:
            refused[index] = "size"
        elif kept >= settings.ATTACHMENT_MAX_COUNT:
            refused[index] = "count"
        elif total + size > settings.MESSAGE_ATTACHMENTS_MAX_BYTES:
            refused[index] = "total"
        else:
            kept, total = kept + 1, total + size
    return refused


def check_sizes(files: list[IncomingFile]) -> None:
    """Refuse uploads over the configured limits (portal and staff replies)."""
    refused = beyond_limits([len(f.data) for f in files])
    if "count" in refused.values():
        raise ServiceError("attachments", f"at most {settings.ATTACHMENT_MAX_COUNT} files")
    oversize = next((i for i, why in refused.items() if why == "size"), None)
    if oversize is not None:
        raise ServiceError(
            "attachments",
            f"{clean_filename(files[oversize].filename)} is larger than "
            f"{settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB",
        )
    if refused:
        raise ServiceError(
            "attachments",
            f"the files together are larger than "
            f"{settings.MESSAGE_ATTACHMENTS_MAX_BYTES // (1024 * 1024)} MB",
        )


def from_uploads(uploads) -> list[IncomingFile]:
    """Files a form sent (Django's UploadedFile), refused at once when one is over the
    limit (before reading it into memory)."""
    files = []
    for upload in uploads:
        if upload.size and upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise ServiceError(
                "files",
                f"{clean_filename(upload.name)} is larger than "
                f"{settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB",
            )
        files.append(
            IncomingFile(
                filename=upload.name or "file",
                data=upload.read(),
                declared_type=upload.content_type or "",
            )
        )
    return files


def store(message: Message, files: list[IncomingFile]) -> list[Attachment]:
    """Write the files and their rows (inside the caller's transaction)."""
    stored = []
    for item in files:
        attachment = Attachment(
            message=message,
            filename=clean_filename(item.filename),
            content_type=detect_type(item.data, item.declared_type),
            declared_type=(item.declared_type or "")[:100],
            size=len(item.data),
            inline=item.inline,
            content_id=(item.content_id or "")[:250],
        )
        attachment.file.save("upload", ContentFile(item.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def read(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return bytes(handle.read())


def response(attachment: Attachment) -> FileResponse:
    """The file for a browser: images inline, everything else as a download; never
    sniffed, never run (a sandbox CSP even for the images)."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    inline = attachment.content_type in INLINE_TYPES
    answer = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    answer["Cache-Control"] = "private, max-age=3600"
    return answer
