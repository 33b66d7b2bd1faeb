"""Reading CSV text as spreadsheets save it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator


def _delimiter(text: str) -> str:
    """The column separator the header row uses: ',' or, as spreadsheets in many European
    locales save it, ';' (or a tab)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    return delimiter


def dict_reader(text: str) -> csv.DictReader:
    """A DictReader over ``text`` with the column separator its header row uses. Header
    names are stripped and lower-cased."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    reader.fieldnames = [h.strip().lower() for h in (reader.fieldnames or [])]
    return reader


def numbered_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (stripped, lower-cased) and the rows as lists, each with the line it
    ends on (as `dict_reader`, without building a dict per row). Empty rows are
    skipped."""
    delimiter = _delimiter(text)
    if '"' not in text:
        # Nothing is quoted: every line is a row and splitting it is the whole of CSV
        # (several times faster than the csv module on a million rows).
        lines = text.split("\n")
        header = [h.strip().lower() for h in lines[0].rstrip("\r").split(delimiter)]

        def plain() -> Iterator[tuple[int, list[str]]]:
            for number, line in enumerate(lines[1:], start=2):
                if line and line != "\r":
                    yield number, line.rstrip("\r").split(delimiter)

        return (header if text else []), plain()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if row:
                yield reader.line_num, row

    return header, rows()


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
