"""Every row of a table: parsed as text by Arrow's CSV reader, cells counted, columns checked.

Each column is dictionary-encoded once (Arrow, in C++): the field checks run on its
distinct values and are mapped back to the rows through the codes. The typed frame (the
loader's dtypes, NA where a cell is missing or wrong) is indexed by row number minus 2,
as the loaders' frames are by position: ``index + 2`` is the row number in the file.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..descriptor import Table
from ..fieldspec import field_specs
from ..read import pandas_dtypes
from .fields import check_column
from .files import Layout, dialect
from .problem import Problem

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd


@dataclass
class Column:
    """One column as codes into its distinct values."""

    name: str
    codes: npt.NDArray[np.int64]  # per row: the position of its text in ``uniques``
    uniques: pd.Series  # the distinct texts
    missing: npt.NDArray[np.bool_]  # per distinct text: one of the missing values

    def null(self) -> npt.NDArray[np.bool_]:
        """Per row: the cell is a logical null."""
        return self.missing[self.codes]

    def text(self) -> npt.NDArray[Any]:
        """Per row: the text, None where null (materialised: for small uses only)."""
        import numpy as np

        values = np.empty(len(self.uniques) + 1, dtype=object)
        values[:-1] = self.uniques.to_numpy(dtype=object)
        chosen: npt.NDArray[Any] = values[np.where(self.null(), len(self.uniques), self.codes)]
        return chosen


@dataclass
class Rows:
    rows: npt.NDArray[np.int64]  # row number in the file of each data row
    columns: dict[str, Column]
    typed: pd.DataFrame
    problems: list[Problem]


def _read(table: Table, layout: Layout, n: int) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    delimiter, quote = dialect(table)
    names = [f"c{k}" for k in range(n)]
    return pacsv.read_csv(
        io.BytesIO(layout.text),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            # A block must hold the longest row (a 50 MB cell is read, then reported).
            block_size=max(1 << 22, 2 * layout.longest + 1),
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char=quote,
            double_quote=True,
            newlines_in_values=layout.newlines_in_values,
            ignore_empty_lines=False,
            invalid_row_handler=lambda row: "skip",  # reported from the layout
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )


def check_rows(table: Table, layout: Layout) -> Rows:
    import numpy as np
    import pandas as pd

    path, names = table.path, table.field_names
    n = len(names)
    problems: list[Problem] = []
    for row, cells in zip(
        layout.rows[layout.cells > n], layout.cells[layout.cells > n], strict=True
    ):
        message = f"{cells} cells, but the schema has {n} fields"
        label = layout.labels[n] if len(layout.labels) > n else None
        problems.append(Problem(path, int(row), label, message, "extra-cell"))
    short = (layout.cells < n) & ~layout.blank
    for row, cells in zip(layout.rows[short], layout.cells[short], strict=True):
        for k in range(int(cells), n):
            message = f"{cells} cells: no cell for field {names[k]!r}"
            problems.append(Problem(path, int(row), names[k], message, "missing-cell"))

    try:
        arrow = _read(table, layout, n)
    except Exception as exc:  # pyarrow.ArrowInvalid: e.g. a quote never closed
        message = f"cannot be read as CSV: {str(exc).splitlines()[0][:200]}"
        problems.append(Problem(path, None, None, message, "parse"))
        return Rows(np.zeros(0, np.int64), {}, pd.DataFrame(), problems)
    kept = (layout.cells == n) | layout.blank
    if int(kept.sum()) == arrow.num_rows:
        rows, blank = layout.rows[kept], layout.blank[kept]
    else:  # stray quotes: trust the reader's records and number them in order
        rows = np.arange(2, arrow.num_rows + 2, dtype=np.int64)
        blank = np.zeros(arrow.num_rows, dtype=bool)
        message = "rows cannot be told apart: check the quotes; row numbers may be off"
        problems.append(Problem(path, None, None, message, "quote"))
    keep = np.flatnonzero(~blank)
    rows = rows[keep]

    dtypes = pandas_dtypes(table)
    columns: dict[str, Column] = {}
    typed: dict[str, pd.Series] = {}
    index = pd.Index(rows - 2)
    for k, spec in enumerate(field_specs(table)):
        cells = arrow.column(k).combine_chunks()
        if len(keep) < len(cells):
            cells = cells.take(keep)
        encoded = cells.dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        uniques = pd.Series(pd.array(encoded.dictionary, dtype="str"))
        checked = check_column(path, spec, codes, uniques, rows)
        problems.extend(checked.problems)
        columns[spec.name] = Column(spec.name, codes, uniques, checked.missing)
        column, dtype = checked.typed.set_axis(index), dtypes[spec.name]
        if isinstance(dtype, pd.CategoricalDtype):  # straight from the codes, unknowns NA
            position = pd.Index(dtype.categories).get_indexer(uniques.astype(object))
            category = np.where(checked.ok, position, -1)[codes]
            column = pd.Series(pd.Categorical.from_codes(category, dtype=dtype), index=index)
        elif column.dtype != dtype:
            with contextlib.suppress(TypeError, ValueError):
                column = column.astype(dtype)
        typed[spec.name] = column
    return Rows(rows, columns, pd.DataFrame(typed, index=index), problems)
