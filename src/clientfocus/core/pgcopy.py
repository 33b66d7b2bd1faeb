"""PostgreSQL's binary COPY format, built from numpy arrays a whole column at a time.

Pure module (numpy, no Django). A row of the format is its field count, then for each
field its length in bytes (-1 for NULL) and the value in the type's binary form. Rows
whose NULLs and texts are alike have the same layout, so the rows are grouped by layout
(one sort of a key per row) and each group becomes one numpy record array: no Python
object is made per row or per value. The caller sends the result in one
``COPY table (columns) FROM STDIN (FORMAT binary)``; the columns' types must be those
given here (a type the server does not expect is refused by the server, nothing is
converted).

Values by kind:

- ``int2``, ``int4``, ``int8``, ``float8``: numbers (checked to fit the integer type);
- ``timestamptz``: integer microseconds since 2000-01-01 00:00 UTC, PostgreSQL's own
  unit (`microseconds` converts datetimes; `timestamptz_send` on the server gives them);
- ``numeric``: integers in units of 10**-scale (cents with scale 2), exact;
- ``text`` (also for varchar): indices into the column's ``labels``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, header extension
TRAILER = b"\xff\xff"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "timestamptz": ">i8"}
KINDS = frozenset({*FIXED, "numeric", "text"})
# numeric: base-10000 digits; five hold the integer part of any int64.
_WHOLE_DIGITS = 5
_NEGATIVE = 0x4000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    scale: int = 0  # numeric: digits after the decimal point
    labels: tuple[str, ...] = field(default=())  # text: the values' strings

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.kind == "numeric" and not 0 <= self.scale <= 16:
            raise ValueError(f"{self.name}: a numeric scale must be from 0 to 16")
        if self.kind == "text" and not self.labels:
            raise ValueError(f"{self.name}: a text column needs its labels")


def microseconds(moment: datetime) -> int:
    """A timezone-aware moment as a ``timestamptz`` value."""
    if moment.tzinfo is None:
        raise ValueError("a timestamptz needs a timezone-aware moment")
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode(
    columns: Sequence[Column],
    values: Mapping[str, np.ndarray],
    nulls: Mapping[str, np.ndarray] | None = None,
) -> bytes:
    """The whole COPY stream (header, rows, trailer) for ``values`` (one array per
    column, all of one length); ``nulls`` marks the NULL fields of some columns (True:
    NULL; the value there is ignored)."""
    return b"".join(blocks(columns, values, nulls))


def blocks(
    columns: Sequence[Column],
    values: Mapping[str, np.ndarray],
    nulls: Mapping[str, np.ndarray] | None = None,
) -> list[bytes | memoryview]:
    """`encode`'s stream in pieces, to be written one after another without joining:
    the header, one block of rows per layout, the trailer."""
    nulls = nulls or {}
    unknown = set(nulls) - {column.name for column in columns}
    if unknown:
        raise ValueError(f"NULLs given for columns not written: {', '.join(sorted(unknown))}")
    rows = {len(values[column.name]) for column in columns} | {len(m) for m in nulls.values()}
    if len(rows) > 1:
        raise ValueError("the columns differ in length")
    count = rows.pop() if rows else 0
    if count == 0:
        return [HEADER, TRAILER]
    encoded = [_column(column, np.asarray(values[column.name])) for column in columns]
    masks = [
        np.asarray(nulls[column.name], dtype=bool) if column.name in nulls else None
        for column in columns
    ]
    layout = _layouts(columns, values, masks, count)
    order = np.argsort(layout, kind="stable")
    layout = layout[order]
    starts = np.flatnonzero(np.r_[True, layout[1:] != layout[:-1]]).tolist()
    # Each column's bytes, one row per line, in the blocks' order (texts: one per block).
    lines = [
        None if column.kind == "text" else _lines(data[order])
        for column, data in zip(columns, encoded, strict=True)
    ]
    parts: list[bytes | memoryview] = [HEADER]
    for start, end in itertools.pairwise([*starts, count]):
        first = order[start]
        head = bytearray(len(columns).to_bytes(2, "big"))
        pieces: list[tuple[int, np.ndarray]] = []  # (offset in the row, lines)
        for column, data, mask, line in zip(columns, encoded, masks, lines, strict=True):
            if mask is not None and mask[first]:
                head += (-1).to_bytes(4, "big", signed=True)
            elif line is None:  # text: the same label all through the block
                text = data[int(values[column.name][first])]
                head += len(text).to_bytes(4, "big") + text
            else:
                head += line.shape[1].to_bytes(4, "big")
                pieces.append((len(head), line[start:end]))
                head += bytes(line.shape[1])
        block = np.empty((end - start, len(head)), dtype=np.uint8)
        block[:] = np.frombuffer(bytes(head), dtype=np.uint8)
        for offset, piece in pieces:
            block[:, offset : offset + piece.shape[1]] = piece
        parts.append(block.data.cast("B"))
    parts.append(TRAILER)
    return parts


def _lines(data: np.ndarray) -> np.ndarray:
    """A column of fixed-size binary values as a matrix of bytes, one row per value."""
    data = np.ascontiguousarray(data)
    return data.view(np.uint8).reshape(len(data), -1)


def _column(column: Column, values: np.ndarray) -> np.ndarray:
    """A column's values in their binary form (text: its labels' UTF-8 bytes)."""
    if column.kind == "text":
        codes = values.astype(np.int64, copy=False)
        if len(codes) and (codes.min() < 0 or codes.max() >= len(column.labels)):
            raise ValueError(f"{column.name}: a label index is out of range")
        return np.array([label.encode() for label in column.labels], dtype=object)
    if column.kind == "numeric":
        return _numeric(column, values)
    kind = np.dtype(FIXED[column.kind])
    if kind.kind == "i":
        _check_integers(column, values, kind)
    return values.astype(kind)


def _check_integers(column: Column, values: np.ndarray, kind: np.dtype) -> None:
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"{column.name}: {column.kind} values must be integers")
    bounds = np.iinfo(kind)
    if len(values) and (values.min() < bounds.min or values.max() > bounds.max):
        raise ValueError(f"{column.name}: a value does not fit {column.kind}")


def _numeric(column: Column, values: np.ndarray) -> np.ndarray:
    """Per row: digit count, weight, sign, display scale and the base-10000 digits, the
    integer part in five digits and the fraction in as many as the scale needs
    (PostgreSQL drops the zeros on either side when it stores the value)."""
    _check_integers(column, values, np.dtype(np.int64))
    units = values.astype(np.int64)
    magnitude = np.abs(units).astype(np.uint64)  # |int64 min| wraps to 2**63 here: right
    whole, fraction = np.divmod(magnitude, np.uint64(10**column.scale))
    fraction_digits = -(-column.scale // 4)
    digits = np.empty((len(units), 4 + _WHOLE_DIGITS + fraction_digits), dtype=">i2")
    digits[:, 0] = _WHOLE_DIGITS + fraction_digits
    digits[:, 1] = _WHOLE_DIGITS - 1  # the first digit's power of 10000
    digits[:, 2] = np.where(units < 0, _NEGATIVE, 0)
    digits[:, 3] = column.scale
    for place in range(_WHOLE_DIGITS - 1, -1, -1):
        whole, digits[:, 4 + place] = np.divmod(whole, np.uint64(10_000))
    if fraction_digits:
        fraction = fraction * np.uint64(10 ** (4 * fraction_digits - column.scale))
        for place in range(fraction_digits - 1, -1, -1):
            fraction, digits[:, 4 + _WHOLE_DIGITS + place] = np.divmod(fraction, np.uint64(10_000))
    return digits


def _layouts(
    columns: Sequence[Column],
    values: Mapping[str, np.ndarray],
    masks: list[np.ndarray | None],
    count: int,
) -> np.ndarray:
    """One number per row that differs exactly where the rows' layouts differ: which
    fields are NULL and which label each text field has."""
    key = np.zeros(count, dtype=np.int64)
    span = 1
    for column, mask in zip(columns, masks, strict=True):
        if column.kind == "text":
            codes = np.asarray(values[column.name]).astype(np.int64)
            if mask is not None:
                codes = np.where(mask, 0, codes)
            key, span = key * len(column.labels) + codes, span * len(column.labels)
        if mask is not None:
            key, span = key * 2 + mask, span * 2
        if span >= 2**62:
            raise ValueError("too many text labels and NULL columns to group the rows")
    return key
