"""The binary COPY stream built from arrays: what PostgreSQL reads back is what was
given, for every kind, NULLs and texts of every length included; bad input is refused
before anything is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from clientfocus.core import pgcopy
from clientfocus.core.pgcopy import Column

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the binary COPY format is PostgreSQL's"
)

LABELS = ("", "Ąžuolas", "नमस्ते", "a" * 300, "loyal")
COLUMNS = (
    Column("small", "int2"),
    Column("whole", "int4"),
    Column("big", "int8"),
    Column("ratio", "float8"),
    Column("moment", "timestamptz"),
    Column("cents", "numeric", scale=2),
    Column("fine", "numeric", scale=7),
    Column("plain", "numeric"),
    Column("label", "text", labels=LABELS),
)
TABLE = (
    "CREATE TEMP TABLE copied (small int2, whole int4, big int8, ratio float8, "
    "moment timestamptz, cents numeric(20, 2), fine numeric, plain numeric, "
    "label varchar(300))"
)
INT64 = np.iinfo(np.int64)


def _copy(values, nulls=None):
    data = pgcopy.encode(COLUMNS, values, nulls)
    names = ", ".join(column.name for column in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS copied")
        cursor.execute(TABLE)
        with cursor.cursor.copy(f"COPY copied ({names}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(data)
        cursor.execute(f"SELECT {names} FROM copied ORDER BY big")  # noqa: S608 - names above
        return cursor.fetchall()


@on_postgresql
@pytest.mark.parametrize("rows_per_block", [8192, 7])
def test_what_the_database_reads_back_is_what_was_given(db, monkeypatch, rows_per_block):
    monkeypatch.setattr(pgcopy, "ROWS_PER_BLOCK", rows_per_block)  # one block or many
    rng = np.random.default_rng(3)
    count = 500
    moments = [
        datetime(1969, 7, 20, 20, 17, 40, 123456, tzinfo=UTC),
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 1, 17, 0, 0, 1, tzinfo=UTC),
    ]
    values = {
        "small": rng.integers(-(2**15), 2**15, count),
        "whole": rng.integers(-(2**31), 2**31, count),
        "big": np.arange(count, dtype=np.int64) * 7 - 1000,
        "ratio": rng.normal(size=count) * 1e6,
        "moment": np.array([pgcopy.microseconds(moments[i % 3]) for i in range(count)]),
        "cents": rng.integers(-(10**15), 10**15, count),
        "fine": rng.integers(-(10**12), 10**12, count),
        "plain": rng.integers(INT64.min, INT64.max, count, endpoint=True),
        "label": rng.integers(0, len(LABELS), count),
    }
    values["cents"][:4] = [0, 1, -1, 99]
    values["plain"][:3] = [INT64.min, INT64.max, 0]
    nulls = {
        "ratio": rng.random(count) < 0.2,
        "moment": rng.random(count) < 0.2,
        "label": rng.random(count) < 0.1,
    }
    rows = _copy(values, nulls)
    assert len(rows) == count
    for i, row in enumerate(rows):
        small, whole, big, ratio, moment, cents, fine, plain, label = row
        assert (small, whole, big) == (values["small"][i], values["whole"][i], values["big"][i])
        assert ratio == (None if nulls["ratio"][i] else values["ratio"][i])
        assert moment == (None if nulls["moment"][i] else moments[i % 3])
        assert cents == Decimal(int(values["cents"][i])).scaleb(-2)
        assert str(cents) == str(Decimal(int(values["cents"][i])).scaleb(-2))  # two places
        assert fine == Decimal(int(values["fine"][i])).scaleb(-7)
        assert plain == Decimal(int(values["plain"][i]))
        assert label == (None if nulls["label"][i] else LABELS[values["label"][i]])


@on_postgresql
def test_no_rows_copy_nothing(db):
    assert _copy({column.name: np.array([], dtype=np.int64) for column in COLUMNS}) == []


def _row(**changes):
    values = {column.name: np.array([1]) for column in COLUMNS}
    values["label"] = np.array([4])
    values.update({name: np.asarray(value) for name, value in changes.items()})
    return values


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"small": [2**15]}, "small: a value does not fit int2"),
        ({"whole": [-(2**31) - 1]}, "whole: a value does not fit int4"),
        ({"big": [1.5]}, "big: int8 values must be integers"),
        ({"cents": [0.5]}, "cents: numeric values must be integers"),
        ({"label": [5]}, "label: a label index is out of range"),
        ({"label": [-1]}, "label: a label index is out of range"),
        ({"label": [1.0]}, "label: text values must be integers"),
        ({"small": [1, 2]}, "the columns differ in length"),
    ],
)
def test_bad_values_are_refused_before_anything_is_sent(changes, message):
    with pytest.raises(ValueError, match=message):
        pgcopy.encode(COLUMNS, _row(**changes))


def test_bad_columns_are_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        Column("x", "money")
    with pytest.raises(ValueError, match="scale must be from 0 to 16"):
        Column("x", "numeric", scale=17)
    with pytest.raises(ValueError, match="needs its labels"):
        Column("x", "text")
    with pytest.raises(ValueError, match="NULLs given for columns not written: nope"):
        pgcopy.encode(COLUMNS, _row(), {"nope": np.array([True])})
    with pytest.raises(ValueError, match="timezone-aware"):
        pgcopy.microseconds(datetime(2026, 1, 1))


def test_rows_alike_share_one_block_and_the_stream_has_its_frame():
    values = {column.name: np.zeros(4, dtype=np.int64) for column in COLUMNS}
    values["label"] = np.array([1, 2, 1, 2])
    data = pgcopy.encode(COLUMNS, values)
    assert data.startswith(pgcopy.HEADER) and data.endswith(pgcopy.TRAILER)
    # Two layouts (two labels), the rows of each together: label 1's rows first.
    body = data[len(pgcopy.HEADER) : -len(pgcopy.TRAILER)]
    assert body.count("Ąžuolas".encode()) == 2 and body.count("नमस्ते".encode()) == 2
    assert body.index("नमस्ते".encode()) > body.rindex("Ąžuolas".encode())


def test_microseconds_count_from_postgresql_s_epoch():
    assert pgcopy.microseconds(datetime(2000, 1, 1, tzinfo=UTC)) == 0
    later = datetime(2000, 1, 2, 0, 0, 1, 5, tzinfo=UTC)
    assert pgcopy.microseconds(later) == 86_401_000_005
    assert pgcopy.microseconds(datetime(2000, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)) == -1
