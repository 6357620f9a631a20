"""Keys: primary keys complete and unique, ``unique`` fields, Data Package v2 ``uniqueKeys``,
foreign keys resolving across tables, and rows repeated whole.

All on the text cells (missing values already NA), with pandas' hashing: no loop per row
except over the rows found wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..descriptor import Table
from .problem import Problem, shown

if TYPE_CHECKING:
    import pandas as pd


def _first_rows(frame: pd.DataFrame) -> tuple[Any, Any]:
    """For each row, the position of the first row with the same values; and duplicates."""
    import numpy as np
    import pandas as pd

    if frame.shape[1] == 1:
        codes, _ = pd.factorize(frame.iloc[:, 0])
    else:
        codes, _ = pd.MultiIndex.from_frame(frame).factorize()
    _, first = np.unique(codes, return_index=True)
    firsts = first[np.searchsorted(np.unique(codes), codes)]
    return firsts, firsts != np.arange(len(codes))


def _duplicates(
    table: Table, text: pd.DataFrame, fields: list[str], check: str, what: str
) -> Iterator[Problem]:
    complete = text[fields].notna().all(axis=1)
    subset = text.loc[complete, fields]
    if subset.empty:
        return
    firsts, duplicated = _first_rows(subset)
    label = ",".join(fields)
    for position in duplicated.nonzero()[0]:
        row = int(subset.index[position]) + 2
        first = int(subset.index[firsts[position]]) + 2
        values = ", ".join(shown(v) for v in subset.iloc[position])
        message = f"{what} {values} is already in row {first}"
        yield Problem(table.path, row, label, message, check)


def key_problems(table: Table, text: pd.DataFrame) -> Iterator[Problem]:
    """Within one table: whole-row duplicates, primary key, unique fields, uniqueKeys."""
    whole = text.astype("str").fillna("")
    if len(whole):
        firsts, duplicated = _first_rows(whole)
        for position in duplicated.nonzero()[0]:
            row = int(whole.index[position]) + 2
            first = int(whole.index[firsts[position]]) + 2
            yield Problem(table.path, row, None, f"repeats row {first}", "duplicate-row")
    pk = list(table.primary_key)
    if pk and set(pk) <= set(text.columns):
        for name in pk:
            if not table.field(name).required:
                for index in text.index[text[name].isna()]:
                    message = "part of the primary key: a value is required"
                    yield Problem(table.path, int(index) + 2, name, message, "primary-key")
        yield from _duplicates(table, text, pk, "primary-key", "primary key")
    for f in table.fields:
        if f.unique and f.name in text.columns and [f.name] != pk:
            yield from _duplicates(table, text, [f.name], "unique", "value")
    schema = table.raw.get("schema") or {}
    for key in schema.get("uniqueKeys") or []:
        names = [key] if isinstance(key, str) else list(key)
        if names and set(names) <= set(text.columns):
            yield from _duplicates(table, text, names, "unique-key", "unique key")


def foreign_key_problems(
    table: Table, text: pd.DataFrame, texts: Mapping[str, pd.DataFrame]
) -> Iterator[Problem]:
    """Every foreign key, where all its fields are given, names an existing row."""
    import pandas as pd

    for fk in table.foreign_keys:
        local, remote = list(fk.fields), list(fk.reference_fields)
        label = ",".join(local)
        target = texts.get(fk.resource)
        unread = ""
        if target is None:  # as frictionless does: an unreadable table has no rows
            target = pd.DataFrame({name: pd.Series(dtype="str") for name in remote})
            unread = f" ({fk.resource} could not be read)"
        if not (set(local) <= set(text.columns) and set(remote) <= set(target.columns)):
            continue
        given = text.loc[text[local].notna().all(axis=1), local]
        if given.empty:
            continue
        wanted = target[remote].dropna()
        if len(local) == 1:
            found = given.iloc[:, 0].isin(set(wanted.iloc[:, 0])).to_numpy()
        else:
            keys = pd.MultiIndex.from_frame(given.astype("str"))
            found = keys.isin(pd.MultiIndex.from_frame(wanted.astype("str")))
        index = given.index.to_numpy()
        for position in (~found).nonzero()[0]:
            row = int(index[position]) + 2
            values = ", ".join(shown(v) for v in given.iloc[position])
            message = f"{values} is not a {'/'.join(remote)} of {fk.resource}{unread}"
            yield Problem(table.path, row, label, message, "foreign-key")
