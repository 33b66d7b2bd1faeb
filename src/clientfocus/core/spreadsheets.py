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
