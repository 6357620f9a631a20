"""Every row of a table: parsed as text by pandas' C reader, cells counted, each column checked.

The result carries the text cells (for the key checks) and the typed frame (for the
package's rules), both indexed by the row's number in the file minus 2, as the loaders'
frames are by position: ``index + 2`` is the row number.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..descriptor import Table
from ..read import pandas_dtypes
from .fields import check_column, field_spec
from .files import Layout, dialect
from .problem import Problem

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Rows:
    text: pd.DataFrame  # cells as written, NA where a missing value (logical null)
    typed: pd.DataFrame  # the loader's dtypes, NA where missing or wrong
    problems: list[Problem]


def check_rows(table: Table, layout: Layout) -> Rows:
    import numpy as np
    import pandas as pd

    path, names = table.path, table.field_names
    n = len(names)
    delimiter, quote = dialect(table)
    problems: list[Problem] = []
    frame = pd.read_csv(
        io.BytesIO(layout.text),
        encoding="utf-8",
        header=None,
        skiprows=1,
        names=list(range(n)),
        dtype="str",
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        on_bad_lines="skip",
        sep=delimiter,
        quotechar=quote,
        engine="c",
    )
    kept = layout.cells <= n
    if layout.consistent and int(kept.sum()) == len(frame):
        rows = layout.rows[kept]
        blank = layout.blank[kept]
    else:  # stray quotes: trust pandas' records and number them in order
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
        blank = np.zeros(len(frame), dtype=bool)
        if layout.consistent:
            message = "rows cannot be told apart: check the quotes; row numbers may be off"
            problems.append(Problem(path, None, None, message, "quote"))
    frame.index = pd.Index(rows)

    for row, cells in zip(layout.rows[~kept], layout.cells[~kept], strict=True):
        message = f"{cells} cells, but the schema has {n} fields"
        label = layout.labels[n] if len(layout.labels) > n else None
        problems.append(Problem(path, int(row), label, message, "extra-cell"))
    short = (layout.cells < n) & ~layout.blank
    for row, cells in zip(layout.rows[short], layout.cells[short], strict=True):
        for k in range(int(cells), n):
            message = f"{cells} cells: no cell for field {names[k]!r}"
            problems.append(Problem(path, int(row), names[k], message, "missing-cell"))

    frame = frame[~blank]
    schema = table.raw.get("schema") or {}
    raw_fields = schema.get("fields") or []
    in_key = set(table.primary_key)
    text: dict[str, pd.Series] = {}
    typed: dict[str, pd.Series] = {}
    dtypes = pandas_dtypes(table)
    for k, raw in enumerate(raw_fields):
        spec = field_spec(raw, schema, raw.get("name") in in_key)
        checked = check_column(path, spec, frame[k])
        problems.extend(checked.problems)
        text[spec.name] = frame[k].mask(checked.missing)
        column, dtype = checked.typed, dtypes[spec.name]
        if isinstance(dtype, pd.CategoricalDtype):
            column = column.where(column.isin(dtype.categories))
        with contextlib.suppress(TypeError, ValueError):
            column = column.astype(dtype)
        typed[spec.name] = column
    index = pd.RangeIndex(0, 0) if not len(frame) else pd.Index(frame.index - 2)
    text_frame = pd.DataFrame(text, index=frame.index).set_axis(index, axis=0)
    typed_frame = pd.DataFrame(typed, index=frame.index).set_axis(index, axis=0)
    return Rows(text_frame, typed_frame, problems)
