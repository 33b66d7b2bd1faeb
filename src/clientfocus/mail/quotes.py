"""Cutting the quoted history and the signature off a reply (no Django).

Mail clients quote the conversation below (or above) the answer in their own words:
Gmail and Apple Mail "On … wrote:", Outlook a From:/Sent: block or "-----Original
Message-----", Thunderbird "… wrote:", and each in the user's language. The patterns
below cover English, Russian, Lithuanian, Slovenian, Hindi (and German, common in the
region). mail-parser-reply covers thirteen languages but none of these four, hence our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WROTE = re.compile(
    r"""(
        ^(on|am|le|el)\b.{3,300}\b(wrote|writes|schrieb|a\s+écrit|escribió)\s*:\s*$
      | (пишет|написал|написала|написал\(а\)|писал|писала|пише)\s*:\s*$
      | (rašė|parašė|raše)\s*:\s*$
      | (je\s+napisal|je\s+napisala|napisal\(a\)|je\s+pisal|je\s+pisala|napisal|napisala)\s*:\s*$
      | (ने\s+लिखा|लिखा)\s*:\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_SEPARATOR = re.compile(
    r"""^\s*[-_=]{2,}\s*(
        original\s+message|forwarded\s+message|ursprüngliche\s+nachricht|originalnachricht
      | исходное\s+сообщение|пересылаемое\s+сообщение|оригинальное\s+сообщение
      | pradinis\s+laiškas|originalus\s+laiškas|persiųstas\s+laiškas
      | izvirno\s+sporočilo|originalno\s+sporočilo|posredovano\s+sporočilo
      | मूल\s+संदेश|अग्रेषित\s+संदेश
    )\s*[-_=]{2,}\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_RULE = re.compile(r"^\s*_{20,}\s*$")
_FROM_LABEL = re.compile(
    r"^\s*\*?(from|von|от|від|nuo|siuntėjas|od|pošiljatelj|प्रेषक|से)\s*\*?\s*:", re.IGNORECASE
)
_OTHER_LABEL = re.compile(
    r"""^\s*\*?(sent|date|to|subject|cc|gesendet|datum|an|betreff
      |отправлено|дата|кому|тема|копия|išsiųsta|data|kam|tema|poslano|za|zadeva|kp
      |भेजा\s+गया|दिनांक|प्रति|विषय)\s*\*?\s*:""",
    re.IGNORECASE | re.VERBOSE,
)
_SIGNATURE_RULE = re.compile(r"^-- ?$")
_SENT_FROM = re.compile(
    r"""^\s*(sent\s+from\s+my|get\s+outlook\s+for|von\s+meinem
      |отправлено\s+(с|из)|отправлено\s+с\s+моего
      |išsiųsta\s+iš|siųsta\s+iš
      |poslano\s+(iz|z)\s
      |मेरे\s+.+\s+से\s+भेजा\s+गया)""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class SplitReply:
    reply: str
    quoted: str
    signature: str


def _quote_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _SEPARATOR.match(stripped) or _WROTE.search(stripped):
            return i
        # An attribution wrapped over two lines: "On Mon, 1 Jan 2026 at 10:00, Ann\n<a@b> wrote:"
        if (
            i + 1 < len(lines)
            and re.match(r"^(on|am|le|el)\b", stripped, re.IGNORECASE)
            and _WROTE.search(stripped + " " + lines[i + 1].strip())
        ):
            return i
        if _FROM_LABEL.match(stripped) and any(
            _OTHER_LABEL.match(following) for following in lines[i + 1 : i + 5]
        ):
            # Outlook puts a rule of underscores above the block.
            if i > 0 and _RULE.match(lines[i - 1]):
                return i - 1
            return i
        if stripped.startswith(">") and all(
            not rest.strip() or rest.lstrip().startswith(">") for rest in lines[i:]
        ):
            # The attribution line just above a bottom quote belongs to the quote.
            previous = next((j for j in range(i - 1, -1, -1) if lines[j].strip()), None)
            if previous is not None and lines[previous].rstrip().endswith(":"):
                return previous
            return i
    return None


def _signature_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        # Only near the end: a signature is short.
        if (_SIGNATURE_RULE.match(line.rstrip("\r")) or _SENT_FROM.match(line)) and len(
            [rest for rest in lines[i:] if rest.strip()]
        ) <= 12:
            return i
    return None


def split_reply(text: str) -> SplitReply:
    """The new part of ``text``, the quoted history and the signature. A message that is
    nothing but a quote (a forward without comment) keeps its text as the reply."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = _quote_start(lines)
    quoted = ""
    if start is not None:
        head = "\n".join(lines[:start]).strip()
        if head:
            quoted = "\n".join(lines[start:]).strip()
            lines = lines[:start]
    signature = ""
    cut = _signature_start(lines)
    if cut is not None and "\n".join(lines[:cut]).strip():
        signature = "\n".join(lines[cut:]).strip()
        lines = lines[:cut]
    return SplitReply(reply="\n".join(lines).strip(), quoted=quoted, signature=signature)


# Where mail clients start the quoted part of an HTML reply.
_HTML_QUOTE_MARKERS = re.compile(
    r"""<div[^>]*class=["']?[^"'>]*\b(gmail_quote|yahoo_quoted|moz-cite-prefix|ms-outlook-mobile-reference-message)\b
      | <div[^>]*id=["']?(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)\b
      | <blockquote[^>]*type=["']?cite
      | <hr[^>]*id=["']?stopSpelling
      | <div[^>]*style=["'][^"']*border-top:\s*solid\s+\#(E1E1E1|B5C4DF)""",
    re.IGNORECASE | re.VERBOSE,
)


def split_html_reply(html: str) -> tuple[str, str] | None:
    """(new part, quoted part) of an HTML reply at the first quote marker a known mail
    client leaves; None when there is none. Callers sanitise both halves (which also
    closes the tags the cut left open)."""
    match = _HTML_QUOTE_MARKERS.search(html or "")
    if match is None:
        return None
    return html[: match.start()], html[match.start() :]
