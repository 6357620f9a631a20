"""Every cell of one column against its field: missing values, type, constraints, categories,
whitespace, number formatting, spreadsheet formulas.

Vectorised: a column is factorised once, each check runs on its distinct values (with pandas
string methods), and the verdicts are mapped back to the rows through the codes. Python
loops only over the cells found wrong, to word their messages.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` is refused because a spreadsheet
would run it as a formula, unless it is one of the field's ``categories`` or ``enum`` values,
or the field sets the custom property ``"allowFormulaPrefix": true``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..codes import Check
from ..descriptor import ALLOW_FORMULA, FORMULA_PREFIXES, Field, values_of
from ..fieldtypes import Flag, _fullmatch, field_type, parse_values, positions
from ..problem import Problem, bounded, shown

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd


@dataclass
class Checked:
    """A column's verdicts: the problems, and its values typed for the package's rules."""

    problems: list[Problem]
    missing: npt.NDArray[np.bool_]  # per distinct value: one of the missing values
    ok: npt.NDArray[np.bool_]  # per distinct value: present and of the field's type
    values: pd.Series  # per distinct value: its typed value, NA where missing or wrong
    key: npt.NDArray[np.int64]  # per distinct value: equal where the typed values are equal
    category: npt.NDArray[np.int64] | None  # per distinct value: its category's position, or -1


def check_column(
    path: str,
    spec: Field,
    codes: npt.NDArray[np.int64],
    u: pd.Series,
    rows: npt.NDArray[np.int64],
) -> Checked:
    """Check every cell of a column given as ``codes`` into its distinct texts ``u``."""
    import numpy as np

    verdicts: list[tuple[npt.NDArray[np.bool_], str, Callable[[str], str]]] = []

    def flag(bad: pd.Series | npt.NDArray[np.bool_], check: str, say: Callable[[str], str]) -> None:
        verdicts.append((np.asarray(bad, dtype=bool), check, say))

    missing = u.isin(spec.missing).to_numpy()
    present = ~missing
    if spec.required:
        flag(missing, Check.REQUIRED, lambda v: "a value is required")
    stripped = u.str.strip()
    flag(
        present & (u != stripped).to_numpy(),
        Check.WHITESPACE,
        lambda v: f"{shown(v)} has stray whitespace",
    )

    ok, typed = parse_values(spec, stripped, present, flag)
    items = spec.category_values
    category = None if items is None else positions(spec, items, typed, ok)
    _constraints(spec, stripped, typed, ok, category, flag)

    if spec.type == "string" and not spec.allow_formula:
        declared = set(values_of(spec.category_values)) | set(
            values_of(spec.constraints.get("enum"))
        )
        formula = present & stripped.str[:1].isin(FORMULA_PREFIXES).to_numpy()
        formula = formula & ~u.isin(declared).to_numpy()
        flag(
            formula,
            Check.FORMULA,
            lambda v: (
                f"{shown(v)} starts with {v.strip()[:1]!r}: a spreadsheet would run it as a "
                f"formula (set {ALLOW_FORMULA!r} on the field if intended)"
            ),
        )

    problems: list[Problem] = []
    for bad, check, say in verdicts:
        if not bad.any():
            continue

        def problem(position: int, say: Callable[[str], str] = say, check: str = check) -> Problem:
            value = str(u.iloc[codes[position]])
            return Problem(path, int(rows[position]), spec.name, say(value), check)

        problems.extend(bounded(path, check, np.flatnonzero(bad[codes]), problem))

    values = typed if ok.all() else typed.where(ok)
    return Checked(problems, missing, ok, values, key_codes(spec, values), category)


def key_codes(spec: Field, values: pd.Series) -> npt.NDArray[np.int64]:
    """Per distinct text: a code shared by the texts whose typed values are equal. Texts
    that are not of the field's type (NA in ``values``) keep a code of their own (they are
    reported as such)."""
    import numpy as np
    import pandas as pd

    n = len(values)
    if not field_type(spec.type).typed_keys or n == 0:
        return np.arange(n, dtype=np.int64)
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    alone = codes < 0
    codes[alone] = codes.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    return codes


def _limit(spec: Field, value: Any) -> Any:
    import pandas as pd

    if spec.type == "date":
        return pd.Timestamp(str(value))
    if spec.type == "datetime":  # compared as instants, as the cells are (in UTC)
        instant = pd.Timestamp(str(value))
        return instant.tz_localize("UTC") if instant.tz is None else instant.tz_convert("UTC")
    if spec.type == "year":
        return int(value)
    return value


def _constraints(
    spec: Field,
    s: pd.Series,
    typed: pd.Series,
    ok: npt.NDArray[np.bool_],
    category: npt.NDArray[np.int64] | None,
    flag: Flag,
) -> None:
    import numpy as np
    import pandas as pd

    c = spec.constraints
    if "pattern" in c:
        matches = _fullmatch(s, str(c["pattern"])).to_numpy()
        flag(ok & ~matches, Check.PATTERN, lambda v: f"{shown(v)} does not match {c['pattern']!r}")
    # An enum that repeats the categories (derived for Table Schema v1 readers) adds no check:
    # a code outside them is reported once, as outside its categories.
    if "enum" in c and not (category is not None and c["enum"] == spec.category_values):
        enum = c["enum"] if isinstance(c["enum"], list) else []
        inside = positions(spec, enum, typed, ok) >= 0
        flag(ok & ~inside, Check.ENUM, lambda v: f"{shown(v)} is not one of {enum}")
    if category is not None:
        outside = ok & (category < 0)
        flag(outside, Check.CATEGORIES, lambda v: f"{shown(v)} is not one of its categories")
    lengths = s.str.len().to_numpy() if "minLength" in c or "maxLength" in c else None
    if lengths is not None and "minLength" in c:
        flag(
            ok & (lengths < c["minLength"]),
            Check.MIN_LENGTH,
            lambda v: f"shorter than {c['minLength']}",
        )
    if lengths is not None and "maxLength" in c:
        flag(
            ok & (lengths > c["maxLength"]),
            Check.MAX_LENGTH,
            lambda v: f"longer than {c['maxLength']}",
        )
    if not field_type(spec.type).comparable:
        return
    values = typed
    for name, op, words in (
        (Check.MINIMUM, np.less, "less than"),
        (Check.MAXIMUM, np.greater, "greater than"),
        (Check.EXCLUSIVE_MINIMUM, np.less_equal, "not greater than"),
        (Check.EXCLUSIVE_MAXIMUM, np.greater_equal, "not less than"),
    ):
        if name in c:
            try:
                limit = _limit(spec, c[name])
            except (ValueError, TypeError):
                continue
            bad = op(values, limit)
            bad = np.asarray(pd.Series(bad).fillna(False), dtype=bool)
            flag(ok & bad, name, _beyond(name, words, c[name]))


def _beyond(name: str, words: str, limit: Any) -> Callable[[str], str]:
    return lambda v: f"{shown(v)} is {words} the {name} {limit}"
