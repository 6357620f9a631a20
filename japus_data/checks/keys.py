"""Keys: primary keys complete and unique, ``unique`` fields, Data Package v2 ``uniqueKeys``,
foreign keys resolving across tables, and rows repeated whole.

Values are compared as typed values, not as the text that spells them: ``02``, ``+2`` and
``2`` are one integer (``fields.key_codes``). Vectorised over the columns' key codes: the
codes of a key's fields are combined exactly into one integer per row (``_repeats``), and
repeats found by counting or hashing those. Python loops only over rows found wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..codes import Check
from ..descriptor import ForeignKey, Table
from ..problem import Problem, bounded, shown
from .rows import Column, Rows

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

# Mixed-radix codes stay below this (int64); past it they are first renumbered densely.
WIDEST = 1 << 62


def _countable(radix: int, n: int) -> bool:
    """Codes below ``radix`` are cheaper counted (O(radix + n)) than hashed."""
    return radix <= 4 * n + 1024


def dense_codes(codes: npt.NDArray[np.int64], radix: int) -> tuple[npt.NDArray[np.int64], int]:
    """``codes`` (each below ``radix``) renumbered 0 .. distinct - 1, equal where equal."""
    import numpy as np
    import pandas as pd

    if len(codes) == 0:
        return codes.astype(np.int64), 0
    if _countable(radix, len(codes)):
        present = np.bincount(codes, minlength=radix) > 0
        renumber = np.cumsum(present) - 1
        return renumber[codes], int(renumber[-1]) + 1
    dense, uniques = pd.factorize(codes)
    return np.asarray(dense, dtype=np.int64), len(uniques)


def _repeats(
    columns: Sequence[Column], complete: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Positions of the rows (among ``complete``) that repeat an earlier row, and that row.

    The fields' key codes are combined exactly, in mixed radix (renumbered densely when the
    product of their ranges would overflow), so equal rows get equal codes and only those:
    counting or hashing, O(rows), never a sort. Once the fields so far nearly tell rows
    apart, the rows alone in their group are dropped: no later field can make them repeat.
    """
    import numpy as np

    none = np.zeros(0, np.int64), np.zeros(0, np.int64)
    everywhere = bool(complete.all())
    candidates = np.arange(len(complete)) if everywhere else np.flatnonzero(complete)
    if len(candidates) < 2:
        return none
    encoded = [c for c in columns if c.distinct]
    keys = [column.keys() if everywhere else column.keys()[candidates] for column in encoded]
    ranges = [int(k.max()) + 1 for k in keys]
    # The most varied first; a column kept as read last, its keys found only for the rows
    # still in play then (often none: the other fields told the rows apart).
    order = sorted(range(len(keys)), key=lambda i: -ranges[i])
    steps: list[int | Column] = [*order, *(c for c in columns if not c.distinct)]
    alive: npt.NDArray[np.int64] | None = None  # the candidates still in play (None: all)
    combined: npt.NDArray[np.int64] | None = None
    radix = 1
    hashed = False
    for at, step in enumerate(steps):
        if isinstance(step, int):
            values = keys[step] if alive is None else keys[step][alive]
            size = ranges[step]
        else:
            values = step.keys_at(candidates if alive is None else candidates[alive])
            size = int(values.max()) + 1
        if combined is None:
            combined, radix = values.astype(np.int64), size
        else:
            if radix * size >= WIDEST:
                combined, radix = dense_codes(combined, radix)
            combined = combined * size + values
            radix *= size
        n = len(combined)
        # Few rows per group, or codes enough to tell every row apart (hashed once), or a
        # column kept as read next: drop the lone rows, which no later field can make repeat.
        before_read = at + 1 < len(steps) and not isinstance(steps[at + 1], int)
        first_wide = radix >= n and not hashed
        if before_read or first_wide or (n <= 4 * radix and _countable(radix, n)):
            hashed = hashed or not _countable(radix, n)
            combined, radix = dense_codes(combined, radix)
            shared = np.bincount(combined, minlength=radix)[combined] > 1
            if not shared.any():
                return none
            if not shared.all():
                kept = np.flatnonzero(shared)
                alive = kept if alive is None else alive[kept]
                combined, radix = dense_codes(combined[kept], radix)
    assert combined is not None
    n = len(combined)
    codes, groups = dense_codes(combined, radix)
    if groups == n:
        return none
    first = np.full(groups, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    firsts = first[codes]
    repeat = np.flatnonzero(firsts != np.arange(n))
    positions = candidates if alive is None else candidates[alive]
    return positions[repeat], positions[firsts[repeat]]


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
        return Problem(table.path, int(rows.rows[repeats[k]]), None, message, Check.DUPLICATE_ROW)

    yield from bounded(table.path, Check.DUPLICATE_ROW, range(len(repeats)), repeat)
    pk = list(table.primary_key)
    if pk and set(pk) <= rows.columns.keys():
        yield from _duplicates(table, rows, pk, Check.PRIMARY_KEY, "primary key")
    for f in table.fields:
        if f.unique and f.name in rows.columns and [f.name] != pk:
            yield from _duplicates(table, rows, [f.name], Check.UNIQUE, "value")
    for key in table.unique_keys:
        names = list(key)
        if names and set(names) <= rows.columns.keys():
            yield from _duplicates(table, rows, names, Check.UNIQUE_KEY, "unique key")


def foreign_key_problems(
    table: Table,
    rows: Rows,
    tables: Mapping[str, Rows],
    failing: Mapping[str, set[str | None]] | None = None,
) -> Iterator[Problem]:
    """Every foreign key, where all its fields are given, names an existing row.

    ``failing`` gives, per table, the fields with problems (None: the whole file). A key into
    another table whose referenced fields have problems, or that has no rows, is one line
    saying so: its rows' references are checked once it is fixed, not reported one by one.
    """
    import numpy as np
    import pandas as pd

    failing = failing or {}

    for fk in table.foreign_keys:
        local, remote = list(fk.fields), list(fk.reference_fields)
        if not set(local) <= rows.columns.keys() or len(local) != len(remote):
            continue  # a foreign key the descriptor check refuses
        target = tables.get(fk.resource)
        if target is None:
            yield from _unchecked(table, rows, local, fk.resource, "could not be read")
            continue
        if not set(remote) <= target.columns.keys():
            continue
        why = _unfit(failing.get(fk.resource, set()), remote, len(target.rows))
        if why and fk.resource != table.name:  # a table's own keys are checked as they are
            yield from _unchecked(table, rows, local, fk.resource, why)
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
        yield from bounded(table.path, Check.FOREIGN_KEY, bad, _dangling(table, rows, columns, fk))


def _dangling(
    table: Table, rows: Rows, columns: list[Column], fk: ForeignKey
) -> Callable[[int], Problem]:
    label = ",".join(fk.fields)

    def problem(position: int) -> Problem:
        values = ", ".join(shown(c.uniques.iloc[c.codes[position]]) for c in columns)
        message = f"{values} is not a {'/'.join(fk.reference_fields)} of {fk.resource}"
        return Problem(table.path, int(rows.rows[position]), label, message, Check.FOREIGN_KEY)

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


def _unfit(failing: set[str | None], remote: list[str], count: int) -> str | None:
    """Why a referenced table cannot be relied on, or None."""
    if count == 0:
        return "has no rows"
    if None in failing:
        return "has errors"
    bad = [name for name in remote if name in failing]
    return f"has errors in {', '.join(bad)}" if bad else None


def _unchecked(
    table: Table, rows: Rows, local: list[str], resource: str, why: str
) -> Iterator[Problem]:
    """One problem for a foreign key into a table that could not be read or relied on, not
    one per row: the table's own problems say why; a bad byte there must not flood the
    report."""
    import numpy as np

    given = np.ones(len(rows.rows), dtype=bool)
    for name in local:
        given &= ~rows.columns[name].null()
    count = int(given.sum())
    if count:
        message = (
            f"{count} rows refer to {resource}, which {why}: "
            "these references cannot be checked until it is fixed"
        )
        yield Problem(table.path, None, ",".join(local), message, Check.FOREIGN_KEY)
