"""Reading CSV text as spreadsheets save it."""

from __future__ import annotations

import csv
import io


def dict_reader(text: str) -> csv.DictReader:
    """A DictReader over ``text`` with the column separator its header row uses: ',' or,
    as spreadsheets in many European locales save it, ';' (or a tab). Header names are
    stripped and lower-cased."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    reader.fieldnames = [h.strip().lower() for h in (reader.fieldnames or [])]
    return reader


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> object:
    """A value that a spreadsheet shows as written: text that would start a formula
    (``=``, ``+``, ``-``, ``@``, a tab or line break, or their full-width forms) gets a
    leading apostrophe (OWASP "CSV injection"); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """CSV (RFC 4180, CRLF) with every cell made safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return buffer.getvalue()
