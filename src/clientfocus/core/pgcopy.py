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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, header extension
TRAILER = b"\xff\xff"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "timestamptz": ">i8"}
KINDS = frozenset({*FIXED, "numeric", "text"})
# numeric: base-10000 digits; five hold the integer part of any int64.
_WHOLE_DIGITS = 5
_NEGATIVE = 0x4000
# Rows per block of the stream: about 2 MB for the value figures.
ROWS_PER_BLOCK = 8192


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
) -> Iterator[bytes | memoryview]:
    """`encode`'s stream in pieces to be written one after another: the header, blocks
    of at most ROWS_PER_BLOCK rows of one layout, the trailer. The input is checked
    before the first piece; each block is made when it is asked for (a few megabytes,
    still in the processor's cache when it is sent, where one buffer for a million rows
    spent more time on fresh memory than on the values)."""
    nulls = nulls or {}
    unknown = set(nulls) - {column.name for column in columns}
    if unknown:
        raise ValueError(f"NULLs given for columns not written: {', '.join(sorted(unknown))}")
    rows = {len(values[column.name]) for column in columns} | {len(m) for m in nulls.values()}
    if len(rows) > 1:
        raise ValueError("the columns differ in length")
    count = rows.pop() if rows else 0
    sources = [np.asarray(values[column.name]) for column in columns]
    for column, source in zip(columns, sources, strict=True):
        _check(column, source)
    masks = [
        np.asarray(nulls[column.name], dtype=bool) if column.name in nulls else None
        for column in columns
    ]
    layout = _layouts(columns, sources, masks, count)
    order = np.argsort(layout, kind="stable")
    layout = layout[order]
    starts = np.flatnonzero(np.r_[True, layout[1:] != layout[:-1]]).tolist() if count else []
    return _stream(columns, sources, masks, order, [*starts, count])


def _stream(
    columns: Sequence[Column],
    sources: list[np.ndarray],
    masks: list[np.ndarray | None],
    order: np.ndarray,
    bounds: list[int],
) -> Iterator[bytes | memoryview]:
    yield HEADER
    for start, end in itertools.pairwise(bounds):
        first = order[start]
        # The layout of these rows: a record type, the constant fields and the columns
        # whose values vary.
        fields: list[tuple] = [("count", ">i2")]
        constants: list[tuple[str, Any]] = [("count", len(columns))]
        varying: list[tuple[str, Column, np.ndarray]] = []
        for i, (column, source, mask) in enumerate(zip(columns, sources, masks, strict=True)):
            length = f"length{i}"
            fields.append((length, ">i4"))
            if mask is not None and mask[first]:
                constants.append((length, -1))
            elif column.kind == "text":  # the same label all through
                text = column.labels[int(source[first])].encode()
                constants.append((length, len(text)))
                if text:
                    fields.append((f"value{i}", f"S{len(text)}"))
                    constants.append((f"value{i}", text))
            else:
                sample = _binary(column, source[:1])
                fields.append((f"value{i}", sample.dtype, sample.shape[1:]))
                constants.append((length, sample.nbytes))
                varying.append((f"value{i}", column, source))
        kind = np.dtype(fields)
        for at in range(start, end, ROWS_PER_BLOCK):
            rows = order[at : min(at + ROWS_PER_BLOCK, end)]
            block = np.empty(len(rows), dtype=kind)
            for name, constant in constants:
                block[name] = constant
            for name, column, source in varying:
                block[name] = _binary(column, source[rows])
            yield block.data.cast("B")
    yield TRAILER


def _check(column: Column, values: np.ndarray) -> None:
    if column.kind == "text":
        _check_integers(column, values, np.dtype(np.int64))
        if len(values) and (values.min() < 0 or values.max() >= len(column.labels)):
            raise ValueError(f"{column.name}: a label index is out of range")
    elif column.kind == "numeric":
        _check_integers(column, values, np.dtype(np.int64))
    elif np.dtype(FIXED[column.kind]).kind == "i":
        _check_integers(column, values, np.dtype(FIXED[column.kind]))


def _binary(column: Column, values: np.ndarray) -> np.ndarray:
    """Values of a (checked) column other than text in their binary form."""
    if column.kind == "numeric":
        return _numeric(column, values)
    return values.astype(FIXED[column.kind])


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
    sources: list[np.ndarray],
    masks: list[np.ndarray | None],
    count: int,
) -> np.ndarray:
    """One number per row that differs exactly where the rows' layouts differ: which
    fields are NULL and which label each text field has."""
    key = np.zeros(count, dtype=np.int64)
    span = 1
    for column, source, mask in zip(columns, sources, masks, strict=True):
        if column.kind == "text":
            codes = source.astype(np.int64)
            if mask is not None:
                codes = np.where(mask, 0, codes)
            key, span = key * len(column.labels) + codes, span * len(column.labels)
        if mask is not None:
            key, span = key * 2 + mask, span * 2
        if span >= 2**62:
            raise ValueError("too many text labels and NULL columns to group the rows")
    return key
