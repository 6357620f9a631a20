"""Keys: primary keys complete and unique, ``unique`` fields, Data Package v2 ``uniqueKeys``,
foreign keys resolving across tables, and rows repeated whole.

Vectorised over the columns' codes: the codes of a key's fields are mixed into one 64-bit
hash per row, repeats are found with ``numpy.unique``, and each repeat is confirmed field by
field (so a hash collision can never be reported). Python loops only over rows found wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..descriptor import Table
from .problem import Problem, shown
from .rows import Column, Rows

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Odd 64-bit multipliers, one per key field, to mix the fields' codes into a row hash.
MIX = [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93]


def _repeats(
    columns: Sequence[Column], complete: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Positions of the rows (among ``complete``) that repeat an earlier row, and that row."""
    import numpy as np

    candidates = np.flatnonzero(complete)
    if len(candidates) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    hashed = np.zeros(len(candidates), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k, column in enumerate(columns):
            mixed = column.codes[candidates].astype(np.uint64) + np.uint64(1)
            hashed = (hashed ^ mixed) * np.uint64(MIX[k % len(MIX)])
            hashed ^= hashed >> np.uint64(29)
    _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
    firsts = first[inverse.ravel()]
    repeat = np.flatnonzero(firsts != np.arange(len(candidates)))
    same = np.ones(len(repeat), dtype=bool)
    for column in columns:  # confirm: no report from a hash collision
        codes = column.codes[candidates]
        same &= codes[repeat] == codes[firsts[repeat]]
    repeat = repeat[same]
    return candidates[repeat], candidates[firsts[repeat]]


def _duplicates(
    table: Table, rows: Rows, names: list[str], check: str, what: str
) -> Iterator[Problem]:
    import numpy as np

    columns = [rows.columns[name] for name in names]
    complete = np.ones(len(rows.rows), dtype=bool)
    for column in columns:
        complete &= ~column.null()
    label = ",".join(names)
    for position, first in zip(*_repeats(columns, complete), strict=True):
        values = ", ".join(shown(c.uniques.iloc[c.codes[position]]) for c in columns)
        message = f"{what} {values} is already in row {int(rows.rows[first])}"
        yield Problem(table.path, int(rows.rows[position]), label, message, check)


def key_problems(table: Table, rows: Rows) -> Iterator[Problem]:
    """Within one table: whole-row repeats, primary key, unique fields, uniqueKeys."""
    import numpy as np

    if not rows.columns:
        return
    everything = list(rows.columns.values())
    all_rows = np.ones(len(rows.rows), dtype=bool)
    for position, first in zip(*_repeats(everything, all_rows), strict=True):
        message = f"repeats row {int(rows.rows[first])}"
        yield Problem(table.path, int(rows.rows[position]), None, message, "duplicate-row")
    pk = list(table.primary_key)
    if pk and set(pk) <= rows.columns.keys():
        yield from _duplicates(table, rows, pk, "primary-key", "primary key")
    for f in table.fields:
        if f.unique and f.name in rows.columns and [f.name] != pk:
            yield from _duplicates(table, rows, [f.name], "unique", "value")
    schema = table.raw.get("schema") or {}
    for key in schema.get("uniqueKeys") or []:
        names = [key] if isinstance(key, str) else list(key)
        if names and set(names) <= rows.columns.keys():
            yield from _duplicates(table, rows, names, "unique-key", "unique key")


def foreign_key_problems(table: Table, rows: Rows, tables: Mapping[str, Rows]) -> Iterator[Problem]:
    """Every foreign key, where all its fields are given, names an existing row."""
    import numpy as np
    import pandas as pd

    for fk in table.foreign_keys:
        local, remote = list(fk.fields), list(fk.reference_fields)
        if not set(local) <= rows.columns.keys() or len(local) != len(remote):
            continue  # a foreign key the descriptor check refuses
        label = ",".join(local)
        target = tables.get(fk.resource)
        if target is None:
            yield from _unreadable_target(table, rows, local, fk.resource)
            continue
        if not set(remote) <= target.columns.keys():
            continue
        columns = [rows.columns[name] for name in local]
        given = np.ones(len(rows.rows), dtype=bool)
        for column in columns:
            given &= ~column.null()
        if len(local) == 1:
            (column,) = columns
            other = target.columns[remote[0]]
            used = np.bincount(other.codes, minlength=len(other.uniques)) > 0
            wanted: set[Any] = set(other.uniques[used & ~other.missing])
            known = column.uniques.isin(wanted).to_numpy()
            bad = np.flatnonzero(given & ~known[column.codes])
        else:
            keys = pd.MultiIndex.from_arrays([c.text()[given] for c in columns])
            others = [target.columns[name].text() for name in remote]
            found = keys.isin(pd.MultiIndex.from_arrays(others))
            bad = np.flatnonzero(given)[~found]
        for position in bad:
            values = ", ".join(shown(c.uniques.iloc[c.codes[position]]) for c in columns)
            message = f"{values} is not a {'/'.join(remote)} of {fk.resource}"
            yield Problem(table.path, int(rows.rows[position]), label, message, "foreign-key")


def _unreadable_target(
    table: Table, rows: Rows, local: list[str], resource: str
) -> Iterator[Problem]:
    """One problem for a foreign key into a table that could not be read, not one per row:
    the table's own problems say why; a bad byte there must not flood the report."""
    import numpy as np

    given = np.ones(len(rows.rows), dtype=bool)
    for name in local:
        given &= ~rows.columns[name].null()
    count = int(given.sum())
    if count:
        message = (
            f"{count} rows refer to {resource}, which could not be read: "
            "these references cannot be checked until it is fixed"
        )
        yield Problem(table.path, None, ",".join(local), message, "foreign-key")
