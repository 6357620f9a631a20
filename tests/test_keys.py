"""Repeated keys are found exactly, whatever the fields' ranges: the mixed-radix codes of
``checks.keys._repeats`` against pandas' own ``duplicated`` on the same typed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from japus_data.checks.keys import _repeats
from japus_data.checks.rows import Column


def _column(codes: np.ndarray, key: np.ndarray | None = None) -> Column:
    """A column of ``codes`` into distinct texts; ``key`` makes some texts equal values."""
    size = int(codes.max()) + 1
    uniques = pd.Series([f"v{i}" for i in range(size)], dtype="str")
    return Column(
        name="c",
        codes=codes.astype(np.int64),
        uniques=uniques,
        missing=np.zeros(size, dtype=bool),
        ok=np.ones(size, dtype=bool),
        values=uniques,
        key=np.arange(size, dtype=np.int64) if key is None else key,
        plain=key is None,
    )


def _expected(columns: list[Column], complete: np.ndarray) -> tuple[list[int], list[int]]:
    """Each complete row equal to an earlier complete row, and the first such row."""
    frame = pd.DataFrame({i: c.keys() for i, c in enumerate(columns)})[complete]
    repeated = frame.duplicated()
    first = frame.groupby(list(frame.columns), sort=False).ngroup()
    firsts = pd.Series(frame.index, index=frame.index).groupby(first.to_numpy()).transform("min")
    return list(frame.index[repeated]), list(firsts[repeated])


@pytest.mark.parametrize(
    ("sizes", "rows"),
    [
        ([3], 50),  # one small field
        ([2, 3, 2], 40),  # few combinations: many repeats
        ([5000], 5000),  # a field nearly distinct per row
        ([100_000] * 8, 3000),  # ranges whose product overflows 64 bits
        ([2] * 70, 500),  # many fields, each of two values
    ],
)
def test_repeats_match_pandas(sizes: list[int], rows: int) -> None:
    rng = np.random.default_rng(len(sizes) * rows)
    columns = [_column(rng.integers(0, min(s, rows // 2 + 2), rows)) for s in sizes]
    for complete in (np.ones(rows, dtype=bool), rng.random(rows) < 0.7):
        repeats, firsts = _repeats(columns, complete)
        want_repeats, want_firsts = _expected(columns, complete)
        assert list(repeats) == want_repeats
        assert list(firsts) == want_firsts


def test_repeats_compare_typed_values() -> None:
    # Texts 0 and 2 are one value (``02`` and ``2``): rows 0 and 2 repeat, row 1 does not.
    column = _column(np.array([0, 1, 2]), key=np.array([0, 1, 0], dtype=np.int64))
    repeats, firsts = _repeats([column], np.ones(3, dtype=bool))
    assert (list(repeats), list(firsts)) == ([2], [0])


def test_no_repeats_when_a_field_is_distinct_per_row() -> None:
    distinct = _column(np.arange(1000))
    same = _column(np.zeros(1000, dtype=np.int64))
    repeats, _ = _repeats([same, distinct], np.ones(1000, dtype=bool))
    assert len(repeats) == 0
    repeats, firsts = _repeats([same], np.ones(1000, dtype=bool))
    assert list(repeats) == list(range(1, 1000)) and set(firsts) == {0}


def test_rows_alone_in_the_first_field_are_set_aside_correctly() -> None:
    # Field a alone nearly tells rows apart; b then separates rows 1 and 2, not 4 and 5.
    a = _column(np.array([0, 1, 1, 2, 3, 3, 3, 4]))
    b = _column(np.array([0, 0, 1, 0, 5, 5, 6, 0]))
    repeats, firsts = _repeats([a, b], np.ones(8, dtype=bool))
    assert (list(repeats), list(firsts)) == ([5], [4])
    complete = np.array([True, True, True, True, False, True, True, True])
    repeats, _ = _repeats([a, b], complete)  # row 4 not complete: row 5 repeats nothing
    assert list(repeats) == []


def _as_read(column: Column) -> Column:
    """The same plain text column kept as read: one text a row, not encoded."""
    texts = column.uniques.take(column.codes).reset_index(drop=True)
    n = len(texts)
    return Column(
        name=column.name,
        codes=np.arange(n, dtype=np.int64),
        uniques=texts,
        missing=np.zeros(n, dtype=bool),
        ok=np.ones(n, dtype=bool),
        values=texts,
        key=np.arange(n, dtype=np.int64),
        plain=True,
        distinct=False,
    )


@pytest.mark.parametrize(
    ("sizes", "rows"),
    [([2, 3, 2], 40), ([5000, 3], 5000), ([100_000] * 8, 3000), ([2] * 20, 500), ([4], 60)],
)
def test_repeats_of_columns_kept_as_read_match_pandas(sizes: list[int], rows: int) -> None:
    """A text column kept as read gives the repeats its encoded twin gives, first or last,
    alone or among others."""
    rng = np.random.default_rng(rows)
    columns = [_column(rng.integers(0, min(s, rows // 2 + 2), rows)) for s in sizes]
    for complete in (np.ones(rows, dtype=bool), rng.random(rows) < 0.7):
        want = _expected(columns, complete)
        for kept in {0, len(columns) - 1}:
            mixed = [_as_read(c) if i == kept else c for i, c in enumerate(columns)]
            repeats, firsts = _repeats(mixed, complete)
            assert (list(repeats), list(firsts)) == want
            assert list(mixed[kept].keys()) == list(pd.factorize(mixed[kept].uniques)[0])
