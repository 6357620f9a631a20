"""Every row of a table: parsed as text by Arrow's CSV reader, cells counted, columns checked.

Each column is dictionary-encoded once (Arrow, in C++): the field checks run on its
distinct values and are mapped back to the rows through the codes. The typed frame (the
loader's dtypes, NA where a cell is missing or wrong) is indexed by row number minus 2,
as the loaders' frames are by position: ``index + 2`` is the row number in the file.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..codes import Check
from ..csvread import codes_and_texts, read_cells
from ..descriptor import Table
from ..fieldtypes import field_type, pandas_dtypes
from ..problem import PER_CHECK, Omitted, Problem, bounded
from .fields import check_column
from .files import Layout

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import pyarrow as pa


@dataclass
class Column:
    """One column as codes into its distinct values."""

    name: str
    codes: npt.NDArray[np.int64]  # per row: the position of its text in ``uniques``
    uniques: pd.Series  # the distinct texts
    missing: npt.NDArray[np.bool_]  # per distinct text: one of the missing values
    ok: npt.NDArray[np.bool_]  # per distinct text: present and of the field's type
    values: pd.Series  # per distinct text: its typed value (NA where missing or wrong)
    key: npt.NDArray[np.int64]  # per distinct text: equal where the typed values are equal
    plain: bool = False  # ``key`` is the identity (text compared as text)
    # False: ``uniques`` is every row's text as read, not encoded (a text column of mostly
    # distinct values: encoding it measured the costliest step of a 10^6-row table), and
    # its keys are found when asked, for the rows asked (``keys_at``).
    distinct: bool = True

    def keys(self) -> npt.NDArray[np.int64]:
        """Per row: its value's key, for comparing values (``02`` and ``2`` are one integer)."""
        if not self.distinct:
            return self.keys_at(None)
        if self.plain:  # text compared as text: the codes are the keys
            return self.codes
        keys: npt.NDArray[np.int64] = self.key[self.codes]
        return keys

    def keys_at(self, positions: npt.NDArray[np.int64] | None) -> npt.NDArray[np.int64]:
        """The keys of the rows at ``positions`` (None: every row), equal where their values
        are equal (the keys of different calls are not comparable)."""
        import numpy as np
        import pandas as pd

        if self.distinct:
            keys = self.keys()
            return keys if positions is None else keys[positions]
        texts = self.uniques.take(self.codes if positions is None else self.codes[positions])
        found, _ = pd.factorize(texts)
        return np.asarray(found, dtype=np.int64)

    def null(self) -> npt.NDArray[np.bool_]:
        """Per row: the cell is a logical null."""
        return self.missing[self.codes]

    def typed(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        """The typed values of the given rows (materialised: for small uses only)."""
        chosen: npt.NDArray[Any] = self.values.to_numpy(dtype=object)[self.codes[rows]]
        return chosen


@dataclass
class Rows:
    rows: npt.NDArray[np.int64]  # row number in the file of each data row
    columns: dict[str, Column]
    typed: pd.DataFrame
    problems: list[Problem]


def check_rows(table: Table, layout: Layout) -> Rows:
    import numpy as np
    import pandas as pd

    path, names = table.path, table.field_names
    n = len(names)
    try:
        arrow = read_cells(
            table, layout.text, n, layout.longest, layout.newlines_in_values, not layout.unquoted
        )
        failure = None
    except Exception as exc:  # pyarrow.ArrowInvalid: e.g. a quote never closed
        arrow, failure = None, exc
    # Arrow skips a record of another count of cells. Without quotes it counts them as the
    # layout does: when it skipped none, there is none to report, and none is counted.
    whole = layout.unquoted and arrow is not None and arrow.num_rows == len(layout.rows)
    problems = [] if whole else _cell_count_problems(table, layout)
    if arrow is None:
        message = f"cannot be read as CSV: {str(failure).splitlines()[0][:200]}"
        problems.append(Problem(path, None, None, message, Check.PARSE))
        return Rows(np.zeros(0, np.int64), {}, pd.DataFrame(), problems)
    rows, blank = layout.rows, layout.blank
    if not whole:
        kept = (layout.cells == n) | layout.blank
        whole = int(kept.sum()) == arrow.num_rows
        rows, blank = rows[kept], blank[kept]
    if not whole:  # stray quotes: trust the reader's records and number them in order
        rows = np.arange(2, arrow.num_rows + 2, dtype=np.int64)
        blank = np.zeros(arrow.num_rows, dtype=bool)
        message = "rows cannot be told apart: check the quotes; row numbers may be off"
        problems.append(Problem(path, None, None, message, Check.QUOTE))
    keep = np.flatnonzero(~blank)
    rows = rows[keep]

    dtypes = pandas_dtypes(table)
    columns: dict[str, Column] = {}
    typed: dict[str, pd.Series] = {}
    index = pd.Index(rows - 2)
    every = len(keep) == arrow.num_rows  # each record read is a row (no blank line dropped)
    text_dtype = field_type("string").pandas
    as_read = [
        not field_type(spec.type).typed_keys and spec.categories is None for spec in table.fields
    ]
    # Columns are encoded (Arrow, without the GIL) two at a time while the one before them
    # is checked.
    with ThreadPoolExecutor(2) as pool:
        encoded = pool.map(_encode, arrow.columns, as_read)
        for spec, text, (codes, uniques, distinct) in zip(
            table.fields, arrow.columns, encoded, strict=True
        ):
            if not every:
                codes = codes[keep]
            checked = check_column(path, spec, codes, uniques, rows)
            problems.extend(checked.problems)
            columns[spec.name] = Column(
                spec.name,
                codes,
                uniques,
                checked.missing,
                checked.ok,
                checked.values,
                checked.key,
                plain=not field_type(spec.type).typed_keys,
                distinct=distinct,
            )
            dtype = dtypes[spec.name]
            if isinstance(dtype, pd.CategoricalDtype) and checked.category is not None:
                # Straight from the codes, as the loader reads them (``fieldtypes.positions``).
                category = checked.category[codes]
                column = pd.Series(pd.Categorical.from_codes(category, dtype=dtype), index=index)
                typed[spec.name] = column
                continue
            if (
                every
                and isinstance(dtype, str)
                and dtype == text_dtype
                and checked.values.equals(uniques)
            ):
                # Each cell's typed value is its text, as read: the column as it is (no copy).
                typed[spec.name] = pd.Series(pd.array(text, dtype=dtype), index=index)
                continue
            # Per row, its distinct text's typed value (NA where missing or wrong): one take.
            column = pd.Series(checked.values.array.take(codes), index=index)
            if column.dtype != dtype:
                with contextlib.suppress(TypeError, ValueError):
                    column = column.astype(dtype)
            typed[spec.name] = column
    return Rows(rows, columns, pd.DataFrame(typed, index=index), problems)


# The first block's share of distinct texts above which a text column is kept as read.
MOSTLY_DISTINCT = 0.5


def _encode(
    column: pa.ChunkedArray, as_read: bool
) -> tuple[npt.NDArray[np.int64], pd.Series, bool]:
    """A column as codes into its texts, and whether those are distinct: a plain text column
    (``as_read``) whose first block is mostly distinct texts is kept as read, one text a
    row (the checks then run on every row, and keys are found when asked)."""
    import numpy as np
    import pandas as pd
    import pyarrow.compute as pc

    first = column.chunk(0) if as_read and column.num_chunks else []
    if len(first) >= 1024 and pc.count_distinct(first).as_py() > MOSTLY_DISTINCT * len(first):
        texts = pd.Series(pd.array(column, dtype=field_type("string").pandas))
        return np.arange(len(column), dtype=np.int64), texts, False
    codes, texts = codes_and_texts(column)
    return codes, texts, True


def _cell_count_problems(table: Table, layout: Layout) -> list[Problem]:
    """A record with more cells than fields, once each; one with fewer, once per missing
    cell (the first ``PER_CHECK`` built, the others counted)."""
    import numpy as np

    path, names = table.path, table.field_names
    n = len(names)
    label = layout.labels[n] if len(layout.labels) > n else None
    extra = np.flatnonzero(layout.cells > n)

    def extra_cell(i: int) -> Problem:
        message = f"{layout.cells[i]} cells, but the schema has {n} fields"
        return Problem(path, int(layout.rows[i]), label, message, Check.EXTRA_CELL)

    problems = bounded(path, Check.EXTRA_CELL, extra, extra_cell)
    short = np.flatnonzero((layout.cells < n) & ~layout.blank)
    missing = int((n - layout.cells[short]).sum())
    shown: list[Problem] = []
    for i in short:
        cells = int(layout.cells[i])
        for k in range(cells, n):
            if len(shown) == PER_CHECK:
                break
            message = f"{cells} cells: no cell for field {names[k]!r}"
            shown.append(Problem(path, int(layout.rows[i]), names[k], message, Check.MISSING_CELL))
        if len(shown) == PER_CHECK:
            break
    problems.extend(shown)
    if missing > len(shown):
        problems.append(Omitted(path, None, None, "", Check.MISSING_CELL, missing - len(shown)))
    return problems
