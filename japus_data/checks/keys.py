"""Keys: primary keys complete and unique, ``unique`` fields, Data Package v2 ``uniqueKeys``,
foreign keys resolving across tables, and rows repeated whole.

Values are compared as typed values, not as the text that spells them: ``02``, ``+2`` and
``2`` are one integer (``fields.key_codes``). Vectorised over the columns' key codes: the
codes of a key's fields are mixed into one 64-bit hash per row, repeats are found with
``numpy.unique``, and each repeat is confirmed field by field (so a hash collision can never
be reported). Python loops only over rows found wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..descriptor import ForeignKey, Table
from .problem import Problem, bounded, shown
from .rows import Column, Rows

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

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
    keys = [column.keys()[candidates] for column in columns]
    hashed = np.zeros(len(candidates), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k, codes in enumerate(keys):
            mixed = codes.astype(np.uint64) + np.uint64(1)
            hashed = (hashed ^ mixed) * np.uint64(MIX[k % len(MIX)])
            hashed ^= hashed >> np.uint64(29)
    _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
    firsts = first[inverse.ravel()]
    repeat = np.flatnonzero(firsts != np.arange(len(candidates)))
    same = np.ones(len(repeat), dtype=bool)
    for codes in keys:  # confirm: no report from a hash collision
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
    repeats, firsts = _repeats(columns, complete)

    def problem(k: int) -> Problem:
        position = repeats[k]
        values = ", ".join(shown(c.uniques.iloc[c.codes[position]]) for c in columns)
        message = f"{what} {values} is already in row {int(rows.rows[firsts[k]])}"
        return Problem(table.path, int(rows.rows[position]), label, message, check)

    yield from bounded(table.path, check, range(len(repeats)), problem)


def key_problems(table: Table, rows: Rows) -> Iterator[Problem]:
    """Within one table: whole-row repeats, primary key, unique fields, uniqueKeys."""
    import numpy as np

    if not rows.columns:
        return
    everything = list(rows.columns.values())
    all_rows = np.ones(len(rows.rows), dtype=bool)
    repeats, firsts = _repeats(everything, all_rows)

    def repeat(k: int) -> Problem:
        message = f"repeats row {int(rows.rows[firsts[k]])}"
        return Problem(table.path, int(rows.rows[repeats[k]]), None, message, "duplicate-row")

    yield from bounded(table.path, "duplicate-row", range(len(repeats)), repeat)
    pk = list(table.primary_key)
    if pk and set(pk) <= rows.columns.keys():
        yield from _duplicates(table, rows, pk, "primary-key", "primary key")
    for f in table.fields:
        if f.unique and f.name in rows.columns and [f.name] != pk:
            yield from _duplicates(table, rows, [f.name], "unique", "value")
    for key in table.unique_keys:
        names = list(key)
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
        target = tables.get(fk.resource)
        if target is None:
            yield from _unreadable_target(table, rows, local, fk.resource)
            continue
        if not set(remote) <= target.columns.keys():
            continue
        columns = [rows.columns[name] for name in local]
        # Rows whose every field is given and of its type (a wrong type is reported as such).
        given = np.ones(len(rows.rows), dtype=bool)
        for column in columns:
            given &= column.ok[column.codes]
        others = [target.columns[name] for name in remote]
        if len(local) == 1:
            (column,), (other,) = columns, others
            used = np.bincount(other.codes, minlength=len(other.uniques)) > 0
            wanted = other.values[used & other.ok]
            known = _isin(column.values, wanted)
            bad = np.flatnonzero(given & ~known[column.codes])
        else:
            targets = np.ones(len(target.rows), dtype=bool)
            for other in others:
                targets &= other.ok[other.codes]
            there = np.flatnonzero(targets)
            keys = pd.MultiIndex.from_arrays([c.typed(np.flatnonzero(given)) for c in columns])
            found = keys.isin(pd.MultiIndex.from_arrays([o.typed(there) for o in others]))
            bad = np.flatnonzero(given)[~found]
        yield from bounded(table.path, "foreign-key", bad, _dangling(table, rows, columns, fk))


def _dangling(
    table: Table, rows: Rows, columns: list[Column], fk: ForeignKey
) -> Callable[[int], Problem]:
    label = ",".join(fk.fields)

    def problem(position: int) -> Problem:
        values = ", ".join(shown(c.uniques.iloc[c.codes[position]]) for c in columns)
        message = f"{values} is not a {'/'.join(fk.reference_fields)} of {fk.resource}"
        return Problem(table.path, int(rows.rows[position]), label, message, "foreign-key")

    return problem


def _isin(values: pd.Series, wanted: pd.Series) -> npt.NDArray[np.bool_]:
    """Per value: among ``wanted``, compared as typed values (none match across types that
    cannot be compared)."""
    import numpy as np

    try:
        found = np.asarray(values.isin(wanted).to_numpy(dtype=bool, na_value=False))
    except (TypeError, ValueError):
        found = np.zeros(len(values), dtype=bool)
    return found


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
